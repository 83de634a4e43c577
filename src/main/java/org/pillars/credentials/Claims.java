package org.pillars.credentials;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.pillars.credentials.CredentialRepository.Certificate;

/**
 * What a certificate's two signed forms say. The full one is an Open Badges 3.0 credential (a W3C Verifiable
 * Credential 2.0, its JWT payload the credential itself, OB 3.0 section 8.2.4); the compact one is just enough to
 * tell, offline, from a phone photo of the print, who passed what and when: short names, capped values, so that the
 * verification address with it stays under about 600 bytes.
 */
final class Claims {

  /** The JOSE {@code typ} of each kind of token, so that one kind is never taken for another. */
  static final String CREDENTIAL_TYP = "JWT";  // OB 3.0 section 8.2.3: if present, MUST be "JWT"
  static final String QR_TYP = "pillars-qr+jwt";
  static final String REVOCATIONS_TYP = "pillars-revocations+jwt";

  static final String VC_CONTEXT = "https://www.w3.org/ns/credentials/v2";
  static final String OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
  static final String JWKS_PATH = "/.well-known/jwks.json";
  /** One published key as a JWK, by its kid: what the full credential's kid dereferences to (OB 3.0 section 8.2.3). */
  static final String KEY_PATH = "/.well-known/jwks/";
  static final String REVOCATIONS_PATH = "/.well-known/revocations.jwt";
  static final String STATUS_TYPE = "PillarsRevocationList";

  // what the print shows in full; the QR code carries enough to match it (CredentialTest: under 600 bytes)
  private static final int NAME_CAP = 48;
  private static final int RANK_CAP = 20;
  private static final int ORGANISATION_CAP = 40;

  private Claims() {
  }

  static String verifyUrl(String origin, String code) {
    return origin + "/verify/" + code;
  }

  /** The full credential: what a wallet or an employer keeps. */
  static JsonObject credential(Certificate c, String origin) {
    String verifyUrl = verifyUrl(origin, c.code());
    long nbf = c.issuedAt().toEpochSecond();
    JsonArray identifiers = new JsonArray().add(identity("name", c.name()))
        .add(identity("ext:organisation", organisation(c)));
    String ending = lastDigits(c.serviceNumber());
    if (!ending.isEmpty()) {
      identifiers.add(identity("ext:serviceNumberEnding", ending));
    }
    JsonObject subject = new JsonObject().put("id", subjectId(c)).put("type", new JsonArray().add("AchievementSubject"))
        .put("identifier", identifiers);
    if (c.rank() != null && !c.rank().isBlank()) {
      subject.put("role", c.rank());
    }
    subject.put("achievement", new JsonObject()
            .put("id", origin + "/modules/" + c.moduleId() + "?version=" + c.moduleVersion())
            .put("type", new JsonArray().add("Achievement"))
            .put("name", c.moduleTitle())
            .put("description", "Pillars module " + c.moduleId() + ", version " + c.moduleVersion() + ": " + c.moduleTitle())
            .put("criteria", new JsonObject().put("narrative",
                "Every lesson of the module read, and its quiz passed at the module's pass mark."))
            .put("version", Integer.toString(c.moduleVersion())))
        .put("result", new JsonArray().add(new JsonObject().put("type", new JsonArray().add("Result"))
            .put("value", Integer.toString(c.score()))));
    return new JsonObject()
        .put("@context", new JsonArray().add(VC_CONTEXT).add(OB_CONTEXT))
        .put("id", verifyUrl)
        .put("type", new JsonArray().add("VerifiableCredential").add("OpenBadgeCredential"))
        .put("issuer", new JsonObject().put("id", origin).put("type", new JsonArray().add("Profile")).put("name", "Pillars"))
        .put("validFrom", iso(c.issuedAt()))
        .put("name", "Pillars certificate: " + c.moduleTitle())
        .put("credentialSubject", subject)
        .put("credentialStatus", new JsonObject().put("id", origin + REVOCATIONS_PATH).put("type", STATUS_TYPE))
        // the registered claims OB 3.0 section 8.2.4.1 maps the credential's members to
        .put("iss", origin).put("jti", verifyUrl).put("sub", subjectId(c)).put("nbf", nbf);
  }

  /**
   * The holder, as OB 3.0's JWT format wants one in {@code sub} and {@code credentialSubject.id}: an opaque URN
   * drawn from the certificate's code (nothing of the person), the same every time.
   */
  static String subjectId(Certificate c) {
    return "urn:uuid:" + java.util.UUID.nameUUIDFromBytes(("pillars-certificate:" + c.code()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The compact form the QR code carries. */
  static JsonObject compact(Certificate c, String origin) {
    JsonObject claims = new JsonObject().put("iss", origin).put("jti", c.code()).put("nbf", c.issuedAt().toEpochSecond())
        .put("n", cap(c.name(), NAME_CAP));
    if (c.rank() != null && !c.rank().isBlank()) {
      claims.put("r", cap(c.rank(), RANK_CAP));
    }
    claims.put("o", cap(organisation(c), ORGANISATION_CAP));
    String ending = lastDigits(c.serviceNumber());
    if (!ending.isEmpty()) {
      claims.put("sn", ending);
    }
    return claims.put("m", c.moduleId()).put("v", c.moduleVersion()).put("s", c.score());
  }

  /** The country, then the unit when the learner belongs to one: enough to tell apart two people of one name. */
  static String organisation(Certificate c) {
    return c.unit() == null ? c.country() : c.country() + " · " + c.unit();
  }

  /** The end of a service number, never more than three characters and never more than half of it. */
  static String lastDigits(String serviceNumber) {
    if (serviceNumber == null) {
      return "";
    }
    String s = serviceNumber.strip();
    int keep = Math.min(3, s.length() / 2);
    return s.substring(s.length() - keep);
  }

  /** How a masked service number reads on a page: the hidden part as dots. */
  static String masked(String serviceNumber) {
    String ending = lastDigits(serviceNumber);
    return ending.isEmpty() ? null : "•••" + ending;
  }

  static String iso(OffsetDateTime at) {
    return at.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_INSTANT);
  }

  private static JsonObject identity(String type, String value) {
    return new JsonObject().put("type", "IdentityObject").put("hashed", false).put("identityHash", value)
        .put("identityType", type);
  }

  private static String cap(String s, int max) {
    return s.codePointCount(0, s.length()) <= max ? s : s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
  }
}
