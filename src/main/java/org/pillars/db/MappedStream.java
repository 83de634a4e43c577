package org.pillars.db;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import java.util.function.Function;

/**
 * A stream of rows seen as a stream of records: the row mapping stays in the repository, and a caller reads
 * typed values with the source's back-pressure (pause, resume, fetch) passed straight through.
 */
public final class MappedStream<T> implements ReadStream<T> {

  private final RowStream<Row> source;
  private final Function<Row, T> mapping;
  private Handler<Throwable> exceptionHandler;

  public MappedStream(RowStream<Row> source, Function<Row, T> mapping) {
    this.source = source;
    this.mapping = mapping;
  }

  /** Closes the cursor: no more rows are read. */
  public Future<Void> close() {
    return source.close();
  }

  @Override
  public ReadStream<T> exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<T> handler(Handler<T> handler) {
    source.handler(handler == null ? null : row -> {
      T value;
      try {
        value = mapping.apply(row);
      } catch (RuntimeException e) {
        // a row that does not map ends the stream visibly rather than leaving the reader waiting
        source.close();
        if (exceptionHandler != null) {
          exceptionHandler.handle(e);
        }
        return;
      }
      handler.handle(value);
    });
    return this;
  }

  @Override
  public ReadStream<T> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<T> resume() {
    source.resume();
    return this;
  }

  @Override
  public ReadStream<T> fetch(long amount) {
    source.fetch(amount);
    return this;
  }

  @Override
  public ReadStream<T> endHandler(Handler<Void> endHandler) {
    source.endHandler(endHandler);
    return this;
  }
}
