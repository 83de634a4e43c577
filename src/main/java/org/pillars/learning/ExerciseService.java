package org.pillars.learning;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.pillars.content.Exercise;
import org.pillars.content.Module;
import org.pillars.content.Track;
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
   * Where {@code path} leads in an exercise: the passage the reader is on, the path so far, and for a facilitator
   * the notes and the endings reached by everyone. {@code runKey}: what a Finish at this ending sends back, so that
   * a Finish sent twice is kept once.
   */
  public record Play(Module module, Exercise exercise, List<Integer> path, Exercise.Walk walk, boolean facilitator,
                     Map<String, Integer> endings, UUID runKey) {

    public Exercise.Passage current() {
      return walk.current();
    }

    public boolean ended() {
      return walk.current().ending();
    }
  }

  public static boolean facilitator(Optional<Principal> who) {
    return who.map(p -> FACILITATORS.contains(p.role())).orElse(false);
  }

  public Future<Play> play(String moduleId, String exerciseId, String pathText, Optional<Principal> who) {
    Module module = learning.module(moduleId, who);
    Exercise exercise = exercise(module, exerciseId);
    List<Integer> path = path(exercise, pathText);
    Exercise.Walk walk = exercise.walk(path).orElseThrow();
    boolean facilitator = facilitator(who);
    Future<Map<String, Integer>> endings = facilitator ? repository.endings(module.id(), exercise.id()) : Future.succeededFuture(Map.of());
    return endings.map(e -> new Play(module, exercise, path, walk, facilitator, e, UUID.randomUUID()));
  }

  /** Keeps a finished play: the path must end at an ending. */
  public Future<ExerciseRepository.Run> finish(Principal learner, String moduleId, String exerciseId, String pathText, String runKey) {
    Module module = learning.module(moduleId, Optional.of(learner));
    Exercise exercise = exercise(module, exerciseId);
    List<Integer> path = path(exercise, pathText);
    Exercise.Walk walk = exercise.walk(path).orElseThrow();
    if (!walk.current().ending()) {
      throw Invalid.because("exercise_unfinished", "this path does not reach an ending: play on to the end, then finish");
    }
    UUID key;
    try {
      key = UUID.fromString(runKey == null ? "" : runKey.strip());
    } catch (IllegalArgumentException e) {
      throw Invalid.because("run_key", "the run key must be the UUID the ending's page gave");
    }
    return repository.addRun(learner.accountId(), key, module.id(), module.version(), exercise.id(), Exercise.pathText(path),
        walk.current().id());
  }

  public Future<Map<String, ExerciseRepository.Played>> played(Principal learner, String moduleId) {
    return repository.played(learner.accountId(), moduleId);
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
