package org.pillars.core;

/** The server cannot take this now (busy, or a dependency is down); the caller should retry later. */
public final class Unavailable extends Refusal {

  private final long retryAfterSeconds;

  public Unavailable(String code, String message, long retryAfterSeconds) {
    super(code, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
