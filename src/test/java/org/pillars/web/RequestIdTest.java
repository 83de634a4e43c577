package org.pillars.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.Logging;
import org.pillars.config.AppConfig;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.slf4j.LoggerFactory;

/** Logs are one JSON object per line, and a line written while a request is served names the request's id. */
@ExtendWith(TestPostgres.class)
class RequestIdTest {

  /** Encodes each event as it is logged, on the logging thread, as the console appender does. */
  private static final class Lines extends AppenderBase<ILoggingEvent> {
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logging.JsonLines encoder = new Logging.JsonLines();

    @Override
    protected void append(ILoggingEvent event) {
      lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8));
    }
  }

  private final Lines captured = new Lines();
  private ch.qos.logback.classic.Logger root;

  @BeforeEach
  void capture() {
    root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    captured.setContext(root.getLoggerContext());
    captured.start();
    root.addAppender(captured);
  }

  @AfterEach
  void release() {
    root.detachAppender(captured);
  }

  private List<JsonObject> linesFor(String path) {
    return captured.lines.stream().map(String::strip).map(JsonObject::new)
        .filter(l -> l.getString("message", "").contains(path)).toList();
  }

  @Test
  @DisplayName("a trusted proxy's X-Request-Id is kept, sent back and written on the request's log lines")
  void trustedProxyId() {
    try (TestApp server = TestApp.start(Map.of(AppConfig.ACCESS_LOG, "true", AppConfig.TRUSTED_PROXIES, "127.0.0.1,::1"))) {
      HttpResponse<Buffer> r = server.get("/?from=proxy", "X-Request-Id", "lb-7f3a-0001");
      assertEquals(200, r.statusCode());
      assertEquals("lb-7f3a-0001", r.getHeader("X-Request-Id"));
      List<JsonObject> access = linesFor("/?from=proxy");
      assertEquals(1, access.size(), captured.lines.toString());
      assertEquals("lb-7f3a-0001", access.get(0).getString("requestId"), access.get(0).encode());
      assertTrue(access.get(0).containsKey("time") && access.get(0).containsKey("level"), access.get(0).encode());
    }
  }

  @Test
  @DisplayName("anyone else's X-Request-Id is ignored: the server makes one, sends it back and logs it")
  void untrustedId() {
    try (TestApp server = TestApp.start(Map.of(AppConfig.ACCESS_LOG, "true"))) {
      HttpResponse<Buffer> r = server.get("/?from=client", "X-Request-Id", "forged\"id");
      String id = r.getHeader("X-Request-Id");
      assertNotEquals("forged\"id", id);
      assertTrue(id != null && id.matches("[0-9a-f]{16}"), String.valueOf(id));
      List<JsonObject> access = linesFor("/?from=client");
      assertEquals(1, access.size(), captured.lines.toString());
      assertEquals(id, access.get(0).getString("requestId"));
      HttpResponse<Buffer> other = server.get("/?from=client2");
      assertNotEquals(id, other.getHeader("X-Request-Id"), "each request has its own id");
    }
  }
}
