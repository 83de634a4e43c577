package org.pillars.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * The outbox on its own, with deliverers of our making on channels of their own: enqueueing once, backoff, a worker
 * that dies mid-delivery, two workers at once, a deliverer that fails, its depth; and a server without an LRS, which
 * keeps nothing for xAPI. Faults are put in by the test (an outcome, a delivery never finished, a lease ended in SQL),
 * never waited for.
 */
@ExtendWith(TestPostgres.class)
class OutboxTest {

  private static TestApp server;
  private static Pool pool;
  private static OutboxRepository repository;
  /** What other features hold: enqueue and depth. */
  private static Outbox outbox;

  @BeforeAll
  static void start() {
    server = TestApp.start();
    pool = server.app().database().pool();
    repository = new OutboxRepository(pool);
    outbox = new Outbox(repository);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A deliverer on {@code channel} answering each item with {@code outcome}, and keeping the ids it was given. */
  private static final class Fake implements Deliverer {
    final String channel;
    final Function<Item, Future<Outcome>> outcome;
    final List<Long> seen = Collections.synchronizedList(new ArrayList<>());

    Fake(String channel, Function<Item, Future<Outcome>> outcome) {
      this.channel = channel;
      this.outcome = outcome;
    }

    @Override
    public String channel() {
      return channel;
    }

    @Override
    public int batchSize() {
      return 5;
    }

    @Override
    public Future<List<Outcome>> deliver(List<Item> items) {
      List<Future<Outcome>> all = new ArrayList<>();
      for (Item item : items) {
        seen.add(item.id());
        all.add(outcome.apply(item));
      }
      return Future.all(all).map(v -> all.stream().map(Future::result).toList());
    }
  }

  private static OutboxWorker worker(Deliverer deliverer, long backoffMs) {
    return new OutboxWorker(server.app().vertx(), repository, List.of(deliverer), 3_600_000, backoffMs, 60);
  }

  private static List<Row> rows(String channel) {
    List<Row> rows = new ArrayList<>();
    pool.preparedQuery("""
        SELECT id, dedupe_key, attempts, delivered_at IS NOT NULL, rejected_at IS NOT NULL, last_error,
               extract(epoch FROM next_attempt_at - now()) FROM outbox WHERE channel = $1 ORDER BY id""")
        .execute(Tuple.of(channel)).await().forEach(rows::add);
    return rows;
  }

  private static void enqueue(String channel, int n) {
    repository.enable(channel).await();
    for (int i = 0; i < n; i++) {
      outbox.enqueue(channel, "item-" + i, new JsonObject().put("n", i)).await();
    }
  }

  /** The lease of every claimed row of the channel is over, as if its worker had died long ago. */
  private static void leaseOver(String channel) {
    pool.preparedQuery("UPDATE outbox SET next_attempt_at = now() WHERE channel = $1").execute(Tuple.of(channel)).await();
  }

  @Test
  @DisplayName("the same item enqueued twice is kept once; a channel not enabled keeps nothing")
  void enqueueOnce() {
    enqueue("once", 1);
    new org.pillars.db.Transactions(pool).run(tx -> outbox.enqueue(tx, "once", "item-0", new JsonObject().put("n", "other"))).await();
    assertEquals(1, rows("once").size());
    assertEquals(0, rows("once").get(0).getInteger(2), "not tried yet");
    // an enqueue whose transaction rolls back leaves nothing
    new org.pillars.db.Transactions(pool).run(tx -> outbox.enqueue(tx, "once", "item-rolled-back", new JsonObject())
        .compose(v -> Future.failedFuture(new IllegalStateException("the record's write failed")))).otherwiseEmpty().await();
    assertEquals(1, rows("once").size());
    repository.enqueue("not-enabled", "item-0", new JsonObject()).await();
    assertEquals(0, rows("not-enabled").size());
  }

  @Test
  @DisplayName("an item to retry waits the base delay, then twice as long each time, never more than an hour")
  void backoff() {
    enqueue("backoff", 1);
    OutboxWorker w = worker(new Fake("backoff", item -> Future.succeededFuture(Outcome.retry("down"))), 10_000);
    double[] waits = new double[3];
    for (int i = 0; i < 3; i++) {
      leaseOver("backoff");
      assertEquals(1, w.drain("backoff").await());
      waits[i] = rows("backoff").get(0).getNumeric(6).doubleValue();
    }
    assertEquals(10, waits[0], 1.5);
    assertEquals(20, waits[1], 1.5);
    assertEquals(40, waits[2], 1.5);
    assertEquals(3, rows("backoff").get(0).getInteger(2));
    assertEquals("down", rows("backoff").get(0).getString(5));
    pool.query("UPDATE outbox SET attempts = 30, next_attempt_at = now() WHERE channel = 'backoff'").execute().await();
    w.drain("backoff").await();
    assertEquals(3600, rows("backoff").get(0).getNumeric(6).doubleValue(), 1.5, "capped at an hour");
  }

  @Test
  @DisplayName("items a worker claimed and never finished are left alone during the lease, then delivered by another")
  void crashMidDelivery() {
    enqueue("crash", 3);
    OutboxWorker dying = worker(new Fake("crash", item -> Promise.<Outcome>promise().future()), 10);
    dying.drain("crash");
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> rows("crash").stream().allMatch(r -> r.getInteger(2) == 1));
    Fake fine = new Fake("crash", item -> Future.succeededFuture(Outcome.delivered()));
    OutboxWorker other = worker(fine, 10);
    assertEquals(0, other.drain("crash").await(), "claimed items are not due while their lease lasts");
    leaseOver("crash");
    assertEquals(3, other.drain("crash").await());
    assertTrue(rows("crash").stream().allMatch(r -> r.getBoolean(3) && r.getInteger(2) == 2), rows("crash").toString());
  }

