package org.pillars.core;

/** The caller must sign in first, or the credentials or token given are not good. */
public final class Unauthenticated extends Refusal {

  public Unauthenticated(String message) {
    super("unauthenticated", message);
  }

  public Unauthenticated(String code, String message) {
    super(code, message);
  }
}
