package org.pillars.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.pillars.core.Role;
import org.pillars.db.Transactions;
import org.pillars.db.Transactions.Transaction;

/**
 * All SQL of accounts, sessions, one-time set-up codes and login throttling. Accounts are created and their
 * passwords stored here only, whoever asks (an admin, a roster import).
 */
public final class AuthRepository {

  /** An account as login and session checks need it. */
  /** {@code organisationPath}: the account's organisation, then each one above it (what a module's scope is checked against). */
  public record Account(long id, String username, String displayName, Role role, long organisationId,
                        String passwordHash, boolean disabled, int tokenVersion, java.util.List<Long> organisationPath) { }

  /** A session joined with its account, as every authenticated request checks it. */
  public record SessionState(Account account, boolean revoked, OffsetDateTime expiresAt) { }

  public record Failures(String key, int failures, OffsetDateTime lastFailure) { }

  private static final String ACCOUNT_COLUMNS =
      "a.id, a.username, a.display_name, a.role, a.organisation_id, a.password_hash, a.disabled, a.token_version,"
      + " organisation_path(a.organisation_id) AS organisation_path";
  private static final String ACCOUNT_BY_USERNAME = "SELECT " + ACCOUNT_COLUMNS + " FROM accounts a WHERE a.username = $1";
  private static final String ACCOUNT_BY_ID = "SELECT " + ACCOUNT_COLUMNS + " FROM accounts a WHERE a.id = $1";
  private static final String INSERT_SESSION = "INSERT INTO sessions (id, account_id, expires_at) VALUES ($1, $2, $3)";
  private static final String SESSION_STATE = "SELECT " + ACCOUNT_COLUMNS
      + ", s.revoked_at IS NOT NULL AS revoked, s.expires_at"
      + " FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id = $1";
  private static final String REVOKE_SESSION = "UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL";
  private static final String REVOKE_OTHER_SESSIONS =
      "UPDATE sessions SET revoked_at = now() WHERE account_id = $1 AND id <> $2 AND revoked_at IS NULL";
  private static final String NEW_HASH = "UPDATE accounts SET password_hash = $2 WHERE id = $1";
  private static final String FAILURES = "SELECT key, failures, last_failure FROM login_failures WHERE key = ANY($1)";
  private static final String RECORD_FAILURE = """
      INSERT INTO login_failures (key, failures, last_failure) SELECT k, 1, now() FROM unnest($1::text[]) AS k
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN login_failures.last_failure < now() - make_interval(secs => $2) THEN 1
                        ELSE login_failures.failures + 1 END,
        last_failure = now()""";
  private static final String CLEAR_FAILURES = "DELETE FROM login_failures WHERE key = $1";
  private static final String ACCOUNTS_OF = """
      SELECT id, username, display_name, role, disabled, password_hash IS NOT NULL FROM accounts
      WHERE organisation_id = $1 AND ($2::text IS NULL OR username ILIKE '%' || $2 || '%' OR display_name ILIKE '%' || $2 || '%')
      ORDER BY role = 'learner', display_name, id LIMIT $3""";
  private static final String ACCOUNT_OF =
      "SELECT id, username, display_name, role, disabled, password_hash IS NOT NULL FROM accounts WHERE organisation_id = $1 AND id = $2";
  private static final String ACCOUNT_EXISTS = "SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE";
  private static final String SET_ROLE =
      "UPDATE accounts SET role = $2, token_version = token_version + 1 WHERE id = $1 RETURNING id";
  private static final String SET_DISABLED =
      "UPDATE accounts SET disabled = $2, token_version = token_version + 1 WHERE id = $1 RETURNING id";

  /** A learner from a roster: who they are, without a password. */
  public record NewLearner(String name, String serviceNumber, String rank, String unit, String email) { }

  /** A new learner account and its one-time set-up code (shown once, stored as a hash). */
  public record Issued(long accountId, String username, String setupCode) { }

  /** A learner whose details a roster changes. */
  public record LearnerUpdate(long accountId, String name, String rank, String unit, String email) { }

  /** Who a set-up code belongs to. */
  public record SetupAccount(long accountId, String username, String displayName) { }

