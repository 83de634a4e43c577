package org.pillars.credentials;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pillars.db.Transactions;

/** All SQL of issuer keys, signed credentials and revocations. */
public final class CredentialRepository {

  /**
   * A certificate as a verifier sees it: who (name, rank, organisation, service number: the service never shows
   * that whole), what, and its signed credentials once made. {@code organisations}: the holder's organisation and
   * each one above it, for who may revoke it.
   */
  public record Certificate(String code, long accountId, String name, String rank, String serviceNumber, String country,
                            String unit, String moduleId, String moduleTitle, int moduleVersion, int score,
                            OffsetDateTime issuedAt, String credential, String qrToken, String keyId,
                            OffsetDateTime revokedAt, String revokedReason, String revokedBy, List<Long> organisations) {

    public boolean signed() {
      return credential != null;
    }

    public boolean revoked() {
      return revokedAt != null;
    }
  }

  /** An issuer key as published: its public JWK and whether it still signs. */
  public record PublishedKey(String kid, JsonObject publicJwk, OffsetDateTime createdAt, OffsetDateTime retiredAt) {
  }

  /** A revoked certificate's code and when. */
  public record Revocation(String code, OffsetDateTime at) {
  }

  // The unit shown is the organisation's own name when it is a unit of a country, then the unit written on the roster.
  private static final String COLUMNS = """
      SELECT c.code, c.account_id, a.display_name, a.rank, a.service_number, o.country,
             nullif(concat_ws(', ', CASE WHEN o.parent_id IS NOT NULL THEN o.name END, nullif(a.unit, '')), '') AS unit,
             c.module_id, c.module_title, c.module_version, c.score, c.issued_at, c.credential, c.qr_token, c.key_id,
             c.revoked_at, c.revoked_reason, r.display_name AS revoked_by, organisation_path(a.organisation_id) AS organisations
      FROM certificates c JOIN accounts a ON a.id = c.account_id JOIN organisations o ON o.id = a.organisation_id
      LEFT JOIN accounts r ON r.id = c.revoked_by""";
  private static final String BY_CODE = COLUMNS + " WHERE c.code = $1";
  private static final String OF_ACCOUNT = COLUMNS + " WHERE c.account_id = $1 ORDER BY c.issued_at, c.code";
  private static final String STORE_SIGNED = """
      UPDATE certificates SET credential = $2, qr_token = $3, key_id = $4 WHERE code = $1 AND credential IS NULL""";
  private static final String REVOKE = """
      UPDATE certificates SET revoked_at = now(), revoked_by = $2, revoked_reason = $3
      WHERE code = $1 AND revoked_at IS NULL""";
  private static final String REVOCATIONS = """
      SELECT code, revoked_at FROM certificates WHERE revoked_at IS NOT NULL ORDER BY revoked_at, code""";
  private static final String KEYS = "SELECT kid, public_jwk, created_at, retired_at FROM issuer_keys ORDER BY created_at, kid";
  private static final String CURRENT_KEY = "SELECT kid FROM issuer_keys WHERE retired_at IS NULL";
  // a key found at start is registered retired, unless none signs yet: then it becomes the current one
  private static final String REGISTER = """
      INSERT INTO issuer_keys (kid, public_jwk, retired_at) VALUES ($1, $2, CASE WHEN $3 THEN NULL ELSE now() END)
      ON CONFLICT DO NOTHING""";
  private static final String RETIRE_CURRENT = "UPDATE issuer_keys SET retired_at = now() WHERE retired_at IS NULL";
  private static final String ADD_CURRENT = "INSERT INTO issuer_keys (kid, public_jwk) VALUES ($1, $2)";

  private final Pool pool;

  public CredentialRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<Certificate>> certificate(String code) {
    return pool.preparedQuery(BY_CODE).execute(Tuple.of(code)).map(rows -> first(rows).map(CredentialRepository::certificate));
  }