  @Test
  @DisplayName("two workers draining one channel at once claim disjoint items, and between them deliver every one")
  void twoWorkers() {
    enqueue("pair", 40);
    Fake a = new Fake("pair", item -> Future.succeededFuture(Outcome.delivered()));
    Fake b = new Fake("pair", item -> Future.succeededFuture(Outcome.delivered()));
    Future.all(worker(a, 10).drain("pair"), worker(b, 10).drain("pair")).await();
    Set<Long> both = new HashSet<>(a.seen);
    both.retainAll(b.seen);
    assertEquals(Set.of(), both, "an item claimed by both");
    assertEquals(40, a.seen.size() + b.seen.size());
    assertTrue(rows("pair").stream().allMatch(r -> r.getBoolean(3)));
  }

  @Test
  @DisplayName("a deliverer that fails, or gives no outcome, leaves its items to retry; a rejection is kept with its reason")
  void failuresLoseNothing() {
    enqueue("faulty", 3);
    OutboxWorker failing = worker(new Fake("faulty", item -> item.dedupeKey().equals("item-2")
        ? Future.succeededFuture(Outcome.rejected("no such course")) : Future.failedFuture(new IllegalStateException("boom"))), 10);
    failing.drain("faulty").await();
    List<Row> rows = rows("faulty");
    assertTrue(rows.stream().noneMatch(r -> r.getBoolean(3)), "none delivered");
    assertEquals(3, rows.stream().filter(r -> !r.getBoolean(4)).count(), "a failed deliver() retries every item of the batch");
    OutboxWorker partial = worker(new Deliverer() {
      @Override
      public String channel() {
        return "faulty";
      }

      @Override
      public Future<List<Outcome>> deliver(List<Item> items) {
        return Future.succeededFuture(List.of(Outcome.rejected("no such course")));
      }
    }, 10);
    leaseOver("faulty");
    partial.drain("faulty").await();
    rows = rows("faulty");
    assertEquals(1, rows.stream().filter(r -> r.getBoolean(4)).count(), "the one outcome given: rejected");
    assertEquals("no such course", rows.get(0).getString(5));
    assertEquals(2, rows.stream().filter(r -> !r.getBoolean(3) && !r.getBoolean(4)).count(), "the others wait to be retried");
    Depth depth = outbox.depth().await().get("faulty");
    assertEquals(2, depth.undelivered());
    assertEquals(1, depth.rejected());
    assertTrue(depth.oldestAge().isPresent() && !depth.oldestAge().get().isNegative());
  }

  @Test
  @DisplayName("without an LRS configured, nothing is kept for xAPI: the channel is disabled and a lesson read leaves no item")
  void noLrsNoStatements() {
    String learner = Accounts.create(server, "learner");
    String token = Accounts.token(server, learner);
    Function<String, Integer> read = lesson -> server.send(io.vertx.core.http.HttpMethod.POST,
        "/api/modules/alpha/lessons/" + lesson + "/read", null, "Authorization", "Bearer " + token).statusCode();
    assertEquals(204, read.apply("first"));
    assertEquals(0, rows("xapi").size());
    assertEquals(0, pool.query("SELECT 1 FROM outbox_channels WHERE channel = 'xapi'").execute().await().size());
    // the trigger is there all the same: once an LRS is configured (the channel enabled), reads are kept from then on
    repository.enable("xapi").await();
    assertEquals(204, read.apply("second"));
    assertEquals(List.of("lesson-read:" + Accounts.id(server, learner) + ":alpha:second"),
        rows("xapi").stream().map(r -> r.getString(1)).toList());
    repository.disable("xapi").await();
  }
}
