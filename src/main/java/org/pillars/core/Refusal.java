package org.pillars.core;

/**
 * A request the domain will not serve, thrown anywhere: a stable code for API clients and a reason a person
 * can read. The HTTP layer maps each kind to its status; nothing else about HTTP is known here.
 */
public abstract sealed class Refusal extends RuntimeException
    permits NotFound, Invalid, Forbidden, Conflict, Unauthenticated, Throttled, Unavailable, Unsupported {

  private final String code;

  protected Refusal(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
