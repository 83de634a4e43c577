package org.pillars.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.pillars.support.Ports;

/** Root where user namespaces are blocked: PostgreSQL runs as nobody. Only meaningful when run as root. */
class UnprivilegedPostgresTest {

  private Path base;

  @BeforeEach
  void rootOnly() throws IOException {
    assumeTrue(UnprivilegedPostgres.runningAsRoot(), "runs PostgreSQL as nobody, which needs root");
    base = Files.createTempDirectory(Path.of("/tmp"), "pillars-nobody");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void clean() throws IOException {
    if (base != null) {
      try (Stream<Path> files = Files.walk(base)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  @DisplayName("as root without user namespaces, PostgreSQL runs as nobody, keeps its data and stops cleanly")
  void runsAsNobody() throws Exception {
    Path data = base.resolve("postgres");
    int port;
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, true)) {
      port = server.port();
      try (Connection c = connect(port); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kept (v text)");
        s.execute("INSERT INTO kept VALUES ('still here')");
      }
      long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
      Process ps = new ProcessBuilder("ps", "-o", "user=", "-p", String.valueOf(pid)).start();
      assertEquals("nobody", new String(ps.getInputStream().readAllBytes()).trim());
    }
    assertFalse(Ports.listening(port), "stopped with the server");

    try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(data, true);
         Connection c = connect(again.port()); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
      assertTrue(rs.next());
      assertEquals("still here", rs.getString(1));
    }
  }

  @Test
  @DisplayName("a data folder nobody cannot reach is refused with a line that says how to fix it")
  void unreachableDataFolder() throws Exception {
    Path closed = base.resolve("closed");
    Files.createDirectories(closed);
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
    IOException e = assertThrows(IOException.class, () -> EmbeddedPostgresServer.start(closed.resolve("pg"), true));
    assertTrue(e.getMessage().contains("cannot enter " + closed) && e.getMessage().contains("PILLARS_DATA"), e.getMessage());
  }

  private static Connection connect(int port) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + EmbeddedPostgresServer.DATABASE
        + "?user=" + EmbeddedPostgresServer.USER);
  }
}
