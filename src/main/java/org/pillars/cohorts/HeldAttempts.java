package org.pillars.cohorts;

import io.vertx.core.Future;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Decides whether a learner's held attempt (sent from a device after their attempts were used up) counts. Cohort
 * pages decide who may ask; the learning feature keeps attempts and answers, and the application wires one to the
 * other, so this package does not depend on that one.
 */
@FunctionalInterface
public interface HeldAttempts {

  /** Counts the attempt, or sets it aside for good; fails with a NotFound or a Conflict. Returns when it was decided. */
  Future<OffsetDateTime> decide(long accountId, UUID attemptId, boolean count, long decidedBy);
}
