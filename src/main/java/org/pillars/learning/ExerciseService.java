package org.pillars.learning;

import io.vertx.core.Future;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.pillars.content.Exercise;
import org.pillars.content.Module;
import org.pillars.content.Track;
import org.pillars.core.Conflict;
import org.pillars.core.Invalid;
import org.pillars.core.NotFound;
import org.pillars.core.Principal;
import org.pillars.core.Role;

/**
 * Playing a branching exercise and keeping where a learner ended, and a learner's track. Nothing here is graded:
 * the path is kept so that the learner and their trainer can talk it through.
 */
public final class ExerciseService {

  /** Who sees an exercise's facilitator notes, and how often each ending was reached. */
  private static final List<Role> FACILITATORS = List.of(Role.TRAINER, Role.COORDINATOR, Role.ADMIN);

  private final LearningService learning;
  private final ExerciseRepository repository;

  public ExerciseService(LearningService learning, ExerciseRepository repository) {
    this.learning = learning;
    this.repository = repository;
  }

  /**
   * Where a path leads in an exercise: the passage the reader is on, the path so far, and for a facilitator the
   * notes and the endings their learners reached. {@code changed}: the path was taken in an exercise of another
   * shape (a new version moved its choices), so the play starts again. {@code runKey}: what a Finish at this
   * ending sends back, so that a Finish sent twice is kept once.
   */
  public record Play(Module module, Exercise exercise, List<Integer> path, Exercise.Walk walk, boolean changed,
                     boolean facilitator, Map<String, Integer> endings, UUID runKey) {

    public Exercise.Passage current() {
      return walk.current();
    }

    public boolean ended() {
      return walk.current().ending();
    }

    /** The longest path is walked and the passage still has choices: only starting again goes on. */
    public boolean tooLong() {
      return !ended() && path.size() >= Exercise.MAX_STEPS;
    }

    /** The introduction, shown at the start only; null elsewhere or when there is none. */
    public String introHtml(String lang) {
      String intro = exercise.introHtml().in(lang);
      return path.isEmpty() && !intro.isBlank() ? intro : null;
    }

    /** The debrief, shown at an ending only. */
    public String debriefHtml(String lang) {
      return ended() ? exercise.debriefHtml().in(lang) : null;
    }
  }

  /** What a module page shows a learner: their track, and the exercises they finished. */
  public record Reader(Optional<Track> track, Map<String, Played> played) { }

  /** How often a learner finished an exercise, and on which day (UTC) the last time. */
  public record Played(int runs, LocalDate last) { }

  public static boolean facilitator(Optional<Principal> who) {
    return who.map(p -> FACILITATORS.contains(p.role())).orElse(false);
  }

  /** {@code shape}: the exercise's shape the path was taken in (from the page's links); null for a fresh start. */
  public Future<Play> play(String moduleId, String exerciseId, String pathText, String shape, Optional<Principal> who) {
    Module module = learning.module(moduleId, who);
    Exercise exercise = exercise(module, exerciseId);
    boolean changed = shape != null && !shape.equals(exercise.shape()) && pathText != null && !pathText.isEmpty();
    List<Integer> path = changed ? List.of() : path(exercise, pathText);
    Exercise.Walk walk = exercise.walk(path).orElseThrow();
    boolean facilitator = facilitator(who);
    // a trainer or coordinator sees their own organisation's learners, and its units'; an admin sees everyone's
    Long scope = who.filter(p -> p.role() != Role.ADMIN).map(Principal::organisationId).orElse(null);
    Future<Map<String, Integer>> endings = facilitator
        ? repository.endings(module.id(), exercise.id(), scope, exercise.shape()) : Future.succeededFuture(Map.of());
    return endings.map(e -> new Play(module, exercise, path, walk, changed, facilitator, e, UUID.randomUUID()));
  }

  /**
   * Keeps a finished play: the path must end at an ending of the exercise in the shape it was played in. A key
   * already kept gives back its run; a key kept for another path is refused.
   */
  public Future<ExerciseRepository.Run> finish(Principal learner, String moduleId, String exerciseId, String pathText,
      String shape, String runKey) {
    Module module = learning.module(moduleId, Optional.of(learner));
    Exercise exercise = exercise(module, exerciseId);
    if (shape == null || !shape.equals(exercise.shape())) {
      throw new Conflict("exercise_changed", "this exercise changed while you played it: play it again from the start");
    }
    List<Integer> path = path(exercise, pathText);
    Exercise.Walk walk = exercise.walk(path).orElseThrow();
    if (!walk.current().ending()) {
      throw Invalid.because("exercise_unfinished", "this path does not reach an ending: play on to the end, then finish");
    }
    UUID key;
    try {
      key = UUID.fromString(runKey == null ? "" : runKey.strip());
    } catch (IllegalArgumentException e) {
      throw Invalid.because("run_key", "the run key must be a UUID, the one the ending's page gave");
    }
    String pathKept = Exercise.pathText(path);
    return repository.addRun(learner.accountId(), key, module.id(), module.version(), exercise.id(), exercise.shape(), pathKept,
        walk.current().id()).compose(run -> run.added() || run.exerciseId().equals(exercise.id()) && run.path().equals(pathKept)
            ? Future.succeededFuture(run)
            : Future.failedFuture(new Conflict("run_key_reused", "this run key was kept for another path: play again for a new one")));
  }

  /** The learner's track and finished exercises, for the module page and the module's API answer alike. */
  public Future<Reader> reader(Principal learner, String moduleId) {
    return Future.all(repository.track(learner.accountId()), repository.played(learner.accountId(), moduleId)).map(all -> {
      Optional<Track> track = all.resultAt(0);
      Map<String, ExerciseRepository.Played> rows = all.resultAt(1);
      Map<String, Played> played = new HashMap<>();
      rows.forEach((id, p) -> played.put(id, new Played(p.runs(), p.last().finishedAt().atZoneSameInstant(ZoneOffset.UTC).toLocalDate())));
      return new Reader(track, Map.copyOf(played));
    });
  }

  public Future<Optional<Track>> track(Principal learner) {
    return repository.track(learner.accountId());
  }

  /** Sets the learner's track; a blank value clears it, anything but a track is refused. */
  public Future<Optional<Track>> setTrack(Principal learner, String value) {
    Optional<Track> track = value == null || value.isBlank() ? Optional.empty() : Track.of(value);
    if (track.isEmpty() && value != null && !value.isBlank()) {
      throw Invalid.field("track", "track", "the track must be military, police or staff, or empty");
    }
    return repository.setTrack(learner.accountId(), track).map(track);
  }

  private static Exercise exercise(Module module, String exerciseId) {
    return module.exercise(exerciseId).orElseThrow(() -> new NotFound("exercise_missing", "this module has no such exercise"));
  }

  private static List<Integer> path(Exercise exercise, String pathText) {
    List<Integer> path = Exercise.parsePath(pathText).orElseThrow(() ->
        Invalid.because("exercise_path", "the path must be choice numbers separated by commas, such as 2,1"));
    if (exercise.walk(path).isEmpty()) {
      throw Invalid.because("exercise_path", "the path takes a choice that is not there: start the exercise again");
    }
    return path;
  }
}
