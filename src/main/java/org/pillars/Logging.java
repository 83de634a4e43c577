package org.pillars;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * One log format for everything: SLF4J into Logback (src/main/resources/logback.xml), which writes one JSON object
 * per line on standard error. Our code and some libraries log through java.util.logging; that is bridged in. A line
 * written while a request is being served carries the request's id (see web.RequestIds).
 */
public final class Logging {

  /** Where the id of the request being served is kept, in the request's own Vert.x context. */
  public static final String REQUEST_ID = "pillars.requestId";

  private Logging() {
  }

  public static void configure() {
    // Vert.x logs through java.util.logging too, so that everything takes the one bridge
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.JULLogDelegateFactory");
    LogManager.getLogManager().reset();
    SLF4JBridgeHandler.install();
    // java.util.logging drops what is below its level before the bridge sees it (and before a message is built)
    Logger.getLogger("").setLevel(Level.INFO);
  }

  /** The id of the request the current thread is serving, if any. */
  public static String requestId() {
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal internal && internal.isDuplicate()) {
      Object id = internal.localContextData().get(REQUEST_ID);
      return id instanceof String s ? s : null;
    }
    return null;
  }

  /** Keeps the id of the request being served for every line logged while serving it. */
  public static void requestId(String id) {
    if (Vertx.currentContext() instanceof ContextInternal internal && internal.isDuplicate()) {
      internal.localContextData().put(REQUEST_ID, id);
    }
  }

  /** Logback's encoder for our lines: time, level, logger, message, request id, and a stack trace if any. */
  public static final class JsonLines extends EncoderBase<ILoggingEvent> {

    @Override
    public byte[] headerBytes() {
      return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
      JsonObject line = new JsonObject()
          .put("time", Instant.ofEpochMilli(event.getTimeStamp()).toString())
          .put("level", event.getLevel().toString())
          .put("logger", event.getLoggerName())
          .put("message", event.getFormattedMessage());
      String id = requestId();
      if (id != null) {
        line.put("requestId", id);
      }
      line.put("thread", event.getThreadName());
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        line.put("error", ThrowableProxyUtil.asString(thrown));
      }
      return (line.encode() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
      return null;
    }
  }
}
