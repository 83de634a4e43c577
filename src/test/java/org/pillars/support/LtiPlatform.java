package org.pillars.support;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A learning platform as LTI 1.3 describes it (1EdTech LTI Core 1.3, the Security Framework 1.0, Deep Linking 2.0,
 * Assignment and Grade Services 2.0, Names and Role Provisioning Services 2.0), written from those specifications for
 * the tests: its own RS256 key pair and key set, an OIDC authorisation endpoint answering with an auto-posting form, a
 * token endpoint that checks the tool's signed client assertion against the tool's published key set, a line item's
 * score service and a course roster. Switches make it misbehave on purpose (key set down or malformed, grades down).
 */
public final class LtiPlatform implements AutoCloseable {

  public static final String CLIENT_ID = "pillars-tool";
  public static final String DEPLOYMENT = "deployment-1";
  public static final String LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner";
  public static final String INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor";
  private static final String LTI = "https://purl.imsglobal.org/spec/lti/claim/";

  /** Who the platform launches, and how. {@code module}: the custom parameter a deep link left (null: none). */
  public record Launch(String sub, String name, List<String> roles, String messageType, String resourceLinkId, String module) {
    public static Launch learner(String sub, String module) {
      return new Launch(sub, "Learner " + sub, List.of(LEARNER), "LtiResourceLinkRequest", "link-" + module, module);
    }

    public static Launch instructor(String sub, String module) {
      return new Launch(sub, "Instructor " + sub, List.of(INSTRUCTOR), "LtiResourceLinkRequest", "link-" + module, module);
    }

    public static Launch deepLinking(String sub, List<String> roles) {
      return new Launch(sub, "Instructor " + sub, roles, "LtiDeepLinkingRequest", null, null);
    }
  }

  /** The form the authorisation endpoint answers with, as the browser would post it to the tool. */
  public record Authorised(String action, String idToken, String state) { }

  public final RSAKey key;
  private final Vertx vertx;
  private HttpServer server;
  private String toolJwks;
  private final Map<String, Launch> pending = new ConcurrentHashMap<>();
  /** Applied to every id_token's claims before signing: an attack, or a platform's mistake. */
  public volatile UnaryOperator<JWTClaimsSet.Builder> tweak = UnaryOperator.identity();
  /** "ok", "down" (503) or "malformed" (not a key set). */
  public volatile String keySet = "ok";
  public final AtomicInteger keySetFetches = new AtomicInteger();
  /** While true, the score service answers 503. */
  public volatile boolean gradesDown;
  public final AtomicInteger scorePosts = new AtomicInteger();
  public final List<JsonObject> scores = Collections.synchronizedList(new ArrayList<>());
  public final List<String> tokenScopes = Collections.synchronizedList(new ArrayList<>());
  public volatile JsonArray members = new JsonArray();
  private final Map<String, String> accessTokens = new ConcurrentHashMap<>();

