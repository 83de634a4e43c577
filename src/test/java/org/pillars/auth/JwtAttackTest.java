package org.pillars.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * Every forged or stale token is refused with 401. Each forgery starts from the payload of a real token
 * (so its session exists) and breaks exactly one thing; a control token signed with our key is accepted.
 */
@ExtendWith(TestPostgres.class)
class JwtAttackTest {

  private static TestApp server;
  private static Vertx vertx;
  private static String learner;
  private static String realToken;
  private static JsonObject realPayload;

  @BeforeAll
  static void start() {
    server = TestApp.start();
    vertx = Vertx.vertx();
    learner = Accounts.create(server, "learner");
    realToken = Accounts.token(server, learner);
    realPayload = decode(realToken.split("\\.")[1]);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    server.close();
  }

  private static int me(String token) {
    return server.get("/api/me", "Authorization", "Bearer " + token).statusCode();
  }

  private static JsonObject decode(String part) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
  }

  private static String encode(JsonObject json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** Signs {@code claims} as given (no claims added) with the key pair in {@code pemFile}. */
  private static String sign(Path pemFile, JsonObject claims) throws Exception {
    SigningKeys keys = SigningKeys.read(pemFile);
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(keys.privatePem()))
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(keys.publicPem())));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("ES256").setNoTimestamp(true));
  }

  private static String ours(UnaryOperator<JsonObject> change) throws Exception {
    return sign(TestApp.keyFile(), change.apply(realPayload.copy()));
  }

  @Test
  @DisplayName("control: the real token and a token re-signed with our key from the same claims are accepted")
  void control() throws Exception {
    assertEquals(200, me(realToken));
    assertEquals(200, me(ours(p -> p)));
  }

  @Test
  @DisplayName("a session cookie past a third of its life is renewed (same session, full lifetime); a younger one and a bearer token are not")
  void oldCookieRenewed() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    long life = 30 * 60;  // the test server keeps the default PILLARS_TOKEN_MINUTES
    String old = ours(p -> p.put("iat", now - life / 3 - 60).put("exp", now - life / 3 - 60 + life));
    HttpResponse<Buffer> r = server.get("/api/me", "Cookie", Authn.COOKIE + "=" + old);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    String set = sessionCookie(r);
    assertTrue(set != null, "an old cookie is replaced: " + r.headers().getAll("Set-Cookie"));
    String attributes = set.toLowerCase(java.util.Locale.ROOT);
    assertTrue(attributes.contains("max-age=" + life) && attributes.contains("httponly") && attributes.contains("samesite=lax"), set);
    String renewed = set.substring(Authn.COOKIE.length() + 1, set.indexOf(';'));
    JsonObject claims = decode(renewed.split("\\.")[1]);
    assertEquals(realPayload.getString("sid"), claims.getString("sid"), "the same session goes on");
    assertEquals(realPayload.getString("sub"), claims.getString("sub"));
    assertTrue(claims.getLong("iat") >= now && claims.getLong("exp") >= now + life, claims.encode());
    assertEquals(200, me(renewed));

    String younger = ours(p -> p.put("iat", now - life / 3 + 60).put("exp", now - life / 3 + 60 + life));
    HttpResponse<Buffer> kept = server.get("/api/me", "Cookie", Authn.COOKIE + "=" + younger);
    assertEquals(200, kept.statusCode());
    assertEquals(null, sessionCookie(kept), "a cookie younger than a third of its life is kept");
    HttpResponse<Buffer> bearer = server.get("/api/me", "Authorization", "Bearer " + old);
    assertEquals(200, bearer.statusCode());
    assertEquals(null, sessionCookie(bearer), "a bearer token is the client's to renew, no cookie is set");
  }

  private static String sessionCookie(HttpResponse<Buffer> r) {
    return r.headers().getAll("Set-Cookie").stream().filter(c -> c.startsWith(Authn.COOKIE + "=")).findFirst().orElse(null);
  }

  @ParameterizedTest(name = "alg \"{0}\" is refused")
  @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
  @DisplayName("unsigned tokens are refused in any spelling of none")
  void algNone(String alg) {
    String header = encode(new JsonObject().put("alg", alg).put("typ", "JWT"));
    String payload = encode(realPayload);
    assertEquals(401, me(header + "." + payload + "."));
    assertEquals(401, me(header + "." + payload + ".c2lnbmF0dXJl"));
  }

  @Test
  @DisplayName("a token signed with another ES256 key is refused")
  void otherKey() throws Exception {
    Path other = Files.createTempDirectory("other-key").resolve("other.pem");
    SigningKeys.generate(other);
    assertEquals(401, me(sign(other, realPayload)));
  }

  @Test
  @DisplayName("an HS256 token whose HMAC secret is our public key is refused (algorithm confusion)")
  void hs256WithPublicKey() throws Exception {
    String publicPem = SigningKeys.read(TestApp.keyFile()).publicPem();
    for (String secret : new String[] {publicPem, publicPem.strip() + "\n", publicPem.replaceAll("-----[A-Z ]+-----|\\s", "")}) {
      String signingInput = encode(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + encode(realPayload);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
      String signature = Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
      assertEquals(401, me(signingInput + "." + signature));
    }
  }

  @Test
  @DisplayName("expired, exp-less, future-dated, wrong-issuer and wrong-audience tokens are refused")
  void badClaims() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    assertEquals(401, me(ours(p -> p.put("iat", now - 7200).put("exp", now - 3600))), "expired");
    assertEquals(401, me(ours(p -> {
      p.remove("exp");
      return p;
    })), "no exp");
    assertEquals(401, me(ours(p -> {
      p.remove("iat");
      return p;
    })), "no iat");
    assertEquals(401, me(ours(p -> p.put("iat", now + 3600).put("exp", now + 7200))), "issued in the future");
    assertEquals(401, me(ours(p -> p.put("iss", "someone-else"))), "wrong issuer");
    assertEquals(401, me(ours(p -> {
      p.remove("iss");
      return p;
    })), "no issuer");
    assertEquals(401, me(ours(p -> p.put("aud", "another-app"))), "wrong audience");
    assertEquals(401, me(ours(p -> p.put("roles", new JsonArray().add("admin")))), "a role the account does not have");
    assertEquals(401, me(ours(p -> p.put("sid", "00000000-0000-0000-0000-000000000000"))), "unknown session");
  }

  @Test
  @DisplayName("a refused token gets a fixed reason per kind of failure, never the text of the library that read it")
  void refusalsNameNoLibrary() throws Exception {
    String[] parts = realToken.split("\\.");
    long now = System.currentTimeMillis() / 1000;
    String notJson = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{not json".getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    String badSignature = parts[0] + "." + parts[1] + "." + ours(p -> p.put("ver", 99)).split("\\.")[2];
    String expired = ours(p -> p.put("iat", now - 7200).put("exp", now - 3600));
    Map<String, String> reasons = new LinkedHashMap<>();
    reasons.put(notJson, "the token is malformed");
    reasons.put(badSignature, "the token's signature does not verify");
    reasons.put(expired, "the token has expired");
    for (Map.Entry<String, String> expected : reasons.entrySet()) {
      HttpResponse<Buffer> r = server.get("/api/me", "Authorization", "Bearer " + expected.getKey());
      String body = r.bodyAsString();
      assertEquals(401, r.statusCode(), body);
      assertEquals(new JsonObject().put("error", "unauthenticated").put("message", expected.getValue()), r.bodyAsJsonObject());
      for (String library : List.of("Jackson", "Unexpected character", "com.fasterxml", "io.vertx", "Exception", "JWT", "exp <=")) {
        assertFalse(body.contains(library), body);
      }
    }
  }

  @Test
  @DisplayName("a tampered role claim breaks the signature")
  void tamperedRole() {
    String[] parts = realToken.split("\\.");
    JsonObject payload = realPayload.copy().put("roles", new JsonArray().add("admin"));
    assertEquals(401, me(parts[0] + "." + encode(payload) + "." + parts[2]));
  }

  @ParameterizedTest(name = "malformed token {0} is refused")
  @ValueSource(strings = {"", "abc", "a.b", "a.b.c.d", "....", "eyJhbGciOiJFUzI1NiJ9.%%%.abc"})
  @DisplayName("garbage tokens get 401, not 500")
  void garbage(String token) {
    assertEquals(401, me(token));
  }

  @Test
  @DisplayName("a token is refused after logout, after a role change and once the account is disabled")
  void staleTokens() {
    String a = Accounts.create(server, "learner");
    String token = Accounts.token(server, a);
    assertEquals(200, me(token));
    assertEquals(204, server.send(HttpMethod.POST, "/api/auth/logout", null, "Authorization", "Bearer " + token).statusCode());
    assertEquals(401, me(token), "after logout");

    String admin = Accounts.create(server, "admin");
    String adminToken = Accounts.token(server, admin);
    String b = Accounts.create(server, "learner");
    String before = Accounts.token(server, b);
    HttpResponse<Buffer> change = server.send(HttpMethod.PUT, "/api/admin/accounts/" + Accounts.id(server, b) + "/role",
        new JsonObject().put("role", "trainer").toBuffer(), "Authorization", "Bearer " + adminToken, "Content-Type", "application/json");
    assertEquals(204, change.statusCode(), change.bodyAsString());
    assertEquals(401, me(before), "after a role change");
    assertEquals(200, me(Accounts.token(server, b)), "a new login after the change works");

    String c = Accounts.create(server, "learner");
    String cToken = Accounts.token(server, c);
    assertEquals(204, server.send(HttpMethod.POST, "/api/admin/accounts/" + Accounts.id(server, c) + "/disable", null,
        "Authorization", "Bearer " + adminToken).statusCode());
    assertEquals(401, me(cToken), "after the account is disabled");
    HttpResponse<Buffer> relogin = server.send(HttpMethod.POST, "/api/auth/token",
        new JsonObject().put("username", c).put("password", Accounts.PASSPHRASE).toBuffer(), "Content-Type", "application/json");
    assertEquals(401, relogin.statusCode(), "a disabled account cannot log in");
  }

  @Test
  @DisplayName("a browser whose cookie holds a forged token is treated as signed out")
  void forgedCookie() {
    String[] parts = realToken.split("\\.");
    String forged = parts[0] + "." + encode(realPayload.copy().put("roles", new JsonArray().add("admin"))) + "." + parts[2];
    HttpResponse<Buffer> r = server.get("/home", "Cookie", "pillars_token=" + forged);
    assertEquals(303, r.statusCode());
    assertEquals("/login?next=%2Fhome", r.getHeader("Location"));
    assertEquals(true, r.cookies().stream().anyMatch(c -> c.startsWith("pillars_token=;")), "the bad cookie is cleared");
  }
}
