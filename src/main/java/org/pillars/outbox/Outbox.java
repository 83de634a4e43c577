package org.pillars.outbox;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.pillars.db.Transactions;

/**
 * The outbox as other features use it: enqueue an item for a channel in the transaction of the record it tells about
 * (both commit, or neither; the same key twice is a no-op; nothing is kept for a channel not enabled), and read each
 * channel's depth. Deliveries are the {@link OutboxWorker}'s, through the channel's {@link Deliverer}.
 */
public final class Outbox {

  private final OutboxRepository repository;

  public Outbox(OutboxRepository repository) {
    this.repository = repository;
  }

  public Future<Void> enqueue(Transactions.Transaction tx, String channel, String dedupeKey, JsonObject payload) {
    return repository.enqueue(tx, channel, dedupeKey, payload);
  }

  public Future<Void> enqueue(String channel, String dedupeKey, JsonObject payload) {
    return repository.enqueue(channel, dedupeKey, payload);
  }

  /** Per channel with anything not delivered: its {@link Depth}. */
  public Future<Map<String, Depth>> depth() {
    return repository.depth();
  }
}
