package org.pillars.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The server's own counters and timers, next to the ones Vert.x keeps (HTTP server, pools, event loops) in the same
 * registry. One registry per server: App makes it, hands it to Vert.x, and hands this to the features that count.
 * Label values come from fixed lists here, never from a request, so a caller cannot grow the number of series.
 */
public final class Meters {

  /** What became of a login: signed in, refused (wrong or unknown credentials), or not checked (slowed down). */
  public enum Login { SUCCESS, FAILURE, THROTTLED }

  /** Where a graded attempt came from: answered online, or sent later from a device's outbox. */
  public enum Source { ONLINE, OFFLINE }

  /**
   * What became of a roster row: a new learner, one whose details changed, one already as written; or a line with a
   * problem, in a file refused whole (nothing of it is written).
   */
  public enum Row { CREATED, UPDATED, UNCHANGED, REJECTED }

  private final PrometheusMeterRegistry registry;

  public Meters(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** A registry of its own, for a server or a test that wants one. */
  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Everything, in the Prometheus text exposition format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  public void login(Login outcome) {
    Counter.builder("pillars.logins").description("Logins, by outcome").tag("outcome", label(outcome))
        .register(registry).increment();
  }

  /** An attempt graded and stored for the first time (a retry that finds it stored is not counted again). */
  public void quizSubmitted(Source source) {
    Counter.builder("pillars.quiz.submissions").description("Quiz attempts graded and stored").tag("source", label(source))
        .register(registry).increment();
  }

  /** Times grading an attempt and storing its result, whatever the outcome. */
  public <T> Future<T> timeGrading(Supplier<Future<T>> grading) {
    Timer.Sample sample = Timer.start(registry);
    Timer timer = Timer.builder("pillars.quiz.grading").description("Grading a quiz attempt and storing its result")
        .register(registry);
    return grading.get().andThen(done -> sample.stop(timer));
  }

  /** One item of a device's outbox (a lesson read, an attempt), by what became of it: stored, duplicate, refused. */
  public void syncItem(String status) {
    String s = switch (status) {
      case "stored", "duplicate", "refused" -> status;
      default -> "other";
    };
    Counter.builder("pillars.sync.items").description("Items sent from devices' outboxes, by status").tag("status", s)
        .register(registry).increment();
  }

  public void importRows(Row outcome, int rows) {
    if (rows > 0) {
      Counter.builder("pillars.import.rows").description("Roster CSV rows imported, by outcome").tag("outcome", label(outcome))
          .register(registry).increment(rows);
    }
  }

  /**
   * A value read at each scrape, such as the depth of a queue: {@code name} in Micrometer's dotted form
   * ({@code pillars.outbox.depth} is exposed as {@code pillars_outbox_depth}), {@code labels} as name, value pairs.
   * The supplier runs on the scraping thread: it must be cheap and must not block.
   */
  public void gauge(String name, String description, Supplier<Number> value, String... labels) {
    Gauge.builder(name, value).description(description).tags(Tags.of(labels)).strongReference(true).register(registry);
  }

  private static String label(Enum<?> value) {
    return value.name().toLowerCase(java.util.Locale.ROOT);
  }
}