  public LtiPlatform(Vertx vertx) {
    this.vertx = vertx;
    try {
      this.key = new RSAKeyGenerator(2048).keyID("platform-key-1").generate();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public LtiPlatform start(String toolJwks) {
    this.toolJwks = toolJwks;
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.get("/jwks").handler(this::jwks);
    router.get("/auth").handler(this::authorise);
    router.post("/token").handler(this::token);
    router.post("/lineitems/:item/scores").handler(this::score);
    router.get("/memberships").handler(this::memberships);
    router.get("/.well-known/openid-configuration").handler(this::configuration);
    router.get("/course/:hint").handler(this::coursePage);
    router.get("/launch-page/:hint").handler(this::launchPage);
    router.post("/register").handler(this::register);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "localhost").await();
    return this;
  }

  public String issuer() {
    return "http://localhost:" + server.actualPort();
  }

  public String url(String path) {
    return issuer() + path;
  }

  /** The registration an admin would enter for this platform. */
  public JsonObject registration(long organisationId) {
    return new JsonObject().put("name", "Test Moodle").put("issuer", issuer()).put("client_id", CLIENT_ID)
        .put("auth_url", url("/auth")).put("token_url", url("/token")).put("jwks_url", url("/jwks"))
        .put("organisation_id", organisationId).put("instructor_role", "trainer").put("deployment_ids", new JsonArray().add(DEPLOYMENT));
  }

  /** The login hint for a launch the test wants next (the platform knows its user by it). */
  public String expect(Launch launch) {
    String hint = UUID.randomUUID().toString();
    pending.put(hint, launch);
    return hint;
  }

  private void jwks(RoutingContext ctx) {
    keySetFetches.incrementAndGet();
    switch (keySet) {
      case "down" -> ctx.response().setStatusCode(503).end("maintenance");
      case "malformed" -> ctx.response().putHeader("Content-Type", "application/json").end("{\"keys\": \"not a list\"}");
      default -> ctx.response().putHeader("Content-Type", "application/json")
          .end(new JWKSet(key.toPublicJWK()).toString());
    }
  }

  /** The OIDC authorisation endpoint: checks what the tool's login sent, answers with a form that posts the id_token. */
  private void authorise(RoutingContext ctx) {
    var q = ctx.request().params();
    Launch launch = pending.remove(String.valueOf(q.get("login_hint")));
    if (!"openid".equals(q.get("scope")) || !"id_token".equals(q.get("response_type")) || !"form_post".equals(q.get("response_mode"))
        || !"none".equals(q.get("prompt")) || !CLIENT_ID.equals(q.get("client_id")) || q.get("redirect_uri") == null
        || q.get("nonce") == null || q.get("state") == null || launch == null) {
      ctx.response().setStatusCode(400).end("invalid_request: " + q);
      return;
    }
    String idToken = sign(tweak.apply(claims(launch, q.get("nonce"), q.get("redirect_uri"))).build(), key, JWSAlgorithm.RS256);
    ctx.response().putHeader("Content-Type", "text/html").end("<form method=\"post\" action=\""
        + escape(q.get("redirect_uri")) + "\"><input type=\"hidden\" name=\"id_token\" value=\"" + idToken
        + "\"><input type=\"hidden\" name=\"state\" value=\"" + escape(q.get("state")) + "\"></form>"
        + "<script>document.forms[0].submit()</script>");
  }

  /** The claims of an id_token for {@code launch}, as LTI Core 1.3 section 5 requires them. */
  public JWTClaimsSet.Builder claims(Launch launch, String nonce, String targetLinkUri) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
        .issuer(issuer()).subject(launch.sub()).audience(CLIENT_ID).claim("azp", CLIENT_ID)
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).claim("nonce", nonce)
        .claim("name", launch.name())
        .claim(LTI + "message_type", launch.messageType()).claim(LTI + "version", "1.3.0")
        .claim(LTI + "deployment_id", DEPLOYMENT).claim(LTI + "roles", launch.roles())
        .claim(LTI + "target_link_uri", targetLinkUri)
        .claim(LTI + "context", Map.of("id", "course-7", "title", "Pre-deployment course", "type",
            List.of("http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering")));
    if ("LtiDeepLinkingRequest".equals(launch.messageType())) {
      b.claim("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings", Map.of(
          "deep_link_return_url", url("/deep-link-return"), "accept_types", List.of("ltiResourceLink"),
          "accept_presentation_document_targets", List.of("iframe", "window"), "data", "opaque-platform-data"));
    } else {
      b.claim(LTI + "resource_link", Map.of("id", launch.resourceLinkId(), "title", "Pillars activity"));
      if (launch.module() != null) {
        b.claim(LTI + "custom", Map.of("module", launch.module()));
      }
      b.claim("https://purl.imsglobal.org/spec/lti-ags/claim/endpoint", Map.of(
          "scope", List.of("https://purl.imsglobal.org/spec/lti-ags/scope/score",
              "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"),
          "lineitems", url("/lineitems"), "lineitem", url("/lineitems/" + launch.resourceLinkId())));
      b.claim("https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice", Map.of(
          "context_memberships_url", url("/memberships"), "service_versions", List.of("2.0")));
    }
    return b;
  }

  public static String sign(JWTClaimsSet claims, RSAKey key, JWSAlgorithm alg) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The token endpoint (client credentials with a JWT client assertion, RFC 7523, as the LTI Security Framework
   * requires): the assertion must be signed by the tool's published key, name the tool as issuer and subject and
   * this endpoint as audience.
   */
  private void token(RoutingContext ctx) {
    var f = ctx.request().formAttributes();
    String assertion = f.get("client_assertion");
    if (!"client_credentials".equals(f.get("grant_type"))
        || !"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(f.get("client_assertion_type")) || assertion == null) {
      ctx.response().setStatusCode(400).end("{\"error\":\"invalid_request\"}");
      return;
    }
    io.vertx.ext.web.client.WebClient.create(vertx).getAbs(toolJwks).send().onSuccess(keys -> {
      try {
        SignedJWT jwt = SignedJWT.parse(assertion);
        RSAKey toolKey = (RSAKey) JWKSet.parse(keys.bodyAsString()).getKeyByKeyId(jwt.getHeader().getKeyID());
        JWTClaimsSet c = jwt.getJWTClaimsSet();
        boolean ok = toolKey != null && jwt.verify(new RSASSAVerifier(toolKey)) && CLIENT_ID.equals(c.getIssuer())
            && CLIENT_ID.equals(c.getSubject()) && c.getAudience().contains(url("/token")) && c.getJWTID() != null
            && c.getExpirationTime().after(new Date());
        if (!ok) {
          ctx.response().setStatusCode(401).end("{\"error\":\"invalid_client\"}");
          return;
        }
        String token = UUID.randomUUID().toString();
        accessTokens.put(token, f.get("scope"));
        tokenScopes.add(f.get("scope"));
        ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("access_token", token)
            .put("token_type", "Bearer").put("expires_in", 3600).put("scope", f.get("scope")).encode());
      } catch (Exception e) {
        ctx.response().setStatusCode(400).end("{\"error\":\"invalid_client\"}");
      }
    }).onFailure(e -> ctx.response().setStatusCode(500).end());
  }

  private boolean authorised(RoutingContext ctx, String scope) {
    String header = ctx.request().getHeader("Authorization");
    String granted = header == null || !header.startsWith("Bearer ") ? null : accessTokens.get(header.substring(7));
    if (granted == null || !List.of(granted.split(" ")).contains(scope)) {
      ctx.response().setStatusCode(401).end();
      return false;
    }
    return true;
  }

  /** AGS 2.0 score publish service: {lineitem}/scores, application/vnd.ims.lis.v1.score+json. */
  private void score(RoutingContext ctx) {
    scorePosts.incrementAndGet();
    if (gradesDown) {
      ctx.response().setStatusCode(503).end();
      return;
    }
    if (!authorised(ctx, "https://purl.imsglobal.org/spec/lti-ags/scope/score")) {
      return;
    }
    if (!String.valueOf(ctx.request().getHeader("Content-Type")).startsWith("application/vnd.ims.lis.v1.score+json")) {
      ctx.response().setStatusCode(415).end();
      return;
    }
    scores.add(ctx.body().asJsonObject().put("lineitem", ctx.pathParam("item")));
    ctx.response().setStatusCode(200).end();
  }

  /** The course page a learner sees on the platform: the activity embedded, as Moodle's "Embed" container does. */
  private void coursePage(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "text/html").end("<!doctype html><title>Course</title><h1>Moodle course</h1>"
        + "<iframe id=\"tool\" width=\"900\" height=\"700\" src=\"/launch-page/" + escape(ctx.pathParam("hint")) + "\"></iframe>");
  }

  /** Third-party-initiated login, as the platform starts it in the frame: a form posted to the tool at once. */
  private void launchPage(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "text/html").end("<!doctype html><form method=\"post\" action=\""
        + escape(toolJwks.replace("/lti/jwks", "/lti/login")) + "\">"
        + "<input type=\"hidden\" name=\"iss\" value=\"" + escape(issuer()) + "\">"
        + "<input type=\"hidden\" name=\"login_hint\" value=\"" + escape(ctx.pathParam("hint")) + "\">"
        + "<input type=\"hidden\" name=\"target_link_uri\" value=\"" + escape(toolJwks.replace("/lti/jwks", "/lti/launch")) + "\">"
        + "<input type=\"hidden\" name=\"client_id\" value=\"" + CLIENT_ID + "\">"
        + "<input type=\"hidden\" name=\"lti_deployment_id\" value=\"" + DEPLOYMENT + "\"></form>"
        + "<script>document.forms[0].submit()</script>");
  }

  /** The bearer token a Dynamic Registration must carry (the platform hands it to the tool in the link it opens). */
  public static final String REGISTRATION_TOKEN = "registration-token-1";
  public final List<JsonObject> registrations = Collections.synchronizedList(new ArrayList<>());
  /** The issuer the configuration names (null: its own); another host's is a configuration a tool must refuse. */
  public volatile String configuredIssuer;

  /** LTI Dynamic Registration 1.0, section 3.4: the platform's OpenID configuration. */
  private void configuration(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject()
        .put("issuer", configuredIssuer == null ? issuer() : configuredIssuer).put("authorization_endpoint", url("/auth")).put("token_endpoint", url("/token"))
        .put("jwks_uri", url("/jwks")).put("registration_endpoint", url("/register"))
        .put("scopes_supported", new JsonArray().add("openid")).put("response_types_supported", new JsonArray().add("id_token"))
        .put("id_token_signing_alg_values_supported", new JsonArray().add("RS256"))
        .put("https://purl.imsglobal.org/spec/lti-platform-configuration", new JsonObject().put("product_family_code", "moodle")
            .put("version", "4.5").put("messages_supported", new JsonArray().add(new JsonObject().put("type", "LtiResourceLinkRequest"))
                .add(new JsonObject().put("type", "LtiDeepLinkingRequest")))).encode());
  }

  /** Section 3.5: the tool's registration, checked for what a platform needs, answered with the client and deployment. */
  private void register(RoutingContext ctx) {
    if (!("Bearer " + REGISTRATION_TOKEN).equals(ctx.request().getHeader("Authorization"))) {
      ctx.response().setStatusCode(401).end();
      return;
    }
    JsonObject r = ctx.body().asJsonObject();
    JsonObject tool = r.getJsonObject("https://purl.imsglobal.org/spec/lti-tool-configuration");
    boolean ok = "web".equals(r.getString("application_type")) && r.getJsonArray("response_types").contains("id_token")
        && r.getJsonArray("grant_types").contains("implicit") && r.getJsonArray("grant_types").contains("client_credentials")
        && r.getString("initiate_login_uri") != null && r.getJsonArray("redirect_uris").size() > 0 && r.getString("jwks_uri") != null
        && "private_key_jwt".equals(r.getString("token_endpoint_auth_method")) && tool != null && tool.getString("domain") != null;
    if (!ok) {
      ctx.response().setStatusCode(400).end("{\"error\":\"invalid_client_metadata\"}");
      return;
    }
    registrations.add(r);
    ctx.response().putHeader("Content-Type", "application/json").end(r.copy().put("client_id", CLIENT_ID)
        .put("https://purl.imsglobal.org/spec/lti-tool-configuration", tool.copy().put("deployment_id", DEPLOYMENT)).encode());
  }

  /** NRPS 2.0 membership container. */
  private void memberships(RoutingContext ctx) {
    if (!authorised(ctx, "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly")) {
      return;
    }
    ctx.response().putHeader("Content-Type", "application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
        .end(new JsonObject().put("id", url("/memberships")).put("context", new JsonObject().put("id", "course-7")
            .put("title", "Pre-deployment course")).put("members", members).encode());
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().await();
    }
  }
}
