package org.pillars.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.pillars.core.Conflict;
import org.pillars.core.Invalid;
import org.pillars.core.NotFound;
import org.pillars.core.Principal;
import org.pillars.core.Role;
import org.pillars.db.Notifications;
import org.pillars.db.Sqlstate;
import org.pillars.db.Transactions.Transaction;
import org.pillars.core.Unavailable;
import org.pillars.metrics.Meters;

/**
 * Logging in and out, sessions and passwords. A wrong username and a wrong password get the same answer
 * after the same work. Repeated failures are slowed down: from a browser the user has logged in from before
 * (a {@link DeviceCookies device cookie}) for that browser alone; from anywhere else for the account and the
 * address, so guessing cannot lock the owner out of their own browser.
 */
public final class AuthService {

  /** What a login attempt came to. */
  public sealed interface Login {
    /** {@code deviceCookie}: the value the device cookie takes now. */
    record Success(String token, AuthRepository.Account account, UUID sessionId, String deviceCookie) implements Login { }

    record Refused() implements Login { }

    record Throttled(long retryAfterSeconds) implements Login { }
  }

  static final int WINDOW_SECONDS = 15 * 60;
  static final int ACCOUNT_FREE_FAILURES = 5;
  static final int ADDRESS_FREE_FAILURES = 30;
  static final int DEVICE_FREE_FAILURES = 5;
  private static final String ACCOUNT = "account:";
  private static final String ADDRESS = "address:";
  private static final String DEVICE = "device:";
  static final long MAX_DELAY_SECONDS = 15 * 60;
  private static final int MAX_USERNAME = 64;
  private static final long BUSY_RETRY_SECONDS = 5;

  private final WorkerExecutor hashing;
  /** Password checks waiting for or on the hashing pool; past {@link #maxWaiting} a login is asked to come back. */
  private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
  private final int maxWaiting;
  private final AuthRepository repository;
  private final Tokens tokens;
  private final DeviceCookies devices;
  private final int sessionHours;
  private final String dummyHash;
  private final Meters meters;
  private volatile BooleanSupplier live = () -> false;
  private final SessionCache sessions = new SessionCache(() -> live.getAsBoolean());

  private AuthService(WorkerExecutor hashing, AuthRepository repository, Tokens tokens, DeviceCookies devices, int sessionHours,
      String dummyHash, Meters meters) {
    // about two seconds of queue at ~50 ms a hash per thread: longer waits help nobody on a slow link
    this.maxWaiting = 40 * Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    this.hashing = hashing;
    this.repository = repository;
    this.tokens = tokens;
    this.devices = devices;
    this.sessionHours = sessionHours;
    this.dummyHash = dummyHash;
    this.meters = meters;
  }

  /**
   * Prepares the stand-in hash that unknown usernames are checked against, so they cost the same time.
   * Hashing runs on its own small pool, at most half the cores: a burst of logins queues there and
   * cannot take every core from the event loops that serve pages.
   */
  public static Future<AuthService> create(Vertx vertx, AuthRepository repository, Tokens tokens, DeviceCookies devices,
      int sessionHours, Meters meters) {
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    WorkerExecutor hashing = vertx.createSharedWorkerExecutor("pillars-password-hashing", threads);
    return hashing.executeBlocking(() -> {
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      return Passwords.hash(Base64.getEncoder().encodeToString(random));
    }, false).map(hash -> new AuthService(hashing, repository, tokens, devices, sessionHours, hash, meters));
  }

  public Tokens tokens() {
    return tokens;
  }

  /** The organisation's accounts for the admin pages: staff first, at most 200, those matching {@code query} if given. */
  public Future<List<AuthRepository.AccountLine>> accounts(long organisationId, String query) {
    String q = query == null || query.isBlank() ? null : query.strip();
    if (q != null && q.length() > 100) {
      return Future.failedFuture(new Invalid("bad_query", "search with at most 100 characters"));
    }
    return repository.accounts(organisationId, q, 200);
  }

  public Future<Optional<AuthRepository.AccountLine>> account(long organisationId, long accountId) {
    return repository.account(organisationId, accountId);
  }

  /** An admin's reset of any account: a new set-up code, the old ones stop working. */
  public Future<String> reissueSetupCode(long actorId, long accountId) {
    return repository.reissueSetupCode(actorId, accountId, SETUP_DAYS)
        .map(code -> code.orElseThrow(() -> new NotFound("there is no such account")));
  }

  /** A role as typed (a form's or the API's value), checked here for both. */
  public static Role role(String raw) {
    return Role.of(raw == null ? "" : raw.strip()).orElseThrow(() -> new Invalid("bad_role", "unknown role '" + raw + "'"));
  }

