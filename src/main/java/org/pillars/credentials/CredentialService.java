package org.pillars.credentials;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pillars.core.Conflict;
import org.pillars.core.Forbidden;
import org.pillars.core.Invalid;
import org.pillars.core.NotFound;
import org.pillars.core.Principal;
import org.pillars.core.Role;
import org.pillars.core.Unavailable;
import org.pillars.credentials.CredentialRepository.Certificate;
import org.pillars.credentials.CredentialRepository.PublishedKey;

/**
 * Certificates anyone can check: signed once with the current issuer key (on first view) and kept, so that a
 * re-download is the same credential; checked here exactly as the offline page checks them; revoked by staff with
 * a reason; their keys rotated by an admin, the retired ones still published to verify what they signed.
 * The pages and the API are renderings of these calls.
 */
public final class CredentialService {

  /** What a check of a presented credential found. */
  public enum Outcome { VALID, REVOKED, INVALID }

  /**
   * The verdict on a credential: {@code reason} names why it is not valid (a message {@code verify.why.<reason>}),
   * {@code detail} what that reason quotes (another site's address, an algorithm); {@code certificate} is the one it
   * proves, once the signature is good.
   */
  public record Verdict(Outcome outcome, String reason, String detail, Optional<Certificate> certificate) {

    static Verdict invalid(String reason, String detail) {
      return new Verdict(Outcome.INVALID, reason, detail, Optional.empty());
    }
  }

  /** A signed-in reader's certificate with its credentials (signed now if they were not yet). */
  public record Issued(Certificate certificate, String origin) {

    public String verifyUrl() {
      return Claims.verifyUrl(origin, certificate.code());
    }

    /** The address the QR code carries: the credential rides in the fragment, which no browser sends to a server. */
    public String qrUrl() {
      return certificate.qrToken() == null ? null : verifyUrl() + '#' + certificate.qrToken();
    }

    /** The credentials, or a refusal when the certificate was revoked before it was ever signed. */
    public Issued requireSigned() {
      if (!certificate.signed()) {
        throw new Conflict("revoked", "this certificate was revoked before it was signed: it has no credential");
      }
      return this;
    }

    /** The credential as a JSON document (its payload), for a wallet that reads JSON. */
    public JsonObject credentialJson() {
      return Jws.parse(certificate.credential()).orElseThrow().payload();
    }
  }

  /** Longer than this is not a credential of ours: refused before any decoding. */
  static final int MAX_TOKEN = 4096;
  static final int MAX_REASON = 500;
  /** A rotation and a signing may cross; a credential signed this soon after its key was retired is still good. */
  static final long RETIREMENT_GRACE_SECONDS = 60;
  static final long REVOCATIONS_SECONDS = 60;
  private static final Pattern CODE = Pattern.compile("[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}");
  private static final Pattern QR_ADDRESS = Pattern.compile("^(https?://[^/#?]+)/verify/([^/#?]+)#(.*)$", Pattern.DOTALL);

  private final Vertx vertx;
  private final IssuerKeys keys;
  private final CredentialRepository repository;
  private final java.util.function.Supplier<String> origin;
  private final Clock clock;
  private final java.util.concurrent.atomic.AtomicReference<CachedList> revocations = new java.util.concurrent.atomic.AtomicReference<>();
  /** Moved on by each revocation: a list being made while one is committed is not kept. */
  private final java.util.concurrent.atomic.AtomicLong revocationCount = new java.util.concurrent.atomic.AtomicLong();

  /** The signed list, the newest revocation it holds, and until when it is served without asking the database. */
  private record CachedList(String token, Instant until) {
  }

  public CredentialService(Vertx vertx, IssuerKeys keys, CredentialRepository repository, java.util.function.Supplier<String> origin,
                           Clock clock) {
    this.vertx = vertx;
    this.keys = keys;
    this.repository = repository;
    this.origin = origin;
    this.clock = clock;
  }

  /** At start: the folder's keys made known to the database (the newest one current, if none is yet). */
  public Future<Void> start() {
    return repository.register(keys.all());
  }

  /** The site's address as written into credentials and checked in them: configured, never taken from a request. */
  public String origin() {
    return origin.get();
  }

  /** A certificate code as printed, if {@code raw} has that shape once spaces and case are forgiven. */
  public static Optional<String> wellFormedCode(String raw) {
    String code = raw == null ? "" : raw.strip().toUpperCase(java.util.Locale.ROOT);
    return CODE.matcher(code).matches() ? Optional.of(code) : Optional.empty();
  }

