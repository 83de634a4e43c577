package org.pillars.lti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Tuple;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.LtiPlatform;
import org.pillars.support.LtiPlatform.Launch;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * Pillars launched from a learning platform (LTI 1.3), the platform being {@link LtiPlatform}, a stand-in written
 * from the specifications, on a port of its own: the login and launch, each way a launch must be refused (and that
 * nothing is made when it is), the platform's key set down or malformed, framing, Deep Linking, and registration.
 */
@ExtendWith(TestPostgres.class)
class LtiLaunchTest {

  private static final Pattern FIELD = Pattern.compile("name=\"(id_token|state|JWT|_csrf)\" value=\"([^\"]*)\"");
  private static final Pattern ACTION = Pattern.compile("<form method=\"post\" action=\"([^\"]+)\"");

  private static TestApp server;
  private static LtiPlatform platform;
  private static WebClient outside;
  private static long organisation;
  private static String admin;

  @BeforeAll
  static void start() {
    // the outbox looks every 100 ms and retries after 100 ms (doubling): a platform outage in the test lasts a moment
    server = TestApp.start(Map.of(org.pillars.config.AppConfig.OUTBOX_INTERVAL, "100", org.pillars.config.AppConfig.OUTBOX_BACKOFF, "100"));
    outside = WebClient.create(server.app().vertx(), new WebClientOptions().setFollowRedirects(false));
    platform = new LtiPlatform(server.app().vertx()).start("http://localhost:" + server.port() + "/lti/jwks");
    organisation = server.app().database().pool().preparedQuery(
        "INSERT INTO organisations (name, country) VALUES ('Moodle battalion', 'Testland') RETURNING id")
        .execute().await().iterator().next().getLong(0);
    admin = Accounts.token(server, Accounts.create(server, "admin"));
    HttpResponse<Buffer> registered = api(HttpMethod.POST, "/api/admin/lti/platforms", platform.registration(organisation));
    assertEquals(201, registered.statusCode(), registered.bodyAsString());
  }

  @AfterAll
  static void stop() {
    platform.close();
    server.close();
  }

  private static HttpResponse<Buffer> api(HttpMethod method, String path, JsonObject body) {
    return server.send(method, path, body == null ? null : body.toBuffer(), "Authorization", "Bearer " + admin,
        "Content-Type", "application/json");
  }

