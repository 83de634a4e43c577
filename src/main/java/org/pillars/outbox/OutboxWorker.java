package org.pillars.outbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Delivers the outbox: on a timer, and at once when an enqueue is committed ({@link #wake}), per channel, claims due items (see {@link OutboxRepository#claim}), hands them to
 * the channel's {@link Deliverer} and records each outcome. A channel whose claim came back full is drained at once,
 * batch after batch; one round per channel runs at a time on this server, and servers sharing the database claim
 * disjoint rows. A failure of any step leaves the items claimed: they are tried again when the lease runs out.
 */
public final class OutboxWorker {

  /** The longest wait between two attempts, so a receiver back after a day hears from us within the hour. */
  public static final long BACKOFF_CAP_MS = 3_600_000;

  private static final Logger LOG = Logger.getLogger(OutboxWorker.class.getName());

  private final Vertx vertx;
  private final OutboxRepository repository;
  private final Map<String, Deliverer> deliverers;
  private final long intervalMs;
  private final long backoffMs;
  private final long leaseSeconds;
  private final Set<String> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private long timer = -1;

  /**
   * {@code leaseSeconds}: how long a claimed item is left alone before another round may take it again; longer than a
   * delivery can take (the deliverers' own timeouts), or an item could be sent twice (harmless where the receiver
   * drops what it has, as an LRS must).
   */
  public OutboxWorker(Vertx vertx, OutboxRepository repository, List<Deliverer> deliverers, long intervalMs, long backoffMs,
                      long leaseSeconds) {
    this.vertx = vertx;
    this.repository = repository;
    Map<String, Deliverer> byChannel = new java.util.LinkedHashMap<>();
    deliverers.forEach(d -> byChannel.put(d.channel(), d));
    this.deliverers = Map.copyOf(byChannel);
    this.intervalMs = intervalMs;
    this.backoffMs = backoffMs;
    this.leaseSeconds = leaseSeconds;
  }

  /** Starts the timer (nothing to do without a deliverer). */
  public void start() {
    if (!deliverers.isEmpty() && timer < 0) {
      timer = vertx.setPeriodic(intervalMs, id -> deliverers.keySet().forEach(this::drain));
    }
  }

  /** Delivers every channel's due items now (on a notification, or after notifications may have been missed). */
  public void wake(String channel) {
    if (channel == null) {
      deliverers.keySet().forEach(this::drain);
    } else {
      drain(channel);
    }
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Delivers the channel's due items now, batch after batch until none is due; how many were handled. */
  public Future<Integer> drain(String channel) {
    Deliverer deliverer = deliverers.get(channel);
    if (deliverer == null || !running.add(channel)) {
      return Future.succeededFuture(0);
    }
    return drain(deliverer, 0).onFailure(e -> LOG.warning(() -> "outbox " + channel + ": " + e.getMessage()))
        .eventually(() -> {
          running.remove(channel);
          return Future.succeededFuture();
        });
  }

  private Future<Integer> drain(Deliverer deliverer, int handled) {
    return round(deliverer).compose(n -> n < deliverer.batchSize() ? Future.succeededFuture(handled + n) : drain(deliverer, handled + n));
  }

  /** One claim: its items delivered and each outcome recorded; how many items it took. */
  private Future<Integer> round(Deliverer deliverer) {
    return repository.claim(deliverer.channel(), deliverer.batchSize(), leaseSeconds).compose(items -> {
      if (items.isEmpty()) {
        return Future.succeededFuture(0);
      }
      Future<List<Outcome>> sent;
      try {
        sent = deliverer.deliver(items);
      } catch (RuntimeException e) {
        sent = Future.failedFuture(e);
      }
      return sent.recover(e -> Future.succeededFuture(List.of(Outcome.retry(String.valueOf(e.getMessage())))))
          .compose(outcomes -> record(items, outcomes)).map(items.size());
    });
  }

  private Future<Void> record(List<Item> items, List<Outcome> outcomes) {
    List<Long> delivered = new ArrayList<>();
    List<Future<Void>> marks = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      // an outcome the deliverer did not give is a retry: never assume an item arrived
      Outcome o = i < outcomes.size() && outcomes.get(i) != null ? outcomes.get(i) : Outcome.retry(firstError(outcomes));
      switch (o.kind()) {
        case DELIVERED -> delivered.add(item.id());
        case RETRY -> marks.add(repository.retryLater(item, o.error(), backoffMs, BACKOFF_CAP_MS));
        case REJECTED -> {
          LOG.warning(() -> "outbox " + item.channel() + " item " + item.id() + " (" + item.dedupeKey() + ") rejected: " + o.error());
          marks.add(repository.rejected(item, o.error()));
        }
      }
    }
    marks.add(repository.delivered(delivered));
    return Future.all(marks).mapEmpty();
  }

  private static String firstError(List<Outcome> outcomes) {
    return outcomes.stream().filter(o -> o != null && o.error() != null).map(Outcome::error).findFirst().orElse("no outcome given");
  }
}
