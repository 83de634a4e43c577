package org.pillars.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser that someone logged
 * in from keeps a signed note of it, and its later attempts for that username are counted on their own, so that
 * guessing from elsewhere cannot lock the owner out. A note is a random nonce, the time it was issued and an HMAC
 * over the username, nonce and time; the username itself is not in the cookie. One cookie keeps the notes of the
 * last few people who logged in from the browser (a shared computer at a training centre), newest first.
 */
public final class DeviceCookies {

  public static final String COOKIE = "pillars_device";
  static final long MAX_AGE_SECONDS = 365L * 24 * 3600;
  static final int MAX_NOTES = 5;
  private static final int NONCE_BYTES = 16;
  private static final int MAC_BYTES = 16;
  private static final Pattern NOTE = Pattern.compile("([A-Za-z0-9_-]{22})\\.([0-9a-z]{1,12})\\.([A-Za-z0-9_-]{22})");
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  public DeviceCookies(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /** The nonce of the browser's unexpired, correctly signed note for {@code username}: the device its attempts count for. */
  Optional<String> device(String cookie, String username) {
    long now = System.currentTimeMillis() / 1000;
    return notes(cookie).map(NOTE::matcher).filter(Matcher::matches)
        .filter(m -> isRecent(m.group(2), now))
        .filter(m -> MessageDigest.isEqual(ascii(sign(username, m.group(1), m.group(2))), ascii(m.group(3))))
        .map(m -> m.group(1)).findFirst();
  }

  /** The cookie's next value once {@code username} has logged in: a new note first, then those of the browser's other users. */
  String issue(String cookie, String username) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    String fresh = BASE64.encodeToString(nonce);
    String issued = Long.toString(System.currentTimeMillis() / 1000, 36);
    Optional<String> previous = device(cookie, username);
    Stream<String> others = notes(cookie).filter(n -> NOTE.matcher(n).matches())
        .filter(n -> previous.isEmpty() || !n.startsWith(previous.get() + "."));
    return Stream.concat(Stream.of(fresh + "." + issued + "." + sign(username, fresh, issued)), others)
        .limit(MAX_NOTES).collect(Collectors.joining("~"));
  }

  private static Stream<String> notes(String cookie) {
    // a browser sends what we set, at most MAX_NOTES notes of under 60 characters; anything longer is not ours
    return cookie == null || cookie.length() > MAX_NOTES * 64 ? Stream.empty() : Arrays.stream(cookie.split("~"));
  }

  private static boolean isRecent(String issued, long now) {
    long at = Long.parseLong(issued, 36);
    return at <= now + 60 && now - at < MAX_AGE_SECONDS;
  }

  private String sign(String username, String nonce, String issued) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] full = mac.doFinal((nonce + "." + issued + "." + username).getBytes(StandardCharsets.UTF_8));
      return BASE64.encodeToString(Arrays.copyOf(full, MAC_BYTES));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
