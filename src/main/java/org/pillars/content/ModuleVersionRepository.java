package org.pillars.content;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.pillars.db.Transactions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Module versions and what is published, in PostgreSQL (module_versions, module_files, module_heads). */
public final class ModuleVersionRepository {

  /**
   * A published version as stored: enough to serve it without rendering anything. {@code organisationId}: the
   * organisation the module is for (with its units), null when it is for every organisation.
   */
  public record Stored(String moduleId, int version, String folder, String folderDigest, JsonObject module, JsonObject quiz,
                       Long organisationId) { }

  /**
   * A version to publish: {@code floor} is the version its author wrote (the number given is at least that, and
   * above every earlier one); {@code files} are its sources by path inside the module; {@code organisationId} the
   * scope of a module published for the first time (null: every organisation; a published module keeps its own).
   */
  public record NewVersion(String moduleId, int floor, String folder, String digest, JsonObject module, JsonObject quiz,
                           Map<String, byte[]> files, String origin, Long publishedBy, Long organisationId) { }

  private static final String PUBLISHED = """
      SELECT h.module_id, h.published, h.folder, h.folder_digest, h.organisation_id, v.module, v.quiz FROM module_heads h
      JOIN module_versions v ON v.module_id = h.module_id AND v.version = h.published
      ORDER BY h.folder NULLS LAST, h.module_id""";
  private static final String QUIZ = "SELECT quiz FROM module_versions WHERE module_id = $1 AND version = $2";
  /** Every server publishing from its folder at once: one at a time, and the later ones find the work done. */
  private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('pillars.module_versions'))";
  /** What the module's head holds now: the published version's digest, and the folder's when last read in. */
  private static final String HEAD_DIGEST = """
      SELECT v.digest, h.folder_digest FROM module_heads h
      JOIN module_versions v ON v.module_id = h.module_id AND v.version = h.published WHERE h.module_id = $1""";
  /** The next number: the author's own when it is only a quiz kept since V8 (the first import), else above all. */
  private static final String NEXT = """
      SELECT CASE WHEN NOT bool_or(module IS NOT NULL) AND bool_or(version = $2) THEN $2
                  ELSE greatest($2, max(version) + 1) END
      FROM module_versions WHERE module_id = $1""";
  private static final String INSERT_VERSION = """
      INSERT INTO module_versions (module_id, version, quiz, module, digest, origin, folder, published_by)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (module_id, version) DO UPDATE SET quiz = excluded.quiz, module = excluded.module, digest = excluded.digest,
        origin = excluded.origin, folder = excluded.folder, published_by = excluded.published_by
      WHERE module_versions.module IS NULL""";
  private static final String INSERT_FILE = "INSERT INTO module_files (module_id, version, path, bytes) VALUES ($1, $2, $3, $4)";
  private static final String FREE_FOLDER = "UPDATE module_heads SET folder = NULL WHERE folder = $1 AND module_id <> $2";
  private static final String HEAD = """
      INSERT INTO module_heads (module_id, published, folder, folder_digest, organisation_id) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (module_id) DO UPDATE SET published = excluded.published, folder = coalesce(excluded.folder, module_heads.folder),
        folder_digest = coalesce(excluded.folder_digest, module_heads.folder_digest), published_at = now()""";

  /** Where a publication is announced, with the module id as the payload (committed with it, so never early). */
  public static final String CHANNEL = "pillars_modules";
  private static final String ANNOUNCE = "SELECT pg_notify('" + CHANNEL + "', $1)";

  /** One version of a module as its history lists it. */
  public record VersionInfo(int version, java.time.OffsetDateTime createdAt, String origin, String folder, Long publishedBy,
                            String digest, int files, boolean published) { }

  /** Since which version a file of a module has had its present content (the published version's files). */
  public record FileSince(String path, int since) { }

  private static final String HISTORY = """
      SELECT v.version, v.created_at, v.origin, v.folder, v.published_by, v.digest,
             (SELECT count(*) FROM module_files f WHERE f.module_id = v.module_id AND f.version = v.version) AS files,
             h.published IS NOT NULL AS published
      FROM module_versions v LEFT JOIN module_heads h ON h.module_id = v.module_id AND h.published = v.version
      WHERE v.module_id = $1 AND v.module IS NOT NULL ORDER BY v.version DESC""";
  private static final String FILES = "SELECT path, bytes FROM module_files WHERE module_id = $1 AND version = $2 ORDER BY path";
  /** For each file of the published version: the earliest version from which it has been byte for byte the same. */
  private static final String SINCE = """
      WITH head AS (SELECT published FROM module_heads WHERE module_id = $1),
      marked AS (
        SELECT f.path, f.version, md5(f.bytes) AS sum,
               lag(md5(f.bytes)) OVER (PARTITION BY f.path ORDER BY f.version) AS before,
               lag(f.version) OVER (PARTITION BY f.path ORDER BY f.version) AS previous
        FROM module_files f, head WHERE f.module_id = $1 AND f.version <= head.published)
      SELECT m.path, max(m.version) AS since FROM marked m, head
      WHERE m.path IN (SELECT path FROM module_files WHERE module_id = $1 AND version = head.published)
        AND (m.before IS DISTINCT FROM m.sum OR m.previous IS NULL)
      GROUP BY m.path ORDER BY m.path""";

  private final Pool pool;

  public ModuleVersionRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Stored>> published() {
    return pool.query(PUBLISHED).execute().map(rows -> {
      List<Stored> stored = new ArrayList<>();
      for (Row r : rows) {
        stored.add(new Stored(r.getString("module_id"), r.getInteger("published"), r.getString("folder"), r.getString("folder_digest"),
            r.getJsonObject("module"), r.getJsonObject("quiz"), r.getLong("organisation_id")));
      }
      return stored;
    });
  }

  /** Every version of a module that holds a whole module, newest first. */
  public Future<List<VersionInfo>> history(String moduleId) {
    return pool.preparedQuery(HISTORY).execute(Tuple.of(moduleId)).map(rows -> {
      List<VersionInfo> list = new ArrayList<>();
      for (Row r : rows) {
        list.add(new VersionInfo(r.getInteger("version"), r.getOffsetDateTime("created_at"), r.getString("origin"),
            r.getString("folder"), r.getLong("published_by"), r.getString("digest"), r.getInteger("files"), r.getBoolean("published")));
      }
      return list;
    });
  }

  /** The source files of a version, by path; empty when there is no such version. */
  public Future<Map<String, byte[]>> files(String moduleId, int version) {
    return pool.preparedQuery(FILES).execute(Tuple.of(moduleId, version)).map(rows -> {
      Map<String, byte[]> files = new java.util.LinkedHashMap<>();
      for (Row r : rows) {
        files.put(r.getString("path"), r.getBuffer("bytes").getBytes());
      }
      return files;
    });
  }

  private static final String PUBLISHED_MARKDOWN = """
      SELECT coalesce(h.folder, h.module_id) AS folder, f.path, f.bytes FROM module_heads h
      JOIN module_files f ON f.module_id = h.module_id AND f.version = h.published
      WHERE f.path LIKE '%.md' ORDER BY 1, 2""";

  /**
   * The Markdown files of every published version, by the folder it sits in (its courses/ folder, else its id), then
   * path: what checking a draft's links to other modules needs (images are checked in their own module only).
   */
  public Future<Map<String, Map<String, byte[]>>> publishedMarkdown() {
    return pool.query(PUBLISHED_MARKDOWN).execute().map(rows -> {
      Map<String, Map<String, byte[]>> all = new java.util.LinkedHashMap<>();
      for (Row r : rows) {
        all.computeIfAbsent(r.getString("folder"), f -> new java.util.LinkedHashMap<>()).put(r.getString("path"),
            r.getBuffer("bytes").getBytes());
      }
      return all;
    });
  }

  private static final String MEDIA = """
      SELECT bytes FROM module_files WHERE module_id = $1 AND path = $2 AND left(encode(sha256(bytes), 'hex'), 16) = $3 LIMIT 1""";

  /** A file of any version of a module, found by its name and the start of its SHA-256 (as an image's address gives). */
  public Future<Optional<byte[]>> media(String moduleId, String path, String digest) {
    return pool.preparedQuery(MEDIA).execute(Tuple.of(moduleId, path, digest))
        .map(rows -> rows.size() == 0 ? Optional.<byte[]>empty() : Optional.of(rows.iterator().next().getBuffer(0).getBytes()));
  }

  /** Since which version each file of the published version has been as it is. */
  public Future<List<FileSince>> since(String moduleId) {
    return pool.preparedQuery(SINCE).execute(Tuple.of(moduleId)).map(rows -> {
      List<FileSince> list = new ArrayList<>();
      for (Row r : rows) {
        list.add(new FileSince(r.getString("path"), r.getInteger("since")));
      }
      return list;
    });
  }

  private static final String VERSION = """
      SELECT module, quiz FROM module_versions WHERE module_id = $1 AND version = $2 AND module IS NOT NULL""";
  private static final String REPUBLISH = """
      UPDATE module_heads SET published = $2, published_at = now() WHERE module_id = $1 AND published <> $2""";

  /** A whole version of a module, rendered, with its quiz; empty when there is none. */
  public Future<Optional<Module>> version(String moduleId, int version) {
    return pool.preparedQuery(VERSION).execute(Tuple.of(moduleId, version)).map(rows -> rows.size() == 0 ? Optional.<Module>empty()
        : Optional.of(ModuleCodec.fromJson(rows.iterator().next().getJsonObject("module"), version, rows.iterator().next().getJsonObject("quiz"))));
  }

  /** Serves an earlier version again (a roll back), announced like a publication; false if it is served already. */
  public Future<Boolean> republish(long actorId, String moduleId, int version) {
    return pool.withTransaction(conn -> Transactions.actAs(conn, actorId)
        .compose(v -> conn.preparedQuery(REPUBLISH).execute(Tuple.of(moduleId, version))).compose(rows ->
        rows.rowCount() == 0 ? Future.succeededFuture(false)
            : conn.preparedQuery(ANNOUNCE).execute(Tuple.of(moduleId)).map(x -> true)));
  }

  private static final String SCOPE = """
      UPDATE module_heads SET organisation_id = $2 WHERE module_id = $1 AND organisation_id IS DISTINCT FROM $2""";

  /**
   * Makes a published module one for every organisation ({@code organisationId} null) or for one and its units,
   * announced like a publication; false if it had that scope already (or is not published).
   */
  public Future<Boolean> scope(long actorId, String moduleId, Long organisationId) {
    return pool.withTransaction(conn -> Transactions.actAs(conn, actorId)
        .compose(v -> conn.preparedQuery(SCOPE).execute(Tuple.of(moduleId, organisationId))).compose(rows ->
        rows.rowCount() == 0 ? Future.succeededFuture(false)
            : conn.preparedQuery(ANNOUNCE).execute(Tuple.of(moduleId)).map(x -> true)));
  }

  /** The quiz of a version learners were served, with its key; empty when there never was one. */
  public Future<Optional<JsonObject>> quiz(String moduleId, int version) {
    return pool.preparedQuery(QUIZ).execute(Tuple.of(moduleId, version))
        .map(rows -> rows.size() == 0 ? Optional.<JsonObject>empty() : Optional.ofNullable(rows.iterator().next().getJsonObject(0)));
  }

  /** Publishes each version in one transaction; one whose digest is published already (by another server) is skipped. */
  public Future<Void> publish(List<NewVersion> versions) {
    if (versions.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.withTransaction(conn -> {
      Future<Void> done = conn.query(LOCK).execute().mapEmpty();
      for (NewVersion v : versions) {
        done = done.compose(x -> publishOne(conn, v));
      }
      return done;
    });
  }

  private static Future<Void> publishOne(SqlConnection conn, NewVersion v) {
    // who published it goes in the audit log with the head it moves (none: the server, from courses/)
    Future<Void> actor = v.publishedBy() == null ? Future.succeededFuture() : Transactions.actAs(conn, v.publishedBy());
    return actor.compose(a -> conn.preparedQuery(HEAD_DIGEST).execute(Tuple.of(v.moduleId())).compose(head -> {
      // published already: as this version (from the workspace), or from this very folder (by another server)
      if (head.size() > 0 && (v.digest().equals(head.iterator().next().getString(0))
          || v.folder() != null && v.digest().equals(head.iterator().next().getString(1)))) {
        return Future.<Void>succeededFuture();
      }
      return conn.preparedQuery(NEXT).execute(Tuple.of(v.moduleId(), v.floor())).compose(next -> {
        Integer found = next.iterator().next().getInteger(0);
        int version = found == null ? v.floor() : found;
        return conn.preparedQuery(INSERT_VERSION).execute(Tuple.from(new Object[] {v.moduleId(), version, v.quiz(), v.module(),
                v.digest(), v.origin(), v.folder(), v.publishedBy()}))
            .compose(x -> {
              List<Tuple> files = v.files().entrySet().stream()
                  .map(f -> Tuple.of(v.moduleId(), version, f.getKey(), io.vertx.core.buffer.Buffer.buffer(f.getValue()))).toList();
              return files.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(INSERT_FILE).executeBatch(files).mapEmpty();
            })
            .compose(x -> v.folder() == null ? Future.succeededFuture()
                : conn.preparedQuery(FREE_FOLDER).execute(Tuple.of(v.folder(), v.moduleId())).mapEmpty())
            .compose(x -> conn.preparedQuery(HEAD).execute(Tuple.of(v.moduleId(), version, v.folder(),
                v.folder() == null ? null : v.digest(), v.organisationId())))
            .compose(x -> conn.preparedQuery(ANNOUNCE).execute(Tuple.of(v.moduleId())).mapEmpty());
      });
    }));
  }
}
