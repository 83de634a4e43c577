package org.pillars.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF tokens bound to the session: an HMAC of the session id under a key derived from the signing key.
 * Stateless, so any server behind the load balancer can check a form another one rendered.
 */
public final class Csrf {

  private final SecretKeySpec key;

  public Csrf(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  public String token(UUID sessionId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(sessionId.toString().getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public boolean matches(UUID sessionId, String candidate) {
    return candidate != null && MessageDigest.isEqual(token(sessionId).getBytes(StandardCharsets.US_ASCII),
        candidate.strip().getBytes(StandardCharsets.US_ASCII));
  }
}
