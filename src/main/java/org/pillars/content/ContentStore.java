package org.pillars.content;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The catalogue being served: the published version of every module, kept in PostgreSQL
 * ({@link ModuleVersionRepository}). courses/ is how Markdown gets in: at start (and, when watching, on a change) a
 * module folder whose files differ from its published version is validated and rendered, and published as the next
 * version if it has no problem; a folder with a problem leaves the published version live and its problems are
 * reported. A start where every folder matches its published version renders nothing. The whole catalogue is
 * swapped at once, so a reader never sees half an edit.
 */
public final class ContentStore implements Supplier<Catalog> {

  private static final Logger LOG = Logger.getLogger(ContentStore.class.getName());

  private final Vertx vertx;
  private final Path root;
  private final ModuleVersionRepository versions;
  private final CourseLoader loader = new CourseLoader(new MarkdownRenderer());
  private final AtomicReference<Catalog> current = new AtomicReference<>(Catalog.empty());
  private final AtomicLong fingerprint = new AtomicLong();
  private final AtomicBoolean checking = new AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicInteger rendered = new java.util.concurrent.atomic.AtomicInteger();
  private long timerId = -1;

  public ContentStore(Vertx vertx, Path root, ModuleVersionRepository versions) {
    this.vertx = vertx;
    this.root = root;
    this.versions = versions;
  }

  @Override
  public Catalog get() {
    return current.get();
  }

  /**
   * The problems last found in courses/, by the module folder they are in (its name; "" for those outside any
   * folder), in file and line order.
   */
  public Map<String, List<Problem>> problemsByFolder() {
    Map<String, List<Problem>> byFolder = new java.util.TreeMap<>();
    for (Problem p : current.get().problems()) {
      Path inside = p.file().toAbsolutePath().normalize();
      Path base = root.toAbsolutePath().normalize();
      String folder = inside.startsWith(base) && base.relativize(inside).getNameCount() > 1
          ? base.relativize(inside).getName(0).toString() : "";
      byFolder.computeIfAbsent(folder, f -> new ArrayList<>()).add(p);
    }
    return byFolder;
  }

  /** How many modules the last load rendered from Markdown: 0 when every folder held its published version. */
  public int renderedLastLoad() {
    return rendered.get();
  }

  /** The quiz of {@code version} of a module as learners were served it, with its key; empty if never served. */
  public Future<Optional<Quiz>> quiz(String moduleId, int version) {
    Optional<Module> live = current.get().module(moduleId).filter(m -> m.version() == version);
    if (live.isPresent()) {
      return Future.succeededFuture(live.get().quiz());
    }
    return versions.quiz(moduleId, version).map(json -> json.map(ModuleCodec::quizFromJson));
  }

  private record Folders(long fingerprint, Map<String, Path> byName, Map<String, Map<String, byte[]>> files) { }

  public Future<Catalog> load() {
    return vertx.executeBlocking(() -> {
      long print = fingerprint(root);
      Map<String, Path> folders = ModuleFolder.under(root);
      Map<String, Map<String, byte[]>> files = new java.util.HashMap<>();
      folders.forEach((name, folder) -> files.put(name, ModuleFolder.files(folder)));
      return new Folders(print, folders, files);
    }, false).compose(folders -> versions.published().compose(stored -> {
      Map<String, String> readInDigest = new java.util.HashMap<>();
      // a folder is read in again once it differs from what it held when last read in (not from the published
      // version, which may come from the workspace)
      stored.stream().filter(v -> v.folder() != null).forEach(v -> readInDigest.put(v.folder(), v.folderDigest()));
      boolean unchanged = Files.isDirectory(root) && folders.files().entrySet().stream()
          .allMatch(f -> ModuleFolder.digest(f.getValue()).equals(readInDigest.get(f.getKey())));
      if (unchanged) {
        rendered.set(0);
        return Future.succeededFuture(serve(stored, List.of(), folders.fingerprint()));
      }
      return vertx.executeBlocking(() -> loader.load(root), false).compose(fresh -> {
        rendered.set(fresh.modules().size());
        List<ModuleVersionRepository.NewVersion> changed = new ArrayList<>();
        for (Module m : fresh.modules()) {
          String name = fresh.folder(m.id()).map(p -> p.getFileName().toString()).orElse(null);
          Map<String, byte[]> sources = folders.files().get(name);
          if (sources == null) {
            continue;
          }
          String digest = ModuleFolder.digest(sources);
          if (!digest.equals(readInDigest.get(name))) {
            current.get().module(m.id()).ifPresent(before -> {
              List<String> gone = before.lessons().stream().map(Lesson::id).filter(id -> m.lesson(id).isEmpty()).toList();
              if (!gone.isEmpty()) {
                // the folder has no one to confirm with: say it where trainers look (the log, and the workspace)
                LOG.warning(() -> "courses/" + name + " publishes module '" + m.id() + "' without lesson(s) " + gone
                    + ": progress on them no longer counts (a renamed lesson id is a removed lesson); the workspace shows who had read them");
              }
            });
            changed.add(new ModuleVersionRepository.NewVersion(m.id(), m.version(), name, digest, ModuleCodec.toJson(m),
                m.quiz().map(ModuleCodec::quizToJson).orElse(null), sources, "courses", null, null));
          }
        }
        return versions.publish(changed).compose(v -> versions.published())
            .map(now -> serve(now, fresh.problems(), folders.fingerprint()));
      });
    }));
  }

  /** The last refresh asked for: each runs after the one before, so an older read never replaces a newer one. */
  private Future<Void> lastRefresh = Future.succeededFuture();

  /**
   * Serves what is published now, as read back from PostgreSQL: after another server published a version (its
   * announcement on {@link ModuleVersionRepository#CHANNEL}), when announcements may have been missed, or after a
   * publication from the workspace. Renders nothing and keeps the problems last found in courses/. Completes once
   * what was published before the call is served.
   */
  public synchronized Future<Void> refresh() {
    lastRefresh = lastRefresh.transform(before -> versions.published()
        .map(stored -> serve(stored, current.get().problems(), fingerprint.get())).<Void>mapEmpty()
        .onFailure(e -> LOG.warning(() -> "reading the published modules failed: " + e.getMessage())));
    return lastRefresh;
  }

  private Catalog serve(List<ModuleVersionRepository.Stored> stored, List<Problem> problems, long print) {
    List<Module> modules = new ArrayList<>();
    Map<String, Path> folders = new java.util.HashMap<>();
    Map<String, Long> scopes = new java.util.HashMap<>();
    for (ModuleVersionRepository.Stored v : stored) {
      modules.add(ModuleCodec.fromJson(v.module(), v.version(), v.quiz()));
      if (v.organisationId() != null) {
        scopes.put(v.moduleId(), v.organisationId());
      }
      if (v.folder() != null) {
        folders.put(v.moduleId(), root.resolve(v.folder()));
      }
    }
    Catalog catalog = new Catalog(modules, problems, folders, scopes);
    report(catalog);
    fingerprint.set(print);
    current.set(catalog);
    return catalog;
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
    LOG.info(() -> "serving " + catalog.modules().size() + " module(s), " + catalog.lessonCount() + " lesson(s) ("
        + rendered.get() + " rendered from " + root + ")" + (catalog.problems().isEmpty() ? ""
        : "; " + catalog.problems().size() + " problem(s): a module with a problem keeps its published version, if it has one"));
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
