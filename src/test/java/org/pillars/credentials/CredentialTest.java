package org.pillars.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.config.AppConfig;
import org.pillars.support.Accounts;
import org.pillars.support.AlphaAnswers;
import org.pillars.support.QrRead;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * Signed certificates, checked from outside: nimbus-jose-jwt (not the code that signs) verifies what the server
 * publishes; the QR code is read from the page's pixels; each way a credential can be forged or broken is presented
 * and must be refused with its own reason. The server has a key folder of its own, so that a rotation here is
 * seen by no other test.
 */
@ExtendWith(TestPostgres.class)
class CredentialTest {

  private static final String SERVICE_NUMBER = "UN-4471-99812";
  private static final Pattern PEM = Pattern.compile("-----BEGIN (PRIVATE|PUBLIC) KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1 KEY-----");

  /** A public address as long as a real site's may be. */
  private static final String LONG_SITE = "https://pillars.training.example.org";
  private static Path keys;
  private static TestApp server;
  private static String origin;
  private static long unit;
  private static String coordinator;
  private static String admin;

  /** A learner who passed alpha: their account, a bearer token, and the certificate's code. */
  private record Earned(String username, String token, String code) { }

  @BeforeAll
  static void start() throws Exception {
    keys = Files.createTempDirectory("pillars-credential-keys");
    server = TestApp.start(Map.of(AppConfig.ISSUER_KEYS, keys.toString()));
    origin = "http://localhost:" + server.port();
    var pool = server.app().database().pool();
    long country = pool.preparedQuery("INSERT INTO organisations (name, country) VALUES ('Ruritania', 'Ruritania') RETURNING id")
        .execute().await().iterator().next().getLong(0);
    unit = pool.preparedQuery("INSERT INTO organisations (name, country, parent_id) VALUES ('2nd Battalion', 'Ruritania', $1) "
        + "RETURNING id").execute(Tuple.of(country)).await().iterator().next().getLong(0);
    coordinator = Accounts.create(server, "coordinator", country);
    admin = Accounts.create(server, "admin");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Earned earn(String name, String rank, String serviceNumber, String company) {
    String username = Accounts.create(server, "learner", unit);
    server.app().database().pool().preparedQuery("UPDATE accounts SET display_name = $2, rank = $3, service_number = $4, unit = $5 "
        + "WHERE username = $1").execute(Tuple.of(username, name, rank, serviceNumber, company)).await();
    String token = Accounts.token(server, username);
    for (String lesson : List.of("first", "second")) {
      assertEquals(204, api(HttpMethod.POST, "/api/modules/alpha/lessons/" + lesson + "/read", token, null).statusCode());
    }
    String attempt = api(HttpMethod.POST, "/api/modules/alpha/attempts", token, new JsonObject()).bodyAsJsonObject().getString("attempt");
    assertEquals(200, api(HttpMethod.POST, "/api/attempts/" + attempt + "/submit", token,
        new JsonObject().put("answers", AlphaAnswers.allRight())).statusCode());
    JsonArray list = api(HttpMethod.GET, "/api/certificates", token, null).bodyAsJsonObject().getJsonArray("certificates");
    assertEquals(1, list.size(), list.encode());
    return new Earned(username, token, list.getJsonObject(0).getString("code"));
  }

  private static final java.util.concurrent.atomic.AtomicInteger NUMBERS = new java.util.concurrent.atomic.AtomicInteger(1000);

  /** A sergeant of one name, as several are in one roster: each with a service number of their own, all ending in 812. */
  private static Earned earn() {
    return earn("Amina Diallo", "Sergeant", "RU-" + NUMBERS.incrementAndGet() + "-812", "B Company");
  }

  private static HttpResponse<Buffer> api(HttpMethod method, String path, String token, JsonObject body) {
    List<String> headers = new ArrayList<>();
    if (token != null) {
      headers.addAll(List.of("Authorization", "Bearer " + token));
    }
    if (body != null) {
      headers.addAll(List.of("Content-Type", "application/json"));
    }
    return server.send(method, path, body == null ? null : body.toBuffer(), headers.toArray(String[]::new));
  }

  /** The learner's credential as the API hands it over: {@code jwt}, {@code qr} (the QR code's address), {@code credential}. */
  private static JsonObject credential(Earned e) {
    HttpResponse<Buffer> r = api(HttpMethod.GET, "/api/certificates/" + e.code() + "/credential", e.token(), null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static String fragment(String qrAddress) {
    return qrAddress.substring(qrAddress.indexOf('#') + 1);
  }

  private static JWKSet jwks() throws Exception {
    HttpResponse<Buffer> r = server.get("/.well-known/jwks.json");
    assertEquals(200, r.statusCode());
    assertEquals("*", r.getHeader("Access-Control-Allow-Origin"));
    return JWKSet.parse(r.bodyAsString());
  }

  /** Verifies {@code token} with nimbus against the published key its header names (the short kid, or the JWKS address#kid). */
  private static SignedJWT verified(String token) throws Exception {
    SignedJWT jwt = SignedJWT.parse(token);
    assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
    String kid = jwt.getHeader().getKeyID();
    String shortKid = kid.substring(kid.lastIndexOf('/') + 1);
    ECKey key = jwks().getKeyByKeyId(shortKid).toECKey();
    assertTrue(jwt.verify(new ECDSAVerifier(key)), "nimbus verifies " + token);
    return jwt;
  }

  /** The verdict of POST /api/verify on {@code presented}. */
  private static JsonObject check(String presented) {
    HttpResponse<Buffer> r = api(HttpMethod.POST, "/api/verify", null, new JsonObject().put("credential", presented));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  /** POST /verify, the form, as anyone: the page and its status. */
  private static HttpResponse<Buffer> checkForm(String presented) {
    return server.send(HttpMethod.POST, "/verify", Accounts.form("credential", presented),
        "Content-Type", "application/x-www-form-urlencoded");
  }

  private static void refused(String presented, String reason, String pageSays) {
    if (presented.isEmpty()) {
      // the API's description wants a credential: an empty one is a bad request there, told as such
      HttpResponse<Buffer> r = api(HttpMethod.POST, "/api/verify", null, new JsonObject().put("credential", ""));
      assertEquals(400, r.statusCode(), r.bodyAsString());
    } else {
      verdictSays(presented, reason);
    }
    HttpResponse<Buffer> page = checkForm(presented);
    assertEquals(422, page.statusCode());
    assertTrue(page.bodyAsString().contains("Not valid: " + pageSays), reason + ": " + page.bodyAsString());
    assertFalse(page.bodyAsString().contains("This certificate is valid"), page.bodyAsString());
  }

  private static void verdictSays(String presented, String reason) {
    JsonObject verdict = check(presented);
    assertEquals("invalid", verdict.getString("outcome"), verdict.encode());
    assertFalse(verdict.getBoolean("valid"), verdict.encode());
    assertEquals(reason, verdict.getString("reason"), verdict.encode());
    assertFalse(verdict.containsKey("certificate"), "nothing is shown of a credential that does not check: " + verdict.encode());
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject part(String token, int i) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[i]), StandardCharsets.UTF_8));
  }

  /** The folder's key pairs, by the kid an outside tool computes for them (RFC 7638 thumbprint, first 16 characters). */
  private static Map<String, ECKey> folderKeys() throws Exception {
    Map<String, ECKey> found = new java.util.HashMap<>();
    try (Stream<Path> files = Files.list(keys)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".pem")).toList()) {
        Matcher m = PEM.matcher(Files.readString(f));
        ECPrivateKey priv = null;
        ECPublicKey pub = null;
        KeyFactory ec = KeyFactory.getInstance("EC");
        while (m.find()) {
          byte[] der = Base64.getMimeDecoder().decode(m.group(2));
          if (m.group(1).equals("PRIVATE")) {
            priv = (ECPrivateKey) ec.generatePrivate(new PKCS8EncodedKeySpec(der));
          } else {
            pub = (ECPublicKey) ec.generatePublic(new X509EncodedKeySpec(der));
          }
        }
        ECKey key = new ECKey.Builder(Curve.P_256, pub).privateKey(priv).build();
        found.put(key.computeThumbprint().toString().substring(0, 16), key);
      }
    }
    return found;
  }

  /** The published keys as JSON: our "retired" member is one nimbus does not keep. */
  private static Map<String, JsonObject> published() {
    Map<String, JsonObject> byKid = new java.util.LinkedHashMap<>();
    server.get("/.well-known/jwks.json").bodyAsJsonObject().getJsonArray("keys")
        .forEach(k -> byKid.put(((JsonObject) k).getString("kid"), (JsonObject) k));
    return byKid;
  }

  private static String currentKid() {
    return published().values().stream().filter(k -> !k.containsKey("retired")).map(k -> k.getString("kid"))
        .reduce((a, b) -> { throw new AssertionError("two current keys: " + a + ", " + b); }).orElseThrow();
  }

  /** A compact credential as the QR code's, with these claims, signed by {@code key} under {@code kid}. */
  private static String forge(ECKey key, String kid, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("pillars-qr+jwt")).keyID(kid)
        .build(), claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  private static JWTClaimsSet.Builder claimsOf(String qrToken) throws Exception {
    return new JWTClaimsSet.Builder(SignedJWT.parse(qrToken).getJWTClaimsSet());
  }

  @Test
  @DisplayName("the credential and the QR code's credential verify with nimbus against the published keys, and say only what they should")
  void independentVerifier() throws Exception {
    Earned e = earn();
    JsonObject issued = credential(e);
    SignedJWT full = verified(issued.getString("jwt"));
    assertEquals(JOSEObjectType.JWT, full.getHeader().getType());
    // the kid is an address that dereferences to that one key (OB 3.0's VC-JWT format), and it verifies
    assertEquals(origin + "/.well-known/jwks/" + currentKid(), full.getHeader().getKeyID());
    HttpResponse<Buffer> one = server.get(full.getHeader().getKeyID().substring(origin.length()));
    assertEquals(200, one.statusCode());
    assertTrue(full.verify(new ECDSAVerifier(ECKey.parse(one.bodyAsString()))));
    assertEquals(404, server.get("/.well-known/jwks/AAAAAAAAAAAAAAAA").statusCode());
    JWTClaimsSet claims = full.getJWTClaimsSet();
    assertEquals(origin, claims.getIssuer());
    assertEquals(origin + "/verify/" + e.code(), claims.getJWTID());
    assertTrue(claims.getSubject().matches("urn:uuid:[0-9a-f-]{36}"), claims.getSubject());
    assertTrue(claims.getNotBeforeTime().toInstant().isBefore(Instant.now().plusSeconds(5)));
    JsonObject vc = new JsonObject(claims.toJSONObject());
    assertEquals(issued.getJsonObject("credential"), vc, "the JSON handed over is the signed payload");
    JsonObject subject = vc.getJsonObject("credentialSubject");
    assertEquals(claims.getSubject(), subject.getString("id"), "sub is the subject's id");
    assertEquals("Sergeant", subject.getString("role"));
    assertEquals("100", subject.getJsonArray("result").getJsonObject(0).getString("value"));
    assertEquals("3", subject.getJsonObject("achievement").getString("version"));
    assertEquals(List.of("name:Amina Diallo", "ext:organisation:Ruritania · 2nd Battalion, B Company", "ext:serviceNumberEnding:812"),
        subject.getJsonArray("identifier").stream().map(i -> ((JsonObject) i).getString("identityType") + ":"
            + ((JsonObject) i).getString("identityHash")).toList());

    String qr = issued.getString("qr");
    assertTrue(qr.startsWith(origin + "/verify/" + e.code() + "#"), qr);
    SignedJWT compact = verified(fragment(qr));
    assertEquals("pillars-qr+jwt", compact.getHeader().getType().getType());
    assertEquals(currentKid(), compact.getHeader().getKeyID());
    JsonObject c = new JsonObject(compact.getJWTClaimsSet().toJSONObject());
    assertEquals(new JsonObject().put("iss", origin).put("jti", e.code()).put("nbf", claims.getNotBeforeTime().getTime() / 1000)
        .put("n", "Amina Diallo").put("r", "Sergeant").put("o", "Ruritania · 2nd Battalion, B Company").put("sn", "812")
        .put("m", "alpha").put("v", 3).put("s", 100), c);

    JsonObject verdict = check(fragment(qr));
    assertEquals("valid", verdict.getString("outcome"), verdict.encode());
    assertEquals(e.code(), verdict.getJsonObject("certificate").getString("code"));
    assertEquals("valid", check(issued.getString("jwt")).getString("outcome"), "the full credential checks too");
    assertEquals("valid", check(qr).getString("outcome"), "and the whole QR address, as a scanner app gives it");
    // a printed code, or the address printed under it, pasted into the form: that certificate's page
    for (String printed : List.of(e.code().toLowerCase(java.util.Locale.ROOT), " " + origin + "/verify/" + e.code() + " ")) {
      HttpResponse<Buffer> found = checkForm(printed);
      assertEquals(303, found.statusCode(), printed);
      assertEquals("/verify/" + e.code(), found.getHeader("Location"));
    }
    HttpResponse<Buffer> page = checkForm(qr);
    assertEquals(200, page.statusCode());
    assertTrue(page.bodyAsString().contains("This certificate is valid.") && page.bodyAsString().contains("Amina Diallo"));
  }

  @Test
  @DisplayName("a re-download is the very same credential, in each of its forms")
  void reDownloadIsIdentical() {
    Earned e = earn();
    JsonObject first = credential(e);
    assertEquals(first, credential(e));
    HttpResponse<Buffer> jwt = server.get("/certificates/" + e.code() + "/credential.jwt", "Authorization", "Bearer " + e.token());
    assertEquals(200, jwt.statusCode());
    assertEquals("application/jwt", jwt.getHeader("Content-Type"));
    assertTrue(jwt.getHeader("Content-Disposition").startsWith("attachment; filename=\"pillars-alpha-" + e.code()));
    assertEquals(first.getString("jwt"), jwt.bodyAsString());
    HttpResponse<Buffer> json = server.get("/certificates/" + e.code() + "/credential.json", "Authorization", "Bearer " + e.token());
    assertEquals(first.getJsonObject("credential"), json.bodyAsJsonObject());
    String page = server.get("/certificates/" + e.code(), "Authorization", "Bearer " + e.token()).bodyAsString();
    assertEquals(List.of(first.getString("qr")), QrRead.all(page), "the page's QR code is the kept one");
  }

  @Test
  @DisplayName("the credential validates against the Open Badges 3.0 AchievementCredential schema, which does catch a broken one")
  void openBadgesSchema() throws Exception {
    JsonObject schema = new JsonObject(Files.readString(Path.of("src/test/resources/schema/ob_v3p0_achievementcredential.json")));
    Validator validator = Validator.create(JsonSchema.of(schema), new JsonSchemaOptions().setDraft(Draft.DRAFT201909)
        .setBaseUri("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/").setOutputFormat(OutputFormat.Basic));
    JsonObject vc = credential(earn()).getJsonObject("credential");
    OutputUnit result = validator.validate(vc);
    assertTrue(result.getValid(), () -> String.valueOf(result.getErrors()) + "\n" + vc.encodePrettily());
    JsonObject broken = vc.copy();
    broken.remove("validFrom");
    broken.getJsonObject("credentialSubject").getJsonObject("achievement").remove("criteria");
    assertFalse(validator.validate(broken).getValid(), "the schema check can fail");
  }

  @Test
  @DisplayName("the QR code read from the certificate page's pixels is the verify address with a credential that verifies, under 600 bytes for a long name")
  void qrFromThePage() throws Exception {
    String longName = "Marie-Françoise Éléonore Kouassi-N'Guessan de la Tour d'Auvergne Ouédraogo";
    Earned e = earn(longName, "Lieutenant-colonel de gendarmerie", "GN-2023-000417-B", "Escadron de gendarmerie mobile 31/6");
    Accounts.Browser b = Accounts.browser(server, e.username());
    HttpResponse<Buffer> page = server.get("/certificates/" + e.code(), "Cookie", b.cookie());
    assertEquals(200, page.statusCode());
    List<String> qr = QrRead.all(page.bodyAsString());
    assertEquals(1, qr.size());
    String address = qr.get(0);
    assertTrue(address.startsWith(origin + "/verify/" + e.code() + "#"), address);
    int bytes = address.getBytes(StandardCharsets.UTF_8).length;
    // a site's address is longer than this test's: it is written twice (in the URL, and as the issuer in base64)
    int forLongerSite = bytes + (int) Math.ceil((LONG_SITE.length() - origin.length()) * (1 + 4.0 / 3));
    assertTrue(forLongerSite < 600, "the QR address is " + bytes + " bytes here, " + forLongerSite + " for " + LONG_SITE
        + ": " + address);
    JsonObject claims = new JsonObject(verified(fragment(address)).getJWTClaimsSet().toJSONObject());
    assertTrue(claims.getString("n").endsWith("…") && longName.startsWith(claims.getString("n").replace("…", "")),
        "a long name is cut, visibly: " + claims.getString("n"));
    assertEquals("valid", check(address).getString("outcome"));
    assertTrue(page.bodyAsString().contains(e.code()) && page.bodyAsString().contains(origin + "/verify/" + e.code()));
  }

  @Test
  @DisplayName("each way of breaking a credential is refused with its own reason, by the API and by the form")
  void eachForgerySaysWhy() throws Exception {
    Earned a = earn();
    Earned b = earn("Jean Mbeki", "Corporal", "RU-77120", null);
    String qrA = fragment(credential(a).getString("qr"));
    String qrB = fragment(credential(b).getString("qr"));
    String[] partsA = qrA.split("\\.");

    // one claim changed: another name, the signature kept
    JsonObject payload = part(qrA, 1).put("n", "Someone Else");
    refused(partsA[0] + "." + b64(payload.encode()) + "." + partsA[2], "signature", "its signature does not match");
    // one claim changed: the score
    refused(partsA[0] + "." + b64(part(qrA, 1).put("s", 99).encode()) + "." + partsA[2], "signature", "its signature does not match");
    // one character changed in the middle, so that the payload no longer reads: still "changed after signing"
    int middle = partsA[0].length() + 1 + partsA[1].length() / 2;
    char was = qrA.charAt(middle);
    String damaged = qrA.substring(0, middle) + (was == 'Q' ? 'R' : 'Q') + qrA.substring(middle + 1);
    refused(damaged, "signature", "its signature does not match");
    // the signature of another certificate
    refused(partsA[0] + "." + partsA[1] + "." + qrB.split("\\.")[2], "signature", "its signature does not match");
    // alg changed: "none", and HS256 keyed with the published public key (the classic confusion)
    refused(b64(part(qrA, 0).put("alg", "none").encode()) + "." + partsA[1] + ".", "alg", "it is signed with the algorithm none");
    JsonObject hsHeader = part(qrA, 0).put("alg", "HS256");
    SignedJWT hs = new SignedJWT(JWSHeader.parse(hsHeader.encode()), SignedJWT.parse(qrA).getJWTClaimsSet());
    hs.sign(new MACSigner(jwks().getKeyByKeyId(currentKid()).toJSONString().getBytes(StandardCharsets.UTF_8)));
    refused(hs.serialize(), "alg", "it is signed with the algorithm HS256");
    // a key id this site never had
    refused(b64(part(qrA, 0).put("kid", "AAAAAAAAAAAAAAAA").encode()) + "." + partsA[1] + "." + partsA[2], "kid",
        "it names a signing key this site never had (AAAAAAAAAAAAAAAA)");
    // another kind of signed document of ours: the revocation list is not a certificate
    refused(server.get("/.well-known/revocations.jwt").bodyAsString(), "typ", "it is a signed document of another kind");
    // malformed and huge fragments
    refused("not-a-credential", "malformed", "this is not a signed credential");
    refused("eyJhbGciOiJFUzI1NiJ9.%%%%.AAAA", "malformed", "this is not a signed credential");
    refused(origin + "/verify/" + a.code() + "#", "malformed", "this is not a signed credential");
    refused("", "empty", "nothing was given to check");
    refused("A".repeat(5000), "tooLong", "this is far longer than any credential of this site");
    // a QR code of another site: its own key, its own issuer
    ECKey other = new ECKeyGenerator(Curve.P_256).keyID("other-site-key").generate();
    String foreign = forge(other, "other-site-key", claimsOf(qrA).issuer("https://pillars.example.net").build());
    refused(foreign, "otherSite", "it was issued by https://pillars.example.net");
    refused("https://pillars.example.net/verify/" + a.code() + "#" + foreign, "otherSite", "it was issued by https://pillars.example.net");
    // our genuine credential, under another site's address: a phone scanning that code would open the other site
    refused("https://pillars.example.net/verify/" + a.code() + "#" + qrA, "otherSite", "it was issued by https://pillars.example.net");
    assertEquals("valid", check(origin + "/verify/" + a.code().toLowerCase(java.util.Locale.ROOT) + "#" + qrA).getString("outcome"),
        "the code in the address, as typed in lower case, is the same code");
    // our genuine credential of B, under the address of A
    refused(origin + "/verify/" + a.code() + "#" + qrB, "otherCode", "it is the credential of another certificate (" + b.code() + ")");
    // signed with our current key (a leaked key, say) for a certificate that does not exist
    String kid = currentKid();
    String ghost = forge(folderKeys().get(kid), kid, claimsOf(qrA).jwtID("ABCD-EFGH-JKLM-NP23").build());
    refused(ghost, "unknown", "its signature is good, but this site no longer has the certificate ABCD-EFGH-JKLM-NP23");
    // and for a certificate that exists, with what it truly says: online, only what this site issued and kept is valid
    String leaked = forge(folderKeys().get(kid), kid, claimsOf(qrA).build());
    assertNotEquals(qrA, leaked, "ECDSA signs anew each time");
    refused(leaked, "notIssued", "its signature is good, but this site never issued it for the certificate " + a.code());
    // and nothing of that changed what the genuine ones say
    assertEquals("valid", check(qrA).getString("outcome"));
    assertEquals("valid", check(qrB).getString("outcome"));
  }

  @Test
  @DisplayName("revoked by the holder's coordinator with a reason: never valid again, the reason shown to staff only, listed and audited")
  void revocation() throws Exception {
    Earned e = earn();
    String qr = credential(e).getString("qr");
    String reason = "Certificate issued in error: the quiz was taken by another person";
    // who may not: a learner (forbidden), a coordinator of another organisation (it is none of theirs), and no reason
    assertEquals(403, api(HttpMethod.POST, "/api/certificates/" + e.code() + "/revoke", e.token(),
        new JsonObject().put("reason", reason)).statusCode());
    String stranger = Accounts.token(server, Accounts.create(server, "coordinator"));
    assertEquals(404, api(HttpMethod.POST, "/api/certificates/" + e.code() + "/revoke", stranger,
        new JsonObject().put("reason", reason)).statusCode());
    HttpResponse<Buffer> blank = api(HttpMethod.POST, "/api/certificates/" + e.code() + "/revoke", Accounts.token(server, coordinator),
        new JsonObject().put("reason", "   "));
    assertEquals(400, blank.statusCode(), blank.bodyAsString());
    assertEquals("valid", check(qr).getString("outcome"), "nothing was revoked yet");

    Accounts.Browser staff = Accounts.browser(server, coordinator);
    // a reason too long: the page again, with what was typed and why it is refused, nothing revoked
    String tooLong = "Issued in error, <b>see</b> the file " + "x".repeat(500);
    HttpResponse<Buffer> refusedForm = server.send(HttpMethod.POST, "/certificates/" + e.code() + "/revoke",
        Accounts.form("_csrf", staff.csrf(), "reason", tooLong), "Cookie", staff.cookie(), "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(400, refusedForm.statusCode());
    assertTrue(refusedForm.bodyAsString().contains("Issued in error, &lt;b&gt;see&lt;/b&gt; the file xxx")
        && refusedForm.bodyAsString().contains("aria-invalid=\"true\"")
        && refusedForm.bodyAsString().contains("Give the reason for revoking, in 1 to 500 characters."), refusedForm.bodyAsString());
    assertEquals("valid", check(qr).getString("outcome"));
    HttpResponse<Buffer> done = server.send(HttpMethod.POST, "/certificates/" + e.code() + "/revoke",
        Accounts.form("_csrf", staff.csrf(), "reason", reason), "Cookie", staff.cookie(), "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(303, done.statusCode(), done.bodyAsString());
    assertEquals("/verify/" + e.code() + "?revoked=1", done.getHeader("Location"));

    String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).format(java.time.format.DateTimeFormatter.ofLocalizedDate(
        java.time.format.FormatStyle.LONG).withLocale(java.util.Locale.ENGLISH));
    String anyone = server.get("/verify/" + e.code()).bodyAsString();
    assertTrue(anyone.contains("This certificate was revoked on " + today + ". It is not valid."), anyone);
    assertFalse(anyone.contains("This certificate is valid"), anyone);
    assertFalse(anyone.contains("another person"), "the reason is for staff only");
    assertTrue(server.get("/verify/" + e.code(), "Cookie", staff.cookie()).bodyAsString().contains(reason), "the coordinator sees why");
    String adminToken = Accounts.token(server, admin);
    assertTrue(server.get("/verify/" + e.code(), "Authorization", "Bearer " + adminToken).bodyAsString().contains(reason));

    JsonObject publicView = server.get("/api/verify/" + e.code()).bodyAsJsonObject();
    assertFalse(publicView.getBoolean("valid"));
    assertTrue(publicView.containsKey("revokedOn"));
    assertNull(publicView.getString("revokedReason"));
    assertEquals(reason, server.get("/api/verify/" + e.code(), "Authorization", "Bearer " + adminToken).bodyAsJsonObject()
        .getString("revokedReason"));
    JsonObject verdict = check(qr);
    assertEquals("revoked", verdict.getString("outcome"), verdict.encode());
    assertFalse(verdict.getBoolean("valid"));
    HttpResponse<Buffer> form = checkForm(qr);
    assertFalse(form.bodyAsString().contains("This certificate is valid"), form.bodyAsString());
    assertTrue(form.bodyAsString().contains("This certificate was revoked on"), form.bodyAsString());

    // the signed list says so at once (the cache is cleared by a revocation)
    SignedJWT list = verified(server.get("/.well-known/revocations.jwt").bodyAsString());
    assertEquals("pillars-revocations+jwt", list.getHeader().getType().getType());
    assertEquals(origin, list.getJWTClaimsSet().getIssuer());
    List<?> revoked = (List<?>) list.getJWTClaimsSet().getClaim("revoked");
    assertTrue(revoked.stream().anyMatch(r -> e.code().equals(((Map<?, ?>) r).get("id"))), revoked.toString());

    // the audit log: who, what and why
    long coordinatorId = Accounts.id(server, coordinator);
    Row row = server.app().database().pool().preparedQuery("SELECT actor_id, action, before, after FROM audit_log "
        + "WHERE subject = 'certificates' AND after->>'code' = $1").execute(Tuple.of(e.code())).await().iterator().next();
    assertEquals(coordinatorId, row.getLong("actor_id"));
    assertEquals("update", row.getString("action"));
    assertEquals(reason, ((JsonObject) row.getValue("after")).getString("revoked_reason"));
    assertNull(((JsonObject) row.getValue("before")).getString("revoked_reason"));
    JsonArray entries = server.get("/api/audit?subject=certificates", "Authorization", "Bearer " + Accounts.token(server, coordinator))
        .bodyAsJsonObject().getJsonArray("entries");
    assertFalse(entries == null || entries.isEmpty(), "the coordinator sees it in the audit log");
    String auditPage = server.get("/audit?subject=certificates", "Authorization", "Bearer " + Accounts.token(server, coordinator)).bodyAsString();
    assertTrue(auditPage.contains("Amina Diallo · alpha " + e.code()), "the entry names the learner, the module and the code: " + auditPage);

    // a second revocation is refused and the first one stands
    HttpResponse<Buffer> again = api(HttpMethod.POST, "/api/certificates/" + e.code() + "/revoke", adminToken,
        new JsonObject().put("reason", "another reason"));
    assertEquals(409, again.statusCode(), again.bodyAsString());
    HttpResponse<Buffer> againPage = server.send(HttpMethod.POST, "/certificates/" + e.code() + "/revoke",
        Accounts.form("_csrf", staff.csrf(), "reason", "another reason"), "Cookie", staff.cookie(),
        "Content-Type", "application/x-www-form-urlencoded", "Accept-Language", "fr");
    assertEquals(409, againPage.statusCode());
    assertTrue(againPage.bodyAsString().contains("Ce certificat a déjà été révoqué"), "told in the reader's language: " + againPage.bodyAsString());
    assertEquals(reason, server.get("/api/verify/" + e.code(), "Authorization", "Bearer " + adminToken).bodyAsJsonObject()
        .getString("revokedReason"));
    // the learner's own list says so too, and their home no longer offers it as done
    String mine = server.get("/certificates", "Authorization", "Bearer " + e.token()).bodyAsString();
    assertTrue(mine.contains("This certificate was revoked on " + today), mine);
    String home = server.get("/home", "Authorization", "Bearer " + e.token()).bodyAsString();
    assertFalse(home.contains("href=\"/certificates/" + e.code() + "\""), home);
    assertTrue(home.contains("href=\"/certificates\""), "My certificates, from home");
  }

  @Test
  @DisplayName("after a rotation, what the old key signed still verifies, the old key is listed as retired, new certificates get the new key")
  void rotation() throws Exception {
    Earned before = earn();
    String qrBefore = fragment(credential(before).getString("qr"));
    String oldKid = currentKid();
    String adminToken = Accounts.token(server, admin);
    HttpResponse<Buffer> rotated = api(HttpMethod.POST, "/api/admin/issuer-keys/rotate", adminToken, null);
    assertEquals(201, rotated.statusCode(), rotated.bodyAsString());
    String newKid = rotated.bodyAsJsonObject().getString("current");
    assertNotEquals(oldKid, newKid);
    assertEquals(newKid, currentKid());
    assertTrue(folderKeys().containsKey(newKid), "the new key's file is in the folder, and its kid is its thumbprint");
    JsonObject old = published().get(oldKid);
    assertTrue(old.containsKey("retired"), old.encode());
    assertFalse(published().get(newKid).containsKey("retired"));

    assertEquals(oldKid, verified(qrBefore).getHeader().getKeyID(), "the old certificate still verifies, with the old key");
    assertEquals("valid", check(qrBefore).getString("outcome"));
    Earned after = earn("Fatou Sow", "Captain", "RU-5521", null);
    String qrAfter = fragment(credential(after).getString("qr"));
    assertEquals(newKid, verified(qrAfter).getHeader().getKeyID());
    assertEquals("valid", check(qrAfter).getString("outcome"));

    // the kid of the other (real) key on a token it did not sign
    refused(b64(part(qrBefore, 0).put("kid", newKid).encode()) + "." + qrBefore.split("\\.", 2)[1], "signature",
        "its signature does not match");
    // the old key, kept by someone after its retirement, signing a certificate dated after it
    long retiredAt = Instant.parse(old.getString("retired")).getEpochSecond();
    String late = forge(folderKeys().get(oldKid), oldKid, claimsOf(qrBefore)
        .notBeforeTime(new Date((retiredAt + 3600) * 1000)).build());
    refused(late, "retired", "it was signed after its key was retired");

    String page = server.get("/admin/issuer-keys", "Authorization", "Bearer " + adminToken).bodyAsString();
    assertTrue(page.contains(oldKid) && page.contains(newKid), page);
    var audited = server.app().database().pool().preparedQuery("SELECT count(*) FROM audit_log WHERE subject = 'issuer_keys' "
        + "AND actor_id = $1").execute(Tuple.of(Accounts.id(server, admin))).await().iterator().next().getLong(0);
    assertEquals(2, audited, "the new key and the old one's retirement, by the admin");
  }

  @Test
  @DisplayName("the whole service number is never shown: on no page, in no answer and in no credential; only its last digits")
  void serviceNumberMasked() throws Exception {
    Earned e = earn("Amina Diallo", "Sergeant", SERVICE_NUMBER, "B Company");
    JsonObject issued = credential(e);
    Accounts.Browser b = Accounts.browser(server, e.username());
    List<String> seen = new ArrayList<>();
    seen.add(server.get("/certificates/" + e.code(), "Cookie", b.cookie()).bodyAsString());
    seen.add(server.get("/certificates", "Cookie", b.cookie()).bodyAsString());
    seen.add(server.get("/verify/" + e.code()).bodyAsString());
    seen.add(server.get("/verify/" + e.code(), "Authorization", "Bearer " + Accounts.token(server, coordinator)).bodyAsString());
    seen.add(server.get("/api/verify/" + e.code()).bodyAsString());
    seen.add(api(HttpMethod.GET, "/api/certificates", e.token(), null).bodyAsString());
    seen.add(issued.encode());
    seen.add(part(issued.getString("jwt"), 1).encode());
    seen.add(part(fragment(issued.getString("qr")), 1).encode());
    seen.add(check(issued.getString("qr")).encode());
    seen.add(checkForm(issued.getString("qr")).bodyAsString());
    for (String s : seen) {
      assertFalse(s.contains("4471") || s.contains("99812") || s.contains(SERVICE_NUMBER), s);
    }
    assertTrue(seen.get(0).contains("•••812") && seen.get(2).contains("•••812"), "the certificate and the verify page tell its end");
    assertTrue(seen.get(0).contains("Sergeant Amina Diallo") && seen.get(0).contains("Ruritania · 2nd Battalion, B Company"));
    assertEquals("12", Claims.lastDigits("A-12"), "never more than half of a short number");
    assertEquals("", Claims.lastDigits("7"));
    assertNull(Claims.masked("7"), "a number too short to show any of it shows nothing");
  }

  @Test
  @DisplayName("a forged Host header never chooses the issuer: an anonymous visit signs nothing, the owner's first view signs as this site")
  void forgedHostSignsNothing() throws Exception {
    Earned e = earn();
    HttpResponse<Buffer> visit = server.get("/verify/" + e.code(), "Host", "evil.example");
    assertEquals(200, visit.statusCode());
    Row row = server.app().database().pool().preparedQuery("SELECT credential FROM certificates WHERE code = $1")
        .execute(Tuple.of(e.code())).await().iterator().next();
    assertNull(row.getString("credential"));
    HttpResponse<Buffer> first = server.get("/api/certificates/" + e.code() + "/credential", "Authorization", "Bearer " + e.token(),
        "Host", "evil.example");
    assertEquals(origin, verified(first.bodyAsJsonObject().getString("jwt")).getJWTClaimsSet().getIssuer());
    assertTrue(first.bodyAsJsonObject().getString("qr").startsWith(origin + "/verify/"));
    SignedJWT list = verified(server.get("/.well-known/revocations.jwt", "Host", "evil.example").bodyAsString());
    assertEquals(origin, list.getJWTClaimsSet().getIssuer());
  }

  @Test
  @DisplayName("a certificate revoked before its learner ever opened it is never signed: no QR code, no credential to download")
  void revokedBeforeSigning() {
    Earned e = earn();
    assertEquals(200, api(HttpMethod.POST, "/api/certificates/" + e.code() + "/revoke", Accounts.token(server, admin),
        new JsonObject().put("reason", "Issued to the wrong person")).statusCode());
    String page = server.get("/certificates/" + e.code(), "Authorization", "Bearer " + e.token()).bodyAsString();
    assertTrue(page.contains("This certificate was revoked on"), page);
    assertEquals(List.of(), QrRead.all(page));
    assertFalse(page.contains("certificate.pdf") || page.contains("credential.jwt"), page);
    for (String path : List.of("/certificates/" + e.code() + "/credential.jwt", "/certificates/" + e.code() + "/credential.json",
        "/certificates/" + e.code() + "/certificate.pdf", "/api/certificates/" + e.code() + "/credential")) {
      HttpResponse<Buffer> r = server.get(path, "Authorization", "Bearer " + e.token());
      assertEquals(409, r.statusCode(), path + ": " + r.bodyAsString());
    }
    Row row = server.app().database().pool().preparedQuery("SELECT credential FROM certificates WHERE code = $1")
        .execute(Tuple.of(e.code())).await().iterator().next();
    assertNull(row.getString("credential"));
  }

  @Test
  @DisplayName("the cohort report, the learner's page and the readiness view link a passed module to its certificate; revoked, it no longer completes the module")
  void reportsLinkTheCertificate() {
    Earned e = earn();
    long account = Accounts.id(server, e.username());
    long cohort = inCohort(account, "Rotation " + e.code());
    String staff = Accounts.token(server, coordinator);
    String href = "/verify/" + e.code();

    JsonObject cell = reportCell(staff, cohort);
    assertEquals("completed", cell.getString("status"));
    assertEquals(new JsonObject().put("code", e.code()).put("revoked", false).put("href", href), cell.getJsonObject("certificate"));
    String page = server.get("/cohorts/" + cohort, "Authorization", "Bearer " + staff).bodyAsString();
    assertTrue(page.contains("<a href=\"" + href + "\" class=\"certificate-link\">certificate</a>"), page);
    String learner = server.get("/cohorts/" + cohort + "/learners/" + account, "Authorization", "Bearer " + staff).bodyAsString();
    assertTrue(learner.contains("href=\"" + href + "\""), learner);
    JsonObject person = readinessModule(staff, account);
    assertTrue(person.getBoolean("completed"));
    assertEquals(e.code(), person.getJsonObject("certificate").getString("code"));
    String readiness = server.get("/readiness/" + unit, "Authorization", "Bearer " + staff).bodyAsString();
    assertTrue(readiness.contains("href=\"" + href + "\""), readiness);

    assertEquals(200, api(HttpMethod.POST, "/api/certificates/" + e.code() + "/revoke", staff,
        new JsonObject().put("reason", "Taken by another person")).statusCode());
    cell = reportCell(staff, cohort);
    assertEquals("in-progress", cell.getString("status"), "a revoked certificate completes nothing: " + cell.encode());
    assertTrue(cell.getJsonObject("certificate").getBoolean("revoked"));
    assertTrue(server.get("/cohorts/" + cohort, "Authorization", "Bearer " + staff).bodyAsString()
        .contains("<strong class=\"late\">certificate revoked</strong>"));
    person = readinessModule(staff, account);
    assertFalse(person.getBoolean("completed"));
    assertNull(person.getValue("passedAt"), "what the revoked certificate said is no pass");
    assertTrue(person.getJsonObject("certificate").getBoolean("revoked"));
    String csv = server.get("/readiness/" + unit + "/export.csv", "Authorization", "Bearer " + staff).bodyAsString();
    assertTrue(csv.split("\r\n")[1].endsWith(",false,false,,,," + e.code() + ",true"), "the export names it, revoked: " + csv);
  }

  private static JsonObject reportCell(String token, long cohort) {
    HttpResponse<Buffer> r = api(HttpMethod.GET, "/api/cohorts/" + cohort + "/report", token, null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getJsonArray("learners").getJsonObject(0).getJsonArray("modules").getJsonObject(0);
  }

  private static JsonObject readinessModule(String token, long account) {
    HttpResponse<Buffer> r = api(HttpMethod.GET, "/api/readiness/" + unit, token, null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getJsonArray("people").stream().map(JsonObject.class::cast)
        .filter(p -> p.getLong("id") == account).findFirst().orElseThrow().getJsonArray("modules").getJsonObject(0);
  }

  /** {@code account} in a cohort of the unit, alpha assigned to it: the cohort's id. */
  private static long inCohort(long account, String name) {
    long cohort = org.pillars.support.Cohorts.cohort(server, unit, name);
    org.pillars.support.Cohorts.enrol(server, cohort, account);
    server.app().database().pool().preparedQuery("INSERT INTO assignments (cohort_id, module_id, due_on) VALUES ($1, 'alpha', current_date + 5)")
        .execute(Tuple.of(cohort)).await();
    return cohort;
  }

  @Test
  @DisplayName("the PDF: exactly one A4 page with the masked identity, and a QR code read from the rendered page that verifies; the same bytes again; the owner's only")
  void printablePdf() throws Exception {
    Earned e = earn("Amina Diallo", "Sergeant", "RU-31-7-812", "B Company");
    String qr = credential(e).getString("qr");
    HttpResponse<Buffer> r = server.get("/certificates/" + e.code() + "/certificate.pdf", "Authorization", "Bearer " + e.token());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("application/pdf", r.getHeader("Content-Type"));
    assertEquals("attachment; filename=\"pillars-alpha-" + e.code() + ".pdf\"", r.getHeader("Content-Disposition"));
    byte[] pdf = r.body().getBytes();
    try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
      assertEquals(1, doc.getNumberOfPages(), "one page");
      org.apache.pdfbox.pdmodel.common.PDRectangle box = doc.getPage(0).getMediaBox();
      assertEquals(595.28, box.getWidth(), 0.5, "A4 wide");
      assertEquals(841.89, box.getHeight(), 0.5, "A4 high");
      String text = new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
      assertTrue(text.contains("Sergeant Amina Diallo") && text.contains("Ruritania · 2nd Battalion, B Company")
          && text.contains("•••812") && text.contains(e.code()) && text.contains("Alpha module") && text.contains("100 %")
          && text.contains(origin + "/verify/" + e.code()), text);
      assertFalse(text.contains("RU-31-7"), "never the whole service number: " + text);
      java.awt.image.BufferedImage image = new org.apache.pdfbox.rendering.PDFRenderer(doc).renderImageWithDPI(0, 150);
      Files.createDirectories(Path.of("target", "screenshots"));
      javax.imageio.ImageIO.write(image, "png", Path.of("target", "screenshots", "certificate-pdf.png").toFile());
      int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
      com.google.zxing.Result decoded = QrRead.result(image.getWidth(), image.getHeight(), pixels);
      // ZXing also reads a mirrored symbol, which many phone readers do not: drawn the right way round, its finder
      // patterns (bottom left, top left, top right) turn one way, whichever way the page is held
      com.google.zxing.ResultPoint[] f = decoded.getResultPoints();
      float turn = (f[2].getX() - f[1].getX()) * (f[0].getY() - f[1].getY()) - (f[2].getY() - f[1].getY()) * (f[0].getX() - f[1].getX());
      assertTrue(turn > 0, "drawn mirrored: " + java.util.Arrays.toString(f));
      String read = decoded.getText();
      assertEquals(qr, read, "the QR code of the printed page, read at 150 dpi");
      verified(fragment(read));
      assertEquals("valid", check(read).getString("outcome"));
    }
    HttpResponse<Buffer> again = server.get("/certificates/" + e.code() + "/certificate.pdf", "Authorization", "Bearer " + e.token());
    assertTrue(java.util.Arrays.equals(pdf, again.body().getBytes()), "a re-download is the same file");
    String other = Accounts.token(server, Accounts.create(server, "learner"));
    assertEquals(404, server.get("/certificates/" + e.code() + "/certificate.pdf", "Authorization", "Bearer " + other).statusCode());
    assertTrue(server.get("/certificates/" + e.code(), "Authorization", "Bearer " + e.token()).bodyAsString()
        .contains("href=\"/certificates/" + e.code() + "/certificate.pdf\""), "the certificate page offers it");
  }

  @Test
  @DisplayName("the PDF draws a Cyrillic name as written and in French, a character no font here has as '?', and still one page for the longest name")
  void pdfScriptsAndLanguage() throws Exception {
    Earned cyrillic = earn("Иван Петрович Сидоренко", "Капитан", "UA-" + NUMBERS.incrementAndGet(), null);
    try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(server.get("/certificates/" + cyrillic.code()
        + "/certificate.pdf", "Authorization", "Bearer " + cyrillic.token(), "Accept-Language", "fr").body().getBytes())) {
      String text = new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
      assertTrue(text.contains("Капитан Иван Петрович Сидоренко"), text);
      assertTrue(text.contains("Certificat"), "in the reader's language: " + text);
    }
    String longest = "Marie-Françoise Éléonore Kouassi-N'Guessan de la Tour d'Auvergne Ouédraogo \uD80C\uDC00 " + "Ndiaye ".repeat(10);
    Earned odd = earn(longest.strip(), "Lieutenant-colonel de gendarmerie", "GN-" + NUMBERS.incrementAndGet(), "Escadron 31/6");
    try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(server.get("/certificates/" + odd.code()
        + "/certificate.pdf", "Authorization", "Bearer " + odd.token()).body().getBytes())) {
      assertEquals(1, doc.getNumberOfPages());
      String text = new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
      assertTrue(text.contains("Ouédraogo ? Ndiaye"), text);
      assertTrue(text.contains(odd.code()), text);
    }
  }

  @Test
  @DisplayName("after a revocation, the old pass proves nothing: reading a lesson again issues nothing; a quiz passed again earns a new certificate")
  void earnedAgainAfterRevocation() {
    Earned e = earn();
    assertEquals(200, api(HttpMethod.POST, "/api/certificates/" + e.code() + "/revoke", Accounts.token(server, admin),
        new JsonObject().put("reason", "The quiz was taken by another person")).statusCode());
    assertEquals(204, api(HttpMethod.POST, "/api/modules/alpha/lessons/first/read", e.token(), null).statusCode());
    JsonArray list = api(HttpMethod.GET, "/api/certificates", e.token(), null).bodyAsJsonObject().getJsonArray("certificates");
    assertEquals(1, list.size(), "nothing new from the pass the revocation set aside: " + list.encode());
    JsonObject alpha = api(HttpMethod.GET, "/api/progress", e.token(), null).bodyAsJsonObject().getJsonArray("modules").stream()
        .map(JsonObject.class::cast).filter(m -> m.getString("module").equals("alpha")).findFirst().orElseThrow();
    assertFalse(alpha.getBoolean("passed"), "the quiz is to be passed again: " + alpha.encode());
    assertNull(alpha.getValue("certificate"), alpha.encode());
    String told = "Your certificate of this module was revoked on " + org.pillars.http.Dates.day(java.time.LocalDate.now(java.time.ZoneOffset.UTC), "en")
        + ": pass the quiz again to earn a new one.";
    assertTrue(server.get("/home", "Authorization", "Bearer " + e.token()).bodyAsString().contains(told), "the learner is told, at home");
    assertTrue(server.get("/modules/alpha/quiz", "Authorization", "Bearer " + e.token()).bodyAsString().contains(told),
        "and on the quiz page");

    String attempt = api(HttpMethod.POST, "/api/modules/alpha/attempts", e.token(), new JsonObject()).bodyAsJsonObject().getString("attempt");
    assertEquals(200, api(HttpMethod.POST, "/api/attempts/" + attempt + "/submit", e.token(),
        new JsonObject().put("answers", AlphaAnswers.allRight())).statusCode());
    list = api(HttpMethod.GET, "/api/certificates", e.token(), null).bodyAsJsonObject().getJsonArray("certificates");
    assertEquals(2, list.size(), list.encode());
    String fresh = list.stream().map(JsonObject.class::cast).filter(c -> !c.containsKey("revokedOn")).findFirst().orElseThrow().getString("code");
    assertNotEquals(e.code(), fresh);
    assertFalse(server.get("/home", "Authorization", "Bearer " + e.token()).bodyAsString().contains(told), "earned again: nothing to tell");
    assertTrue(server.get("/api/verify/" + fresh).bodyAsJsonObject().getBoolean("valid"));
    assertFalse(server.get("/api/verify/" + e.code()).bodyAsJsonObject().getBoolean("valid"), "the old one stays revoked");
    long completed = server.app().database().pool().preparedQuery("SELECT count(*) FROM module_progress WHERE account_id = $1 "
        + "AND module_id = 'alpha' AND certificate_score IS NOT NULL").execute(Tuple.of(Accounts.id(server, e.username()))).await()
        .iterator().next().getLong(0);
    assertEquals(1, completed, "the module is completed again");
    long account = Accounts.id(server, e.username());
    String staff = Accounts.token(server, coordinator);
    JsonObject cell = reportCell(staff, inCohort(account, "Again " + e.code()));
    assertEquals("completed", cell.getString("status"));
    assertEquals(new JsonObject().put("code", fresh).put("revoked", false).put("href", "/verify/" + fresh), cell.getJsonObject("certificate"),
        "the report links the new certificate");
    JsonObject ready = readinessModule(staff, account);
    assertTrue(ready.getBoolean("completed"));
    assertEquals(fresh, ready.getJsonObject("certificate").getString("code"));
  }

  @Test
  @DisplayName("a key another server made current signs here once its file is in this server's folder; until then 503 and nothing signed")
  void keyRotatedOnAnotherServer() throws Exception {
    // another server sharing the database rotates: its new key is current there, its file only in its own folder
    Path elsewhere = Files.createTempDirectory("pillars-other-server-keys");
    Path file = elsewhere.resolve("issuer-" + System.currentTimeMillis() + ".pem");
    org.pillars.auth.SigningKeys.generate(file);
    Matcher m = PEM.matcher(Files.readString(file));
    ECPublicKey pub = null;
    while (m.find()) {
      if (m.group(1).equals("PUBLIC")) {
        pub = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(2))));
      }
    }
    ECKey jwk = new ECKey.Builder(Curve.P_256, pub).build();
    String kid = jwk.computeThumbprint().toString().substring(0, 16);
    var pool = server.app().database().pool();
    pool.query("UPDATE issuer_keys SET retired_at = now() WHERE retired_at IS NULL").execute().await();
    pool.preparedQuery("INSERT INTO issuer_keys (kid, public_jwk) VALUES ($1, $2)")
        .execute(Tuple.of(kid, new JsonObject(jwk.toJSONObject()))).await();

    Earned e = earn();
    HttpResponse<Buffer> missing = api(HttpMethod.GET, "/api/certificates/" + e.code() + "/credential", e.token(), null);
    assertEquals(503, missing.statusCode(), missing.bodyAsString());
    assertNull(pool.preparedQuery("SELECT credential FROM certificates WHERE code = $1").execute(Tuple.of(e.code())).await()
        .iterator().next().getString("credential"), "nothing half-signed");

    // the file reaches this server's folder (a shared mount, a copy): the next view finds it and signs with it
    Files.copy(file, keys.resolve(file.getFileName()));
    SignedJWT signed = verified(credential(e).getString("jwt"));
    assertEquals(origin + "/.well-known/jwks/" + kid, signed.getHeader().getKeyID());
    assertEquals(kid, currentKid());
  }
}
