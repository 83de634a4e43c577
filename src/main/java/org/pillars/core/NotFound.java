package org.pillars.core;

/** There is no such thing, or the caller may not know that there is. */
public final class NotFound extends Refusal {

  public NotFound(String message) {
    super("not_found", message);
  }

  public NotFound(String code, String message) {
    super(code, message);
  }
}
