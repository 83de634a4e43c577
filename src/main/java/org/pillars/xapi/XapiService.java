package org.pillars.xapi;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.pillars.content.ContentStore;
import org.pillars.content.Quiz;

/**
 * xAPI statements of our records: those an outbox item names (for the LRS), and all of a cohort's (for its
 * coordinator's download), both made by {@link Statements}, so the download holds what the LRS received.
 */
public final class XapiService {

  /** The outbox channel of statements. */
  public static final String CHANNEL = "xapi";

  private final XapiRepository repository;
  private final ContentStore content;
  private final Supplier<String> origin;

  /** {@code origin}: the site's public address, read when statements are built (the port is known only once listening). */
  public XapiService(XapiRepository repository, ContentStore content, Supplier<String> origin) {
    this.repository = repository;
    this.content = content;
    this.origin = origin;
  }

  /**
   * The statements an outbox item of {@link #CHANNEL} stands for (V23's triggers write them); empty when its record is
   * gone (the learner's account was deleted, and its records with it).
   */
  public Future<Optional<List<JsonObject>>> statements(JsonObject payload) {
    Statements build = new Statements(origin.get(), content.get());
    return switch (String.valueOf(payload.getString("kind"))) {
      case "lesson-read" -> repository.lessonRead(payload.getLong("account"), payload.getString("module"), payload.getString("lesson"))
          .map(found -> found.map(r -> List.of(build.lessonRead(r))));
      case "attempt" -> repository.graded(UUID.fromString(payload.getString("attempt"))).compose(found -> found.isEmpty()
          ? Future.succeededFuture(Optional.empty())
          : quiz(found.get(), new HashMap<>()).map(quiz -> Optional.of(build.graded(found.get(), quiz))));
      case "module-completed" -> repository.completed(payload.getLong("account"), payload.getString("module"))
          .map(found -> found.map(c -> List.of(build.completed(c))));
      default -> Future.failedFuture(new IllegalArgumentException("an outbox item of an unknown kind: " + payload.getString("kind")));
    };
  }

  /** Every statement of the cohort's members' lesson reads, graded attempts and modules completed; the caller checked the cohort's scope. */
  public Future<List<JsonObject>> cohortStatements(long cohortId) {
    Statements build = new Statements(origin.get(), content.get());
    return repository.cohortReads(cohortId).compose(reads -> repository.cohortGraded(cohortId).compose(graded -> {
      List<JsonObject> all = new ArrayList<>();
      reads.forEach(r -> all.add(build.lessonRead(r)));
      Map<String, Future<Optional<Quiz>>> quizzes = new HashMap<>();
      Future<Void> done = Future.succeededFuture();
      for (XapiRepository.Graded a : graded) {
        done = done.compose(v -> quiz(a, quizzes).map(quiz -> {
          all.addAll(build.graded(a, quiz));
          return null;
        }));
      }
      return done.compose(v -> repository.cohortCompleted(cohortId)).map(completed -> {
        completed.forEach(c -> all.add(build.completed(c)));
        return all;
      });
    }));
  }

  /** The quiz an attempt answered, once per module version for one build. */
  private Future<Optional<Quiz>> quiz(XapiRepository.Graded a, Map<String, Future<Optional<Quiz>>> quizzes) {
    return quizzes.computeIfAbsent(a.moduleId() + "@" + a.moduleVersion(), k -> content.quiz(a.moduleId(), a.moduleVersion()));
  }
}