  public Future<List<Certificate>> certificatesOf(long accountId) {
    return pool.preparedQuery(OF_ACCOUNT).execute(Tuple.of(accountId)).map(rows -> {
      List<Certificate> list = new ArrayList<>();
      rows.forEach(r -> list.add(certificate(r)));
      return list;
    });
  }

  /** Keeps the first credentials signed for a certificate; a second signing (two views at once) changes nothing. */
  public Future<Void> storeSigned(String code, String credential, String qrToken, String kid) {
    return pool.preparedQuery(STORE_SIGNED).execute(Tuple.of(code, credential, qrToken, kid)).mapEmpty();
  }

  /** True when this revoked it; false when it was revoked already (or does not exist). Audited as {@code actorId}'s. */
  public Future<Boolean> revoke(long actorId, String code, String reason) {
    return pool.withTransaction(conn -> Transactions.actAs(conn, actorId)
        .compose(v -> conn.preparedQuery(REVOKE).execute(Tuple.of(code, actorId, reason)))
        .map(rows -> rows.rowCount() == 1));
  }

  public Future<List<Revocation>> revocations() {
    return pool.preparedQuery(REVOCATIONS).execute().map(rows -> {
      List<Revocation> list = new ArrayList<>();
      rows.forEach(r -> list.add(new Revocation(r.getString(0), r.getOffsetDateTime(1))));
      return list;
    });
  }

  public Future<List<PublishedKey>> keys() {
    return pool.preparedQuery(KEYS).execute().map(rows -> {
      List<PublishedKey> list = new ArrayList<>();
      rows.forEach(r -> list.add(new PublishedKey(r.getString(0), (JsonObject) r.getValue(1), r.getOffsetDateTime(2),
          r.getOffsetDateTime(3))));
      return list;
    });
  }

  public Future<Optional<String>> currentKey() {
    return pool.preparedQuery(CURRENT_KEY).execute().map(rows -> first(rows).map(r -> r.getString(0)));
  }

  /**
   * Registers the folder's keys (oldest first) that the database does not know yet; when no key signs yet, the
   * newest of them becomes the current one. In one transaction, so two servers starting at once agree.
   */
  public Future<Void> register(List<IssuerKeys.Key> keys) {
    return pool.withTransaction(conn -> conn.preparedQuery(CURRENT_KEY).execute().compose(current -> {
      boolean none = current.size() == 0;
      List<Tuple> batch = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        IssuerKeys.Key k = keys.get(i);
        batch.add(Tuple.of(k.kid(), k.publicJwk(), none && i == keys.size() - 1));
      }
      return batch.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(REGISTER).executeBatch(batch).mapEmpty();
    }));
  }

  /** The current key retired and {@code key} current from now on, as {@code actorId}'s change. */
  public Future<Void> rotate(long actorId, IssuerKeys.Key key) {
    return pool.withTransaction(conn -> Transactions.actAs(conn, actorId)
        .compose(v -> conn.preparedQuery(RETIRE_CURRENT).execute())
        .compose(v -> conn.preparedQuery(ADD_CURRENT).execute(Tuple.of(key.kid(), key.publicJwk())))
        .mapEmpty());
  }

  private static Optional<Row> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next());
  }

  private static Certificate certificate(Row r) {
    Long[] path = r.getArrayOfLongs("organisations");
    return new Certificate(r.getString("code"), r.getLong("account_id"), r.getString("display_name"), r.getString("rank"),
        r.getString("service_number"), r.getString("country"), r.getString("unit"), r.getString("module_id"),
        r.getString("module_title"), r.getInteger("module_version"), r.getInteger("score"), r.getOffsetDateTime("issued_at"),
        r.getString("credential"), r.getString("qr_token"), r.getString("key_id"), r.getOffsetDateTime("revoked_at"),
        r.getString("revoked_reason"), r.getString("revoked_by"), path == null ? List.of() : List.of(path));
  }
}
