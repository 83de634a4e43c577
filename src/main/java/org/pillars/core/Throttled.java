package org.pillars.core;

/** Too many tries in too short a time: the caller may try again after {@link #retryAfterSeconds()}. */
public final class Throttled extends Refusal {

  private final long retryAfterSeconds;

  public Throttled(String message, long retryAfterSeconds) {
    super("throttled", message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
