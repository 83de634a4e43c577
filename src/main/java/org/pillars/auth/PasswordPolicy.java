package org.pillars.auth;

import com.nulabinc.zxcvbn.Zxcvbn;
import java.util.List;
import java.util.Optional;

/**
 * What a new password must be: 8 to 128 characters, and not among the passwords attackers try first
 * (zxcvbn's dictionaries of common passwords, names and words, plus the account's own names).
 */
public final class PasswordPolicy {

  public static final int MIN = 8;
  public static final int MAX = 128;
  private static final Zxcvbn ZXCVBN = new Zxcvbn();

  private PasswordPolicy() {
  }

  /** The message key of the first rule {@code password} breaks, if any. Blocking-safe but CPU-bound. */
  public static Optional<String> problem(String password, String username, String displayName) {
    if (password == null || password.codePointCount(0, password.length()) < MIN) {
      return Optional.of("password.tooShort");
    }
    if (password.codePointCount(0, password.length()) > MAX) {
      return Optional.of("password.tooLong");
    }
    if (ZXCVBN.measure(password, List.of(username, displayName, "pillars")).getScore() < 2) {
      return Optional.of("password.common");
    }
    return Optional.empty();
  }
}
