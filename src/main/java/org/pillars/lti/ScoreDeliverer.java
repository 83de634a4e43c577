package org.pillars.lti;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.pillars.outbox.Deliverer;
import org.pillars.outbox.Item;
import org.pillars.outbox.Outcome;

/**
 * LTI grade passback from the outbox: each item (enqueued by V24's trigger when an attempt is graded) is one score
 * posted to a line item (AGS 2.0), the best so far out of 100, the activity completed and fully graded. A platform
 * down, or answering 5xx, 429 or 401 (its token forgotten), is tried again later; any other refusal is kept, with its
 * reason, and not retried. One post per attempt and link: the outbox's key.
 */
public final class ScoreDeliverer implements Deliverer {

  public static final String CHANNEL = "lti-score";

  private final LtiRepository repository;
  private final PlatformServices services;

  ScoreDeliverer(LtiRepository repository, PlatformServices services) {
    this.repository = repository;
    this.services = services;
  }

  @Override
  public String channel() {
    return CHANNEL;
  }

  @Override
  public int batchSize() {
    return 10;
  }

  @Override
  public Future<List<Outcome>> deliver(List<Item> items) {
    Future<List<Outcome>> all = Future.succeededFuture(new ArrayList<>());
    for (Item item : items) {
      all = all.compose(done -> one(item.payload()).otherwise(e -> Outcome.retry(String.valueOf(e.getMessage()))).map(outcome -> {
        done.add(outcome);
        return done;
      }));
    }
    return all;
  }

  private Future<Outcome> one(JsonObject payload) {
    return repository.platform(payload.getLong("platform")).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Outcome.rejected("the platform is no longer registered"));
      }
      return services.score(found.get(), payload.getString("lineitem"), score(payload)).map(v -> Outcome.delivered())
          .recover(e -> Future.succeededFuture(e instanceof PlatformServices.ServiceFailure f && !f.retry
              ? Outcome.rejected(f.getMessage()) : Outcome.retry(String.valueOf(e.getMessage()))));
    });
  }

  /** The score as AGS 2.0 (section 3.4) describes it. */
  static JsonObject score(JsonObject payload) {
    return new JsonObject()
        .put("userId", payload.getString("user"))
        .put("scoreGiven", payload.getInteger("score"))
        .put("scoreMaximum", 100)
        .put("activityProgress", "Completed")
        .put("gradingProgress", "FullyGraded")
        .put("timestamp", payload.getString("timestamp"))
        .put("comment", Boolean.TRUE.equals(payload.getBoolean("passed")) ? "Passed" : "Not passed yet");
  }

  /** The deliverer for this server's LTI key, none when LTI is off. */
  public static java.util.Optional<Deliverer> create(io.vertx.core.Vertx vertx, LtiRepository repository,
                                                     java.util.Optional<ToolKeys> keys) {
    return keys.map(k -> new ScoreDeliverer(repository, new PlatformServices(LtiService.client(vertx), k,
        java.time.Clock.systemUTC())));
  }
}
