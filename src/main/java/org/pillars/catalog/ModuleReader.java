package org.pillars.catalog;

import io.vertx.core.Future;
import java.time.LocalDate;
import java.util.Map;
import org.pillars.content.Track;
import org.pillars.core.Principal;

/**
 * What a module page shows a signed-in learner beyond the lessons read: their track (null: not chosen), and the
 * exercises they played, by exercise id. The learning feature answers it; the application wires one to the other.
 */
@FunctionalInterface
public interface ModuleReader {

  record Reader(Track track, Map<String, Played> played) {
    public static final Reader NONE = new Reader(null, Map.of());
  }

  /** How often the learner finished an exercise, and the day of the last time. */
  record Played(int runs, LocalDate last) { }

  Future<Reader> of(Principal learner, String moduleId);
}
