package org.pillars.outbox;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pillars.db.Transactions;

/**
 * All SQL of the outbox (V23): enqueueing, claiming due rows, recording what became of them, and its depth. Other
 * features reach it through {@link Outbox}; the worker and App use it directly.
 */
public final class OutboxRepository {

  /** The notification channel on which a committed enqueue names its outbox channel (V23). */
  public static final String NOTIFY_CHANNEL = "pillars_outbox";

  private static final String ENQUEUE = "SELECT outbox_enqueue($1, $2, $3)";
  private static final String ENABLE = "INSERT INTO outbox_channels (channel) VALUES ($1) ON CONFLICT DO NOTHING";
  private static final String DISABLE = "DELETE FROM outbox_channels WHERE channel = $1";
  /**
   * Claims up to $2 due rows of channel $1 in one statement, which is its own transaction: each row's next attempt
   * is pushed $3 seconds ahead (the lease) and its attempts counted, so no other worker takes it meanwhile and a
   * worker that dies before it says what happened leaves it to be claimed again once the lease is over.
   */
  private static final String CLAIM = """
      UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $3)
      WHERE id IN (SELECT id FROM outbox
                   WHERE channel = $1 AND delivered_at IS NULL AND rejected_at IS NULL AND next_attempt_at <= now()
                   ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING id, channel, dedupe_key, payload, attempts, created_at""";
  private static final String DELIVERED = """
      UPDATE outbox SET delivered_at = now(), last_error = NULL WHERE id = ANY($1) AND delivered_at IS NULL AND rejected_at IS NULL""";
  /** The wait doubles with each attempt from $3 ms, up to $4 ms; only for the claim that made it ($2: its attempts). */
  private static final String RETRY = """
      UPDATE outbox SET last_error = left($5, 500),
             next_attempt_at = now() + make_interval(secs => least($4::float8, $3::float8 * power(2, least(attempts - 1, 40))) / 1000)
      WHERE id = $1 AND attempts = $2 AND delivered_at IS NULL AND rejected_at IS NULL""";
  private static final String REJECTED = """
      UPDATE outbox SET rejected_at = now(), last_error = left($2, 500) WHERE id = $1 AND delivered_at IS NULL AND rejected_at IS NULL""";
  private static final String DEPTH = """
      SELECT channel, count(*) FILTER (WHERE rejected_at IS NULL),
             extract(epoch FROM now() - min(created_at) FILTER (WHERE rejected_at IS NULL)), count(*) FILTER (WHERE rejected_at IS NOT NULL)
      FROM outbox WHERE delivered_at IS NULL GROUP BY channel""";

  private final Pool pool;

  public OutboxRepository(Pool pool) {
    this.pool = pool;
  }

  /** Enqueues once per (channel, key), if the channel is enabled; on its own. */
  public Future<Void> enqueue(String channel, String dedupeKey, JsonObject payload) {
    return enqueue(pool, channel, dedupeKey, payload);
  }

  /**
   * Enqueues in a transaction shared with the record the item tells about (see {@link Transactions}): both commit,
   * or neither. Sending the same key again is a no-op.
   */
  public Future<Void> enqueue(Transactions.Transaction tx, String channel, String dedupeKey, JsonObject payload) {
    return enqueue(tx.connection(), channel, dedupeKey, payload);
  }

  private static Future<Void> enqueue(SqlClient client, String channel, String dedupeKey, JsonObject payload) {
    return client.preparedQuery(ENQUEUE).execute(Tuple.of(channel, dedupeKey, payload)).mapEmpty();
  }

  /** From now on, items of this channel are kept (a receiver was configured). */
  public Future<Void> enable(String channel) {
    return pool.preparedQuery(ENABLE).execute(Tuple.of(channel)).mapEmpty();
  }

  /** From now on, nothing is enqueued for this channel; what was is kept. */
  public Future<Void> disable(String channel) {
    return pool.preparedQuery(DISABLE).execute(Tuple.of(channel)).mapEmpty();
  }

  /** Claims up to {@code limit} due items of the channel for {@code leaseSeconds}, oldest due first. */
  public Future<List<Item>> claim(String channel, int limit, long leaseSeconds) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(channel, limit, (double) leaseSeconds)).map(rows -> {
      List<Item> items = new ArrayList<>();
      for (Row r : rows) {
        items.add(new Item(r.getLong("id"), r.getString("channel"), r.getString("dedupe_key"), (JsonObject) r.getValue("payload"),
            r.getInteger("attempts"), r.getOffsetDateTime("created_at")));
      }
      items.sort(java.util.Comparator.comparingLong(Item::id));
      return items;
    });
  }

  public Future<Void> delivered(List<Long> ids) {
    return ids.isEmpty() ? Future.succeededFuture()
        : pool.preparedQuery(DELIVERED).execute(Tuple.of((Object) ids.toArray(new Long[0]))).mapEmpty();
  }

  /** Tried again after {@code backoffMs * 2^(attempts-1)}, at most {@code capMs}; unless claimed again meanwhile. */
  public Future<Void> retryLater(Item item, String error, long backoffMs, long capMs) {
    return pool.preparedQuery(RETRY).execute(Tuple.of(item.id(), item.attempts(), (double) backoffMs, (double) capMs,
        error == null ? "failed" : error)).mapEmpty();
  }

  public Future<Void> rejected(Item item, String error) {
    return pool.preparedQuery(REJECTED).execute(Tuple.of(item.id(), error == null ? "rejected" : error)).mapEmpty();
  }

  /** Per channel with anything undelivered: how many wait, how long the oldest has, how many were rejected. */
  public Future<Map<String, Depth>> depth() {
    return pool.preparedQuery(DEPTH).execute().map(rows -> {
      Map<String, Depth> depth = new LinkedHashMap<>();
      for (Row r : rows) {
        Number age = r.getNumeric(2);
        depth.put(r.getString(0), new Depth(r.getLong(1),
            age == null ? Optional.empty() : Optional.of(Duration.ofMillis((long) (age.doubleValue() * 1000))), r.getLong(3)));
      }
      return depth;
    });
  }
}
