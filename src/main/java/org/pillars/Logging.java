package org.pillars;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One line per event on standard error: time, level, source, message; a stack trace folded onto the line. */
public final class Logging extends Formatter {

  /** JUL holds loggers weakly: without these references the levels set below would be forgotten. */
  private static final java.util.List<Logger> QUIETED = new java.util.ArrayList<>();

  private Logging() {
  }

  public static void configure() {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.JULLogDelegateFactory");
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    Handler console = new ConsoleHandler();
    console.setFormatter(new Logging());
    console.setLevel(Level.ALL);
    root.addHandler(console);
    root.setLevel(Level.INFO);
    quiet("io.netty");
    quiet("io.zonky");
    quiet("org.flywaydb");
    quiet("com.password4j");
  }

  private static void quiet(String logger) {
    Logger quieted = Logger.getLogger(logger);
    quieted.setLevel(Level.WARNING);
    QUIETED.add(quieted);
  }

  @Override
  public String format(LogRecord record) {
    StringBuilder line = new StringBuilder(160)
        .append(Instant.ofEpochMilli(record.getMillis()))
        .append(' ').append(record.getLevel().getName())
        .append(' ').append(shortName(record.getLoggerName()))
        .append(": ").append(oneLine(formatMessage(record)));
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.append(" | ").append(oneLine(trace.toString()));
    }
    return line.append(System.lineSeparator()).toString();
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " | ");
  }

  private static String shortName(String logger) {
    if (logger == null) {
      return "-";
    }
    int dot = logger.lastIndexOf('.');
    return dot < 0 ? logger : logger.substring(dot + 1);
  }
}
