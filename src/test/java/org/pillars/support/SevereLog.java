package org.pillars.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** While open, collects every SEVERE record logged anywhere in this JVM (java.util.logging, where all our logs go). */
public final class SevereLog extends Handler implements AutoCloseable {

  private final List<String> lines = new CopyOnWriteArrayList<>();

  public static SevereLog open() {
    SevereLog log = new SevereLog();
    log.setLevel(Level.SEVERE);
    Logger.getLogger("").addHandler(log);
    return log;
  }

  /** What was logged, one line per record: logger, message and the exception, if any. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void publish(LogRecord record) {
    if (isLoggable(record)) {
      lines.add(record.getLoggerName() + ": " + record.getMessage() + (record.getThrown() == null ? "" : " " + record.getThrown()));
    }
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(this);
  }
}
