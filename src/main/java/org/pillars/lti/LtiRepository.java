package org.pillars.lti;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.pillars.core.Conflict;
import org.pillars.core.Role;
import org.pillars.db.Sqlstate;
import org.pillars.db.Transactions;

/** All SQL of the lti feature: platforms, their deployments, login states, nonces, links, courses, deep links. */
public final class LtiRepository {

  /**
   * A registered platform; {@code deployments} are the deployment ids it may launch with. One switched off
   * ({@code enabled} false) starts nothing here.
   */
  public record Platform(long id, String issuer, String clientId, String name, String authUrl, String tokenUrl, String jwksUrl,
                         long organisationId, Role instructorRole, List<String> deployments, boolean enabled) { }

  /** A login begun: the platform asked, and the nonce its id_token must carry. */
  public record State(long platformId, String nonce) { }

  /** A resource link as a launch leaves it. */
  public record Link(long platformId, String resourceLinkId, String deploymentId, String moduleId, String contextId,
                     String lineitemUrl) { }

  /** A platform's course, and where its roster is read. */
  public record Context(long id, long platformId, String contextId, String title, String membershipsUrl) { }

  /** An instructor's Deep Linking request, until they pick a module. */
  public record DeepLink(UUID id, long platformId, String deploymentId, long accountId, String returnUrl, String data) { }

  private static final String PLATFORM_COLUMNS = """
      p.id, p.issuer, p.client_id, p.name, p.auth_url, p.token_url, p.jwks_url, p.organisation_id, p.instructor_role,
      ARRAY(SELECT d.deployment_id FROM lti_deployments d WHERE d.platform_id = p.id ORDER BY d.deployment_id) AS deployments,
      p.enabled""";
  private static final String PLATFORMS = "SELECT " + PLATFORM_COLUMNS + " FROM lti_platforms p ORDER BY p.name, p.id";
  private static final String PLATFORM = "SELECT " + PLATFORM_COLUMNS + " FROM lti_platforms p WHERE p.id = $1";
  private static final String PLATFORMS_OF_ISSUER = "SELECT " + PLATFORM_COLUMNS
      + " FROM lti_platforms p WHERE p.issuer = $1 AND ($2::text IS NULL OR p.client_id = $2) ORDER BY p.id";
  private static final String INSERT_PLATFORM = """
      INSERT INTO lti_platforms (issuer, client_id, name, auth_url, token_url, jwks_url, organisation_id, instructor_role)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id""";
  private static final String INSERT_DEPLOYMENTS = """
      INSERT INTO lti_deployments (platform_id, deployment_id) SELECT $1, d FROM unnest($2::text[]) AS d
      ON CONFLICT DO NOTHING""";
  private static final String UPDATE_PLATFORM = """
      UPDATE lti_platforms SET name = $2, auth_url = $3, token_url = $4, jwks_url = $5, instructor_role = $6, enabled = $7
      WHERE id = $1""";
  private static final String DROP_DEPLOYMENTS =
      "DELETE FROM lti_deployments WHERE platform_id = $1 AND NOT (deployment_id = ANY ($2::text[]))";
  private static final String INSERT_STATE = "INSERT INTO lti_states (state, nonce, platform_id, expires_at) VALUES ($1, $2, $3, $4)";
  private static final String FORGET_EXPIRED = """
      WITH s AS (DELETE FROM lti_states WHERE expires_at < now()),
           d AS (DELETE FROM lti_deep_links WHERE expires_at < now()),
           i AS (DELETE FROM lti_invitations WHERE expires_at < now())
      DELETE FROM lti_nonces WHERE expires_at < now()""";
  private static final String TAKE_STATE =
      "DELETE FROM lti_states WHERE state = $1 AND expires_at > now() RETURNING platform_id, nonce";
  private static final String USE_NONCE =
      "INSERT INTO lti_nonces (platform_id, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
  private static final String SAVE_LINK = """
      INSERT INTO lti_links (platform_id, resource_link_id, deployment_id, module_id, context_id, lineitem_url)
      VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (platform_id, resource_link_id) DO UPDATE SET deployment_id = EXCLUDED.deployment_id,
        module_id = EXCLUDED.module_id, context_id = EXCLUDED.context_id,
        lineitem_url = COALESCE(EXCLUDED.lineitem_url, lti_links.lineitem_url)""";
  private static final String ADD_MEMBER = """
      INSERT INTO lti_link_members (platform_id, resource_link_id, account_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING""";
  private static final String SAVE_CONTEXT = """
      INSERT INTO lti_contexts (platform_id, context_id, title, memberships_url) VALUES ($1, $2, $3, $4)
      ON CONFLICT (platform_id, context_id) DO UPDATE SET title = COALESCE(EXCLUDED.title, lti_contexts.title),
        memberships_url = COALESCE(EXCLUDED.memberships_url, lti_contexts.memberships_url)
      RETURNING id""";
  private static final String CONTEXT =
      "SELECT id, platform_id, context_id, title, memberships_url FROM lti_contexts WHERE id = $1";
  private static final String INSERT_DEEP_LINK = """
      INSERT INTO lti_deep_links (id, platform_id, deployment_id, account_id, return_url, data, expires_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7)""";
  private static final String DEEP_LINK = """
      SELECT id, platform_id, deployment_id, account_id, return_url, data FROM lti_deep_links
      WHERE id = $1 AND account_id = $2 AND expires_at > now()""";
  private static final String TAKE_DEEP_LINK = """
      DELETE FROM lti_deep_links WHERE id = $1 AND account_id = $2 AND expires_at > now()
      RETURNING id, platform_id, deployment_id, account_id, return_url, data""";

