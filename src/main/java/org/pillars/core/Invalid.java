package org.pillars.core;

import java.util.List;

/**
 * The request names something that exists but asks for what cannot be: bad input. A refusal about one field of a
 * form names the {@code field}, so that the page can show the reason next to it and keep what was typed; its
 * {@code args} fill the reason in the reader's language (the message {@code invalid.<code>}, when there is one).
 */
public final class Invalid extends Refusal {

  private final String field;
  private final List<Object> args;

  public Invalid(String message) {
    this("invalid", message);
  }

  public Invalid(String code, String message) {
    super(code, message);
    this.field = null;
    this.args = List.of();
  }

  private Invalid(String code, String message, String field, List<Object> args) {
    super(code, message);
    this.field = field;
    this.args = args;
  }

  /** A refusal of one form field, with the values its reason names. */
  public static Invalid field(String field, String code, String message, Object... args) {
    return new Invalid(code, message, field, List.of(args));
  }

  /** A refusal of the request as a whole, with the values its reason names (for the reader's language). */
  public static Invalid because(String code, String message, Object... args) {
    return new Invalid(code, message, null, List.of(args));
  }

  /** The form field at fault, or null. */
  public String field() {
    return field;
  }

  public Object[] args() {
    return args.toArray();
  }
}