  /** A new role takes effect at once: the account's tokens stop working. False when there is no such account. */
  public Future<Boolean> setRole(long actorId, long accountId, Role role) {
    return repository.setRole(actorId, accountId, role).onSuccess(found -> forgetAccount(accountId));
  }

  /** Disabling (or enabling) ends the account's sessions at once. False when there is no such account. */
  public Future<Boolean> setDisabled(long actorId, long accountId, boolean disabled) {
    return repository.setDisabled(actorId, accountId, disabled).onSuccess(found -> forgetAccount(accountId));
  }

  /**
   * Checks a password, counting the attempt for the browser's device cookie when it holds a valid one for this
   * username, else for the account and the address; the first key is the one a success clears.
   */
  public Future<Login> login(String rawUsername, String password, String address, String deviceCookie) {
    String username = rawUsername == null ? "" : rawUsername.strip().toLowerCase(Locale.ROOT);
    String secret = password == null ? "" : password;
    List<String> keys = devices.device(deviceCookie, username).map(device -> List.of(DEVICE + device))
        .orElseGet(() -> List.of(accountKey(username), ADDRESS + address));
    return repository.failures(keys).compose(failures -> {
      long wait = failures.stream().mapToLong(AuthService::secondsToWait).max().orElse(0);
      if (wait > 0) {
        return Future.succeededFuture(new Login.Throttled(wait));
      }
      if (waiting.incrementAndGet() > maxWaiting) {
        waiting.decrementAndGet();
        return Future.failedFuture(new Unavailable("busy",
            "the server is checking many logins at once; try again in a few seconds", BUSY_RETRY_SECONDS));
      }
      Future<Optional<AuthRepository.Account>> account = username.isEmpty() || username.length() > MAX_USERNAME
          ? Future.succeededFuture(Optional.empty()) : repository.accountByUsername(username);
      Future<Boolean> checked = account.compose(found -> hashing.executeBlocking(() -> {
        String hash = found.map(AuthRepository.Account::passwordHash).filter(h -> h != null).orElse(dummyHash);
        boolean matches = secret.length() <= PasswordPolicy.MAX && Passwords.matches(secret, hash);
        return matches && found.isPresent() && found.get().passwordHash() != null && !found.get().disabled();
      }, false)).eventually(() -> {
        waiting.decrementAndGet();  // whatever happened, this check no longer waits
        return Future.succeededFuture();
      });
      return checked.compose(ok -> ok
          ? startSession(account.result().get(), devices.issue(deviceCookie, username))
              .compose(s -> repository.clearFailures(keys.get(0)).map(s))
          : repository.recordFailure(keys, WINDOW_SECONDS).map(v -> new Login.Refused()));
    }).onSuccess(login -> meters.login(login instanceof Login.Success ? Meters.Login.SUCCESS
        : login instanceof Login.Throttled ? Meters.Login.THROTTLED : Meters.Login.FAILURE));
  }

  /**
   * Signs in the account a learning platform's user is (made on their first arrival, see
   * {@link AuthRepository#linkedAccount}), once the platform's signed launch has been checked. A disabled account stays out.
   */
  public Future<Login.Success> signInLinked(long platformId, String subject, long organisationId, String displayName, Role role) {
    return linked(platformId, subject, organisationId, displayName, role).compose(account -> {
      if (account.disabled()) {
        return Future.failedFuture(new org.pillars.core.Forbidden("account_disabled",
            "your account here is disabled; ask your coordinator"));
      }
      return startSession(account, null).map(login -> (Login.Success) login);
    });
  }

  /** The account a platform's user is, made if it is new, without signing anyone in (a roster read from the platform). */
  public Future<AuthRepository.Account> linked(long platformId, String subject, long organisationId, String displayName, Role role) {
    String username = "lti" + platformId + "-" + linkedName(platformId, subject);
    return repository.linkedAccount(platformId, subject, organisationId, username, displayName, role)
        .onSuccess(account -> forgetAccount(account.id()));
  }

  /** A username for a platform's user: their subject is the platform's own, and may be anything, so it is hashed. */
  private static String linkedName(long platformId, String subject) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest((platformId + ":" + subject).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 10);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Future<Login> startSession(AuthRepository.Account account, String deviceCookie) {
    UUID sessionId = UUID.randomUUID();
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusHours(sessionHours);
    return repository.createSession(sessionId, account.id(), expires).map(v -> new Login.Success(
        tokens.issue(account.id(), account.role(), account.organisationId(), sessionId, account.tokenVersion()),
        account, sessionId, deviceCookie));
  }

