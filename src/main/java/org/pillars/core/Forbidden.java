package org.pillars.core;

/** The caller is known but may not do this. */
public final class Forbidden extends Refusal {

  public Forbidden(String message) {
    super("forbidden", message);
  }

  public Forbidden(String code, String message) {
    super(code, message);
  }
}
