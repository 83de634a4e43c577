package org.pillars.core;

/** The request clashes with the state of things: a duplicate, a used-up limit, a changed module. */
public final class Conflict extends Refusal {

  public Conflict(String message) {
    super("conflict", message);
  }

  public Conflict(String code, String message) {
    super(code, message);
  }
}
