package org.pillars.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Locale;

/** One-time set-up codes (20 characters, about 99 bits, no look-alike letters) and the login names of learners. */
final class SetupCodes {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz".toCharArray();

  private SetupCodes() {
  }

  static String code() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      b.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return b.toString();
  }

  /** Only this is stored: a code is case- and space-insensitive as typed from paper. */
  static byte[] hash(String code) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(code.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A login name from the organisation and the service number: stable, readable, unique. */
  static String username(long organisationId, String serviceNumber) {
    String slug = serviceNumber.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    String name = "o" + organisationId + "-" + slug;
    return name.length() > 64 ? name.substring(0, 64) : name;
  }
}