  private static final String INSERT_ACCOUNT = """
      INSERT INTO accounts (organisation_id, username, display_name, role) VALUES ($1, $2, $3, $4) RETURNING id""";
  private static final String INSERT_LEARNER = """
      INSERT INTO accounts (organisation_id, username, display_name, role, service_number, rank, unit, email)
      VALUES ($1, $2, $3, 'learner', $4, $5, $6, $7) RETURNING id""";
  private static final String UPDATE_LEARNER =
      "UPDATE accounts SET display_name = $2, rank = $3, unit = $4, email = $5 WHERE id = $1";
  private static final String INSERT_SETUP = "INSERT INTO password_setups (code_hash, account_id, expires_at) VALUES ($1, $2, $3)";
  private static final String SETUP_ACCOUNT = """
      SELECT s.account_id, a.username, a.display_name FROM password_setups s JOIN accounts a ON a.id = s.account_id
      WHERE s.code_hash = $1 AND s.used_at IS NULL AND s.expires_at > now() AND NOT a.disabled""";
  private static final String USE_SETUP = """
      UPDATE password_setups SET used_at = now() WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now()
      RETURNING account_id""";
  private static final String EXPIRE_SETUPS = "UPDATE password_setups SET used_at = now() WHERE account_id = $1 AND used_at IS NULL";
  private static final String EXPIRE_MANY_SETUPS =
      "UPDATE password_setups SET used_at = now() WHERE account_id = ANY($1) AND used_at IS NULL";
  /** A password set with a code ends every session the account had (a re-issued code is a reset). */
  private static final String SET_PASSWORD_ENDING_SESSIONS =
      "UPDATE accounts SET password_hash = $2, token_version = token_version + 1 WHERE id = $1";

  private final Pool pool;

  public AuthRepository(Pool pool) {
    this.pool = pool;
  }

  private static final String LINKED_NOW = "SELECT " + ACCOUNT_COLUMNS
      + " FROM account_links l JOIN accounts a ON a.id = l.account_id WHERE l.platform_id = $1 AND l.subject = $2";
  private static final String LINKED = LINKED_NOW + " FOR UPDATE OF a";
  private static final String INSERT_LINKED = """
      INSERT INTO accounts (organisation_id, username, display_name, role) VALUES ($1, $2, $3, $4) RETURNING id""";
  private static final String INSERT_LINK = "INSERT INTO account_links (platform_id, subject, account_id) VALUES ($1, $2, $3)";
  private static final String UPDATE_LINKED = """
      UPDATE accounts SET display_name = $2, role = $3,
        token_version = token_version + CASE WHEN role = $3 THEN 0 ELSE 1 END
      WHERE id = $1 AND (display_name <> $2 OR role <> $3)""";

  /**
   * The account a platform's user is, made on their first arrival (no password: they come through the platform),
   * with the name and role the platform states now; an admin stays an admin and is never made one. One transaction:
   * the account and its link exist together or not at all. Two first arrivals at once: the second finds the first's.
   */
  public Future<Account> linkedAccount(long platformId, String subject, long organisationId, String username,
                                       String displayName, Role role) {
    Future<Account> once = pool.withTransaction(conn -> conn.preparedQuery(LINKED).execute(Tuple.of(platformId, subject))
        .compose(rows -> {
          if (rows.size() > 0) {
            Account a = account(rows.iterator().next());
            Role kept = a.role() == Role.ADMIN ? Role.ADMIN : role;
            return conn.preparedQuery(UPDATE_LINKED).execute(Tuple.of(a.id(), displayName, kept.code())).map(a.id());
          }
          return conn.preparedQuery(INSERT_LINKED).execute(Tuple.of(organisationId, username, displayName, role.code()))
              .compose(ids -> {
                long id = ids.iterator().next().getLong(0);
                return conn.preparedQuery(INSERT_LINK).execute(Tuple.of(platformId, subject, id)).map(id);
              });
        })).compose(this::accountById).map(Optional::get);
    return once.recover(e -> org.pillars.db.Sqlstate.UNIQUE_VIOLATION.of(e)
        ? pool.preparedQuery(LINKED_NOW).execute(Tuple.of(platformId, subject))
            .map(rows -> account(rows.iterator().next()))
        : Future.failedFuture(e));
  }

  /** Creates an account without a password and returns its one-time set-up code. */
  public Future<String> createAccount(long actorId, long organisationId, String username, String displayName, Role role, int days) {
    return pool.withTransaction(conn -> Transactions.actAs(conn, actorId)
        .compose(v -> conn.preparedQuery(INSERT_ACCOUNT).execute(Tuple.of(organisationId, username, displayName, role.code())))
        .compose(rows -> newSetupCode(conn, rows.iterator().next().getLong(0), days)));
  }

