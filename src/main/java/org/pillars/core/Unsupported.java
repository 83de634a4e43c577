package org.pillars.core;

/** The body is not in a form this route reads. */
public final class Unsupported extends Refusal {

  public Unsupported(String message) {
    super("unsupported_media_type", message);
  }

  public Unsupported(String code, String message) {
    super(code, message);
  }
}
