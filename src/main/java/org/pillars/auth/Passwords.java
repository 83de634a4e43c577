package org.pillars.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/**
 * Password hashing: argon2id with 19 MiB of memory, 2 passes, 1 lane (the OWASP minimum). Slow on
 * purpose: call it from a worker thread, never the event loop.
 */
public final class Passwords {

  private static final Argon2Function ARGON2ID = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);

  private Passwords() {
  }

  public static String hash(String password) {
    return Password.hash(password).addRandomSalt(16).with(ARGON2ID).getResult();
  }

  public static boolean matches(String password, String hash) {
    return Password.check(password, hash).with(ARGON2ID);
  }
}