  /**
   * The certificate code in what a reader pasted when it is a printed code or this site's verify address without a
   * credential ({@code .../verify/CODE}); empty for anything else, which is then checked as a credential.
   */
  public Optional<String> printedCode(String presented) {
    String s = presented == null ? "" : presented.strip();
    String prefix = origin() + "/verify/";
    if (s.regionMatches(true, 0, prefix, 0, prefix.length()) && !s.contains("#")) {
      s = s.substring(prefix.length());
    }
    return wellFormedCode(s);
  }

  /** The reader's own certificates, newest last. */
  public Future<List<Certificate>> mine(Principal p) {
    return repository.certificatesOf(p.accountId());
  }

  /** One of the reader's own certificates, signed; anyone else's is not found, as one that does not exist. */
  public Future<Issued> own(Principal p, String rawCode) {
    return find(rawCode).map(c -> c.filter(x -> x.accountId() == p.accountId())
            .orElseThrow(() -> new NotFound("no certificate of yours has this code")))
        .compose(c -> signed(c, origin()));
  }

  /**
   * Public look-up by code, as the printed code or the QR address's path gives it, with its status. It never signs:
   * an anonymous request's Host header must not choose the issuer written into someone's credential.
   */
  public Future<Certificate> lookUp(String rawCode) {
    return find(rawCode).map(c -> c.orElseThrow(() -> new NotFound("no certificate has this code")));
  }

  /** Whether {@code who} is staff who may see why a certificate was revoked and revoke it: an admin, or its coordinator. */
  public static boolean mayRevoke(Optional<Principal> who, Certificate c) {
    return who.map(p -> p.role() == Role.ADMIN
        || p.role() == Role.COORDINATOR && c.organisations().contains(p.organisationId())).orElse(false);
  }

  /** Revokes a certificate with a reason; audited. A second revocation is refused, and the first one stands. */
  public Future<Certificate> revoke(Principal p, String rawCode, String rawReason) {
    String reason = rawReason == null ? "" : rawReason.strip();
    if (reason.isEmpty() || reason.length() > MAX_REASON) {
      return Future.failedFuture(Invalid.field("reason", "revoke_reason", "give the reason for revoking, in 1 to "
          + MAX_REASON + " characters", MAX_REASON));
    }
    return find(rawCode).compose(found -> {
      Certificate c = found.orElseThrow(() -> new NotFound("no certificate has this code"));
      if (!mayRevoke(Optional.of(p), c)) {
        // a coordinator of another country learns nothing of this certificate's holder
        throw p.role() == Role.COORDINATOR ? new NotFound("no certificate of your organisation has this code")
            : new Forbidden("only an admin or the holder's coordinator may revoke a certificate");
      }
      return repository.revoke(p.accountId(), c.code(), reason).compose(done -> {
        if (!done) {
          throw new Conflict("already_revoked", "this certificate was revoked already");
        }
        revocationCount.incrementAndGet();
        revocations.set(null);
        return find(c.code()).map(Optional::orElseThrow);
      });
    });
  }

  /** Retires the current issuer key and signs with a new one from now on; what the old one signed keeps verifying. */
  public Future<IssuerKeys.Key> rotate(Principal admin) {
    if (admin.role() != Role.ADMIN) {
      return Future.failedFuture(new Forbidden("only an admin rotates the issuer key"));
    }
    return vertx.executeBlocking(keys::generate, false)
        .compose(key -> repository.rotate(admin.accountId(), key).map(key));
  }

  /** Every issuer key, current and retired, with when each was retired. */
  public Future<List<PublishedKey>> publishedKeys() {
    return repository.keys();
  }

  /** The public keys as a JWKS (RFC 7517): a retired key is listed with when it was retired, and still verifies. */
  public Future<JsonObject> jwks() {
    return repository.keys().map(list -> {
      JsonArray array = new JsonArray();
      for (PublishedKey k : list) {
        JsonObject jwk = k.publicJwk().copy().put("kid", k.kid()).put("alg", Jws.ALG).put("use", "sig");
        if (k.retiredAt() != null) {
          jwk.put("retired", Claims.iso(k.retiredAt()));
        }
        array.add(jwk);
      }
      return new JsonObject().put("keys", array);
    });
  }

