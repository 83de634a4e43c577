package org.pillars.xapi;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pillars.outbox.Deliverer;
import org.pillars.outbox.Item;
import org.pillars.outbox.Outcome;

/**
 * Sends each outbox item's statements to the LRS as one batch (POST {url}/statements, xAPI 1.0.3, Basic auth). 200 and
 * 204 are delivered; so is 409, the answer of an LRS that has a statement of that id already (a retry of a batch it
 * stored). 5xx, a timeout or a refused connection is tried again later; any other answer refuses the item for good.
 */
public final class LrsDeliverer implements Deliverer {

  private final WebClient client;
  private final XapiService statements;
  private final String endpoint;
  private final String key;
  private final String secret;
  private final long timeoutMs;

  public LrsDeliverer(WebClient client, XapiService statements, String url, String key, String secret, int timeoutSeconds) {
    this.client = client;
    this.statements = statements;
    this.endpoint = url + "/statements";
    this.key = key;
    this.secret = secret;
    this.timeoutMs = timeoutSeconds * 1000L;
  }

  @Override
  public String channel() {
    return XapiService.CHANNEL;
  }

  @Override
  public Future<List<Outcome>> deliver(List<Item> items) {
    List<Future<Outcome>> sent = new ArrayList<>();
    for (Item item : items) {
      sent.add(statements.statements(item.payload()).compose(this::send)
          .recover(e -> Future.succeededFuture(Outcome.retry(describe(e)))));
    }
    return Future.join(sent).map(all -> sent.stream().map(Future::result).toList());
  }

  private Future<Outcome> send(Optional<List<JsonObject>> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(Outcome.rejected("the record is gone (its account was deleted): nothing to send"));
    }
    return client.postAbs(endpoint).timeout(timeoutMs).basicAuthentication(key, secret)
        .putHeader("X-Experience-API-Version", "1.0.3").putHeader("Content-Type", "application/json")
        .sendBuffer(new JsonArray(new ArrayList<>(batch.get())).toBuffer()).map(LrsDeliverer::outcome);
  }

  static Outcome outcome(HttpResponse<?> response) {
    int status = response.statusCode();
    if (status == 200 || status == 204 || status == 409) {
      return Outcome.delivered();
    }
    String why = "the LRS answered " + status + " " + response.statusMessage();
    return status >= 500 || status == 429 || status == 408 ? Outcome.retry(why) : Outcome.rejected(why);
  }

  private static String describe(Throwable e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
