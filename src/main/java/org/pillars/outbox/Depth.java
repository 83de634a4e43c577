package org.pillars.outbox;

import java.time.Duration;
import java.util.Optional;

/**
 * One channel's backlog, for gauges: the items not delivered yet (rejected ones apart), how long the oldest of them has
 * waited (empty when none waits), and the items rejected for good, kept for an operator.
 */
public record Depth(long undelivered, Optional<Duration> oldestAge, long rejected) { }