  /**
   * The principal behind a token, if its signature, claims and session all hold right now: a token after
   * logout, after a role change or once the account is disabled is refused.
   */
  public Future<Principal> authenticate(String token, boolean viaCookie) {
    return tokens.verify(token).compose(claims -> session(claims.sessionId()).map(found -> {
      SessionCache.Entry s = found.orElseThrow(() -> new Tokens.InvalidToken("unknown session"));
      AuthRepository.Account a = s.account();
      if (!s.expiresAt().isAfter(OffsetDateTime.now())) {
        throw new Tokens.InvalidToken("session ended");
      }
      if (a.id() != claims.accountId() || a.disabled() || a.tokenVersion() != claims.version() || a.role() != claims.role()
          || a.organisationId() != claims.organisationId()) {
        throw new Tokens.InvalidToken("token no longer valid for this account");
      }
      return new Principal(a.id(), a.username(), a.displayName(), a.role(), a.organisationId(), claims.sessionId(),
          viaCookie, claims.issuedAt(), a.tokenVersion(), a.organisationPath());
    }));
  }

  /**
   * A session still open (not revoked), from memory when {@link SessionCache} may be trusted, else from the
   * database, and then kept. Empty for an unknown or revoked session.
   */
  private Future<Optional<SessionCache.Entry>> session(UUID id) {
    SessionCache.Entry known = sessions.get(id);
    if (known != null) {
      return Future.succeededFuture(Optional.of(known));
    }
    long since = sessions.generation();
    return repository.session(id).map(state -> state.filter(s -> !s.revoked()).map(s -> {
      AuthRepository.Account a = s.account();
      // the password hash has no business in a long-lived copy
      SessionCache.Entry entry = new SessionCache.Entry(new AuthRepository.Account(a.id(), a.username(), a.displayName(),
          a.role(), a.organisationId(), null, a.disabled(), a.tokenVersion(), a.organisationPath()), s.expiresAt());
      sessions.put(id, entry, since);
      return entry;
    }));
  }

  /**
   * After a change this server made has committed, and before it answers: its own memory of the account goes at
   * once (the database's announcement, which tells every server, follows within milliseconds).
   */
  private void forgetAccount(long accountId) {
    sessions.notified("account:" + accountId);
  }

  /** What this server must hear of sessions and accounts changed by anyone, to trust its memory of them. */
  public Notifications.Listener sessionChanges() {
    return sessions;
  }

  /** The notification channel that {@link #sessionChanges()} listens to (triggers of migration V7 announce on it). */
  public static String sessionChannel() {
    return SessionCache.CHANNEL;
  }

  /**
   * Sessions are trusted from memory only while {@code live} holds (the channel's notifications are current);
   * until this is called, never.
   */
  public void trustSessionsWhile(BooleanSupplier live) {
    this.live = live;
  }

  /** A fresh token for a live session, so a reader is not sent back to the login page every few minutes. */
  public String renew(Principal p) {
    return tokens.issue(p.accountId(), p.role(), p.organisationId(), p.sessionId(), p.tokenVersion());
  }

  public Future<Void> logout(Principal principal) {
    return repository.revokeSession(principal.sessionId())
        .onSuccess(v -> sessions.notified("session:" + principal.sessionId()));
  }

  /** Checks the current password, the policy, then stores the new hash and ends the account's other sessions. */
  public Future<Void> changePassword(Principal principal, String current, String proposed) {
    return repository.accountById(principal.accountId()).compose(found -> {
      AuthRepository.Account account = found.orElseThrow(() -> new NotFound("no such account"));
      return hashing.executeBlocking(() -> {
        if (current == null || account.passwordHash() == null || current.length() > PasswordPolicy.MAX
            || !Passwords.matches(current, account.passwordHash())) {
          throw new PasswordRejected("password.wrongCurrent");
        }
        Optional<String> problem = PasswordPolicy.problem(proposed, account.username(), account.displayName());
        if (problem.isPresent()) {
          throw new PasswordRejected(problem.get());
        }
        return Passwords.hash(proposed);
      }, false).compose(hash -> repository.changePassword(account.id(), principal.sessionId(), hash))
          .onSuccess(v -> forgetAccount(account.id()));
    });
  }

  /** A new password was refused; the message is a key of the message bundles. */
  public static final class PasswordRejected extends RuntimeException {
    public PasswordRejected(String messageKey) {
      super(messageKey, null, false, false);
    }
  }

