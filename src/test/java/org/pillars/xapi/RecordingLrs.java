package org.pillars.xapi;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A learning record store as xAPI 1.0.3 (part three, 2.1 Statement Resource) describes one, as far as POST /statements
 * goes: the version header and Basic credentials required, a batch (array) or one statement, each checked against
 * {@link StatementRules} (400 if any breaks one, nothing stored), a batch with an id twice refused, statements stored
 * by id; a statement whose id is stored already changes nothing, and the batch is answered 409 (the spec allows 409 or
 * 204; 409 is what tells a retry apart). It can be switched to 503 (down), to "store, then answer 503" once (an answer
 * lost on the way back), to 400, or stopped altogether (connection refused), and started again on the same port.
 */
final class RecordingLrs {

  enum Mode { UP, UNAVAILABLE, STORE_THEN_UNAVAILABLE_ONCE, REFUSE_400 }

  private final Vertx vertx;
  private final String key;
  private final String secret;
  private final Map<String, JsonObject> stored = new LinkedHashMap<>();
  /** Every statement id of every request that reached the LRS, whatever it answered. */
  private final List<String> received = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  /** The statement ids of every request answered 200 or 409: taken, or known already. */
  private final List<String> accepted = new ArrayList<>();
  private volatile Mode mode = Mode.UP;
  private HttpServer server;
  private int port;

  RecordingLrs(Vertx vertx, String key, String secret) {
    this.vertx = vertx;
    this.key = key;
    this.secret = secret;
  }

  /** Listens (again) on its port, any free one the first time. */
  RecordingLrs start() {
    server = vertx.createHttpServer().requestHandler(this::handle).listen(port).await();
    port = server.actualPort();
    return this;
  }

  /** Stops listening: connections are refused until {@link #start()}. */
  void stop() {
    server.close().await();
  }

  String url() {
    return "http://localhost:" + port + "/xapi";
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  synchronized Map<String, JsonObject> stored() {
    return new LinkedHashMap<>(stored);
  }

  /** The stored statements of one actor (account name), in the order stored. */
  synchronized List<JsonObject> storedFor(String accountName) {
    return stored.values().stream()
        .filter(s -> accountName.equals(s.getJsonObject("actor").getJsonObject("account").getString("name"))).toList();
  }

  synchronized List<String> received() {
    return new ArrayList<>(received);
  }

  synchronized List<String> accepted() {
    return new ArrayList<>(accepted);
  }

  synchronized List<String> violations() {
    return new ArrayList<>(violations);
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      synchronized (this) {
        int status = answer(request, body);
        request.response().setStatusCode(status).end();
      }
    });
  }

  private int answer(HttpServerRequest request, Buffer body) {
    if (!"/xapi/statements".equals(request.path()) || request.method() != io.vertx.core.http.HttpMethod.POST) {
      return 404;
    }
    String expected = "Basic " + Base64.getEncoder().encodeToString((key + ":" + secret).getBytes(StandardCharsets.UTF_8));
    if (!expected.equals(request.getHeader("Authorization"))) {
      return 401;
    }
    if (!"1.0.3".equals(request.getHeader("X-Experience-API-Version"))) {
      violations.add("X-Experience-API-Version: " + request.getHeader("X-Experience-API-Version"));
      return 400;
    }
    List<JsonObject> batch = new ArrayList<>();
    try {
      String text = body.toString(StandardCharsets.UTF_8).strip();
      if (text.startsWith("[")) {
        JsonArray a = new JsonArray(text);
        for (int i = 0; i < a.size(); i++) {
          batch.add(a.getJsonObject(i));
        }
      } else {
        batch.add(new JsonObject(text));
      }
    } catch (RuntimeException e) {
      violations.add("not a statement or an array of statements: " + body);
      return 400;
    }
    batch.forEach(s -> received.add(s.getString("id")));
    if (mode == Mode.UNAVAILABLE) {
      return 503;
    }
    if (mode == Mode.REFUSE_400) {
      return 400;
    }
    List<String> broken = new ArrayList<>();
    batch.forEach(s -> broken.addAll(StatementRules.check(s)));
    if (batch.stream().map(s -> s.getString("id")).distinct().count() < batch.size()) {
      broken.add("a batch holds an id twice");
    }
    if (!broken.isEmpty()) {
      violations.addAll(broken);
      return 400;
    }
    boolean known = false;
    for (JsonObject s : batch) {
      JsonObject before = stored.putIfAbsent(s.getString("id"), s);
      if (before != null) {
        known = true;
        if (!before.equals(s)) {
          violations.add("statement " + s.getString("id") + " sent again with other content: " + before + " then " + s);
        }
      }
    }
    if (mode == Mode.STORE_THEN_UNAVAILABLE_ONCE) {
      mode = Mode.UP;
      return 503;
    }
    batch.forEach(s -> accepted.add(s.getString("id")));
    return known ? 409 : 200;
  }
}
