package org.pillars.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.pillars.core.Role;

/**
 * Issues and verifies the JSON Web Tokens: ES256 only, with subject, role, organisation, session,
 * issuer, audience, issued-at and a short expiry, every one of them required on the way in.
 */
public final class Tokens {

  /** What a verified token says; the database still decides whether its session is alive. */
  public record Claims(long accountId, Role role, long organisationId, UUID sessionId, int version, long issuedAt,
                       long expiresAt) { }

  public static final String ALGORITHM = "ES256";
  public static final String AUDIENCE = "pillars";
  private static final int LEEWAY_SECONDS = 5;

  private static final int CACHE_LIMIT = 20_000;

  private final JWTAuth jwt;
  private final String issuer;
  private final int minutes;
  /**
   * Tokens whose signature and claims were already checked. An ES256 verification costs over a millisecond
   * of CPU; a reader sends the same token with every page. Expiry is still checked on every use, and the
   * session behind the token is still checked in the database on every request.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Claims> verified = new java.util.concurrent.ConcurrentHashMap<>();

  public Tokens(Vertx vertx, SigningKeys keys, String issuer, int minutes) {
    JWTOptions checks = new JWTOptions().setIssuer(issuer).setAudience(List.of(AUDIENCE)).setLeeway(LEEWAY_SECONDS);
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(keys.privatePem()))
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(keys.publicPem()))
        .setJWTOptions(checks));
    this.issuer = issuer;
    this.minutes = minutes;
  }

  public int minutes() {
    return minutes;
  }

  public String issue(long accountId, Role role, long organisationId, UUID sessionId, int version) {
    JsonObject claims = new JsonObject()
        .put("sub", Long.toString(accountId))
        .put("roles", new JsonArray().add(role.code()))
        .put("org", organisationId)
        .put("sid", sessionId.toString())
        .put("ver", version);
    return jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm(ALGORITHM)
        .setIssuer(issuer)
        .setAudience(List.of(AUDIENCE))
        .setExpiresInMinutes(minutes));
  }

  /** Fails with {@link InvalidToken} for anything but a well-formed, correctly signed, current token of ours. */
  public Future<Claims> verify(String token) {
    Claims known = verified.get(token);
    if (known != null) {
      if (known.expiresAt() + LEEWAY_SECONDS >= System.currentTimeMillis() / 1000) {
        return Future.succeededFuture(known);
      }
      verified.remove(token);
      return Future.failedFuture(new InvalidToken(InvalidToken.EXPIRED));
    }
    Claims claims;
    try {
      checkHeader(token);
      // every claim is required and checked here, so that what is left for the library is the signature
      // (it checks iss, aud and exp again when present); these claims count only once the signature holds
      claims = claims(payload(token));
    } catch (InvalidToken e) {
      return Future.failedFuture(e);
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(new InvalidToken(InvalidToken.SIGNATURE, "the library refused it: " + e.getMessage())))
        .map(user -> remember(token, claims));
  }

  private Claims remember(String token, Claims claims) {
    if (verified.size() >= CACHE_LIMIT) {
      verified.clear();
    }
    verified.put(token, claims);
    return claims;
  }

  private static JsonObject payload(String token) {
    try {
      return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new InvalidToken(InvalidToken.MALFORMED, "the payload is not a JSON object");
    }
  }

  /** Refuses before any signature work: exactly three parts and our algorithm, whatever its spelling. */
  private static void checkHeader(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[2].isEmpty()) {
      throw new InvalidToken(InvalidToken.MALFORMED, parts.length + " parts");
    }
    JsonObject header;
    try {
      header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new InvalidToken(InvalidToken.MALFORMED, "the header is not a JSON object");
    }
    if (!ALGORITHM.equals(header.getValue("alg"))) {
      throw new InvalidToken(InvalidToken.ALGORITHM, "alg " + header.getValue("alg"));
    }
  }

  private Claims claims(JsonObject p) {
    if (!issuer.equals(p.getValue("iss"))) {
      throw new InvalidToken(InvalidToken.NOT_OURS, "wrong issuer");
    }
    Object aud = p.getValue("aud");
    boolean ours = AUDIENCE.equals(aud) || (aud instanceof JsonArray list && list.contains(AUDIENCE));
    if (!ours) {
      throw new InvalidToken(InvalidToken.NOT_OURS, "wrong audience");
    }
    long now = System.currentTimeMillis() / 1000;
    Object exp = p.getValue("exp");
    Object iat = p.getValue("iat");
    if (!(exp instanceof Number) || !(iat instanceof Number)) {
      throw new InvalidToken(InvalidToken.CLAIMS, "no exp or no iat");
    }
    if (((Number) exp).longValue() + LEEWAY_SECONDS < now) {
      throw new InvalidToken(InvalidToken.EXPIRED);
    }
    if (((Number) iat).longValue() - LEEWAY_SECONDS > now) {
      throw new InvalidToken(InvalidToken.CLAIMS, "issued in the future");
    }
    try {
      JsonArray roles = p.getJsonArray("roles");
      if (roles == null || roles.size() != 1) {
        throw new InvalidToken(InvalidToken.CLAIMS, "not exactly one role");
      }
      Role role = Role.of(roles.getString(0)).orElseThrow(() -> new InvalidToken(InvalidToken.CLAIMS, "unknown role"));
      return new Claims(Long.parseLong(p.getString("sub")), role, p.getLong("org"), UUID.fromString(p.getString("sid")),
          p.getInteger("ver"), ((Number) iat).longValue(), ((Number) exp).longValue());
    } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
      throw new InvalidToken(InvalidToken.CLAIMS, "a claim has the wrong type");
    }
  }

  /**
   * A token we do not accept. The message is one fixed reason per kind of failure, safe to show; the detail
   * says more (it may quote the library or the token) and is for the log only.
   */
  public static final class InvalidToken extends RuntimeException {
    public static final String MALFORMED = "the token is malformed";
    public static final String ALGORITHM = "the token's algorithm is not accepted";
    public static final String SIGNATURE = "the token's signature does not verify";
    public static final String EXPIRED = "the token has expired";
    public static final String NOT_OURS = "the token was not issued for this server";
    public static final String CLAIMS = "the token's claims are missing or malformed";

    private final String detail;

    public InvalidToken(String reason) {
      this(reason, reason);
    }

    public InvalidToken(String reason, String detail) {
      super(reason, null, false, false);
      this.detail = detail;
    }

    public String detail() {
      return detail;
    }
  }
}
