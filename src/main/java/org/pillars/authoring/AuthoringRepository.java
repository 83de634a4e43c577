package org.pillars.authoring;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Trainers' drafts of modules (module_drafts, module_draft_files). */
public final class AuthoringRepository {

  /**
   * An open draft: its files by path, the revision a save must name, who saved it last and when; for a module not
   * published yet, the organisation it is for ({@code organisationId}, null: every organisation).
   */
  public record Draft(String moduleId, Integer baseVersion, String folder, int revision, String updatedBy,
                      OffsetDateTime updatedAt, Map<String, byte[]> files, java.util.Set<Long> authors, String approvedBy,
                      Integer approvedRevision, Long organisationId) {
    /** Approved as it stands: by someone, at this very revision. */
    public boolean approved() {
      return approvedBy != null && approvedRevision != null && approvedRevision == revision;
    }
  }

  /** A save named a revision that another save has replaced since. */
  public static final class StaleRevision extends RuntimeException {
    private final Draft current;

    StaleRevision(Draft current) {
      super("the draft was saved by someone else since", null, false, false);
      this.current = current;
    }

    public Draft current() {
      return current;
    }
  }

  private static final String OPEN = """
      INSERT INTO module_drafts (module_id, base_version, folder, created_by, updated_by, authors, organisation_id)
      VALUES ($1, $2, $3, $4, $4, ARRAY[$4::bigint], $5)
      ON CONFLICT (module_id) DO NOTHING""";
  private static final String COPY_FILES = """
      INSERT INTO module_draft_files (module_id, path, bytes)
      SELECT module_id, path, bytes FROM module_files WHERE module_id = $1 AND version = $2""";
  private static final String DRAFT = """
      SELECT d.module_id, d.base_version, d.folder, d.revision, a.display_name, d.updated_at, d.authors, r.display_name AS approver,
             d.approved_revision, d.organisation_id
      FROM module_drafts d LEFT JOIN accounts a ON a.id = d.updated_by LEFT JOIN accounts r ON r.id = d.approved_by
      WHERE d.module_id = $1""";
  private static final String FILES = "SELECT path, bytes FROM module_draft_files WHERE module_id = $1 ORDER BY path";
  private static final String BUMP = """
      UPDATE module_drafts SET revision = revision + 1, updated_by = $3, updated_at = now(),
        authors = CASE WHEN $3 = ANY(authors) THEN authors ELSE authors || $3::bigint END
      WHERE module_id = $1 AND revision = $2 RETURNING revision""";
  private static final String PUT_FILE = """
      INSERT INTO module_draft_files (module_id, path, bytes) VALUES ($1, $2, $3)
      ON CONFLICT (module_id, path) DO UPDATE SET bytes = excluded.bytes""";
  private static final String DELETE_FILE = "DELETE FROM module_draft_files WHERE module_id = $1 AND path = $2";
  private static final String DISCARD = "DELETE FROM module_drafts WHERE module_id = $1";

  private final Pool pool;

  public AuthoringRepository(Pool pool) {
    this.pool = pool;
  }

  /** Opens the module's draft as a copy of {@code baseVersion}'s files (none when null), unless one is open already. */
  public Future<Draft> open(String moduleId, Integer baseVersion, String folder, long accountId) {
    return pool.withTransaction(conn -> conn.preparedQuery(OPEN).execute(Tuple.of(moduleId, baseVersion, folder, accountId, null))
        .compose(inserted -> inserted.rowCount() == 0 || baseVersion == null ? Future.succeededFuture()
            : conn.preparedQuery(COPY_FILES).execute(Tuple.of(moduleId, baseVersion)).mapEmpty()))
        .compose(v -> draft(moduleId)).map(Optional::orElseThrow);
  }