  /** Creates learner accounts and their set-up codes in two batched statements, however many, in {@code tx}. */
  public Future<List<Issued>> createLearners(Transaction tx, long organisationId, List<NewLearner> learners, int days) {
    if (learners.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    SqlConnection conn = tx.connection();
    List<Tuple> accounts = new ArrayList<>();
    List<String> usernames = new ArrayList<>();
    for (NewLearner l : learners) {
      String username = SetupCodes.username(organisationId, l.serviceNumber());
      usernames.add(username);
      accounts.add(Tuple.of(organisationId, username, l.name(), l.serviceNumber(), l.rank(), l.unit(), l.email()));
    }
    return conn.preparedQuery(INSERT_LEARNER).executeBatch(accounts).compose(inserted -> {
      List<Tuple> setups = new ArrayList<>();
      List<Issued> issued = new ArrayList<>();
      OffsetDateTime expires = OffsetDateTime.now().plusDays(days);
      int i = 0;
      for (var rs = inserted; rs != null; rs = rs.next(), i++) {
        long id = rs.iterator().next().getLong(0);
        String code = SetupCodes.code();
        setups.add(Tuple.of(SetupCodes.hash(code), id, expires));
        issued.add(new Issued(id, usernames.get(i), code));
      }
      return conn.preparedQuery(INSERT_SETUP).executeBatch(setups).map(List.copyOf(issued));
    });
  }

  public Future<Void> updateLearners(Transaction tx, List<LearnerUpdate> updates) {
    if (updates.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.connection().preparedQuery(UPDATE_LEARNER).executeBatch(updates.stream()
        .map(u -> Tuple.of(u.accountId(), u.name(), u.rank(), u.unit(), u.email())).toList()).mapEmpty();
  }

  /** Earlier unused codes of the account stop working; a fresh one is issued, in {@code tx}. */
  public Future<String> reissueSetupCode(Transaction tx, long accountId, int days) {
    SqlConnection conn = tx.connection();
    return conn.preparedQuery(EXPIRE_SETUPS).execute(Tuple.of(accountId)).compose(v -> newSetupCode(conn, accountId, days));
  }

  /** A code issued to a learner: shown once (on a slip or in a file), kept only as its hash. */
  public record IssuedCode(long accountId, String code, OffsetDateTime expiresAt) { }

  /** {@link #reissueSetupCode} for many accounts in two statements, in {@code tx}; codes in the order of the ids. */
  public Future<List<IssuedCode>> reissueSetupCodes(Transaction tx, List<Long> accountIds, int days) {
    if (accountIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    SqlConnection conn = tx.connection();
    OffsetDateTime expires = OffsetDateTime.now().plusDays(days);
    List<IssuedCode> issued = new ArrayList<>();
    List<Tuple> setups = new ArrayList<>();
    for (long id : accountIds) {
      String code = SetupCodes.code();
      issued.add(new IssuedCode(id, code, expires));
      setups.add(Tuple.of(SetupCodes.hash(code), id, expires));
    }
    return conn.preparedQuery(EXPIRE_MANY_SETUPS).execute(Tuple.of((Object) accountIds.toArray(Long[]::new)))
        .compose(v -> conn.preparedQuery(INSERT_SETUP).executeBatch(setups)).map(List.copyOf(issued));
  }

  private static Future<String> newSetupCode(SqlConnection conn, long accountId, int days) {
    String code = SetupCodes.code();
    return conn.preparedQuery(INSERT_SETUP).execute(Tuple.of(SetupCodes.hash(code), accountId, OffsetDateTime.now().plusDays(days)))
        .map(code);
  }

  /** Who a one-time code belongs to, if it is still unused and unexpired. */
  public Future<Optional<SetupAccount>> setupAccount(String code) {
    return pool.preparedQuery(SETUP_ACCOUNT).execute(Tuple.of(SetupCodes.hash(code))).map(rows -> rows.size() == 0
        ? Optional.empty()
        : Optional.of(new SetupAccount(rows.iterator().next().getLong(0), rows.iterator().next().getString(1),
            rows.iterator().next().getString(2))));
  }

  /** Uses the code and sets the password in one transaction; false when the code was used or expired meanwhile. */
  public Future<Boolean> completeSetup(String code, String passwordHash) {
    return pool.withTransaction(conn -> conn.preparedQuery(USE_SETUP).execute(Tuple.of(SetupCodes.hash(code)))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
            : conn.preparedQuery(SET_PASSWORD_ENDING_SESSIONS).execute(Tuple.of(rows.iterator().next().getLong(0), passwordHash))
                .map(true)));
  }

  public Future<Optional<Account>> accountByUsername(String username) {
    return pool.preparedQuery(ACCOUNT_BY_USERNAME).execute(Tuple.of(username)).map(AuthRepository::firstAccount);
  }

  public Future<Optional<Account>> accountById(long id) {
    return pool.preparedQuery(ACCOUNT_BY_ID).execute(Tuple.of(id)).map(AuthRepository::firstAccount);
  }

  public Future<Void> createSession(UUID id, long accountId, OffsetDateTime expiresAt) {
    return pool.preparedQuery(INSERT_SESSION).execute(Tuple.of(id, accountId, expiresAt)).mapEmpty();
  }

  public Future<Optional<SessionState>> session(UUID id) {
    return pool.preparedQuery(SESSION_STATE).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new SessionState(account(r), r.getBoolean("revoked"), r.getOffsetDateTime("expires_at")));
    });
  }

  public Future<Void> revokeSession(UUID id) {
    return pool.preparedQuery(REVOKE_SESSION).execute(Tuple.of(id)).mapEmpty();
  }

  /** Sets a new password and ends every other session of the account, in one transaction. */
  public Future<Void> changePassword(long accountId, UUID keepSession, String hash) {
    return pool.withTransaction(conn -> conn.preparedQuery(NEW_HASH).execute(Tuple.of(accountId, hash))
        .compose(v -> conn.preparedQuery(REVOKE_OTHER_SESSIONS).execute(Tuple.of(accountId, keepSession)))
        .mapEmpty());
  }

  public Future<List<Failures>> failures(List<String> keys) {
    return pool.preparedQuery(FAILURES).execute(Tuple.of(keys.toArray(String[]::new))).map(rows -> {
      List<Failures> list = new ArrayList<>();
      for (Row r : rows) {
        list.add(new Failures(r.getString(0), r.getInteger(1), r.getOffsetDateTime(2)));
      }
      return list;
    });
  }

  /** Counts one more failure for each key; counts older than {@code windowSeconds} start again at one. */
  public Future<Void> recordFailure(List<String> keys, int windowSeconds) {
    return pool.preparedQuery(RECORD_FAILURE).execute(Tuple.of(keys.toArray(String[]::new), windowSeconds)).mapEmpty();
  }

  public Future<Void> clearFailures(String key) {
    return pool.preparedQuery(CLEAR_FAILURES).execute(Tuple.of(key)).mapEmpty();
  }

  /** Changes the role and invalidates every token issued before; false when there is no such account. */
  /** An account as the admin pages list it; {@code activated}: a password was chosen. */
  public record AccountLine(long id, String username, String displayName, Role role, boolean disabled, boolean activated) { }

  /** The organisation's accounts, staff first, then by name; those matching {@code query} (name or username) if given. */
  public Future<List<AccountLine>> accounts(long organisationId, String query, int limit) {
    return pool.preparedQuery(ACCOUNTS_OF).execute(Tuple.of(organisationId, query, limit)).map(rows -> {
      List<AccountLine> list = new ArrayList<>();
      for (Row r : rows) {
        list.add(accountLine(r));
      }
      return list;
    });
  }

  /** One account of the organisation; empty when it has no such account. */
  public Future<Optional<AccountLine>> account(long organisationId, long accountId) {
    return pool.preparedQuery(ACCOUNT_OF).execute(Tuple.of(organisationId, accountId)).map(rows -> rows.size() == 0 ? Optional.empty()
        : Optional.of(accountLine(rows.iterator().next())));
  }

  private static AccountLine accountLine(Row r) {
    return new AccountLine(r.getLong(0), r.getString(1), r.getString(2), Role.of(r.getString(3)).orElseThrow(), r.getBoolean(4),
        r.getBoolean(5));
  }

  /** A new set-up code for any account (an admin's reset); empty when there is no such account. */
  public Future<Optional<String>> reissueSetupCode(long actorId, long accountId, int days) {
    return pool.withTransaction(conn -> Transactions.actAs(conn, actorId)
        .compose(v -> conn.preparedQuery(ACCOUNT_EXISTS).execute(Tuple.of(accountId)))
        .compose(found -> found.size() == 0 ? Future.succeededFuture(Optional.<String>empty())
            : conn.preparedQuery(EXPIRE_SETUPS).execute(Tuple.of(accountId)).compose(x -> newSetupCode(conn, accountId, days))
                .map(Optional::of)));
  }

  public Future<Boolean> setRole(long actorId, long accountId, Role role) {
    return pool.withTransaction(conn -> Transactions.actAs(conn, actorId)
        .compose(v -> conn.preparedQuery(SET_ROLE).execute(Tuple.of(accountId, role.code()))).map(rows -> rows.size() == 1));
  }

  public Future<Boolean> setDisabled(long actorId, long accountId, boolean disabled) {
    return pool.withTransaction(conn -> Transactions.actAs(conn, actorId)
        .compose(v -> conn.preparedQuery(SET_DISABLED).execute(Tuple.of(accountId, disabled))).map(rows -> rows.size() == 1));
  }

  private static Optional<Account> firstAccount(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(account(rows.iterator().next()));
  }

  private static Account account(Row r) {
    return new Account(r.getLong("id"), r.getString("username"), r.getString("display_name"),
        Role.of(r.getString("role")).orElseThrow(), r.getLong("organisation_id"), r.getString("password_hash"),
        r.getBoolean("disabled"), r.getInteger("token_version"), java.util.List.of(r.getArrayOfLongs("organisation_path")));
  }
}
