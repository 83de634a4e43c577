package org.pillars.credentials;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Optional;

/**
 * JSON Web Signatures in compact form (RFC 7515) with ES256 only, on the JDK's own ECDSA: the signature is the
 * 64-byte R || S of RFC 7518 section 3.4, which is the JDK's "P1363" format. Nothing else is accepted: no "none", no
 * other algorithm, no key named inside the token.
 */
final class Jws {

  static final String ALG = "ES256";
  private static final String JCA = "SHA256withECDSAinP1363Format";
  private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

  /** A token split and decoded, before any check of what it says. */
  record Parsed(JsonObject header, JsonObject payload, byte[] signingInput, byte[] signature) {

    /** The token as it was presented, in its compact form. */
    String compact() {
      return new String(signingInput, StandardCharsets.US_ASCII) + '.' + ENCODE.encodeToString(signature);
    }
  }

  private Jws() {
  }

  static String sign(JsonObject header, JsonObject payload, PrivateKey key) {
    String input = encode(header.encode()) + '.' + encode(payload.encode());
    try {
      Signature signer = Signature.getInstance(JCA);
      signer.initSign(key);
      signer.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + '.' + ENCODE.encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with the issuer key: " + e.getMessage(), e);
    }
  }

  /** The three parts, if the text has the shape of a compact JWS with JSON objects in it; empty otherwise. */
  static Optional<Parsed> parse(String compact) {
    String[] parts = compact.split("\\.", -1);
    // an empty signature is let through to be refused by its algorithm ("none"), which the reader is then told
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonObject header = new JsonObject(new String(DECODE.decode(parts[0]), StandardCharsets.UTF_8));
      JsonObject payload = new JsonObject(new String(DECODE.decode(parts[1]), StandardCharsets.UTF_8));
      byte[] input = (parts[0] + '.' + parts[1]).getBytes(StandardCharsets.US_ASCII);
      return Optional.of(new Parsed(header, payload, input, DECODE.decode(parts[2])));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return Optional.empty();
    }
  }

  /**
   * The three parts when only the header is a JSON object (the payload damaged: an edit in the middle of a token), its
   * payload then empty: enough to tell whether the signature still holds over what was presented.
   */
  static Optional<Parsed> parseSigned(String compact) {
    String[] parts = compact.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonObject header = new JsonObject(new String(DECODE.decode(parts[0]), StandardCharsets.UTF_8));
      byte[] input = (parts[0] + '.' + parts[1]).getBytes(StandardCharsets.US_ASCII);
      return Optional.of(new Parsed(header, new JsonObject(), input, DECODE.decode(parts[2])));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return Optional.empty();
    }
  }

  static boolean verify(Parsed token, PublicKey key) {
    if (token.signature().length != 64) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance(JCA);
      verifier.initVerify(key);
      verifier.update(token.signingInput());
      return verifier.verify(token.signature());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static String encode(String json) {
    return ENCODE.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String encode(byte[] bytes) {
    return ENCODE.encodeToString(bytes);
  }
}
