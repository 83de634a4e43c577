package org.pillars.core;

/** The request names something that exists but asks for what cannot be: bad input. */
public final class Invalid extends Refusal {

  public Invalid(String message) {
    super("invalid", message);
  }

  public Invalid(String code, String message) {
    super(code, message);
  }
}
