package org.pillars.outbox;

/**
 * What became of one item: delivered (done for good), to be retried later (the receiver was down, or answered that
 * it could not take it now), or rejected for good (the receiver refused it: kept with the reason, never retried).
 * {@code error} is a short reason for an operator, never a secret; it is cut to 500 characters.
 */
public record Outcome(Kind kind, String error) {

  public enum Kind { DELIVERED, RETRY, REJECTED }

  public static Outcome delivered() {
    return new Outcome(Kind.DELIVERED, null);
  }

  public static Outcome retry(String error) {
    return new Outcome(Kind.RETRY, error);
  }

  public static Outcome rejected(String error) {
    return new Outcome(Kind.REJECTED, error);
  }
}
