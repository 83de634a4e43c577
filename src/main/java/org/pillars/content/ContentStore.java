package org.pillars.content;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The catalogue being served. Loaded off the event loop; when watching, a change under courses/ is
 * picked up by loading everything again and swapping the whole catalogue at once, so a reader never
 * sees half an edit.
 */
public final class ContentStore implements Supplier<Catalog> {

  private static final Logger LOG = Logger.getLogger(ContentStore.class.getName());

  private final Vertx vertx;
  private final Path root;
  private final CourseLoader loader = new CourseLoader(new MarkdownRenderer());
  private final AtomicReference<Catalog> current = new AtomicReference<>(Catalog.empty());
  private final AtomicLong fingerprint = new AtomicLong();
  private final AtomicBoolean checking = new AtomicBoolean();
  private long timerId = -1;

  public ContentStore(Vertx vertx, Path root) {
    this.vertx = vertx;
    this.root = root;
  }

  @Override
  public Catalog get() {
    return current.get();
  }

  public Future<Catalog> load() {
    return vertx.executeBlocking(() -> {
      long print = fingerprint(root);
      Catalog catalog = loader.load(root);
      report(catalog);
      fingerprint.set(print);
      current.set(catalog);
      return catalog;
    }, false);
  }

  /** Checks courses/ for changes every {@code intervalMs} and reloads when something changed. */
  public void watch(long intervalMs) {
    timerId = vertx.setPeriodic(intervalMs, id -> {
      if (!checking.compareAndSet(false, true)) {
        return;
      }
      vertx.executeBlocking(() -> fingerprint(root), false)
          .compose(print -> print == fingerprint.get() ? Future.succeededFuture() : load().mapEmpty())
          .onComplete(done -> checking.set(false))
          .onFailure(e -> LOG.warning(() -> "reloading " + root + " failed: " + e.getMessage()));
    });
  }

  public void stopWatching() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  private void report(Catalog catalog) {
    catalog.problems().forEach(p -> LOG.warning(() -> "course problem: " + p));
    LOG.info(() -> "serving " + catalog.modules().size() + " module(s), " + catalog.lessonCount() + " lesson(s) from "
        + root + (catalog.problems().isEmpty() ? "" : "; " + catalog.problems().size() + " problem(s), broken modules skipped"));
  }

  /** A cheap summary of every file's name, size and time: it changes when any file does. */
  static long fingerprint(Path root) {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.mapToLong(p -> {
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          return p.toString().hashCode() * 31L + a.size() * 17L + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
          return p.toString().hashCode();
        }
      }).reduce(1L, (a, b) -> a * 1_000_003L ^ b);
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }
}
