package org.pillars.outbox;

import io.vertx.core.Future;
import java.util.List;

/**
 * What sends one channel's items to the system outside (xAPI statements to a learning record store, an LTI score to
 * a platform). The worker hands it the items it claimed; it answers one {@link Outcome} per item, in the same order.
 * A failed future, or a missing outcome, counts as "retry later" for the items concerned: nothing is ever lost by a
 * deliverer that throws.
 */
public interface Deliverer {

  /** The channel whose rows this delivers ('xapi', 'lti-score'). */
  String channel();

  /** How many items one claim takes at most. */
  default int batchSize() {
    return 20;
  }

  Future<List<Outcome>> deliver(List<Item> items);
}
