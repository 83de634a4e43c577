package org.pillars.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * A database migrated by an earlier release starts with this one. V20 was released twice: as first written (stop 32)
 * and with what is now V21 written into it (stop 33). Both histories must migrate, and end with the same schema.
 */
@ExtendWith(TestPostgres.class)
class MigrationHistoryTest {

  private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

  @TempDir
  Path released;

  @ParameterizedTest(name = "V20 as released at {0}")
  @ValueSource(strings = {"stop32", "stop33"})
  @DisplayName("a database that ran either released V20 migrates to the current schema, with V21's objects there once")
  void earlierReleasesMigrate(String release) throws IOException {
    // the migrations that release shipped: V1 to V19 as they are, and its own V20
    try (Stream<Path> files = Files.list(MIGRATIONS)) {
      for (Path f : files.toList()) {
        int version = Integer.parseInt(f.getFileName().toString().replaceAll("^V(\\d+)__.*", "$1"));
        if (version < 20) {
          Files.copy(f, released.resolve(f.getFileName()));
        }
      }
    }
    Files.copy(Path.of("src/test/resources/db/released", release, "V20__signed_certificates.sql"),
        released.resolve("V20__signed_certificates.sql"));
    String url = TestPostgres.newDatabase();
    String name = url.substring(url.lastIndexOf('/') + 1);
    Flyway.configure().dataSource(TestPostgres.jdbcUrl(name), "postgres", null).locations("filesystem:" + released)
        .load().migrate();

    try (TestApp server = TestApp.startOn(url, Path.of(TestApp.GOOD_COURSES))) {
      var pool = server.app().database().pool();
      Row row = pool.query("""
          SELECT (SELECT count(*) FROM pg_proc WHERE proname IN ('newest_certificate', 'passes_count_after', 'module_progress_revoked')),
                 (SELECT count(*) FROM pg_trigger WHERE tgname = 'certificates_progress_revoked'),
                 (SELECT count(*) FROM pg_indexes WHERE indexname = 'certificates_one_standing'),
                 (SELECT count(*) FROM pg_constraint WHERE conname = 'certificates_account_id_module_id_key'),
                 (SELECT max(version::int) FROM flyway_schema_history WHERE success),
                 (SELECT checksum FROM flyway_schema_history WHERE version = '20')""").execute().await().iterator().next();
      assertEquals(3, row.getLong(0), "the three functions, once each");
      assertEquals(1, row.getLong(1), "the revocation trigger, once");
      assertEquals(1, row.getLong(2), "one standing certificate per learner and module");
      assertEquals(0, row.getLong(3), "the old one-certificate-ever constraint is gone");
      assertTrue(row.getInteger(4) >= 22, "migrated to the current version: " + row.getInteger(4));
      assertEquals(Database.V20_RELEASED, row.getInteger(5), "V20 recorded as first released");
    }
  }
}