  /** How long a one-time set-up code stays good. */
  public static final int SETUP_DAYS = 30;

  /** An account without a password, for an admin: its one-time set-up code. The username and name are checked here. */
  public Future<String> createAccount(long actorId, long organisationId, String rawUsername, String rawDisplayName, Role role) {
    String username = rawUsername == null ? "" : rawUsername.strip().toLowerCase(Locale.ROOT);
    if (!username.matches("[a-z0-9][a-z0-9._-]{1,63}")) {
      return Future.failedFuture(new Invalid("bad_username", "a username has 2 to 64 lowercase letters, digits, '.', '_' or '-'"));
    }
    String displayName = rawDisplayName == null ? "" : rawDisplayName.strip();
    if (displayName.isEmpty() || displayName.length() > 200) {
      return Future.failedFuture(new Invalid("bad_name", "a name has 1 to 200 characters"));
    }
    return repository.createAccount(actorId, organisationId, username, displayName, role, SETUP_DAYS)
        .recover(e -> Future.failedFuture(Sqlstate.UNIQUE_VIOLATION.of(e) ? new Conflict("duplicate", "this username is taken")
            : Sqlstate.FOREIGN_KEY_VIOLATION.of(e) ? new Invalid("there is no organisation with this id") : e));
  }

  /** Learner accounts from a roster, each with a set-up code, as part of the caller's transaction. */
  public Future<List<AuthRepository.Issued>> createLearners(Transaction tx, long organisationId,
      List<AuthRepository.NewLearner> learners) {
    return repository.createLearners(tx, organisationId, learners, SETUP_DAYS);
  }

  public Future<Void> updateLearners(Transaction tx, List<AuthRepository.LearnerUpdate> updates) {
    return repository.updateLearners(tx, updates);
  }

  /** A fresh set-up code for the account; earlier ones stop working. Part of the caller's transaction. */
  /** New codes for many learners at once (a bulk re-issue); earlier unused codes of theirs stop working. */
  public Future<List<AuthRepository.IssuedCode>> reissueSetupCodes(Transaction tx, List<Long> accountIds) {
    return repository.reissueSetupCodes(tx, accountIds, SETUP_DAYS);
  }

  public Future<String> reissueSetupCode(Transaction tx, long accountId) {
    return repository.reissueSetupCode(tx, accountId, SETUP_DAYS);
  }

  /** Who a set-up code belongs to, while it is unused and unexpired. */
  public Future<Optional<AuthRepository.SetupAccount>> setupAccount(String code) {
    return code == null || code.length() > 64 ? Future.succeededFuture(Optional.empty()) : repository.setupAccount(code);
  }

  /**
   * Sets a first password with a one-time code: the same policy as any password change, then the code is used up
   * and every earlier session ends. False when the code is unknown, used or expired.
   */
  public Future<Boolean> completeSetup(String code, String proposed) {
    return setupAccount(code).compose(found -> found.isEmpty() ? Future.succeededFuture(false)
        : hashNewPassword(found.get().username(), found.get().displayName(), proposed)
            .compose(hash -> repository.completeSetup(code, hash))
            .onSuccess(done -> forgetAccount(found.get().accountId())));
  }

  /** Checks a first password against the policy and hashes it, on the hashing pool. */
  private Future<String> hashNewPassword(String username, String displayName, String proposed) {
    return hashing.executeBlocking(() -> {
      Optional<String> problem = PasswordPolicy.problem(proposed, username, displayName);
      if (problem.isPresent()) {
        throw new PasswordRejected(problem.get());
      }
      return Passwords.hash(proposed);
    }, false);
  }

  static String accountKey(String username) {
    return ACCOUNT + username;
  }

  /** No wait for the first few failures, then 1 s, 2 s, 4 s ... up to 15 minutes after the last one. */
  static long secondsToWait(AuthRepository.Failures f) {
    int free = f.key().startsWith(ADDRESS) ? ADDRESS_FREE_FAILURES
        : f.key().startsWith(DEVICE) ? DEVICE_FREE_FAILURES : ACCOUNT_FREE_FAILURES;
    if (f.failures() < free) {
      return 0;
    }
    long delay = Math.min(MAX_DELAY_SECONDS, 1L << Math.min(20, f.failures() - free));
    // in milliseconds, rounded up: whole seconds made the first 1 s wait 0 s whenever a second boundary fell in it
    long since = Duration.between(f.lastFailure(), OffsetDateTime.now(ZoneOffset.UTC)).toMillis();
    return Math.max(0, (delay * 1000 - since + 999) / 1000);
  }
}