  /** One published key, current or retired, as its JWK; an unknown kid is not found. */
  public Future<JsonObject> jwk(String kid) {
    return jwks().map(set -> set.getJsonArray("keys").stream().map(JsonObject.class::cast)
        .filter(k -> k.getString("kid").equals(kid)).findFirst()
        .orElseThrow(() -> new NotFound("this site has no signing key " + kid)));
  }

  /** The signed list of revoked certificates, made at most once a minute per site address. */
  public Future<String> revocationList() {
    String origin = origin();
    CachedList cached = revocations.get();
    Instant now = clock.instant();
    if (cached != null && now.isBefore(cached.until())) {
      return Future.succeededFuture(cached.token());
    }
    long count = revocationCount.get();
    return Future.all(repository.revocations(), currentKey()).map(all -> {
      List<CredentialRepository.Revocation> revoked = all.resultAt(0);
      IssuerKeys.Key key = all.resultAt(1);
      JsonArray list = new JsonArray();
      revoked.forEach(r -> list.add(new JsonObject().put("id", r.code()).put("on", Claims.iso(r.at()))));
      JsonObject payload = new JsonObject().put("iss", origin).put("iat", now.getEpochSecond()).put("revoked", list);
      String token = Jws.sign(header(Claims.REVOCATIONS_TYP, key.kid()), payload, key.privateKey());
      if (revocationCount.get() == count) {
        revocations.set(new CachedList(token, now.plusSeconds(REVOCATIONS_SECONDS)));
      }
      return token;
    });
  }

  /**
   * Checks a presented credential: the QR code's compact one, the full one, or a whole QR address (then the code in
   * its path must be the one signed). Every way of not being valid has its own reason; nothing unchecked is shown.
   */
  public Future<Verdict> check(String presented) {
    String origin = origin();
    String token = presented == null ? "" : presented.strip();
    if (token.isEmpty()) {
      return Future.succeededFuture(Verdict.invalid("empty", null));
    }
    if (token.length() > MAX_TOKEN) {
      return Future.succeededFuture(Verdict.invalid("tooLong", Integer.toString(MAX_TOKEN)));
    }
    Optional<String> pathCode = Optional.empty();
    Matcher address = QR_ADDRESS.matcher(token);
    if (address.matches()) {
      // a QR code's address: of this site only, its code as printed (case and spaces forgiven)
      if (!address.group(1).equalsIgnoreCase(origin)) {
        return Future.succeededFuture(Verdict.invalid("otherSite", address.group(1)));
      }
      pathCode = Optional.of(wellFormedCode(java.net.URLDecoder.decode(address.group(2), java.nio.charset.StandardCharsets.UTF_8))
          .orElse(address.group(2)));
      token = address.group(3);
    }
    Optional<Jws.Parsed> parsed = Jws.parse(token);
    if (parsed.isEmpty()) {
      // the payload damaged under a header of ours: if the signature no longer holds, it was changed after signing
      Optional<Jws.Parsed> signed = Jws.parseSigned(token);
      if (signed.isEmpty() || !Jws.ALG.equals(signed.get().header().getValue("alg"))) {
        return Future.succeededFuture(Verdict.invalid("malformed", null));
      }
      String kid = kidOf(signed.get().header().getValue("kid"), origin);
      return repository.keys().map(published -> published.stream().filter(k -> k.kid().equals(kid)).findFirst()
          .filter(k -> !Jws.verify(signed.get(), publicKey(k.publicJwk())))
          .map(k -> Verdict.invalid("signature", null)).orElse(Verdict.invalid("malformed", null)));
    }
    Jws.Parsed jws = parsed.get();
    Object alg = jws.header().getValue("alg");
    if (!Jws.ALG.equals(alg)) {
      return Future.succeededFuture(Verdict.invalid("alg", String.valueOf(alg)));
    }
    Object typ = jws.header().getValue("typ");
    boolean compact = Claims.QR_TYP.equals(typ);
    if (!compact && !Claims.CREDENTIAL_TYP.equals(typ)) {
      return Future.succeededFuture(Verdict.invalid("typ", String.valueOf(typ)));
    }
    Object iss = jws.payload().getValue("iss");
    if (!origin.equals(iss)) {
      return Future.succeededFuture(Verdict.invalid("otherSite", String.valueOf(iss)));
    }
    String kid = kidOf(jws.header().getValue("kid"), origin);
    Optional<String> code = codeOf(jws.payload().getValue("jti"), compact, origin);
    Optional<String> expectedCode = pathCode;
    return repository.keys().compose(published -> {
      Optional<PublishedKey> key = published.stream().filter(k -> k.kid().equals(kid)).findFirst();
      if (key.isEmpty()) {
        return Future.succeededFuture(Verdict.invalid("kid", kid));
      }
      if (!Jws.verify(jws, publicKey(key.get().publicJwk()))) {
        return Future.succeededFuture(Verdict.invalid("signature", null));
      }
      Object nbf = jws.payload().getValue("nbf");
      if (!(nbf instanceof Number n) || code.isEmpty()) {
        return Future.succeededFuture(Verdict.invalid("malformed", null));
      }
      OffsetDateTime retired = key.get().retiredAt();
      if (retired != null && n.longValue() > retired.toEpochSecond() + RETIREMENT_GRACE_SECONDS) {
        return Future.succeededFuture(Verdict.invalid("retired", Claims.iso(retired)));
      }
      if (expectedCode.isPresent() && !expectedCode.get().equals(code.get())) {
        return Future.succeededFuture(Verdict.invalid("otherCode", code.get()));
      }
      String presentedToken = jws.compact();
      return repository.certificate(code.get()).map(found -> {
        if (found.isEmpty()) {
          return Verdict.invalid("unknown", code.get());
        }
        Certificate c = found.get();
        // online, the credential must be one this site issued and kept: a good signature alone (a leaked key's) is not
        if (!presentedToken.equals(c.credential()) && !presentedToken.equals(c.qrToken())) {
          return Verdict.invalid("notIssued", code.get());
        }
        return c.revoked() ? new Verdict(Outcome.REVOKED, "revoked", Claims.iso(c.revokedAt()), found)
            : new Verdict(Outcome.VALID, null, null, found);
      });
    });
  }