  private static String encode(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  /** The browser's way through login: the platform posts to our login, we send it to the platform's authorisation. */
  static LtiPlatform.Authorised authorise(LtiPlatform p, Launch launch) {
    String hint = p.expect(launch);
    HttpResponse<Buffer> login = server.send(HttpMethod.POST, "/lti/login", Accounts.form("iss", p.issuer(), "login_hint", hint,
            "target_link_uri", "http://localhost:" + server.port() + "/lti/launch", "client_id", LtiPlatform.CLIENT_ID,
            "lti_deployment_id", LtiPlatform.DEPLOYMENT),
        "Content-Type", "application/x-www-form-urlencoded", "Origin", p.issuer());
    assertEquals(302, login.statusCode(), login.bodyAsString());
    String stateCookie = login.cookies().stream().filter(c -> c.startsWith("pillars_lti_")).findFirst()
        .orElseThrow(() -> new AssertionError("the login set no state cookie: " + login.cookies()));
    // kept and sent inside the platform's frame, in its partition only
    assertTrue(stateCookie.contains("SameSite=None") && stateCookie.contains("; Secure") && stateCookie.contains("; Partitioned"), stateCookie);
    String location = login.getHeader("Location");
    assertTrue(location.startsWith(p.url("/auth?")), location);
    HttpResponse<Buffer> form = outside.getAbs(location).send().await();
    assertEquals(200, form.statusCode(), form.bodyAsString());
    String html = form.bodyAsString();
    Matcher action = ACTION.matcher(html);
    assertTrue(action.find(), html);
    Map<String, String> fields = fields(html);
    BROWSER.put(fields.get("state"), stateCookie.substring(0, stateCookie.indexOf(';')));
    return new LtiPlatform.Authorised(action.group(1), fields.get("id_token"), fields.get("state"));
  }

  private static Map<String, String> fields(String html) {
    Map<String, String> found = new java.util.HashMap<>();
    Matcher m = FIELD.matcher(html);
    while (m.find()) {
      found.put(m.group(1), m.group(2));
    }
    return found;
  }

  /** The state cookie each login left in "the browser", by state. */
  private static final Map<String, String> BROWSER = new java.util.concurrent.ConcurrentHashMap<>();

  /** The platform's page posts the form to our launch, from its own site, in the browser the login began in. */
  static HttpResponse<Buffer> post(LtiPlatform p, String idToken, String state) {
    return server.send(HttpMethod.POST, "/lti/launch", Accounts.form("id_token", idToken, "state", state),
        "Content-Type", "application/x-www-form-urlencoded", "Origin", p.issuer(), "Cookie", BROWSER.getOrDefault(state, "none=1"));
  }

  @Test
  @DisplayName("a launch posted into a browser its login did not begin in (a login forgery) is refused, and spends nothing")
  void launchFromElsewhere() {
    LtiPlatform.Authorised form = authorise(platform, Launch.learner("forged-login", "alpha"));
    HttpResponse<Buffer> elsewhere = server.send(HttpMethod.POST, "/lti/launch", Accounts.form("id_token", form.idToken(),
        "state", form.state()), "Content-Type", "application/x-www-form-urlencoded", "Origin", "https://attacker.example");
    assertEquals(401, elsewhere.statusCode(), elsewhere.bodyAsString());
    assertTrue(elsewhere.bodyAsString().contains("did not begin in this browser"), elsewhere.bodyAsString());
    String otherCookie = BROWSER.get(authorise(platform, Launch.learner("forged-login-2", "alpha")).state());
    HttpResponse<Buffer> otherState = server.send(HttpMethod.POST, "/lti/launch", Accounts.form("id_token", form.idToken(),
        "state", form.state()), "Content-Type", "application/x-www-form-urlencoded", "Cookie",
        LtiRoutes.stateCookieName(form.state()) + "=" + otherCookie.substring(otherCookie.indexOf('=') + 1));
    assertEquals(401, otherState.statusCode(), otherState.bodyAsString());
    assertEquals(0, links("forged-login"));
    // the learner's own browser still completes it
    assertEquals(303, post(platform, form.idToken(), form.state()).statusCode());
    assertEquals(1, links("forged-login"));
  }

  static String sessionCookie(HttpResponse<Buffer> launched) {
    String cookie = launched.cookies().stream().filter(c -> c.startsWith("pillars_embedded=")).findFirst()
        .orElseThrow(() -> new AssertionError("no embedded session cookie: " + launched.cookies()));
    return cookie.substring(0, cookie.indexOf(';'));
  }

  private static long links(String subject) {
    return server.app().database().pool().preparedQuery("SELECT count(*) FROM account_links WHERE subject = $1")
        .execute(Tuple.of(subject)).await().iterator().next().getLong(0);
  }

  private static JsonObject account(String subject) {
    var row = server.app().database().pool().preparedQuery("SELECT a.role, a.organisation_id, a.display_name, a.password_hash"
        + " FROM account_links l JOIN accounts a ON a.id = l.account_id WHERE l.subject = $1").execute(Tuple.of(subject)).await()
        .iterator().next();
    return new JsonObject().put("role", row.getString(0)).put("organisation", row.getLong(1)).put("name", row.getString(2))
        .put("password", row.getString(3));
  }

  @Test
  @DisplayName("a learner's launch opens the module signed in, in the platform's organisation, without a password; again, the same account")
  void learnerLaunch() {
    LtiPlatform.Authorised form = authorise(platform, Launch.learner("learner-1", "alpha"));
    assertEquals("http://localhost:" + server.port() + "/lti/launch", form.action());
    HttpResponse<Buffer> launched = post(platform, form.idToken(), form.state());
    assertEquals(303, launched.statusCode(), launched.bodyAsString());
    assertEquals("/modules/alpha", launched.getHeader("Location"));
    String cookie = sessionCookie(launched);
    HttpResponse<Buffer> page = server.get("/home", "Cookie", cookie);
    assertEquals(200, page.statusCode(), page.bodyAsString());
    assertTrue(page.bodyAsString().contains("Learner learner-1"), "the page is not signed in as the launched learner");
    JsonObject account = account("learner-1");
    assertEquals("learner", account.getString("role"));
    assertEquals(organisation, account.getLong("organisation"));
    assertEquals(null, account.getString("password"));

    LtiPlatform.Authorised again = authorise(platform, Launch.learner("learner-1", "alpha"));
    assertEquals(303, post(platform, again.idToken(), again.state()).statusCode());
    assertEquals(1, links("learner-1"));
  }

  @Test
  @DisplayName("the platform's Instructor becomes the role the platform was registered with (trainer), never an admin")
  void instructorLaunch() {
    LtiPlatform.Authorised form = authorise(platform, new Launch("teacher-1", "Teacher One", List.of(LtiPlatform.INSTRUCTOR,
        "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"), "LtiResourceLinkRequest", "link-alpha", "alpha"));
    HttpResponse<Buffer> launched = post(platform, form.idToken(), form.state());
    assertEquals(303, launched.statusCode(), launched.bodyAsString());
    assertEquals("trainer", account("teacher-1").getString("role"));
    String cookie = sessionCookie(launched);
    assertEquals(200, server.get("/home", "Cookie", cookie).statusCode());

    // the platform now says Learner: so it is here, and the session made as a trainer is over
    LtiPlatform.Authorised demoted = authorise(platform, Launch.learner("teacher-1", "alpha"));
    assertEquals(303, post(platform, demoted.idToken(), demoted.state()).statusCode());
    assertEquals("learner", account("teacher-1").getString("role"));
    assertEquals(303, server.get("/home", "Cookie", cookie).statusCode(), "the trainer's session outlived the role");

    // an admin here stays an admin, whatever the platform says
    server.app().database().pool().preparedQuery("UPDATE accounts SET role = 'admin' WHERE id = "
        + "(SELECT account_id FROM account_links WHERE subject = $1)").execute(Tuple.of("teacher-1")).await();
    LtiPlatform.Authorised again = authorise(platform, Launch.learner("teacher-1", "alpha"));
    assertEquals(303, post(platform, again.idToken(), again.state()).statusCode());
    assertEquals("admin", account("teacher-1").getString("role"));
  }

  /** A launch whose id_token {@code tweak} spoils: refused with a reason saying {@code why}, and no account for its user. */
  private static void refused(String subject, UnaryOperator<JWTClaimsSet.Builder> tweak, String why) {
    platform.tweak = tweak;
    try {
      LtiPlatform.Authorised form = authorise(platform, Launch.learner(subject, "alpha"));
      HttpResponse<Buffer> launched = post(platform, form.idToken(), form.state());
      assertEquals(401, launched.statusCode(), launched.bodyAsString());
      assertTrue(launched.bodyAsString().contains("LTI launch refused"), launched.bodyAsString());
      assertTrue(launched.bodyAsString().contains("<h1>Pillars could not open from your course</h1>"), "said to log in: " + launched.bodyAsString());
      assertTrue(launched.bodyAsString().contains(why), "not the reason expected (" + why + "): " + launched.bodyAsString());
      assertTrue(launched.cookies().stream().noneMatch(c -> c.startsWith("pillars_embedded=")),
          "a refused launch set a session: " + launched.cookies());
      assertEquals(0, links(subject), "a refused launch made an account");
    } finally {
      platform.tweak = UnaryOperator.identity();
    }
  }

  @Test
  @DisplayName("a wrong audience, issuer, authorised party, nonce, version, message type or deployment, or an expired token: refused, no account")
  void spoiledClaims() {
    refused("spoiled-aud", b -> b.audience("another-tool").claim("azp", null), "not meant for this tool");
    refused("spoiled-iss", b -> b.issuer("http://localhost:1"), "is issued by http://localhost:1");
    refused("spoiled-azp", b -> b.audience(List.of(LtiPlatform.CLIENT_ID, "another-tool")).claim("azp", "another-tool"),
        "authorised party");
    refused("spoiled-nonce", b -> b.claim("nonce", "not-the-one-we-sent"), "nonce is not the one");
    refused("spoiled-version", b -> b.claim("https://purl.imsglobal.org/spec/lti/claim/version", "1.1"), "version 1.1");
    refused("spoiled-type", b -> b.claim("https://purl.imsglobal.org/spec/lti/claim/message_type", "LtiSubmissionReviewRequest"),
        "LtiSubmissionReviewRequest");
    refused("spoiled-deployment", b -> b.claim("https://purl.imsglobal.org/spec/lti/claim/deployment_id", "deployment-9"),
        "deployment deployment-9 is not registered");
    refused("spoiled-exp", b -> b.issueTime(Date.from(Instant.now().minusSeconds(900)))
        .expirationTime(Date.from(Instant.now().minusSeconds(300))), "has expired");
    refused("spoiled-iat", b -> b.issueTime(Date.from(Instant.now().plusSeconds(600))), "issue time");
  }

  @Test
  @DisplayName("the same id_token posted twice: the second is refused (its state and its nonce are spent), one account")
  void replay() {
    LtiPlatform.Authorised form = authorise(platform, Launch.learner("replayed", "alpha"));
    assertEquals(303, post(platform, form.idToken(), form.state()).statusCode());
    HttpResponse<Buffer> again = post(platform, form.idToken(), form.state());
    assertEquals(401, again.statusCode(), again.bodyAsString());
    assertEquals(1, links("replayed"));
  }

  @Test
  @DisplayName("a nonce spent by an accepted launch is refused even under a new state")
  void nonceOnce() throws Exception {
    LtiPlatform.Authorised first = authorise(platform, Launch.learner("nonce-once", "alpha"));
    assertEquals(303, post(platform, first.idToken(), first.state()).statusCode());
    String spentNonce = SignedJWT.parse(first.idToken()).getJWTClaimsSet().getStringClaim("nonce");
    // a login whose state the database is told carries the spent nonce (what a state store that let one be chosen would do)
    LtiPlatform.Authorised second = authorise(platform, Launch.learner("nonce-twice", "alpha"));
    server.app().database().pool().preparedQuery("UPDATE lti_states SET nonce = $2 WHERE state = $1")
        .execute(Tuple.of(second.state(), spentNonce)).await();
    platform.tweak = b -> b.claim("nonce", spentNonce);
    try {
      LtiPlatform.Authorised replayed = new LtiPlatform.Authorised(second.action(),
          LtiPlatform.sign(platform.tweak.apply(platform.claims(Launch.learner("nonce-twice", "alpha"), spentNonce,
              second.action())).build(), platform.key, JWSAlgorithm.RS256), second.state());
      HttpResponse<Buffer> r = post(platform, replayed.idToken(), replayed.state());
      assertEquals(401, r.statusCode(), r.bodyAsString());
      assertTrue(r.bodyAsString().contains("nonce was used before"), r.bodyAsString());
      assertEquals(0, links("nonce-twice"));
    } finally {
      platform.tweak = UnaryOperator.identity();
    }
  }

  /** A launch with a good login but an id_token of the attacker's making. */
  private static HttpResponse<Buffer> forged(String subject, java.util.function.Function<JWTClaimsSet, String> make) {
    LtiPlatform.Authorised form = authorise(platform, Launch.learner(subject, "alpha"));
    try {
      JWTClaimsSet honest = SignedJWT.parse(form.idToken()).getJWTClaimsSet();
      return post(platform, make.apply(honest), form.state());
    } catch (java.text.ParseException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("an id_token signed with a key not in the platform's set, or with the platform's kid on another key: refused")
  void foreignKeys() throws Exception {
    RSAKey rogue = new RSAKeyGenerator(2048).keyID("rogue-key").generate();
    HttpResponse<Buffer> unknown = forged("rogue-kid", c -> LtiPlatform.sign(c, rogue, JWSAlgorithm.RS256));
    assertEquals(401, unknown.statusCode(), unknown.bodyAsString());
    assertTrue(unknown.bodyAsString().contains("not in the platform"), unknown.bodyAsString());
    RSAKey impostor = new RSAKeyGenerator(2048).keyID(platform.key.getKeyID()).generate();
    HttpResponse<Buffer> wrong = forged("impostor", c -> LtiPlatform.sign(c, impostor, JWSAlgorithm.RS256));
    assertEquals(401, wrong.statusCode(), wrong.bodyAsString());
    assertTrue(wrong.bodyAsString().contains("signature does not verify"), wrong.bodyAsString());
    assertEquals(0, links("rogue-kid") + links("impostor"));
  }

  @Test
  @DisplayName("alg none, HS256 keyed with the platform's public key, RS512: refused, only RS256 is accepted")
  void algorithms() throws Exception {
    HttpResponse<Buffer> none = forged("alg-none", c -> Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"alg\":\"none\",\"kid\":\"platform-key-1\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + Base64.getUrlEncoder().withoutPadding().encodeToString(c.toString().getBytes(StandardCharsets.UTF_8)) + ".");
    assertEquals(401, none.statusCode(), none.bodyAsString());
    HttpResponse<Buffer> hmac = forged("alg-hs256", c -> {
      try {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(platform.key.getKeyID()).build(), c);
        jwt.sign(new MACSigner(platform.key.toPublicJWK().toRSAPublicKey().getEncoded()));
        return jwt.serialize();
      } catch (com.nimbusds.jose.JOSEException e) {
        throw new AssertionError(e);
      }
    });
    assertEquals(401, hmac.statusCode(), hmac.bodyAsString());
    assertTrue(hmac.bodyAsString().contains("only RS256"), hmac.bodyAsString());
    HttpResponse<Buffer> rs512 = forged("alg-rs512", c -> LtiPlatform.sign(c, platform.key, JWSAlgorithm.RS512));
    assertEquals(401, rs512.statusCode(), rs512.bodyAsString());
    assertEquals(0, links("alg-none") + links("alg-hs256") + links("alg-rs512"));
  }

  @Test
  @DisplayName("a learner's token with its roles claim changed to Instructor (the signature kept): refused, no account")
  void forgedRole() {
    LtiPlatform.Authorised form = authorise(platform, Launch.learner("role-forger", "alpha"));
    String[] parts = form.idToken().split("\\.");
    JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    payload.put("https://purl.imsglobal.org/spec/lti/claim/roles", new io.vertx.core.json.JsonArray().add(LtiPlatform.INSTRUCTOR));
    String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    HttpResponse<Buffer> r = post(platform, forged, form.state());
    assertEquals(401, r.statusCode(), r.bodyAsString());
    assertTrue(r.bodyAsString().contains("signature does not verify"), r.bodyAsString());
    assertEquals(0, links("role-forger"));
  }

  @Test
  @DisplayName("a login from an unregistered issuer, or with an unregistered deployment: refused before the platform is asked")
  void unknownPlatform() {
    HttpResponse<Buffer> r = server.send(HttpMethod.POST, "/lti/login", Accounts.form("iss", "https://moodle.elsewhere.example",
        "login_hint", "x", "target_link_uri", "http://localhost/lti/launch"), "Content-Type", "application/x-www-form-urlencoded",
        "Origin", "https://moodle.elsewhere.example");
    assertEquals(403, r.statusCode(), r.bodyAsString());
    assertTrue(r.bodyAsString().contains("no platform is registered here"), r.bodyAsString());
    HttpResponse<Buffer> d = server.get("/lti/login?iss=" + encode(platform.issuer()) + "&login_hint=x"
        + "&lti_deployment_id=deployment-9");
    assertEquals(401, d.statusCode(), d.bodyAsString());
    assertTrue(d.bodyAsString().contains("deployment-9"), d.bodyAsString());
  }

  @Test
  @DisplayName("the platform's key set down or malformed: a clear 503 and no account; once read, kept through an outage")
  void keySetOutage() {
    try (LtiPlatform other = new LtiPlatform(server.app().vertx()).start("http://localhost:" + server.port() + "/lti/jwks")) {
      JsonObject registration = other.registration(organisation).put("name", "Flaky Moodle");
      assertEquals(201, api(HttpMethod.POST, "/api/admin/lti/platforms", registration).statusCode());
      other.keySet = "down";
      LtiPlatform.Authorised down = authorise(other, Launch.learner("flaky-1", "alpha"));
      HttpResponse<Buffer> r = post(other, down.idToken(), down.state());
      assertEquals(503, r.statusCode(), r.bodyAsString());
      assertTrue(r.bodyAsString().contains("key set"), r.bodyAsString());
      other.keySet = "malformed";
      LtiPlatform.Authorised malformed = authorise(other, Launch.learner("flaky-1", "alpha"));
      HttpResponse<Buffer> m = post(other, malformed.idToken(), malformed.state());
      assertEquals(503, m.statusCode(), m.bodyAsString());
      assertTrue(m.bodyAsString().contains("not a JSON Web Key Set"), m.bodyAsString());
      assertEquals(0, links("flaky-1"));

      other.keySet = "ok";
      LtiPlatform.Authorised ok = authorise(other, Launch.learner("flaky-1", "alpha"));
      assertEquals(303, post(other, ok.idToken(), ok.state()).statusCode());
      int fetches = other.keySetFetches.get();
      other.keySet = "down";
      LtiPlatform.Authorised kept = authorise(other, Launch.learner("flaky-2", "alpha"));
      HttpResponse<Buffer> k = post(other, kept.idToken(), kept.state());
      assertEquals(303, k.statusCode(), k.bodyAsString());
      assertEquals(fetches, other.keySetFetches.get(), "the kept key set was fetched again");
    }
  }

  @Test
  @DisplayName("a launched session's pages may be framed by the registered platforms' sites only, admin pages never; other cross-site posts refused")
  void framing() {
    // a page read outside a launch, or an admin page even within one, is framed by nobody
    HttpResponse<Buffer> outside = server.get("/");
    assertTrue(outside.getHeader("Content-Security-Policy").contains("frame-ancestors 'none'"), outside.getHeader("Content-Security-Policy"));
    assertEquals("DENY", outside.getHeader("X-Frame-Options"));
    LtiPlatform.Authorised launch = authorise(platform, Launch.learner("framed-reader", "alpha"));
    String embedded = sessionCookie(post(platform, launch.idToken(), launch.state()));
    HttpResponse<Buffer> admin = server.get("/admin/lti", "Cookie", embedded);
    assertTrue(admin.getHeader("Content-Security-Policy").contains("frame-ancestors 'none'"), admin.getHeader("Content-Security-Policy"));

    HttpResponse<Buffer> page = server.get("/", "Cookie", embedded);
    assertEquals(null, page.getHeader("X-Frame-Options"));
    String csp = page.getHeader("Content-Security-Policy");
    assertTrue(csp.contains("frame-ancestors 'self' " + platform.issuer()), csp);
    String ancestors = csp.substring(csp.indexOf("frame-ancestors"));
    for (String source : ancestors.substring("frame-ancestors".length()).strip().split(" ")) {
      assertTrue(source.equals("'self'") || source.startsWith("http://localhost:"), "an unregistered site may frame us: " + csp);
    }
    assertFalse(csp.contains("*"), csp);
    // any other cross-site form post is still refused
    HttpResponse<Buffer> forged = server.send(HttpMethod.POST, "/login", Accounts.form("username", "x", "password", "y"),
        "Content-Type", "application/x-www-form-urlencoded", "Origin", platform.issuer());
    assertEquals(403, forged.statusCode(), forged.bodyAsString());
  }

  @Test
  @DisplayName("Deep Linking: an instructor picks a module; the answer is signed with our published key for the platform, once")
  void deepLinking() throws Exception {
    LtiPlatform.Authorised form = authorise(platform, Launch.deepLinking("designer-1", List.of(LtiPlatform.INSTRUCTOR)));
    HttpResponse<Buffer> launched = post(platform, form.idToken(), form.state());
    assertEquals(303, launched.statusCode(), launched.bodyAsString());
    String picker = launched.getHeader("Location");
    assertTrue(picker.startsWith("/lti/deep-links/"), picker);
    String cookie = sessionCookie(launched);
    HttpResponse<Buffer> page = server.get(picker, "Cookie", cookie);
    assertEquals(200, page.statusCode(), page.bodyAsString());
    assertTrue(page.bodyAsString().contains("value=\"alpha\""), page.bodyAsString());
    String csrf = fields(page.bodyAsString()).get("_csrf");
    HttpResponse<Buffer> picked = server.send(HttpMethod.POST, picker, Accounts.form("_csrf", csrf, "module", "alpha"),
        "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(200, picked.statusCode(), picked.bodyAsString());
    Matcher action = Pattern.compile("<form method=\"post\" action=\"([^\"]+)\" data-autosubmit>").matcher(picked.bodyAsString());
    assertTrue(action.find(), picked.bodyAsString());
    assertEquals(platform.url("/deep-link-return"), action.group(1));
    assertTrue(picked.getHeader("Content-Security-Policy").contains("form-action 'self' " + platform.issuer()),
        picked.getHeader("Content-Security-Policy"));

    SignedJWT answer = SignedJWT.parse(fields(picked.bodyAsString()).get("JWT"));
    JWKSet ours = JWKSet.parse(server.get("/lti/jwks").bodyAsString());
    RSAKey key = (RSAKey) ours.getKeyByKeyId(answer.getHeader().getKeyID());
    assertNotNull(key, "the answer's kid is not in our published key set");
    assertTrue(answer.verify(new RSASSAVerifier(key)));
    assertEquals(JWSAlgorithm.RS256, answer.getHeader().getAlgorithm());
    JWTClaimsSet c = answer.getJWTClaimsSet();
    assertEquals(LtiPlatform.CLIENT_ID, c.getIssuer());
    assertEquals(List.of(platform.issuer()), c.getAudience());
    assertEquals("LtiDeepLinkingResponse", c.getStringClaim("https://purl.imsglobal.org/spec/lti/claim/message_type"));
    assertEquals("1.3.0", c.getStringClaim("https://purl.imsglobal.org/spec/lti/claim/version"));
    assertEquals(LtiPlatform.DEPLOYMENT, c.getStringClaim("https://purl.imsglobal.org/spec/lti/claim/deployment_id"));
    assertEquals("opaque-platform-data", c.getStringClaim("https://purl.imsglobal.org/spec/lti-dl/claim/data"));
    assertNotNull(c.getStringClaim("nonce"));
    assertTrue(c.getExpirationTime().after(new Date()));
    @SuppressWarnings("unchecked")
    Map<String, Object> item = (Map<String, Object>) ((List<?>) c.getClaim("https://purl.imsglobal.org/spec/lti-dl/claim/content_items")).get(0);
    assertEquals("ltiResourceLink", item.get("type"));
    assertEquals("http://localhost:" + server.port() + "/lti/launch", item.get("url"));
    assertEquals(Map.of("module", "alpha"), item.get("custom"));

    HttpResponse<Buffer> twice = server.send(HttpMethod.POST, picker, Accounts.form("_csrf", csrf, "module", "alpha"),
        "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(404, twice.statusCode(), twice.bodyAsString());
  }

  @Test
  @DisplayName("Deep Linking is for instructors: a learner's request is refused")
  void deepLinkingLearner() {
    LtiPlatform.Authorised form = authorise(platform, Launch.deepLinking("pupil-dl", List.of(LtiPlatform.LEARNER)));
    HttpResponse<Buffer> r = post(platform, form.idToken(), form.state());
    assertEquals(403, r.statusCode(), r.bodyAsString());
    assertEquals(0, links("pupil-dl"));
  }

  @Test
  @DisplayName("registering a platform: a plain-http address off this machine, a missing deployment, a duplicate are refused with a reason")
  void registration() {
    JsonObject good = platform.registration(organisation);
    HttpResponse<Buffer> http = api(HttpMethod.POST, "/api/admin/lti/platforms", good.copy().put("issuer", "http://moodle.example.org"));
    assertEquals(400, http.statusCode(), http.bodyAsString());
    assertTrue(http.bodyAsString().contains("https"), http.bodyAsString());
    HttpResponse<Buffer> noDeployment = api(HttpMethod.POST, "/api/admin/lti/platforms",
        good.copy().put("client_id", "other").put("deployment_ids", new io.vertx.core.json.JsonArray()));
    assertEquals(400, noDeployment.statusCode(), noDeployment.bodyAsString());
    HttpResponse<Buffer> again = api(HttpMethod.POST, "/api/admin/lti/platforms", good);
    assertEquals(409, again.statusCode(), again.bodyAsString());
    HttpResponse<Buffer> noOrg = api(HttpMethod.POST, "/api/admin/lti/platforms", good.copy().put("client_id", "x2")
        .put("organisation_id", 999_999));
    assertEquals(400, noOrg.statusCode(), noOrg.bodyAsString());
    HttpResponse<Buffer> listed = api(HttpMethod.GET, "/api/admin/lti/platforms", null);
    assertEquals(200, listed.statusCode());
    assertTrue(listed.bodyAsJsonObject().getJsonArray("platforms").stream()
        .anyMatch(p -> ((JsonObject) p).getString("issuer").equals(platform.issuer())), listed.bodyAsString());
    assertEquals("http://localhost:" + server.port() + "/lti/login", listed.bodyAsJsonObject().getJsonObject("tool").getString("login"));
  }

  private static JsonObject member(String id, String name, String role, String status) {
    return new JsonObject().put("user_id", id).put("name", name).put("status", status)
        .put("roles", new io.vertx.core.json.JsonArray().add(role));
  }

  private static List<String> cohortSubjects(long cohort) {
    return server.app().database().pool().preparedQuery("SELECT l.subject FROM cohort_members m JOIN account_links l"
        + " ON l.account_id = m.account_id WHERE m.cohort_id = $1 ORDER BY l.subject").execute(Tuple.of(cohort)).await()
        .stream().map(r -> r.getString(0)).toList();
  }

  @Test
  @DisplayName("roster import: a coordinator-instructor brings the course's active learners into a cohort, with the accounts their launches give them")
  void rosterImport() {
    try (LtiPlatform moodle = new LtiPlatform(server.app().vertx()).start("http://localhost:" + server.port() + "/lti/jwks")) {
      assertEquals(201, api(HttpMethod.POST, "/api/admin/lti/platforms", moodle.registration(organisation)
          .put("name", "Coordinators' Moodle").put("instructor_role", "coordinator")).statusCode());
      long cohort = server.app().database().pool().preparedQuery("INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on)"
          + " VALUES ($1, 'Rotation from Moodle', '2027-01-01', '2027-03-01') RETURNING id").execute(Tuple.of(organisation)).await()
          .iterator().next().getLong(0);
      // one learner launched before the import: the import finds their account rather than making a second
      LtiPlatform.Authorised early = authorise(moodle, Launch.learner("roster-a", "alpha"));
      assertEquals(303, post(moodle, early.idToken(), early.state()).statusCode());
      moodle.members = new io.vertx.core.json.JsonArray()
          .add(member("roster-a", "Adjudant A", LtiPlatform.LEARNER, "Active"))
          .add(member("roster-b", "Sergent B", LtiPlatform.LEARNER, "Active"))
          .add(member("roster-c", "Capitaine C", LtiPlatform.INSTRUCTOR, "Active"))
          .add(member("roster-d", "Caporal D", LtiPlatform.LEARNER, "Inactive"))
          .add(member("roster-t", "Lieutenant T", LtiPlatform.LEARNER, "Active").put("roles", new io.vertx.core.json.JsonArray()
              .add(LtiPlatform.LEARNER).add("http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant")));

      LtiPlatform.Authorised form = authorise(moodle, Launch.instructor("roster-coordinator", "alpha"));
      HttpResponse<Buffer> launched = post(moodle, form.idToken(), form.state());
      assertEquals(303, launched.statusCode(), launched.bodyAsString());
      String course = launched.getHeader("Location");
      assertTrue(course.matches("/lti/courses/\\d+\\?module=alpha"), course);
      String cookie = sessionCookie(launched);
      HttpResponse<Buffer> page = server.get(course, "Cookie", cookie);
      assertEquals(200, page.statusCode(), page.bodyAsString());
      assertTrue(page.bodyAsString().contains("Rotation from Moodle"), page.bodyAsString());
      assertTrue(page.bodyAsString().contains("href=\"/modules/alpha\""), page.bodyAsString());
      String csrf = fields(page.bodyAsString()).get("_csrf");
      String action = course.substring(0, course.indexOf('?')) + "/import";
      HttpResponse<Buffer> imported = server.send(HttpMethod.POST, action, Accounts.form("_csrf", csrf, "cohort", Long.toString(cohort)),
          "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded");
      assertEquals(200, imported.statusCode(), imported.bodyAsString());
      assertTrue(imported.bodyAsString().contains("5 members read from the course; 2 active learners, of whom 2 newly enrolled; 3 left out"),
          imported.bodyAsString());
      assertEquals(List.of("roster-a", "roster-b"), cohortSubjects(cohort));
      assertEquals(1, links("roster-a"));
      assertEquals(0, links("roster-c") + links("roster-d") + links("roster-t"));
      assertEquals(List.of("https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"), moodle.tokenScopes,
          "the platform did not grant the roster scope to our signed client assertion");

      HttpResponse<Buffer> again = server.send(HttpMethod.POST, action, Accounts.form("_csrf", csrf, "cohort", Long.toString(cohort)),
          "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded");
      assertTrue(again.bodyAsString().contains("of whom 0 newly enrolled"), again.bodyAsString());
      assertEquals(List.of("roster-a", "roster-b"), cohortSubjects(cohort));

      // a cohort of a unit below the platform's organisation is the coordinator's to manage, but not where its users go
      long unit = server.app().database().pool().preparedQuery("INSERT INTO organisations (name, country, parent_id)"
          + " VALUES ('Moodle battalion, A company', 'Testland', $1) RETURNING id").execute(Tuple.of(organisation)).await()
          .iterator().next().getLong(0);
      long unitCohort = server.app().database().pool().preparedQuery("INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on)"
          + " VALUES ($1, 'A company rotation', '2027-01-01', '2027-03-01') RETURNING id").execute(Tuple.of(unit)).await()
          .iterator().next().getLong(0);
      moodle.members.add(member("roster-e", "Soldat E", LtiPlatform.LEARNER, "Active"));
      HttpResponse<Buffer> elsewhere = server.send(HttpMethod.POST, action, Accounts.form("_csrf", csrf, "cohort",
          Long.toString(unitCohort)), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded");
      assertEquals(400, elsewhere.statusCode(), elsewhere.bodyAsString());
      assertEquals(List.of(), cohortSubjects(unitCohort));
      assertEquals(0, links("roster-e"), "an import refused for its cohort made an account");

      // the course is not another organisation's coordinator's to import
      String stranger = Accounts.token(server, Accounts.create(server, "coordinator"));
      HttpResponse<Buffer> theirs = server.send(HttpMethod.GET, course, null, "Authorization", "Bearer " + stranger);
      assertEquals(404, theirs.statusCode(), theirs.bodyAsString());
    }
  }

  @Test
  @DisplayName("roster import is a coordinator's: a trainer-instructor is told to ask one, and may not post it")
  void rosterTrainer() {
    LtiPlatform.Authorised form = authorise(platform, Launch.instructor("roster-trainer", "alpha"));
    HttpResponse<Buffer> launched = post(platform, form.idToken(), form.state());
    String course = launched.getHeader("Location");
    String cookie = sessionCookie(launched);
    HttpResponse<Buffer> page = server.get(course, "Cookie", cookie);
    assertEquals(200, page.statusCode(), page.bodyAsString());
    assertTrue(page.bodyAsString().contains("A coordinator can bring"), page.bodyAsString());
    String csrf = fields(page.bodyAsString()).get("_csrf");
    HttpResponse<Buffer> r = server.send(HttpMethod.POST, course.substring(0, course.indexOf('?')) + "/import",
        Accounts.form("_csrf", csrf, "cohort", "1"), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(403, r.statusCode(), r.bodyAsString());
  }

  @Test
  @DisplayName("Dynamic Registration: an admin's one-time link registers the platform that opens it, which can then launch; the link works once")
  void dynamicRegistration() {
    try (LtiPlatform moodle = new LtiPlatform(server.app().vertx()).start("http://localhost:" + server.port() + "/lti/jwks")) {
      HttpResponse<Buffer> page = server.get("/admin/lti", "Authorization", "Bearer " + admin);
      assertEquals(200, page.statusCode(), page.bodyAsString());
      HttpResponse<Buffer> made = server.send(HttpMethod.POST, "/admin/lti/invitations", Accounts.form("organisation_id",
          Long.toString(organisation), "instructor_role", "trainer"), "Authorization", "Bearer " + admin,
          "Content-Type", "application/x-www-form-urlencoded");
      assertEquals(200, made.statusCode(), made.bodyAsString());
      Matcher link = Pattern.compile("<code>(http://localhost:\\d+/lti/register/[A-Za-z0-9_-]+)</code>").matcher(made.bodyAsString());
      assertTrue(link.find(), made.bodyAsString());
      String path = link.group(1).replaceFirst("http://localhost:\\d+", "");
      String query = "?openid_configuration=" + encode(moodle.url("/.well-known/openid-configuration"))
          + "&registration_token=" + LtiPlatform.REGISTRATION_TOKEN;

      HttpResponse<Buffer> wrongCode = server.get("/lti/register/not-the-code" + query);
      assertEquals(404, wrongCode.statusCode(), wrongCode.bodyAsString());
      assertFalse(wrongCode.getHeader("Content-Security-Policy").contains(moodle.issuer()),
          "a page behind a wrong code may be framed by the site that asked: " + wrongCode.getHeader("Content-Security-Policy"));
      assertEquals(0, moodle.registrations.size(), "an unknown code made us call the platform");

      // a configuration naming an issuer on another host is refused, and the link still works afterwards
      moodle.configuredIssuer = "https://moodle.elsewhere.example";
      HttpResponse<Buffer> foreign = server.get(path + query);
      assertEquals(400, foreign.statusCode(), foreign.bodyAsString());
      assertTrue(foreign.bodyAsString().contains("is not on the host"), foreign.bodyAsString());
      moodle.configuredIssuer = null;

      HttpResponse<Buffer> registered = server.get(path + query);
      assertEquals(200, registered.statusCode(), registered.bodyAsString());
      assertTrue(registered.bodyAsString().contains("data-lti-close"), registered.bodyAsString());
      assertTrue(registered.getHeader("Content-Security-Policy").contains("frame-ancestors 'self' " + moodle.issuer()),
          registered.getHeader("Content-Security-Policy"));
      JsonObject sent = moodle.registrations.get(0);
      assertEquals("http://localhost:" + server.port() + "/lti/login", sent.getString("initiate_login_uri"));
      assertEquals("http://localhost:" + server.port() + "/lti/jwks", sent.getString("jwks_uri"));

      LtiPlatform.Authorised form = authorise(moodle, Launch.learner("dynamic-1", "alpha"));
      assertEquals(303, post(moodle, form.idToken(), form.state()).statusCode());

      HttpResponse<Buffer> twice = server.get(path + query);
      assertEquals(404, twice.statusCode(), twice.bodyAsString());
      assertEquals(1, moodle.registrations.size());
    }
  }

  @Test
  @DisplayName("a registration whose invitation was spent meanwhile (two openings at once) registers nothing")
  void invitationSpentMeanwhile() {
    LtiRepository repository = new LtiRepository(server.app().database().pool());
    byte[] code = DynamicRegistration.hash("opened-twice");
    LtiRepository.Invitation invitation = new LtiRepository.Invitation(organisation, org.pillars.core.Role.TRAINER);
    Throwable refused = repository.registerInvited(code, "https://twice.example", "c", "Twice", "https://twice.example/a",
        "https://twice.example/t", "https://twice.example/k", invitation, List.of("1")).transform(done ->
            io.vertx.core.Future.succeededFuture(done.cause())).await();
    assertTrue(refused instanceof org.pillars.core.NotFound, String.valueOf(refused));
    assertEquals(0L, server.app().database().pool().query("SELECT count(*) FROM lti_platforms WHERE issuer = 'https://twice.example'")
        .execute().await().iterator().next().getLong(0));
  }

  private static org.pillars.support.PrometheusText.Exposition metrics() {
    return org.pillars.support.PrometheusText.parse(server.get("/metrics").bodyAsString());
  }

  private static List<JsonObject> scoresOf(String user) {
    synchronized (platform.scores) {
      return platform.scores.stream().filter(sc -> user.equals(sc.getString("userId"))).toList();
    }
  }

  @Test
  @DisplayName("grade passback: a quiz passed while the platform's grade service is down reaches its gradebook once it is back, once")
  void gradePassback() {
    LtiPlatform.Authorised form = authorise(platform, Launch.learner("graded-1", "alpha"));
    HttpResponse<Buffer> launched = post(platform, form.idToken(), form.state());
    String cookie = sessionCookie(launched);
    String csrf = fields(server.get("/home", "Cookie", cookie).bodyAsString()).get("_csrf");
    platform.gradesDown = true;
    int before = platform.scorePosts.get();
    HttpResponse<Buffer> started = server.send(HttpMethod.POST, "/api/modules/alpha/attempts", new JsonObject().toBuffer(),
        "Cookie", cookie, "X-CSRF-Token", csrf, "Content-Type", "application/json");
    assertEquals(201, started.statusCode(), started.bodyAsString());
    String attempt = started.bodyAsJsonObject().getString("attempt");
    HttpResponse<Buffer> submitted = server.send(HttpMethod.POST, "/api/attempts/" + attempt + "/submit",
        new JsonObject().put("answers", org.pillars.support.AlphaAnswers.allRight()).toBuffer(),
        "Cookie", cookie, "X-CSRF-Token", csrf, "Content-Type", "application/json");
    assertEquals(200, submitted.statusCode(), submitted.bodyAsString());

    // the platform refuses twice (503): nothing reaches the gradebook, the item waits
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> platform.scorePosts.get() >= before + 2);
    assertEquals(List.of(), scoresOf("graded-1"));
    // the backlog shows on /metrics while the platform is down, and is gone once it is back
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
        metrics().value("pillars_outbox_depth", "channel", "lti-score") >= 1
            && metrics().value("pillars_outbox_oldest_age_seconds", "channel", "lti-score") > 0);
    platform.gradesDown = false;
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> !scoresOf("graded-1").isEmpty());
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> server.app().database().pool()
        .query("SELECT count(*) FROM outbox WHERE channel = 'lti-score' AND dedupe_key LIKE 'score:" + attempt + ":%'"
            + " AND delivered_at IS NOT NULL").execute().await().iterator().next().getLong(0) == 1);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
        metrics().value("pillars_outbox_depth", "channel", "lti-score") == 0);
    List<JsonObject> posted = scoresOf("graded-1");
    assertEquals(1, posted.size(), "posted more than once: " + posted);
    JsonObject score = posted.get(0);
    assertEquals("link-alpha", score.getString("lineitem"));
    assertEquals(100, score.getInteger("scoreGiven"));
    assertEquals(100, score.getInteger("scoreMaximum"));
    assertEquals("Completed", score.getString("activityProgress"));
    assertEquals("FullyGraded", score.getString("gradingProgress"));
    assertNotNull(java.time.Instant.parse(score.getString("timestamp")));
    assertTrue(platform.tokenScopes.contains("https://purl.imsglobal.org/spec/lti-ags/scope/score"), platform.tokenScopes.toString());
  }

  @Test
  @DisplayName("grade passback: a learner who never came by the platform has nothing sent to it")
  void noLaunchNoGrade() {
    String learner = Accounts.token(server, Accounts.create(server, "learner", organisation));
    String attempt = server.send(HttpMethod.POST, "/api/modules/alpha/attempts", new JsonObject().toBuffer(),
        "Authorization", "Bearer " + learner, "Content-Type", "application/json").bodyAsJsonObject().getString("attempt");
    assertEquals(200, server.send(HttpMethod.POST, "/api/attempts/" + attempt + "/submit",
        new JsonObject().put("answers", org.pillars.support.AlphaAnswers.allRight()).toBuffer(),
        "Authorization", "Bearer " + learner, "Content-Type", "application/json").statusCode());
    assertEquals(0L, server.app().database().pool().query("SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'score:" + attempt + ":%'")
        .execute().await().iterator().next().getLong(0));
  }

  @Test
  @DisplayName("a launch naming a grade or roster service on another site than the platform's: not kept, nothing sent there")
  void foreignServices() {
    platform.tweak = b -> b.claim("https://purl.imsglobal.org/spec/lti-ags/claim/endpoint", Map.of("scope",
        List.of("https://purl.imsglobal.org/spec/lti-ags/scope/score"), "lineitem", "http://localhost:1/lineitems/stolen"))
        .claim("https://purl.imsglobal.org/spec/lti/claim/resource_link", Map.of("id", "link-foreign"));
    try {
      LtiPlatform.Authorised form = authorise(platform, Launch.learner("foreign-services", "alpha"));
      assertEquals(303, post(platform, form.idToken(), form.state()).statusCode());
    } finally {
      platform.tweak = UnaryOperator.identity();
    }
    var row = server.app().database().pool().query("SELECT lineitem_url FROM lti_links WHERE resource_link_id = 'link-foreign'")
        .execute().await().iterator().next();
    assertEquals(null, row.getString(0));
  }

  @Test
  @DisplayName("with its public address set, Pillars calls no plain-http, loopback, private or link-local address a platform names")
  void publicServerCallsOutOnly() {
    try (TestApp public_ = TestApp.start(Map.of(org.pillars.config.AppConfig.PUBLIC_URL, "https://pillars.example.org"))) {
      String token = Accounts.token(public_, Accounts.create(public_, "admin"));
      long org = public_.app().database().pool().query("INSERT INTO organisations (name, country) VALUES ('Public', 'Testland')"
          + " RETURNING id").execute().await().iterator().next().getLong(0);
      JsonObject good = new JsonObject().put("name", "Moodle").put("issuer", "https://moodle.example.org").put("client_id", "c")
          .put("auth_url", "https://moodle.example.org/mod/lti/auth.php").put("token_url", "https://moodle.example.org/mod/lti/token.php")
          .put("jwks_url", "https://moodle.example.org/mod/lti/certs.php").put("organisation_id", org)
          .put("deployment_ids", new io.vertx.core.json.JsonArray().add("1"));
      for (String bad : List.of(platform.url("/jwks"), "https://localhost/certs.php", "https://169.254.169.254/latest",
          "https://10.0.0.7/certs.php", "https://192.168.1.2/certs.php", "https://[::1]/certs.php")) {
        HttpResponse<Buffer> r = public_.send(HttpMethod.POST, "/api/admin/lti/platforms", good.copy().put("client_id", bad)
            .put("jwks_url", bad).toBuffer(), "Authorization", "Bearer " + token, "Content-Type", "application/json");
        assertEquals(400, r.statusCode(), bad + ": " + r.bodyAsString());
      }
      assertEquals(201, public_.send(HttpMethod.POST, "/api/admin/lti/platforms", good.toBuffer(), "Authorization", "Bearer " + token,
          "Content-Type", "application/json").statusCode());
    }
  }

  /** The settings an admin sends for a platform: as registered, with what the test changes. */
  private static JsonObject settings(LtiPlatform p, boolean enabled) {
    JsonObject r = p.registration(organisation);
    return new JsonObject().put("name", r.getString("name")).put("auth_url", r.getString("auth_url"))
        .put("token_url", r.getString("token_url")).put("jwks_url", r.getString("jwks_url"))
        .put("instructor_role", r.getString("instructor_role")).put("deployment_ids", r.getJsonArray("deployment_ids"))
        .put("enabled", enabled);
  }

  private static long platformId(LtiPlatform p) {
    return server.app().database().pool().preparedQuery("SELECT id FROM lti_platforms WHERE issuer = $1").execute(Tuple.of(p.issuer()))
        .await().iterator().next().getLong(0);
  }

  private static HttpResponse<Buffer> login(LtiPlatform p, String lang) {
    return server.send(HttpMethod.POST, "/lti/login", Accounts.form("iss", p.issuer(), "login_hint", "anyone",
            "client_id", LtiPlatform.CLIENT_ID, "lti_deployment_id", LtiPlatform.DEPLOYMENT),
        "Content-Type", "application/x-www-form-urlencoded", "Origin", p.issuer(), "Accept-Language", lang);
  }

  @Test
  @DisplayName("a platform switched off starts no login, launch, module choice or roster import, frames nothing, and works again once on")
  void switchedOff() {
    try (LtiPlatform moodle = new LtiPlatform(server.app().vertx()).start("http://localhost:" + server.port() + "/lti/jwks")) {
      assertEquals(201, api(HttpMethod.POST, "/api/admin/lti/platforms", moodle.registration(organisation)
          .put("name", "Moodle to switch off").put("instructor_role", "coordinator")).statusCode());
      long id = platformId(moodle);
      // begun while on: a login in flight, an instructor's course page, a Deep Linking picker
      LtiPlatform.Authorised inFlight = authorise(moodle, Launch.learner("off-in-flight", "alpha"));
      HttpResponse<Buffer> instructor = post(moodle, authorise(moodle, Launch.instructor("off-instructor", "alpha")));
      assertEquals(303, instructor.statusCode(), instructor.bodyAsString());
      String course = instructor.getHeader("Location");
      String courseCookie = sessionCookie(instructor);
      String courseCsrf = fields(server.get(course, "Cookie", courseCookie).bodyAsString()).get("_csrf");
      HttpResponse<Buffer> designer = post(moodle, authorise(moodle, Launch.deepLinking("off-designer", List.of(LtiPlatform.INSTRUCTOR))));
      String picker = designer.getHeader("Location");
      String pickerCookie = sessionCookie(designer);
      String pickerCsrf = fields(server.get(picker, "Cookie", pickerCookie).bodyAsString()).get("_csrf");
      String embedded = sessionCookie(post(platform, authorise(platform, Launch.learner("off-framed", "alpha"))));
      assertTrue(server.get("/", "Cookie", embedded).getHeader("Content-Security-Policy").contains(moodle.issuer()));

      HttpResponse<Buffer> off = api(HttpMethod.PUT, "/api/admin/lti/platforms/" + id, settings(moodle, false)
          .put("instructor_role", "coordinator").put("name", "Moodle to switch off"));
      assertEquals(200, off.statusCode(), off.bodyAsString());
      assertEquals(false, off.bodyAsJsonObject().getBoolean("enabled"));

      HttpResponse<Buffer> refusedLogin = login(moodle, "fr");
      assertEquals(403, refusedLogin.statusCode(), refusedLogin.bodyAsString());
      assertTrue(refusedLogin.bodyAsString().contains("est désactivée dans Pillars"), refusedLogin.bodyAsString());
      assertTrue(refusedLogin.cookies().stream().noneMatch(c -> c.startsWith("pillars_lti_")), "a refused login began one");
      HttpResponse<Buffer> english = login(moodle, "en");
      assertTrue(english.bodyAsString().contains("The learning platform you came from is switched off in Pillars"), english.bodyAsString());
      // the refusal may be shown in the platform's frame, so that the learner reads it there
      assertTrue(english.getHeader("Content-Security-Policy").contains(moodle.issuer()), english.getHeader("Content-Security-Policy"));
      HttpResponse<Buffer> refusedLaunch = post(moodle, inFlight.idToken(), inFlight.state());
      assertEquals(403, refusedLaunch.statusCode(), refusedLaunch.bodyAsString());
      assertEquals(0, links("off-in-flight"), "a launch from a platform switched off made an account");
      assertTrue(refusedLaunch.cookies().stream().noneMatch(c -> c.startsWith("pillars_embedded=")), refusedLaunch.cookies().toString());
      HttpResponse<Buffer> imported = server.send(HttpMethod.POST, course.substring(0, course.indexOf('?')) + "/import",
          Accounts.form("_csrf", courseCsrf, "cohort", "1"), "Cookie", courseCookie, "Content-Type", "application/x-www-form-urlencoded");
      assertEquals(403, imported.statusCode(), imported.bodyAsString());
      assertTrue(imported.bodyAsString().contains("The learning platform you came from is switched off"), imported.bodyAsString());
      HttpResponse<Buffer> picked = server.send(HttpMethod.POST, picker, Accounts.form("_csrf", pickerCsrf, "module", "alpha"),
          "Cookie", pickerCookie, "Content-Type", "application/x-www-form-urlencoded");
      assertEquals(403, picked.statusCode(), picked.bodyAsString());
      assertFalse(picked.bodyAsString().contains("data-autosubmit"), "a signed answer went to a platform switched off");
      assertTrue(picked.bodyAsString().contains("The learning platform you came from is switched off"), picked.bodyAsString());
      String csp = server.get("/", "Cookie", embedded).getHeader("Content-Security-Policy");
      assertFalse(csp.contains(moodle.issuer()), "a platform switched off may still frame us: " + csp);
      assertTrue(csp.contains(platform.issuer()), csp);
      String listed = server.get("/admin/lti", "Authorization", "Bearer " + admin).bodyAsString();
      assertTrue(listed.contains("<a href=\"/admin/lti/platforms/" + id + "\">Moodle to switch off</a>"), listed);
      assertTrue(listed.contains("<strong>Switched off</strong>"), listed);

      // in the audit log, as the admin's act
      var audited = server.app().database().pool().query("SELECT a.role FROM audit_log l JOIN accounts a ON a.id = l.actor_id"
          + " WHERE l.subject = 'lti_platforms' AND l.action = 'update' AND l.before->>'enabled' = 'true'"
          + " AND l.after->>'enabled' = 'false' AND l.after->>'issuer' = '" + moodle.issuer() + "'").execute().await();
      assertEquals(1, audited.size());
      assertEquals("admin", audited.iterator().next().getString(0));

      // switched on again on its page
      HttpResponse<Buffer> form = settingsForm(moodle, "/admin/lti/platforms/" + id, "en", "name", "Moodle switched on again",
          "deployment_ids", LtiPlatform.DEPLOYMENT);
      assertEquals(303, form.statusCode(), form.bodyAsString());
      // the module choice refused while off was not spent: it can be made now
      HttpResponse<Buffer> pickedLater = server.send(HttpMethod.POST, picker, Accounts.form("_csrf", pickerCsrf, "module", "alpha"),
          "Cookie", pickerCookie, "Content-Type", "application/x-www-form-urlencoded");
      assertEquals(200, pickedLater.statusCode(), pickedLater.bodyAsString());
      assertTrue(pickedLater.bodyAsString().contains("data-autosubmit"), pickedLater.bodyAsString());
      HttpResponse<Buffer> again = post(moodle, authorise(moodle, Launch.learner("off-then-on", "alpha")));
      assertEquals(303, again.statusCode(), again.bodyAsString());
      assertEquals(1, links("off-then-on"));
      assertTrue(server.get("/", "Cookie", embedded).getHeader("Content-Security-Policy").contains(moodle.issuer()));
    }
  }

  private static HttpResponse<Buffer> post(LtiPlatform p, LtiPlatform.Authorised form) {
    return post(p, form.idToken(), form.state());
  }

  /**
   * The platform's settings form as an admin sends it: good values (as {@code moodle} serves them) but for the fields
   * {@code changed} names, in pairs.
   */
  private static HttpResponse<Buffer> settingsForm(LtiPlatform moodle, String path, String lang, String... changed) {
    Map<String, String> fields = new java.util.LinkedHashMap<>(Map.of("name", "Moodle, edited", "deployment_ids", "deployment-7",
        "auth_url", moodle.url("/auth"), "token_url", moodle.url("/token"), "jwks_url", moodle.url("/jwks"),
        "instructor_role", "coordinator", "enabled", "true"));
    for (int i = 0; i < changed.length; i += 2) {
      fields.put(changed[i], changed[i + 1]);
    }
    return server.send(HttpMethod.POST, path, Accounts.form(fields.entrySet().stream()
            .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray(String[]::new)),
        "Authorization", "Bearer " + admin, "Content-Type", "application/x-www-form-urlencoded", "Accept-Language", lang);
  }

  @Test
  @DisplayName("an admin changes a platform's deployments, name and role on its page: a removed deployment is refused; bad settings change nothing")
  void settingsChanged() {
    try (LtiPlatform moodle = new LtiPlatform(server.app().vertx()).start("http://localhost:" + server.port() + "/lti/jwks")) {
      assertEquals(201, api(HttpMethod.POST, "/api/admin/lti/platforms", moodle.registration(organisation)
          .put("name", "Moodle to edit")).statusCode());
      long id = platformId(moodle);
      String path = "/admin/lti/platforms/" + id;
      // a module choice opened from the deployment about to be removed
      HttpResponse<Buffer> designer = post(moodle, authorise(moodle, Launch.deepLinking("edit-designer", List.of(LtiPlatform.INSTRUCTOR))));
      String picker = designer.getHeader("Location");
      String pickerCookie = sessionCookie(designer);
      String pickerCsrf = fields(server.get(picker, "Cookie", pickerCookie).bodyAsString()).get("_csrf");
      HttpResponse<Buffer> page = server.get(path, "Authorization", "Bearer " + admin);
      assertEquals(200, page.statusCode(), page.bodyAsString());
      assertTrue(page.bodyAsString().contains("value=\"" + LtiPlatform.DEPLOYMENT + "\""), page.bodyAsString());
      assertTrue(page.bodyAsString().contains("<code>" + moodle.issuer() + "</code>"), page.bodyAsString());

      // the page's form: another deployment instead of the first, a new name, instructors become coordinators
      HttpResponse<Buffer> saved = settingsForm(moodle, path, "en", "deployment_ids", "deployment-7, deployment-8");
      assertEquals(303, saved.statusCode(), saved.bodyAsString());
      assertEquals(path + "?saved=1", saved.getHeader("Location"));
      JsonObject now = api(HttpMethod.GET, "/api/admin/lti/platforms/" + id, null).bodyAsJsonObject();
      assertEquals("Moodle, edited", now.getString("name"));
      assertEquals(List.of("deployment-7", "deployment-8"), now.getJsonArray("deployment_ids").getList());
      assertEquals("coordinator", now.getString("instructor_role"));
      assertEquals(moodle.issuer(), now.getString("issuer"));
      HttpResponse<Buffer> removedChoice = server.send(HttpMethod.POST, picker, Accounts.form("_csrf", pickerCsrf, "module", "alpha"),
          "Cookie", pickerCookie, "Content-Type", "application/x-www-form-urlencoded");
      assertEquals(401, removedChoice.statusCode(), "an answer went out for a deployment removed: " + removedChoice.bodyAsString());
      HttpResponse<Buffer> enFrançais = login(moodle, "fr");
      assertTrue(enFrançais.bodyAsString().contains("Le lien de votre cours vers Pillars a été refusé"), enFrançais.bodyAsString());
      assertTrue(enFrançais.bodyAsString().contains("<p class=\"meta\" lang=\"en\">LTI launch refused: the deployment "
          + LtiPlatform.DEPLOYMENT + " is not registered"), "the precise reason is gone: " + enFrançais.bodyAsString());
      HttpResponse<Buffer> removed = login(moodle, "en");
      assertEquals(401, removed.statusCode(), removed.bodyAsString());
      assertTrue(removed.bodyAsString().contains("deployment " + LtiPlatform.DEPLOYMENT + " is not registered"), removed.bodyAsString());
      var deployments = server.app().database().pool().query("SELECT count(*) FROM audit_log WHERE subject = 'lti_deployments'"
          + " AND actor_id IS NOT NULL AND ((action = 'delete' AND before->>'deployment_id' = '" + LtiPlatform.DEPLOYMENT + "'"
          + " AND before->>'platform_id' = '" + id + "') OR (action = 'insert' AND after->>'platform_id' = '" + id + "'"
          + " AND after->>'deployment_id' IN ('deployment-7', 'deployment-8')))").execute().await();
      assertEquals(3, deployments.iterator().next().getLong(0), "one deployment removed and two added, each audited");

      // refused, with the reason, and nothing changed; the form keeps what was typed
      JsonObject good = settings(moodle, true).put("deployment_ids", new io.vertx.core.json.JsonArray().add("deployment-7"));
      for (JsonObject bad : List.of(good.copy().put("name", " "), good.copy().put("auth_url", "javascript:alert(1)"),
          good.copy().put("jwks_url", "ftp://moodle.example/jwks"), good.copy().put("deployment_ids", new io.vertx.core.json.JsonArray()),
          good.copy().put("instructor_role", "admin"), good.copy().put("enabled", "yes"), good.copy().putNull("token_url"),
          good.copy().put("name", "x".repeat(201)), good.copy().put("deployment_ids", new io.vertx.core.json.JsonArray(
              java.util.stream.IntStream.rangeClosed(1, 101).mapToObj(n -> "d" + n).toList())))) {
        HttpResponse<Buffer> r = api(HttpMethod.PUT, "/api/admin/lti/platforms/" + id, bad);
        assertEquals(400, r.statusCode(), bad + " -> " + r.bodyAsString());
      }
      HttpResponse<Buffer> spaced = api(HttpMethod.PUT, "/api/admin/lti/platforms/" + id, good.copy()
          .put("deployment_ids", new io.vertx.core.json.JsonArray().add("a b").add("c,d")));
      assertEquals(400, spaced.statusCode(), "an id the form would split came in: " + spaced.bodyAsString());
      HttpResponse<Buffer> moved = api(HttpMethod.PUT, "/api/admin/lti/platforms/" + id, good.copy().put("issuer", "http://localhost:1"));
      assertEquals(400, moved.statusCode(), "the issuer changed, or was ignored: " + moved.bodyAsString());
      assertEquals(400, api(HttpMethod.PUT, "/api/admin/lti/platforms/" + id, good.copy().put("organisation_id", organisation + 1000))
          .statusCode());
      assertEquals(now, api(HttpMethod.GET, "/api/admin/lti/platforms/" + id, null).bodyAsJsonObject(), "a refused change changed something");
      HttpResponse<Buffer> typed = settingsForm(moodle, path, "fr", "name", "Kept <as typed>", "auth_url", "not an address",
          "instructor_role", "trainer", "enabled", "false");
      assertEquals(400, typed.statusCode(), typed.bodyAsString());
      assertTrue(typed.bodyAsString().contains("auth_url doit être une adresse https, et non « not an address »"), typed.bodyAsString());
      assertTrue(typed.bodyAsString().contains("value=\"Kept &lt;as typed&gt;\""), "what was typed is lost, or not escaped: " + typed.bodyAsString());
      assertTrue(typed.bodyAsString().contains("<option value=\"false\" selected>Désactivée</option>"), typed.bodyAsString());
      HttpResponse<Buffer> unsure = settingsForm(moodle, path, "en", "enabled", "maybe");
      assertEquals(400, unsure.statusCode(), "a state neither on nor off was taken for one: " + unsure.bodyAsString());
      HttpResponse<Buffer> many = settingsForm(moodle, path, "en", "deployment_ids",
          String.join(" ", java.util.stream.IntStream.rangeClosed(1, 101).mapToObj(n -> "d" + n).toList()));
      assertEquals(400, many.statusCode(), many.bodyAsString());
      assertTrue(many.bodyAsString().contains("at most 100 deployment ids"), many.bodyAsString());
      HttpResponse<Buffer> admins = settingsForm(moodle, path, "en", "instructor_role", "admin");
      assertEquals(400, admins.statusCode(), "a platform's teachers were made admins: " + admins.bodyAsString());
      assertTrue(admins.bodyAsString().contains("become trainers or coordinators here"), admins.bodyAsString());
      HttpResponse<Buffer> adminInvitation = server.send(HttpMethod.POST, "/admin/lti/invitations", Accounts.form("organisation_id",
          Long.toString(organisation), "instructor_role", "admin"), "Authorization", "Bearer " + admin,
          "Content-Type", "application/x-www-form-urlencoded");
      assertEquals(400, adminInvitation.statusCode(), "an invitation makes a platform's teachers admins: " + adminInvitation.bodyAsString());
      assertFalse(adminInvitation.bodyAsString().contains("/lti/register/"), adminInvitation.bodyAsString());
      assertEquals(now, api(HttpMethod.GET, "/api/admin/lti/platforms/" + id, null).bodyAsJsonObject());
      // an address well formed but not one the server may call: the same page, the reason, what was typed
      HttpResponse<Buffer> foreign = settingsForm(moodle, path, "en", "name", "Kept as typed", "auth_url",
          "http://moodle.example.org/auth");
      assertEquals(400, foreign.statusCode(), foreign.bodyAsString());
      assertTrue(foreign.bodyAsString().contains("auth_url must be an https address of another machine"), foreign.bodyAsString());
      assertTrue(foreign.bodyAsString().contains("value=\"Kept as typed\""), foreign.bodyAsString());
      // the stored platform, read and sent back whole with a change, is accepted
      assertEquals(200, api(HttpMethod.PUT, "/api/admin/lti/platforms/" + id, now.copy().put("name", "Moodle, edited again"))
          .statusCode());

      HttpResponse<Buffer> none = api(HttpMethod.PUT, "/api/admin/lti/platforms/987654", good);
      assertEquals(404, none.statusCode(), none.bodyAsString());
      HttpResponse<Buffer> word = api(HttpMethod.GET, "/api/admin/lti/platforms/x1", null);
      assertEquals(400, word.statusCode(), word.bodyAsString());
      assertEquals(404, server.get("/admin/lti/platforms/x1", "Authorization", "Bearer " + admin).statusCode());
      assertEquals(404, server.get("/admin/lti/platforms/987654", "Authorization", "Bearer " + admin).statusCode());
    }
  }

  /** A learner's launch whose platform shows them the given locale (or none); the language cookie it set, if any. */
  private static HttpResponse<Buffer> launchIn(String subject, String locale) {
    platform.tweak = b -> locale == null ? b : b.claim("https://purl.imsglobal.org/spec/lti/claim/launch_presentation",
        Map.of("locale", locale, "document_target", "iframe"));
    try {
      HttpResponse<Buffer> launched = post(platform, authorise(platform, Launch.learner(subject, "alpha")));
      assertEquals(303, launched.statusCode(), launched.bodyAsString());
      return launched;
    } finally {
      platform.tweak = UnaryOperator.identity();
    }
  }

  private static String languageCookie(HttpResponse<Buffer> launched) {
    return launched.cookies().stream().filter(c -> c.startsWith("lang=")).map(c -> c.substring(0, c.indexOf(';'))).findFirst()
        .orElse(null);
  }

  @Test
  @DisplayName("a launch opens Pillars in the language the platform shows its user, when Pillars speaks it")
  void launchLanguage() {
    HttpResponse<Buffer> french = launchIn("locale-fr", "fr-FR");
    assertEquals("lang=fr", languageCookie(french));
    String set = french.cookies().stream().filter(c -> c.startsWith("lang=")).findFirst().orElseThrow();
    assertTrue(set.contains("; Path=/;") && set.contains("Max-Age=31536000") && set.toLowerCase().contains("; httponly"),
        "not kept for the whole site, as the switch keeps it: " + set);
    // sent inside the platform's frame, and one cookie with the switch's (a partitioned twin would live beside it)
    assertTrue(set.contains("SameSite=None") && set.contains("; Secure") && !set.contains("Partitioned"), set);
    HttpResponse<Buffer> page = server.get(french.getHeader("Location"), "Cookie", sessionCookie(french) + "; " + languageCookie(french),
        "Accept-Language", "en");
    assertEquals(200, page.statusCode(), page.bodyAsString());
    assertTrue(page.bodyAsString().contains("<html lang=\"fr\""), page.bodyAsString());
    assertEquals("lang=fr", languageCookie(launchIn("locale-moodle", "fr_ca")), "Moodle writes its locales with an underscore");
    assertEquals("lang=en", languageCookie(launchIn("locale-en", "EN-gb")));
    assertEquals(null, languageCookie(launchIn("locale-de", "de-DE")), "a language Pillars does not speak chose one");
    assertEquals(null, languageCookie(launchIn("locale-none", null)));
  }
}