  public Future<Optional<Draft>> draft(String moduleId) {
    return pool.preparedQuery(DRAFT).execute(Tuple.of(moduleId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(Optional.empty());
      }
      Row d = rows.iterator().next();
      return pool.preparedQuery(FILES).execute(Tuple.of(moduleId)).map(files -> {
        Map<String, byte[]> byPath = new LinkedHashMap<>();
        files.forEach(f -> byPath.put(f.getString("path"), f.getBuffer("bytes").getBytes()));
        java.util.Set<Long> authors = new java.util.HashSet<>();
        for (Long a : d.getArrayOfLongs("authors")) {
          authors.add(a);
        }
        return Optional.of(new Draft(d.getString("module_id"), d.getInteger("base_version"), d.getString("folder"),
            d.getInteger("revision"), d.getString("display_name"), d.getOffsetDateTime("updated_at"), byPath, authors,
            d.getString("approver"), d.getInteger("approved_revision"), d.getLong("organisation_id")));
      });
    });
  }

  /**
   * Writes one file of the draft ({@code bytes} null deletes it) if the draft is still at {@code revision}; fails
   * with {@link StaleRevision}, writing nothing, if another save came first. Gives the new revision.
   */
  public Future<Integer> save(String moduleId, int revision, String path, byte[] bytes, long accountId) {
    return pool.withTransaction(conn -> conn.preparedQuery(BUMP).execute(Tuple.of(moduleId, revision, accountId)).compose(bumped -> {
      if (bumped.rowCount() == 0) {
        return Future.<Integer>failedFuture(new StaleRevision(null));
      }
      int next = bumped.iterator().next().getInteger(0);
      Future<?> write = bytes == null ? conn.preparedQuery(DELETE_FILE).execute(Tuple.of(moduleId, path))
          : conn.preparedQuery(PUT_FILE).execute(Tuple.of(moduleId, path, Buffer.buffer(bytes)));
      return write.map(x -> next);
    })).recover(e -> e instanceof StaleRevision
        ? draft(moduleId).compose(now -> Future.failedFuture(new StaleRevision(now.orElse(null))))
        : Future.failedFuture(e));
  }

  private static final String OPEN_IDS = "SELECT module_id, organisation_id FROM module_drafts ORDER BY module_id";

  /** The modules that have an open draft, with the organisation each draft is for (null: every one, or published). */
  public Future<Map<String, Long>> openIds() {
    return pool.query(OPEN_IDS).execute().map(rows -> {
      Map<String, Long> ids = new java.util.TreeMap<>();
      rows.forEach(r -> ids.put(r.getString(0), r.getLong(1)));
      return ids;
    });
  }

  /**
   * A draft of a module that does not exist yet, with its first files, for {@code organisationId} (null: every
   * organisation); {@link StaleRevision} if one is open already.
   */
  public Future<Draft> create(String moduleId, Map<String, byte[]> files, long accountId, Long organisationId) {
    return pool.withTransaction(conn -> conn.preparedQuery(OPEN).execute(Tuple.of(moduleId, null, moduleId, accountId, organisationId))
        .compose(inserted -> {
          if (inserted.rowCount() == 0) {
            return Future.<Void>failedFuture(new StaleRevision(null));
          }
          List<Tuple> rows = files.entrySet().stream().map(f -> Tuple.of(moduleId, f.getKey(), Buffer.buffer(f.getValue()))).toList();
          return conn.preparedQuery(PUT_FILE).executeBatch(rows).mapEmpty();
        }))
        .compose(v -> draft(moduleId)).map(Optional::orElseThrow);
  }

  private static final String ORGANISATIONS = """
      SELECT o.id, CASE WHEN p.id IS NULL THEN o.name ELSE o.name || ' (' || p.name || ')' END AS name
      FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id ORDER BY o.country, p.name NULLS FIRST, o.name""";
  private static final String SCOPE = "UPDATE module_drafts SET organisation_id = $2 WHERE module_id = $1 AND base_version IS NULL";

  private static final String ASSIGNED_OUTSIDE = """
      SELECT count(*) FROM assignments x JOIN cohorts c ON c.id = x.cohort_id
      WHERE x.module_id = $1 AND $2::bigint IS NOT NULL AND NOT ($2::bigint = ANY (organisation_path(c.organisation_id)))""";

  /** How many cohorts have the module assigned that a module for {@code organisationId} (null: every one) would exclude. */
  public Future<Long> assignedOutside(String moduleId, Long organisationId) {
    return pool.preparedQuery(ASSIGNED_OUTSIDE).execute(Tuple.of(moduleId, organisationId)).map(rows -> rows.iterator().next().getLong(0));
  }

  /** Every organisation by id, with its parent's name for a unit, countries first, then their units. */
  public Future<Map<Long, String>> organisations() {
    return pool.query(ORGANISATIONS).execute().map(rows -> {
      Map<Long, String> all = new LinkedHashMap<>();
      rows.forEach(r -> all.put(r.getLong("id"), r.getString("name")));
      return all;
    });
  }

  /** The organisation a new module's draft is for (null: every one); a published module's is its own (module_heads). */
  public Future<Void> scope(String moduleId, Long organisationId) {
    return pool.preparedQuery(SCOPE).execute(Tuple.of(moduleId, organisationId)).mapEmpty();
  }

  private static final String MEDIA = """
      SELECT bytes FROM module_draft_files WHERE module_id = $1 AND path = $2 AND left(encode(sha256(bytes), 'hex'), 16) = $3""";

  /** A file of the module's open draft by its name and the start of its SHA-256 (a preview's image). */
  public Future<Optional<byte[]>> media(String moduleId, String path, String digest) {
    return pool.preparedQuery(MEDIA).execute(Tuple.of(moduleId, path, digest))
        .map(rows -> rows.size() == 0 ? Optional.<byte[]>empty() : Optional.of(rows.iterator().next().getBuffer(0).getBytes()));
  }

  /** Writes several files of the draft at once, as {@link #save} does one. */
  public Future<Integer> saveAll(String moduleId, int revision, Map<String, byte[]> files, long accountId) {
    return pool.withTransaction(conn -> conn.preparedQuery(BUMP).execute(Tuple.of(moduleId, revision, accountId)).compose(bumped -> {
      if (bumped.rowCount() == 0) {
        return Future.<Integer>failedFuture(new StaleRevision(null));
      }
      int next = bumped.iterator().next().getInteger(0);
      List<Tuple> rows = files.entrySet().stream().map(f -> Tuple.of(moduleId, f.getKey(), Buffer.buffer(f.getValue()))).toList();
      return conn.preparedQuery(PUT_FILE).executeBatch(rows).map(x -> next);
    })).recover(e -> e instanceof StaleRevision
        ? draft(moduleId).compose(now -> Future.failedFuture(new StaleRevision(now.orElse(null))))
        : Future.failedFuture(e));
  }

  private static final String APPROVE = """
      UPDATE module_drafts SET approved_by = $3, approved_revision = revision
      WHERE module_id = $1 AND revision = $2 AND NOT ($3 = ANY(authors))""";

  /** Approves the draft as it stands at {@code revision}, by someone who never edited it; false if it moved on or they did. */
  public Future<Boolean> approve(String moduleId, int revision, long accountId) {
    return pool.preparedQuery(APPROVE).execute(Tuple.of(moduleId, revision, accountId)).map(rows -> rows.rowCount() == 1);
  }

  public Future<Void> discard(String moduleId) {
    return pool.preparedQuery(DISCARD).execute(Tuple.of(moduleId)).mapEmpty();
  }
}
