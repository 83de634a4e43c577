package org.pillars.lti;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.pillars.content.Catalog;
import org.pillars.content.Module;
import org.pillars.core.Forbidden;
import org.pillars.core.Invalid;
import org.pillars.core.Principal;
import org.pillars.core.NotFound;
import org.pillars.core.Role;
import org.pillars.core.Unauthenticated;
import org.pillars.core.Unavailable;

/**
 * Pillars as an LTI 1.3 tool (1EdTech LTI Core 1.3, Deep Linking 2.0): the OIDC third-party-initiated login, the
 * launch and its strict checks, Deep Linking's answer, and the registration of platforms. Nothing is written for a
 * launch before every check of its id_token has passed, but the state and the nonce it spends.
 */
public final class LtiService {

  /** Signs in (making it on first arrival) the account a platform's user is; wired by App to auth. */
  public interface Accounts {
    Future<SignedIn> signIn(long platformId, String subject, long organisationId, String displayName, Role role);

    /** The account's id, made if new, nobody signed in (a member read from the course roster). */
    Future<Long> link(long platformId, String subject, long organisationId, String displayName, Role role);
  }

  /** The cohorts a roster may go into; wired by App to cohorts. */
  public interface Cohorts {
    /** The cohorts {@code p} manages in {@code organisationId}: id and name. */
    Future<List<Map.Entry<Long, String>>> of(Principal p, long organisationId);

    /** Enrols the accounts; how many were new to the cohort. */
    Future<Integer> enrol(Principal p, long cohortId, long organisationId, List<Long> accountIds);
  }

  /** A platform's course as its instructor sees it here. */
  public record Course(LtiRepository.Context context, LtiRepository.Platform platform) { }

  /** What a roster import did: members read, learners among them (active), newly enrolled, others left out. */
  public record Imported(int members, int learners, int enrolled, int skipped) { }

  /** A session for the launched user: its token for the cookie. */
  public record SignedIn(long accountId, Role role, String token) { }

  /** A launch that held: the session, where it goes (the module, or the Deep Linking picker), and the language the platform shows its user, if we speak it. */
  public record Launched(SignedIn session, String location, Optional<String> language) { }

  /** The Deep Linking answer: a signed JWT to post back to the platform's return address. */
  public record DeepLinkAnswer(String returnUrl, String jwt) { }

  static final String LTI = "https://purl.imsglobal.org/spec/lti/claim/";
  static final String MESSAGE_TYPE = LTI + "message_type";
  static final String VERSION = LTI + "version";
  static final String DEPLOYMENT_ID = LTI + "deployment_id";
  static final String ROLES = LTI + "roles";
  static final String RESOURCE_LINK = LTI + "resource_link";
  static final String LAUNCH_PRESENTATION = LTI + "launch_presentation";
  static final String TARGET_LINK_URI = LTI + "target_link_uri";
  static final String CONTEXT = LTI + "context";
  static final String CUSTOM = LTI + "custom";
  static final String AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint";
  static final String NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice";
  static final String DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings";
  static final String DEEP_LINKING_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data";
  static final String DEEP_LINKING_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items";
  static final String RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest";
  static final String DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest";
  static final String DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse";
  private static final String MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#";
  /** Clocks differ a little between a platform and us. */
  static final long SKEW_SECONDS = 60;
  /** An id_token issued longer ago than this is refused however far off its expiry is. */
  static final long MAX_AGE_SECONDS = 3600;
  private static final long LOGIN_MINUTES = 10;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final LtiRepository repository;
  private final Optional<ToolKeys> keys;
  private final PlatformKeys platformKeys;
  private final Accounts accounts;
  private final Cohorts cohorts;
  private final Optional<PlatformServices> services;
  private final Supplier<Catalog> catalog;
  private final Supplier<String> origin;
  private final Clock clock;

  LtiService(LtiRepository repository, Optional<ToolKeys> keys, PlatformKeys platformKeys, Optional<PlatformServices> services,
             Accounts accounts, Cohorts cohorts, Supplier<Catalog> catalog, Supplier<String> origin, Clock clock) {
    this.repository = repository;
    this.keys = keys;
    this.platformKeys = platformKeys;
    this.services = services;
    this.accounts = accounts;
    this.cohorts = cohorts;
    this.catalog = catalog;
    this.origin = origin;
    this.clock = clock;
  }

  public static LtiService create(io.vertx.core.Vertx vertx, LtiRepository repository, Optional<ToolKeys> keys, Accounts accounts,
                                  Cohorts cohorts, Supplier<Catalog> catalog, Supplier<String> origin) {
    io.vertx.ext.web.client.WebClient client = client(vertx);
    return new LtiService(repository, keys, new PlatformKeys(client, Clock.systemUTC()),
        keys.map(k -> new PlatformServices(client, k, Clock.systemUTC())), accounts, cohorts, catalog, origin, Clock.systemUTC());
  }