  private static final String INSERT_INVITATION =
      "INSERT INTO lti_invitations (code_hash, organisation_id, instructor_role, expires_at) VALUES ($1, $2, $3, $4)";
  private static final String INVITATION =
      "SELECT organisation_id, instructor_role FROM lti_invitations WHERE code_hash = $1 AND expires_at > now()";
  private static final String SPEND_INVITATION = "DELETE FROM lti_invitations WHERE code_hash = $1 AND expires_at > now()";

  /** An admin's invitation to register a platform by LTI Dynamic Registration. */
  public record Invitation(long organisationId, Role instructorRole) { }

  private final Pool pool;

  public LtiRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Platform>> platforms() {
    return pool.query(PLATFORMS).execute().map(rows -> {
      List<Platform> all = new ArrayList<>();
      rows.forEach(r -> all.add(platform(r)));
      return all;
    });
  }

  public Future<Optional<Platform>> platform(long id) {
    return pool.preparedQuery(PLATFORM).execute(Tuple.of(id)).map(rows -> rows.size() == 0 ? Optional.empty()
        : Optional.of(platform(rows.iterator().next())));
  }

  /** The platforms of an issuer; with a client id, the one registered under it. */
  public Future<List<Platform>> platformsOf(String issuer, String clientId) {
    return pool.preparedQuery(PLATFORMS_OF_ISSUER).execute(Tuple.of(issuer, clientId)).map(rows -> {
      List<Platform> found = new ArrayList<>();
      rows.forEach(r -> found.add(platform(r)));
      return found;
    });
  }

  /**
   * Registers a platform and its deployments in one transaction, in the audit log as the admin's act; the same
   * issuer and client id twice is a conflict.
   */
  public Future<Long> register(long actorId, String issuer, String clientId, String name, String authUrl, String tokenUrl, String jwksUrl,
                               long organisationId, Role instructorRole, List<String> deployments) {
    return pool.withTransaction(conn -> Transactions.actAs(conn, actorId).compose(v -> conn.preparedQuery(INSERT_PLATFORM)
        .execute(Tuple.tuple(List.of(issuer, clientId, name, authUrl, tokenUrl, jwksUrl, organisationId, instructorRole.code()))))
        .compose(rows -> {
          long id = rows.iterator().next().getLong(0);
          return conn.preparedQuery(INSERT_DEPLOYMENTS).execute(Tuple.of(id, (Object) deployments.toArray(String[]::new))).map(id);
        }))
        .recover(e -> Sqlstate.UNIQUE_VIOLATION.of(e)
            ? Future.failedFuture(new Conflict("platform_exists", "this issuer and client id are registered already"))
            : Sqlstate.FOREIGN_KEY_VIOLATION.of(e)
            ? Future.failedFuture(new org.pillars.core.Invalid("organisation_id", "there is no such organisation"))
            : Future.failedFuture(e));
  }

