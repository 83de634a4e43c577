package org.pillars.auth;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Password hashing: argon2id with 19 MiB of memory, 2 passes, 1 lane (the OWASP minimum), stored in the PHC string
 * format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}, unpadded base64). A stored hash is checked under the
 * costs it names, within bounds, so raising the costs later does not lock anyone out. Slow on purpose: call it
 * from a worker thread, never the event loop.
 */
public final class Passwords {

  static final int MEMORY_KIB = 19 * 1024;
  static final int PASSES = 2;
  static final int LANES = 1;
  private static final int SALT_BYTES = 16;
  private static final int TAG_BYTES = 32;
  /** The most a stored hash may ask for: a row written by anyone else cannot make a check take minutes or gigabytes. */
  private static final int MAX_MEMORY_KIB = 256 * 1024;
  private static final int MAX_PASSES = 16;
  private static final int MAX_LANES = 8;
  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{22,128})");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

  private Passwords() {
  }

  public static String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] tag = Argon2id.hash(password, salt, MEMORY_KIB, PASSES, LANES, TAG_BYTES);
    return "$argon2id$v=" + Argon2id.VERSION + "$m=" + MEMORY_KIB + ",t=" + PASSES + ",p=" + LANES + "$"
        + B64.encodeToString(salt) + "$" + B64.encodeToString(tag);
  }

  /** True when {@code password} is the one hashed; false for any other, and for a hash this class cannot read. */
  public static boolean matches(String password, String hash) {
    return stored(hash).map(s -> MessageDigest.isEqual(
        Argon2id.hash(password, s.salt(), s.memoryKib(), s.passes(), s.lanes(), s.tag().length), s.tag())).orElse(false);
  }

  /** A stored hash read: its costs, salt and tag. */
  record Stored(int memoryKib, int passes, int lanes, byte[] salt, byte[] tag) { }

  /** The stored hash, if it is argon2id 1.3 in the PHC format with costs within the bounds; nothing otherwise. */
  static Optional<Stored> stored(String hash) {
    Matcher m = hash == null ? null : PHC.matcher(hash);
    if (m == null || !m.matches()) {
      return Optional.empty();
    }
    int memory = Integer.parseInt(m.group(1));
    int passes = Integer.parseInt(m.group(2));
    int lanes = Integer.parseInt(m.group(3));
    if (memory > MAX_MEMORY_KIB || passes < 1 || passes > MAX_PASSES || lanes < 1 || lanes > MAX_LANES || memory < 8 * lanes) {
      return Optional.empty();
    }
    try {
      byte[] salt = Base64.getDecoder().decode(m.group(4));
      byte[] tag = Base64.getDecoder().decode(m.group(5));
      // the pattern's lengths already ask for a salt of at least 8 bytes and a tag of at least 16
      return Optional.of(new Stored(memory, passes, lanes, salt, tag));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