  private Future<Optional<Certificate>> find(String rawCode) {
    return wellFormedCode(rawCode).map(repository::certificate).orElse(Future.succeededFuture(Optional.empty()));
  }

  /** The certificate with its credentials: those kept, or signed now with the current key and kept. */
  private Future<Issued> signed(Certificate c, String origin) {
    // a certificate revoked before it was ever opened is never signed: there is nothing valid to hand over
    if (c.signed() || c.revoked()) {
      return Future.succeededFuture(new Issued(c, origin));
    }
    return currentKey().compose(key -> {
      String credential = Jws.sign(header(Claims.CREDENTIAL_TYP, origin + Claims.KEY_PATH + key.kid()),
          Claims.credential(c, origin), key.privateKey());
      String qr = Jws.sign(header(Claims.QR_TYP, key.kid()), Claims.compact(c, origin), key.privateKey());
      return repository.storeSigned(c.code(), credential, qr, key.kid());
    }).compose(v -> repository.certificate(c.code())).map(found -> new Issued(found.orElseThrow(), origin));
  }

  /** The key that signs now, as the database says (another server may have rotated it); its file read if new here. */
  private Future<IssuerKeys.Key> currentKey() {
    return repository.currentKey().compose(kid -> {
      String current = kid.orElseThrow(() -> new Unavailable("no_issuer_key", "no issuer key is current", 60));
      Optional<IssuerKeys.Key> key = keys.key(current);
      return key.isPresent() ? Future.succeededFuture(key.get()) : vertx.executeBlocking(() -> {
        keys.rescan();
        return keys.key(current).orElseThrow(() -> new Unavailable("no_issuer_key",
            "the current issuer key " + current + " is not in this server's key folder", 60));
      }, false);
    });
  }

  private static JsonObject header(String typ, String kid) {
    return new JsonObject().put("alg", Jws.ALG).put("typ", typ).put("kid", kid);
  }

  /** The key id: the short one, or (in the full credential) the address of that one key. */
  private static String kidOf(Object kid, String origin) {
    String s = String.valueOf(kid);
    String prefix = origin + Claims.KEY_PATH;
    return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
  }

  private static Optional<String> codeOf(Object jti, boolean compact, String origin) {
    if (!(jti instanceof String s)) {
      return Optional.empty();
    }
    String prefix = origin + "/verify/";
    String code = compact ? s : s.startsWith(prefix) ? s.substring(prefix.length()) : "";
    return CODE.matcher(code).matches() ? Optional.of(code) : Optional.empty();
  }

  /** A published P-256 JWK as a key the JDK verifies with. */
  static PublicKey publicKey(JsonObject jwk) {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
      ECPoint w = new ECPoint(new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("x"))),
          new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("y"))));
      return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a published issuer key is not a P-256 key: " + e.getMessage(), e);
    }
  }
}