  /**
   * Changes what an admin may change on a platform, its deployments becoming exactly those given, in one transaction
   * and in the audit log as the admin's act; false when there is no such platform.
   */
  public Future<Boolean> update(long actorId, long id, String name, String authUrl, String tokenUrl, String jwksUrl,
                                Role instructorRole, List<String> deployments, boolean enabled) {
    String[] ids = deployments.toArray(String[]::new);
    return pool.withTransaction(conn -> Transactions.actAs(conn, actorId)
        .compose(v -> conn.preparedQuery(UPDATE_PLATFORM).execute(Tuple.tuple(List.of(id, name, authUrl, tokenUrl, jwksUrl,
            instructorRole.code(), enabled))))
        .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture(false)
            : conn.preparedQuery(DROP_DEPLOYMENTS).execute(Tuple.of(id, (Object) ids))
                .compose(dropped -> conn.preparedQuery(INSERT_DEPLOYMENTS).execute(Tuple.of(id, (Object) ids)))
                .map(true)));
  }

  public Future<Void> invite(byte[] codeHash, long organisationId, Role instructorRole, OffsetDateTime expires) {
    return pool.preparedQuery(INSERT_INVITATION).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(codeHash), organisationId,
        instructorRole.code(), expires)).<Void>mapEmpty().recover(e -> Sqlstate.FOREIGN_KEY_VIOLATION.of(e)
            ? Future.failedFuture(new org.pillars.core.Invalid("organisation_id", "there is no such organisation"))
            : Future.failedFuture(e));
  }

  public Future<Optional<Invitation>> invitation(byte[] codeHash) {
    return pool.preparedQuery(INVITATION).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(codeHash))).map(rows -> rows.size() == 0
        ? Optional.empty() : Optional.of(new Invitation(rows.iterator().next().getLong(0),
            Role.of(rows.iterator().next().getString(1)).orElse(Role.TRAINER))));
  }

  /**
   * Registers a platform as {@link #register} does and spends the invitation in the same transaction: one
   * platform per invitation, even if the link is opened twice at once.
   */
  public Future<Long> registerInvited(byte[] codeHash, String issuer, String clientId, String name, String authUrl, String tokenUrl,
                                      String jwksUrl, Invitation invitation, List<String> deployments) {
    return pool.withTransaction(conn -> conn.preparedQuery(SPEND_INVITATION)
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(codeHash))).compose(spent -> {
          if (spent.rowCount() != 1) {
            return Future.failedFuture(new org.pillars.core.NotFound("lti_invitation",
                "this registration link is unknown, used or expired: ask a Pillars admin for a new one"));
          }
          return conn.preparedQuery(INSERT_PLATFORM).execute(Tuple.tuple(List.of(issuer, clientId, name, authUrl, tokenUrl, jwksUrl,
              invitation.organisationId(), invitation.instructorRole().code())));
        }).compose(rows -> {
          long id = rows.iterator().next().getLong(0);
          return conn.preparedQuery(INSERT_DEPLOYMENTS).execute(Tuple.of(id, (Object) deployments.toArray(String[]::new))).map(id);
        }))
        .recover(e -> Sqlstate.UNIQUE_VIOLATION.of(e)
            ? Future.failedFuture(new Conflict("platform_exists", "this issuer and client id are registered already"))
            : Future.failedFuture(e));
  }

  public Future<Void> beginLogin(String state, String nonce, long platformId, OffsetDateTime expires) {
    return pool.query(FORGET_EXPIRED).execute()
        .compose(v -> pool.preparedQuery(INSERT_STATE).execute(Tuple.of(state, nonce, platformId, expires))).mapEmpty();
  }

  /** The login a state belongs to, once only and before it expires. */
  public Future<Optional<State>> takeState(String state) {
    return pool.preparedQuery(TAKE_STATE).execute(Tuple.of(state)).map(rows -> rows.size() == 0 ? Optional.empty()
        : Optional.of(new State(rows.iterator().next().getLong(0), rows.iterator().next().getString(1))));
  }

  /** True the first time a platform's nonce is used, false ever after (until long after its token expired). */
  public Future<Boolean> useNonce(long platformId, String nonce, OffsetDateTime keepUntil) {
    return pool.preparedQuery(USE_NONCE).execute(Tuple.of(platformId, nonce, keepUntil)).map(rows -> rows.rowCount() == 1);
  }

  /** Records the link a launch came by and that {@code accountId} launched it, in one transaction. */
  public Future<Void> saveLaunch(Link link, long accountId) {
    return pool.withTransaction(conn -> conn.preparedQuery(SAVE_LINK)
        .execute(Tuple.of(link.platformId(), link.resourceLinkId(), link.deploymentId(), link.moduleId(), link.contextId(),
            link.lineitemUrl()))
        .compose(v -> conn.preparedQuery(ADD_MEMBER).execute(Tuple.of(link.platformId(), link.resourceLinkId(), accountId))))
        .mapEmpty();
  }

  public Future<Long> saveContext(long platformId, String contextId, String title, String membershipsUrl) {
    return pool.preparedQuery(SAVE_CONTEXT).execute(Tuple.of(platformId, contextId, title, membershipsUrl))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<Optional<Context>> context(long id) {
    return pool.preparedQuery(CONTEXT).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new Context(r.getLong(0), r.getLong(1), r.getString(2), r.getString(3), r.getString(4)));
    });
  }

  public Future<Void> saveDeepLink(DeepLink link, OffsetDateTime expires) {
    return pool.preparedQuery(INSERT_DEEP_LINK).execute(Tuple.tuple(List.of(link.id(), link.platformId(), link.deploymentId(),
        link.accountId(), link.returnUrl(), Optional.ofNullable(link.data()).orElse(""), expires))).mapEmpty();
  }

  /** A deep link request of this account, still open; {@code take} ends it. */
  public Future<Optional<DeepLink>> deepLink(UUID id, long accountId, boolean take) {
    return pool.preparedQuery(take ? TAKE_DEEP_LINK : DEEP_LINK).execute(Tuple.of(id, accountId)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      String data = r.getString(5);
      return Optional.of(new DeepLink(r.getUUID(0), r.getLong(1), r.getString(2), r.getLong(3), r.getString(4),
          data == null || data.isEmpty() ? null : data));
    });
  }

  private static Platform platform(Row r) {
    return new Platform(r.getLong(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
        r.getString(6), r.getLong(7), Role.of(r.getString(8)).orElse(Role.TRAINER),
        List.copyOf(Arrays.asList(r.getArrayOfStrings(9))), r.getBoolean(10));
  }
}