  /** The tool's public key set; LTI off, an empty set. */
  public String publicKeys() {
    return keys.map(ToolKeys::publicSet).orElse("{\"keys\":[]}");
  }

  private ToolKeys keys() {
    return keys.orElseThrow(() -> new Unavailable("lti_off",
        "LTI is not set up on this server: its administrator must set PILLARS_LTI_KEY_FILE", 3600));
  }

  public String launchUrl() {
    return origin.get() + "/lti/launch";
  }

  public String loginUrl() {
    return origin.get() + "/lti/login";
  }

  public Future<List<LtiRepository.Platform>> platforms() {
    return repository.platforms();
  }

  /**
   * OIDC third-party-initiated login: the platform names itself ({@code iss}, and {@code client_id} where it has
   * several registrations) and the user ({@code login_hint}); the answer is the platform's authorisation address, to
   * which the browser goes with a fresh state and nonce (kept ten minutes, used once).
   */
  /** Where the browser goes next, and the state it must bring back (kept in a cookie of its own: {@link #launch}). */
  public record Login(String location, String state) { }

  public Future<Login> login(Map<String, String> params) {
    keys();
    String issuer = required(params, "iss");
    String loginHint = required(params, "login_hint");
    String target = params.get("target_link_uri");
    String clientId = blankToNull(params.get("client_id"));
    return repository.platformsOf(issuer, clientId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new Forbidden("lti_unknown_platform", "no platform is registered here for issuer " + issuer
            + (clientId == null ? "" : " and client id " + clientId) + "; an admin registers it under LTI platforms"));
      }
      if (found.size() > 1) {
        return Future.failedFuture(new Invalid("lti_client_id", "several registrations share issuer " + issuer
            + ": the platform must send its client_id"));
      }
      LtiRepository.Platform platform = on(found.get(0));
      String deployment = blankToNull(params.get("lti_deployment_id"));
      if (deployment != null && !platform.deployments().contains(deployment)) {
        return Future.failedFuture(unregisteredDeployment(deployment));
      }
      String state = random();
      String nonce = random();
      OffsetDateTime expires = OffsetDateTime.now(clock).plusMinutes(LOGIN_MINUTES);
      return repository.beginLogin(state, nonce, platform.id(), expires).map(v -> {
        StringBuilder url = new StringBuilder(platform.authUrl()).append(platform.authUrl().contains("?") ? '&' : '?');
        query(url, "scope", "openid");
        query(url, "response_type", "id_token");
        query(url, "response_mode", "form_post");
        query(url, "prompt", "none");
        query(url, "client_id", platform.clientId());
        query(url, "redirect_uri", launchUrl());
        query(url, "login_hint", loginHint);
        query(url, "state", state);
        query(url, "nonce", nonce);
        if (params.get("lti_message_hint") != null) {
          query(url, "lti_message_hint", params.get("lti_message_hint"));
        }
        url.setLength(url.length() - 1);
        return new Login(url.toString(), state);
      });
    });
  }

  /**
   * The launch: the id_token the platform posted, with the state of the login it answers. Checked in full (key,
   * signature, issuer, audience, authorised party, times, nonce, message type and version, deployment) before anyone
   * is signed in; any failure is a refusal with its reason.
   */
  public Future<Launched> launch(String idToken, String state, String browserState) {
    keys();
    if (idToken == null || idToken.isBlank() || state == null || state.isBlank()) {
      return Future.failedFuture(new Invalid("lti_launch", "a launch needs an id_token and a state: open the activity from your course"));
    }
    // the login began in this very browser (its cookie holds the state): a launch posted from elsewhere into someone
    // else's browser would sign them in as another (a login forgery), so it is refused before anything is spent
    if (!state.strip().equals(browserState)) {
      return Future.failedFuture(refused("lti_browser", "this launch did not begin in this browser (its login cookie is missing):"
          + " open the activity again from your course, and allow this site's cookies"));
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(idToken.strip());
    } catch (ParseException e) {
      return Future.failedFuture(refused("lti_token", "the id_token is not a signed JWT"));
    }
    if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
      return Future.failedFuture(refused("lti_alg", "the id_token is signed with " + jwt.getHeader().getAlgorithm()
          + "; only RS256 is accepted"));
    }
    String kid = jwt.getHeader().getKeyID();
    if (kid == null || kid.isBlank()) {
      return Future.failedFuture(refused("lti_kid", "the id_token names no key (kid)"));
    }
    return repository.takeState(state.strip()).compose(found -> {
      LtiRepository.State login = found.orElseThrow(() -> refused("lti_state",
          "this launch has no login of ours behind it, or it was used or has expired: open the activity again from your course"));
      return repository.platform(login.platformId()).map(p -> on(p.orElseThrow(() -> refused("lti_state", "the platform is gone"))))
          .compose(platform -> platformKeys.key(platform.jwksUrl(), kid)
              .compose(key -> checked(jwt, key, platform, login))
              .compose(claims -> proceed(platform, claims)));
    });
  }

  private Future<JWTClaimsSet> checked(SignedJWT jwt, com.nimbusds.jose.jwk.RSAKey key, LtiRepository.Platform platform,
                                       LtiRepository.State login) {
    try {
      if (!jwt.verify(new RSASSAVerifier(key))) {
        return Future.failedFuture(refused("lti_signature", "the id_token's signature does not verify with the platform's key"));
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      if (!platform.issuer().equals(claims.getIssuer())) {
        throw refused("lti_issuer", "the id_token is issued by " + claims.getIssuer() + ", not by " + platform.issuer());
      }
      List<String> audience = claims.getAudience();
      if (audience == null || !audience.contains(platform.clientId())) {
        throw refused("lti_audience", "the id_token is not meant for this tool (audience " + audience + ")");
      }
      Object azp = claims.getClaim("azp");
      if ((audience.size() > 1 || azp != null) && !platform.clientId().equals(azp)) {
        throw refused("lti_azp", "the id_token's authorised party (azp) is not this tool");
      }
      Instant now = clock.instant();
      Date exp = claims.getExpirationTime();
      Date iat = claims.getIssueTime();
      if (exp == null || !exp.toInstant().plusSeconds(SKEW_SECONDS).isAfter(now)) {
        throw refused("lti_expired", "the id_token has expired: open the activity again from your course");
      }
      if (iat == null || iat.toInstant().isAfter(now.plusSeconds(SKEW_SECONDS))
          || iat.toInstant().isBefore(now.minusSeconds(MAX_AGE_SECONDS))) {
        throw refused("lti_iat", "the id_token's issue time is missing, in the future or too long ago");
      }
      if (!login.nonce().equals(claims.getStringClaim("nonce"))) {
        throw refused("lti_nonce", "the id_token's nonce is not the one this login sent");
      }
      if (!"1.3.0".equals(claims.getStringClaim(VERSION))) {
        throw refused("lti_version", "the launch is LTI version " + claims.getClaim(VERSION) + "; this tool speaks 1.3.0");
      }
      String type = claims.getStringClaim(MESSAGE_TYPE);
      if (!RESOURCE_LINK_REQUEST.equals(type) && !DEEP_LINKING_REQUEST.equals(type)) {
        throw refused("lti_message_type", "the message type " + type + " is not one this tool accepts");
      }
      String deployment = claims.getStringClaim(DEPLOYMENT_ID);
      if (deployment == null || !platform.deployments().contains(deployment)) {
        throw unregisteredDeployment(deployment);
      }
      if (claims.getSubject() == null || claims.getSubject().isBlank() || claims.getSubject().length() > 255) {
        throw refused("lti_subject", "the launch names no user (sub): anonymous launches are not supported");
      }
      if (!(claims.getClaim(ROLES) instanceof List<?>)) {
        throw refused("lti_roles", "the launch carries no roles claim");
      }
      OffsetDateTime keepUntil = OffsetDateTime.ofInstant(exp.toInstant(), ZoneOffset.UTC).plusSeconds(SKEW_SECONDS + MAX_AGE_SECONDS);
      return repository.useNonce(platform.id(), login.nonce(), keepUntil).map(fresh -> {
        if (!fresh) {
          throw refused("lti_nonce", "this id_token's nonce was used before: a launch is accepted once");
        }
        return claims;
      });
    } catch (ParseException | JOSEException e) {
      return Future.failedFuture(refused("lti_token", "the id_token's claims cannot be read: " + e.getMessage()));
    } catch (Unauthenticated e) {
      return Future.failedFuture(e);
    }
  }

  /** Once the token holds: the account, then where the launch goes. */
  private Future<Launched> proceed(LtiRepository.Platform platform, JWTClaimsSet claims) {
    String type = (String) claims.getClaim(MESSAGE_TYPE);
    Role role = role(claims, platform.instructorRole());
    if (DEEP_LINKING_REQUEST.equals(type)) {
      if (role == Role.LEARNER) {
        return Future.failedFuture(new Forbidden("lti_instructor", "only an instructor may add Pillars modules to a course"));
      }
      Map<String, Object> settings = object(claims, DEEP_LINKING_SETTINGS);
      String returnUrl = settings == null ? null : (String) settings.get("deep_link_return_url");
      if (returnUrl == null || !web(returnUrl)) {
        return Future.failedFuture(refused("lti_deep_linking", "the deep linking request has no return address"));
      }
      return accounts.signIn(platform.id(), claims.getSubject(), platform.organisationId(), name(claims, platform), role)
          .compose(session -> {
            UUID id = UUID.randomUUID();
            return repository.saveDeepLink(new LtiRepository.DeepLink(id, platform.id(), (String) claims.getClaim(DEPLOYMENT_ID),
                    session.accountId(), returnUrl, settings.get("data") instanceof String d ? d : null),
                    OffsetDateTime.now(clock).plusHours(1))
                .map(v -> new Launched(session, "/lti/deep-links/" + id, language(claims)));
          });
    }
    Map<String, Object> link = object(claims, RESOURCE_LINK);
    String linkId = link == null ? null : (String) link.get("id");
    if (linkId == null || linkId.isBlank() || linkId.length() > 255) {
      return Future.failedFuture(refused("lti_resource_link", "the launch names no resource link"));
    }
    Optional<String> module = module(claims);
    if (module.isEmpty()) {
      return Future.failedFuture(new NotFound("lti_module", "the activity does not name a Pillars module that exists here;"
          + " ask the instructor to choose the module again"));
    }
    Map<String, Object> context = object(claims, CONTEXT);
    String contextId = context == null ? null : (String) context.get("id");
    Map<String, Object> ags = object(claims, AGS_ENDPOINT);
    String lineitem = ags != null && ags.get("lineitem") instanceof String l && web(l) && ours(platform, l) ? l : null;
    Map<String, Object> nrps = object(claims, NRPS);
    String memberships = nrps != null && nrps.get("context_memberships_url") instanceof String m && web(m) && ours(platform, m) ? m : null;
    LtiRepository.Link saved = new LtiRepository.Link(platform.id(), linkId, (String) claims.getClaim(DEPLOYMENT_ID),
        module.get(), contextId, lineitem);
    return accounts.signIn(platform.id(), claims.getSubject(), platform.organisationId(), name(claims, platform), role)
        .compose(session -> repository.saveLaunch(saved, session.accountId())
            .compose(v -> contextId == null ? Future.succeededFuture(0L)
                : repository.saveContext(platform.id(), contextId, context.get("title") instanceof String t ? t : null, memberships))
            .map(contextKey -> new Launched(session, role != Role.LEARNER && memberships != null && contextKey > 0
                ? "/lti/courses/" + contextKey + "?module=" + module.get() : "/modules/" + module.get(), language(claims))));
  }

  /**
   * The language the platform shows its user ({@code launch_presentation.locale}: a BCP 47 tag such as fr-FR, or
   * Moodle's own fr_ca), when it is one of ours.
   */
  static Optional<String> language(JWTClaimsSet claims) {
    Map<String, Object> presentation = object(claims, LAUNCH_PRESENTATION);
    String locale = presentation != null && presentation.get("locale") instanceof String l ? l : "";
    String primary = locale.strip().toLowerCase(java.util.Locale.ROOT).split("[-_]", 2)[0];
    return org.pillars.content.CourseLoader.LANGUAGES.contains(primary) ? Optional.of(primary) : Optional.empty();
  }

  /**
   * The platform's membership roles mapped to ours: an Instructor (or one of its sub-roles), a ContentDeveloper or
   * a course Administrator is the instructor role the platform was registered with; anyone else is a learner. A
   * platform never makes anyone an admin here, and a role it does not state is never assumed.
   */
  static Role role(JWTClaimsSet claims, Role instructorRole) {
    Object raw = claims.getClaim(ROLES);
    if (raw instanceof List<?> roles && roles.stream().anyMatch(r -> r instanceof String s && instructor(s))) {
      return instructorRole;
    }
    return Role.LEARNER;
  }

  /** One rule, for launches and rosters alike: which of the platform's course roles teach. */
  static boolean instructor(String role) {
    return role.startsWith(MEMBERSHIP + "Instructor") || role.startsWith(MEMBERSHIP + "ContentDeveloper")
        || role.equals(MEMBERSHIP + "Administrator") || role.startsWith("http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#");
  }

  /**
   * Whether a service address a launch names is the platform's own (its issuer's, or its token service's origin): the
   * platform's access tokens go there, and nowhere else.
   */
  private static boolean ours(LtiRepository.Platform platform, String address) {
    return sameOrigin(address, platform.issuer()) || sameOrigin(address, platform.tokenUrl()) || sameOrigin(address, platform.authUrl());
  }

  /** The module the launch opens: the custom parameter a deep link set, else the module named by the target address. */
  private Optional<String> module(JWTClaimsSet claims) {
    Map<String, Object> custom = object(claims, CUSTOM);
    Catalog current = catalog.get();
    if (custom != null && custom.get("module") instanceof String id && current.module(id).isPresent()) {
      return Optional.of(id);
    }
    Object target = claims.getClaim(TARGET_LINK_URI);
    if (target instanceof String t) {
      try {
        String path = URI.create(t).getPath();
        if (path != null && path.startsWith("/modules/")) {
          String id = path.substring("/modules/".length()).split("/")[0];
          return current.module(id).map(Module::id);
        }
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static String name(JWTClaimsSet claims, LtiRepository.Platform platform) {
    String name = claims.getClaim("name") instanceof String n ? n.strip() : "";
    if (name.isEmpty()) {
      String given = claims.getClaim("given_name") instanceof String g ? g.strip() : "";
      String family = claims.getClaim("family_name") instanceof String f ? f.strip() : "";
      name = (given + " " + family).strip();
    }
    if (name.isEmpty()) {
      name = "Learner from " + platform.name();
    }
    name = name.replaceAll("\\p{Cntrl}", " ");
    return name.length() > 200 ? name.substring(0, 200) : name;
  }

  /**
   * The Deep Linking answer (Deep Linking 2.0, LtiDeepLinkingResponse): one LTI resource link to the module, with a
   * gradebook column out of 100, signed with the tool key, for the browser to post to the platform's return address.
   */
  public Future<DeepLinkAnswer> deepLink(UUID requestId, long accountId, String moduleId) {
    Module module = catalog.get().module(moduleId).orElseThrow(() -> new Invalid("module", "no module " + moduleId));
    NotFound gone = new NotFound("lti_deep_link", "this choice has expired or was made already: start again from your course");
    // the platform is checked before the request is spent: one switched off, or a deployment removed, keeps it for later
    return repository.deepLink(requestId, accountId, false).compose(open -> {
      LtiRepository.DeepLink asked = open.orElseThrow(() -> gone);
      return repository.platform(asked.platformId()).map(p -> {
        LtiRepository.Platform platform = on(p.orElseThrow(() -> new NotFound("lti_deep_link", "the platform is gone")));
        if (!platform.deployments().contains(asked.deploymentId())) {
          throw unregisteredDeployment(asked.deploymentId());
        }
        return platform;
      }).compose(platform -> repository.deepLink(requestId, accountId, true).map(taken -> {
        LtiRepository.DeepLink request = taken.orElseThrow(() -> gone);
        Map<String, Object> item = new java.util.LinkedHashMap<>();
        item.put("type", "ltiResourceLink");
        item.put("title", module.title().in("en"));
        item.put("url", launchUrl());
        item.put("custom", Map.of("module", module.id()));
        item.put("lineItem", Map.of("scoreMaximum", 100, "label", module.title().in("en"), "resourceId", module.id()));
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
            .issuer(platform.clientId())
            .audience(platform.issuer())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(600)))
            .claim("nonce", random())
            .claim(MESSAGE_TYPE, DEEP_LINKING_RESPONSE)
            .claim(VERSION, "1.3.0")
            .claim(DEPLOYMENT_ID, request.deploymentId())
            .claim(DEEP_LINKING_ITEMS, List.of(item));
        if (request.data() != null) {
          claims.claim(DEEP_LINKING_DATA, request.data());
        }
        return new DeepLinkAnswer(request.returnUrl(), keys().sign(claims.build()));
      }));
    });
  }

  /** Whether a Deep Linking request of this account is open (its picker may be shown). */
  public Future<Boolean> deepLinkOpen(UUID requestId, long accountId) {
    return repository.deepLink(requestId, accountId, false).map(Optional::isPresent);
  }

  /**
   * A platform's course, for staff of the platform's organisation (or above it) and admins; anyone else is told
   * there is no such course.
   */
  public Future<Course> course(Principal p, long contextId) {
    return repository.context(contextId).compose(found -> {
      LtiRepository.Context context = found.orElseThrow(() -> new NotFound("lti_course", "there is no such course"));
      return repository.platform(context.platformId()).map(pl -> {
        LtiRepository.Platform platform = pl.orElseThrow(() -> new NotFound("lti_course", "there is no such course"));
        if (p.role() != Role.ADMIN && !p.organisations().contains(platform.organisationId())) {
          throw new NotFound("lti_course", "there is no such course");
        }
        return new Course(context, platform);
      });
    });
  }

  public Future<List<Map.Entry<Long, String>>> cohortsFor(Principal p, Course course) {
    return cohorts.of(p, course.platform().organisationId());
  }

  /**
   * Names and Role Provisioning: reads the course's roster from the platform and enrols its active Learners in the
   * cohort, each the account their launch would give them (made now if they never launched). Instructors and
   * members no longer active are left out. Nothing is enrolled if the roster cannot be read whole.
   */
  public Future<Imported> importMembers(Principal p, long contextId, long cohortId) {
    PlatformServices calls = services.orElseThrow(() -> new Unavailable("lti_off",
        "LTI is not set up on this server: its administrator must set PILLARS_LTI_KEY_FILE", 3600));
    return course(p, contextId).compose(course -> {
      if (course.context().membershipsUrl() == null) {
        return Future.failedFuture(new Invalid("lti_roster", "the platform offers no roster for this course"));
      }
      LtiRepository.Platform platform = on(course.platform());
      // the cohort first: nobody's account is made or renamed for an import that could not enrol them
      return cohorts.of(p, platform.organisationId()).compose(mine -> mine.stream().anyMatch(c -> c.getKey() == cohortId)
          ? Future.succeededFuture()
          : Future.failedFuture(new Invalid("cohort", "this cohort is not one of yours in the organisation the platform's users belong to")))
          .compose(v -> calls.members(platform, course.context().membershipsUrl()))
          .recover(e -> Future.failedFuture(e instanceof PlatformServices.ServiceFailure f
              ? new Unavailable("lti_roster", "the course's roster could not be read from the platform (" + f.getMessage()
                  + "); try again later", 60) : e))
          .compose(members -> {
            List<PlatformServices.Member> learners = members.stream()
                .filter(m -> "Active".equalsIgnoreCase(m.status()) && m.roles().stream().anyMatch(r ->
                    r.equals(MEMBERSHIP + "Learner") || r.equals("Learner")))
                .filter(m -> m.roles().stream().noneMatch(LtiService::instructor))
                .toList();
            Future<List<Long>> ids = Future.succeededFuture(new ArrayList<>());
            for (PlatformServices.Member m : learners) {
              String name = m.name() == null || m.name().isBlank() ? "Learner from " + platform.name() : clip(m.name());
              ids = ids.compose(so -> accounts.link(platform.id(), m.userId(), platform.organisationId(), name, Role.LEARNER)
                  .map(id -> {
                    so.add(id);
                    return so;
                  }));
            }
            return ids.compose(all -> cohorts.enrol(p, cohortId, platform.organisationId(), all))
                .map(enrolled -> new Imported(members.size(), learners.size(), enrolled, members.size() - learners.size()));
          });
    });
  }

  private static String clip(String name) {
    String n = name.strip().replaceAll("\\p{Cntrl}", " ");
    return n.length() > 200 ? n.substring(0, 200) : n;
  }

  /** The platform, if it is switched on; one switched off starts nothing here, and the person is told why. */
  private static LtiRepository.Platform on(LtiRepository.Platform platform) {
    if (!platform.enabled()) {
      throw new Forbidden("lti_platform_off", "the platform " + platform.name() + " is switched off in Pillars; a Pillars admin"
          + " can switch it on again under LTI platforms");
    }
    return platform;
  }

  /** A platform, as an admin registers it by hand; every address is checked. */
  public record Registration(String issuer, String clientId, String name, String authUrl, String tokenUrl, String jwksUrl,
                             long organisationId, Role instructorRole, List<String> deployments) {
    public Registration {
      issuer = address("issuer", issuer);
      authUrl = address("auth_url", authUrl);
      tokenUrl = address("token_url", tokenUrl);
      jwksUrl = address("jwks_url", jwksUrl);
      clientId = text("client_id", clientId, 200);
      name = text("name", name, 200);
      instructors(instructorRole);
      deployments = deploymentIds(deployments);
    }

    /** The addresses the server will call, by field. */
    Map<String, String> addresses() {
      return Map.of("issuer", issuer, "auth_url", authUrl, "token_url", tokenUrl, "jwks_url", jwksUrl);
    }
  }

  /**
   * What an admin may change on a registered platform, checked as a registration is: not who the platform is
   * (issuer, client id: another one is another registration), nor whose members arrive from it (their accounts are there).
   */
  public record Settings(String name, String authUrl, String tokenUrl, String jwksUrl, Role instructorRole, List<String> deployments,
                         boolean enabled) {
    public Settings {
      authUrl = address("auth_url", authUrl);
      tokenUrl = address("token_url", tokenUrl);
      jwksUrl = address("jwks_url", jwksUrl);
      name = text("name", name, 200);
      instructors(instructorRole);
      deployments = deploymentIds(deployments);
    }

    /** The addresses the server will call, by field. */
    Map<String, String> addresses() {
      return Map.of("auth_url", authUrl, "token_url", tokenUrl, "jwks_url", jwksUrl);
    }
  }

  /** What a platform's instructors may become here; a role the form or the API could not read arrives as null. */
  static void instructors(Role role) {
    if (role != Role.TRAINER && role != Role.COORDINATOR) {
      throw Invalid.field("instructor_role", "lti_instructor_role", "a platform's instructors become trainers or coordinators here");
    }
  }

  private static List<String> deploymentIds(List<String> given) {
    List<String> cleaned = new ArrayList<>();
    for (String d : given) {
      if (d != null && !d.isBlank() && !cleaned.contains(d.strip())) {
        String id = text("deployment_ids", d, 255);
        if (id.matches(".*[\\s,].*")) {
          // the form lists ids separated by commas and spaces: one holding either would not come back whole
          throw Invalid.field("deployment_ids", "lti_deployment_separator", "a deployment id has no spaces or commas, not '" + id + "'", id);
        }
        cleaned.add(id);
      }
    }
    if (cleaned.isEmpty()) {
      throw Invalid.field("deployment_ids", "lti_deployments_none", "name at least one deployment id (Moodle shows it on the tool's details)");
    }
    if (cleaned.size() > 100) {
      throw Invalid.field("deployment_ids", "lti_deployments_many", "a platform has at most 100 deployment ids");
    }
    return List.copyOf(cleaned);
  }

  public Future<Long> register(Principal admin, Registration r) {
    return mayCall(r.addresses()).compose(v -> repository.register(admin.accountId(), r.issuer(), r.clientId(), r.name(), r.authUrl(), r.tokenUrl(), r.jwksUrl(),
        r.organisationId(), r.instructorRole(), r.deployments())).compose(id -> refreshAncestors().map(id));
  }

  /** The platform, for an admin. */
  public Future<LtiRepository.Platform> platform(long id) {
    return repository.platform(id).map(p -> p.orElseThrow(() -> new NotFound("lti_platform", "there is no such platform")));
  }

  /**
   * An admin changes a platform's settings, or switches it off or on. Its deployments become exactly those given: a
   * launch from one removed is refused from now on. Which sites may frame our pages follows at once.
   */
  public Future<LtiRepository.Platform> update(Principal admin, long id, Settings s) {
    return mayCall(s.addresses()).compose(v -> repository.update(admin.accountId(), id, s.name(), s.authUrl(), s.tokenUrl(), s.jwksUrl(), s.instructorRole(),
            s.deployments(), s.enabled()))
        .compose(found -> found ? refreshAncestors().compose(v -> platform(id))
            : Future.failedFuture(new NotFound("lti_platform", "there is no such platform")));
  }

  /** A platform registered by Dynamic Registration, spending the admin's invitation in the same transaction. */
  Future<Long> registerInvited(byte[] codeHash, Registration r, LtiRepository.Invitation invitation) {
    return mayCall(r.addresses()).compose(v -> repository.registerInvited(codeHash, r.issuer(), r.clientId(), r.name(), r.authUrl(),
        r.tokenUrl(), r.jwksUrl(), invitation, r.deployments())).compose(id -> refreshAncestors().map(id));
  }

  private volatile java.util.Set<String> ancestors = java.util.Set.of();
  private volatile java.util.Set<String> registered = java.util.Set.of();

  private static final java.util.Set<String> LAUNCH_PAGES = java.util.Set.of("/lti/login", "/lti/launch");

  /**
   * The sites that may frame the page at {@code path}: each switched-on platform's issuer and authorisation origins.
   * The login and the launch, which answer only with a redirect or a refusal, may be framed by every registered
   * platform, so that a learner inside one switched off reads why.
   */
  public java.util.Set<String> frameAncestors(String path) {
    return LAUNCH_PAGES.contains(path) ? registered : ancestors;
  }

  /** Reads the platforms again (after a registration here, and every minute for one made on another server). */
  public Future<Void> refreshAncestors() {
    return repository.platforms().map(all -> {
      java.util.Set<String> on = new java.util.TreeSet<>();
      java.util.Set<String> every = new java.util.TreeSet<>();
      for (LtiRepository.Platform p : all) {
        for (String address : List.of(p.issuer(), p.authUrl())) {
          origin(address).ifPresent(every::add);
          origin(address).filter(o -> p.enabled()).ifPresent(on::add);
        }
      }
      ancestors = java.util.Set.copyOf(on);
      registered = java.util.Set.copyOf(every);
      return null;
    });
  }

  /** Keeps the frame ancestors current; the first read completes the returned future. */
  public Future<Void> start(io.vertx.core.Vertx vertx) {
    vertx.setPeriodic(60_000, id -> refreshAncestors());
    return refreshAncestors();
  }

  /** scheme://host[:port] of an address, rebuilt from its parts so that nothing else reaches a CSP header. */
  static Optional<String> origin(String address) {
    try {
      URI uri = URI.create(address);
      String host = uri.getHost();
      if (host == null || !host.matches("[A-Za-z0-9.-]+|\\[[0-9a-fA-F:]+\\]") || !syntactic(address)) {
        return Optional.empty();
      }
      return Optional.of(uri.getScheme() + "://" + host + (uri.getPort() == -1 ? "" : ":" + uri.getPort()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * An address a platform may give, to be called or sent to: https to a host that is not this machine nor a private
   * or link-local address written as such; http, and this machine's own addresses, only while Pillars itself answers
   * at a loopback address (development, tests), never once its public address is set. No user information, no fragment.
   */
  boolean web(String value) {
    if (!syntactic(value)) {
      return false;
    }
    URI uri = URI.create(value);
    if (local()) {
      return "https".equals(uri.getScheme()) || loopback(uri.getHost());
    }
    return "https".equals(uri.getScheme()) && !internal(uri.getHost());
  }

  /** Whether this server answers at a loopback address (its origin is http://localhost...: no public address set). */
  private boolean local() {
    try {
      String host = URI.create(origin.get()).getHost();
      return host != null && loopback(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean loopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
  }

  /** This machine, a private network or a link-local address (a cloud's metadata service), written as a literal. */
  static boolean internal(String host) {
    String h = host.toLowerCase(java.util.Locale.ROOT);
    return loopback(h) || h.endsWith(".localhost") || h.startsWith("10.") || h.startsWith("192.168.") || h.startsWith("169.254.")
        || h.matches("172\\.(1[6-9]|2[0-9]|3[01])\\..*") || h.startsWith("0.") || h.startsWith("[fc") || h.startsWith("[fd")
        || h.startsWith("[fe80");
  }

  /** An absolute http(s) address with a host, no user information, no fragment. */
  static boolean syntactic(String value) {
    try {
      URI uri = URI.create(value);
      return uri.getHost() != null && uri.getRawUserInfo() == null && uri.getRawFragment() == null
          && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code a} and {@code b} are on one origin (scheme, host, port). */
  static boolean sameOrigin(String a, String b) {
    Optional<String> first = origin(a);
    return first.isPresent() && first.equals(origin(b));
  }

  /** Refuses a registration whose addresses this server may not call (see {@link #web}). */
  /** Succeeds when the server may call each address (by its field); else fails with the reason. */
  private Future<Void> mayCall(Map<String, String> addresses) {
    try {
      callable(addresses);
      return Future.succeededFuture();
    } catch (Invalid e) {
      return Future.failedFuture(e);
    }
  }

  /** Each address (by its field) one the server may call, or the reason it may not. */
  void callable(Map<String, String> addresses) {
    for (Map.Entry<String, String> a : new java.util.TreeMap<>(addresses).entrySet()) {
      if (!web(a.getValue())) {
        throw Invalid.field(a.getKey(), "lti_callable", a.getKey() + " must be an https address of another machine (http only while Pillars"
            + " runs on this one), not '" + a.getValue() + "'", a.getKey(), a.getValue());
      }
    }
  }

  /** The LTI client of the outside world: redirects are not followed, so an address checked is the address called. */
  static io.vertx.ext.web.client.WebClient client(io.vertx.core.Vertx vertx) {
    return io.vertx.ext.web.client.WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions().setFollowRedirects(false)
        .setMaxRedirects(0));
  }

  private static String address(String field, String value) {
    String v = value == null ? "" : value.strip();
    if (v.length() > 1000 || !syntactic(v)) {
      throw Invalid.field(field, "lti_address", field + " must be an https address, not '" + v + "'", field, v);
    }
    return v;
  }

  private static String text(String field, String value, int max) {
    String v = value == null ? "" : value.strip();
    if (v.isEmpty() || v.length() > max || v.chars().anyMatch(Character::isISOControl)) {
      throw Invalid.field(field, "lti_text", field + " must be 1 to " + max + " characters", field, max);
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(JWTClaimsSet claims, String name) {
    return claims.getClaim(name) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }

  private static Unauthenticated refused(String code, String reason) {
    return new Unauthenticated(code, "LTI launch refused: " + reason);
  }

  private static Unauthenticated unregisteredDeployment(String deployment) {
    return refused("lti_deployment", "the deployment " + deployment + " is not registered for this platform");
  }

  private static String required(Map<String, String> params, String name) {
    String v = blankToNull(params.get(name));
    if (v == null || v.length() > 2000) {
      throw new Invalid("lti_login", "the login request must carry " + name);
    }
    return v;
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static void query(StringBuilder url, String name, String value) {
    url.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8)).append('&');
  }

  private static String random() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
