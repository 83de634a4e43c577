package org.pillars.learning;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.pillars.core.Principal;
import org.pillars.content.Catalog;
import org.pillars.content.ContentStore;
import org.pillars.content.Lesson;
import org.pillars.content.Module;
import org.pillars.content.Quiz;
import org.pillars.core.NotFound;
import org.pillars.core.Conflict;
import org.pillars.core.Invalid;
import org.pillars.metrics.Meters;

/** What learning means, shared by the pages and the API: reading, attempts, grading, certificates. */
public final class LearningService {

  /**
   * An attempt with its module and the quiz it answers: the version it began on, as kept when served. Only when that
   * version was never kept (an attempt older than the keeping) is {@code quiz} the current one and {@code stale}
   * true, since its questions may not match what was answered.
   */
  /**
   * An attempt with its module and the quiz as this attempt asks it ({@code quiz}: the questions drawn, in the order
   * shown), and {@code drawn}, the order of each question's options.
   */
  public record AttemptView(LearningRepository.Attempt attempt, Module module, Quiz quiz, boolean stale, Quiz.Drawn drawn) { }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private final ContentStore content;
  private final Supplier<Catalog> catalog;
  private final LearningRepository repository;
  private final byte[] drawKey;
  private final Meters meters;

  /** {@code drawKey}: the secret from which the questions a quiz answered offline asks are drawn (every server's same). */
  public LearningService(ContentStore content, LearningRepository repository, byte[] drawKey, Meters meters) {
    this.meters = meters;
    this.content = content;
    this.catalog = content;
    this.repository = repository;
    this.drawKey = drawKey.clone();
  }

  /** How each question of the module's current quiz was answered, in aggregate (trainers' item analysis). */
  public Future<LearningRepository.ItemStats> itemStats(Module module, int version, String lang) {
    return repository.itemStats(module.id(), version, lang);
  }

  /** The modules {@code who} may see (nobody: an anonymous reader), in catalogue order. */
  public List<Module> catalogModules(Optional<Principal> who) {
    return catalog.get().modules(who);
  }

  /** A module {@code who} may see; one they may not is not found, as one that does not exist. */
  public Module module(String id, Optional<Principal> who) {
    return catalog.get().module(id, who).orElseThrow(() -> new NotFound("there is no module '" + id + "'"));
  }

  /** Whether the module is for every organisation (anyone may read it), not for one organisation and its units. */
  public boolean forEveryone(Module module) {
    return catalog.get().scope(module.id()).isEmpty();
  }

  /** A module served now, whoever asks: for what a learner began already (their own attempt). */
  private Module served(String id) {
    return catalog.get().module(id).orElseThrow(() -> new NotFound("there is no module '" + id + "'"));
  }

  public Quiz quiz(Module module) {
    return module.quiz().orElseThrow(() -> new NotFound("this module has no quiz"));
  }

  /** True when the lesson was not marked read before (a mark sent again changes nothing but its time). */
  public Future<Boolean> markRead(Principal p, String moduleId, String lessonId) {
    Module module = module(moduleId, Optional.of(p));
    Lesson lesson = module.lesson(lessonId).orElseThrow(() -> new NotFound("there is no lesson '" + lessonId + "'"));
    return repository.markRead(p.accountId(), lesson.id(), completion(module));
  }

  /** The quiz of {@code version} of a module, to analyse its answers. */
  public Future<Quiz> quizOf(Module module, int version) {
    return quizAt(module, version);
  }

  /** The quiz of a module at {@code version}: the one served now, or the version kept when it was; not found otherwise. */
  Future<Quiz> quizAt(Module module, int version) {
    return content.quiz(module.id(), version).map(found -> found.orElseThrow(() ->
        new NotFound("unknown_version", "version " + version + " of this quiz was never served; it cannot be graded")));
  }

  /** Opens an attempt (or resumes the one open); a quiz that varies draws what it asks now, and keeps it. */
  public Future<UUID> start(Principal p, String moduleId) {
    Module module = module(moduleId, Optional.of(p));
    Quiz quiz = quiz(module);
    Quiz.Drawn drawn = quiz.selection().varies() ? quiz.draw(RANDOM.nextLong()) : null;
    return repository.startAttempt(p.accountId(), module.id(), module.version(), quiz.maxAttempts(), drawn)
        .recover(e -> Future.failedFuture(e instanceof LearningRepository.AttemptLimitReached
            ? new Conflict("attempt_limit", "you have used all " + quiz.maxAttempts() + " attempts at this quiz")
            : e));
  }

  /**
   * An attempt answered on a device and sent from its outbox, as stored: {@code added} false when this key had been
   * stored already (the stored result comes back); {@code held} when it arrived after the attempts were used up;
   * {@code retired} the questions answered that the module's current version no longer asks.
   */
  public record Sent(UUID attempt, boolean added, boolean held, int version, int currentVersion, List<String> retired,
                     ResultView result) { }

  /**
   * Grades and stores an attempt answered on a device, against the quiz version it was answered on, once per key.
   * Sending the same key again returns what the first copy stored. A key already used by another learner, or for
   * another module or other answers, is refused and nothing is stored; so are an unknown module or version and
   * answers the version cannot take. An attempt over the limit is stored held, never dropped.
   */
  public Future<Sent> submitSent(Principal p, UUID key, String moduleId, int version, Integer round,
                                 Map<String, List<Integer>> answers, java.time.OffsetDateTime answeredAt, String lang) {
    Module module = module(moduleId, Optional.of(p));
    Quiz current = quiz(module);
    return quizAt(module, version).compose(whole -> {
      // a quiz that varies was answered as the kept copy drew it for that round: drawn again here, from the secret
      Quiz.Drawn drawn = null;
      Quiz quiz = whole;
      if (whole.selection().varies()) {
        if (round == null || round < 0) {
          throw new Invalid("bad_round", "'round' must be the round of the kept quiz these answers were given on (a whole number)");
        }
        drawn = whole.draw(seed(p.accountId(), module.id(), version, round));
        quiz = whole.asked(drawn).orElseThrow();
      }
      Quiz asked = quiz;
      Quiz.Drawn kept = drawn;
      // only a round given to this learner is graded: naming other rounds would let one pick the questions
      Future<Boolean> given = drawn == null ? Future.succeededFuture(true) : repository.roundIssued(p.accountId(), module.id(), version, round);
      return given.compose(ok -> {
        if (!ok) {
          return Future.failedFuture(new Invalid("unknown_round", "round " + round + " of this quiz was never given to you: keep the module again"));
        }
        return meters.timeGrading(() -> repository.storeSent(p.accountId(), key, module.id(), version, stored(answers),
            Grading.grade(asked, answers), answeredAt, current.maxAttempts(), completion(module), lang, kept, kept == null ? null : round))
            .onSuccess(sent -> {
              if (sent.added()) {
                meters.quizSubmitted(Meters.Source.OFFLINE);
              }
            });
      }).recover(e -> Future.failedFuture(e instanceof LearningRepository.RoundAnswered
          ? new Conflict("round_answered", "these questions were answered already, in an attempt sent before: keep the module again for new ones")
          : e)).map(sent -> {
            if (!sent.added() && (sent.accountId() != p.accountId() || !sent.moduleId().equals(module.id())
                || sent.moduleVersion() != version || !chosenSets(answers).equals(chosenSets(LearningRepository.kept(sent.answers()))))) {
              throw new Conflict("key_reused", "this submission key was already used for another submission; nothing was stored");
            }
            List<String> retired = asked.questions().stream().map(Quiz.Question::id)
                .filter(id -> current.question(id).isEmpty()).toList();
            return new Sent(sent.id(), sent.added(), sent.held(), version, module.version(), retired,
                result(asked, false, sent.result(), lang));
          });
    });
  }

  /**
   * A coordinator's decision on a held attempt of {@code accountId}: counted, or set aside for good; made once. The
   * caller has checked that the decider may act for this learner. Returns when it was decided.
   */
  public Future<java.time.OffsetDateTime> decideHeld(long accountId, UUID attemptId, boolean count, long decidedBy) {
    return repository.decideHeld(accountId, attemptId, count, decidedBy, id -> catalog.get().module(id).map(LearningService::completion))
        .map(found -> found.orElseThrow(() -> new NotFound("this learner has no such attempt")).decidedAt())
        .recover(e -> Future.failedFuture(e instanceof LearningRepository.AlreadyDecided
            ? new Conflict("already_decided", "this attempt is not waiting for a decision: it counted already, or was decided on")
            : e));
  }

  /** The learner's own attempt; anyone else's, or a malformed id, is simply not found. */
  public Future<AttemptView> attempt(Principal p, String rawId) {
    UUID id;
    try {
      id = UUID.fromString(rawId);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new NotFound("there is no such attempt"));
    }
    return repository.attempt(id).compose(found -> {
      LearningRepository.Attempt a = found.filter(x -> x.accountId() == p.accountId())
          .orElseThrow(() -> new NotFound("there is no such attempt"));
      Module module = served(a.moduleId());
      return quizAt(module, a.moduleVersion()).map(quiz -> {
            Quiz.Drawn drawn = a.drawn() == null ? quiz.everything() : a.drawn();
            return new AttemptView(a, module, quiz.asked(drawn).orElse(quiz), false, drawn);
          })
          .recover(e -> e instanceof NotFound ? Future.succeededFuture(new AttemptView(a, module, quiz(module), true,
              quiz(module).everything())) : Future.failedFuture(e));
    });
  }

  /**
   * A graded attempt as the learner sees it, in one language: the page and the API render this one record.
   * When the module changed since the attempt began ({@code stale}), the questions carry no prompt, feedback,
   * explanation or source, since they may no longer match what was answered.
   */
  public record ResultView(int score, boolean passed, int passMark, boolean stale, List<QuestionResult> questions) { }

  /**
   * One question of a result: the options chosen (positions), whether right, partly right or unanswered, the points,
   * and, unless stale, the prompt, the chosen options and their feedback (null where an option has none), the
   * explanation and the source, as HTML in {@code lang}.
   */
  public record QuestionResult(String id, int number, List<Integer> chosen, boolean correct, boolean partial, boolean unanswered,
                               double points, String lang, String promptHtml, List<String> chosenHtml, List<String> feedbackHtml,
                               String explanationHtml, String source) { }

  /**
   * A quiz as a learner sees it before answering, in one language: no right answers, no feedback, no explanations.
   * The attempt page and the API render this one record, so what may reach the browser is decided here alone.
   */
  public record QuizView(String module, int version, int passMark, int maxAttempts, List<QuestionView> questions, Integer round) { }

  /**
   * One question to answer: its options' HTML by authored position (an answer names an option by its position, from
   * 0), and {@code order}, the positions in the order to show them.
   */
  public record QuestionView(String id, int number, String type, boolean multiple, String lang, String scenarioHtml,
                             String promptHtml, List<String> options, List<Integer> order, String track) { }

  /** Every question of {@code quiz} in the order written (a preview, or a reader not signed in). */
  public static QuizView quizView(Module module, Quiz quiz, String lang) {
    return quizView(module, quiz, quiz.everything(), null, lang);
  }

  /** {@code asked}: the quiz as one attempt asks it (see {@link Quiz#asked}), its options in the order {@code drawn} shows. */
  static QuizView quizView(Module module, Quiz asked, Quiz.Drawn drawn, Integer round, String lang) {
    List<QuestionView> questions = new ArrayList<>();
    int number = 1;
    for (Quiz.Question q : asked.questions()) {
      questions.add(new QuestionView(q.id(), number++, q.type().keyword(), !q.type().singleAnswer(), q.promptHtml().languageFor(lang),
          q.scenarioHtml() == null ? null : q.scenarioHtml().in(lang), q.promptHtml().in(lang),
          q.options().stream().map(o -> o.html().in(lang)).toList(), drawn.order(q), q.track() == null ? null : q.track().keyword()));
    }
    return new QuizView(module.id(), module.version(), asked.passMark(), asked.maxAttempts(), List.copyOf(questions), round);
  }

  /** The questions of an open attempt, as it asks them. */
  public static QuizView quizView(AttemptView view, String lang) {
    return quizView(view.module(), view.quiz(), view.drawn(), null, lang);
  }

  /**
   * The quiz to keep on a device and answer offline. A quiz that varies is drawn for {@code who}'s next round (the
   * attempts they have used): the same draw however often it is asked for, until an attempt is used, so asking again
   * draws nothing easier; the answers come back with the round and are graded on that draw. For a reader not signed
   * in, and a quiz that does not vary, every question in the order written.
   */
  public Future<QuizView> quizToKeep(Module module, Optional<Principal> who, String lang) {
    Quiz quiz = quiz(module);
    if (!quiz.selection().varies() || who.isEmpty()) {
      return Future.succeededFuture(quizView(module, quiz, lang));
    }
    return repository.progress(who.get().accountId()).compose(progress -> {
      int round = progress.getOrDefault(module.id(), LearningRepository.Progress.none(module.id())).attempts();
      Quiz.Drawn drawn = quiz.draw(seed(who.get().accountId(), module.id(), module.version(), round));
      return repository.issueRound(who.get().accountId(), module.id(), module.version(), round)
          .map(v -> quizView(module, quiz.asked(drawn).orElseThrow(), drawn, round, lang));
    });
  }

  /** The seed of a learner's round at a quiz version: only the servers, which hold the key, can tell what it draws. */
  long seed(long accountId, String moduleId, int version, int round) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(drawKey, "HmacSHA256"));
      byte[] h = mac.doFinal((accountId + ":" + moduleId + ":" + version + ":" + round)
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.nio.ByteBuffer.wrap(h).getLong();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  /** Grades and stores once; a retry of a submitted attempt returns the stored result unchanged. */
  public Future<ResultView> submit(Principal p, String attemptId, Map<String, List<Integer>> answers, String lang) {
    return submit(p, attemptId, answers, true, lang).map(Submission::result);
  }

  /** What a submit came to: the result, or, when it stopped to ask first, the numbers of the blank questions. */
  public record Submission(ResultView result, List<Integer> blank) {

    public boolean graded() {
      return result != null;
    }
  }

  /**
   * A submit that may stop to ask. Unless {@code blankConfirmed}, answers that leave questions of an open attempt
   * blank are not graded: they are kept on the attempt (its page shows them again) and the blank questions' numbers
   * come back, which costs no attempt. Otherwise as {@link #submit(Principal, String, Map, String)}.
   */
  public Future<Submission> submit(Principal p, String attemptId, Map<String, List<Integer>> answers,
                                   boolean blankConfirmed, String lang) {
    return attempt(p, attemptId).compose(view -> {
      if (!catalog.get().visible(view.module().id(), Optional.of(p))) {
        // the module was made one for another organisation since the attempt began
        return Future.failedFuture(new NotFound("there is no module '" + view.module().id() + "'"));
      }
      if (!blankConfirmed && !view.attempt().submitted() && !view.stale()) {
        List<Integer> blank = blank(view.quiz(), answers);
        if (!blank.isEmpty()) {
          return repository.keep(view.attempt(), stored(answers)).map(v -> new Submission(null, blank));
        }
      }
      return grade(view, answers, lang).map(result -> new Submission(result(view, result, lang), List.of()));
    });
  }

  /** Answers compared as what they choose: the options' order within an answer does not matter. */
  private static Map<String, java.util.Set<Integer>> chosenSets(Map<String, List<Integer>> answers) {
    Map<String, java.util.Set<Integer>> sets = new java.util.HashMap<>();
    answers.forEach((q, chosen) -> sets.put(q, new java.util.TreeSet<>(chosen)));
    return sets;
  }

  /** The numbers (from 1) of the questions that {@code answers} leaves without any option chosen. */
  static List<Integer> blank(Quiz quiz, Map<String, List<Integer>> answers) {
    List<Integer> blank = new ArrayList<>();
    int number = 1;
    for (Quiz.Question q : quiz.questions()) {
      List<Integer> chosen = answers.get(q.id());
      if (chosen == null || chosen.isEmpty()) {
        blank.add(number);
      }
      number++;
    }
    return blank;
  }

  private static JsonObject stored(Map<String, List<Integer>> answers) {
    JsonObject stored = new JsonObject();
    answers.forEach((q, chosen) -> stored.put(q, new JsonArray(chosen)));
    return stored;
  }

  /** The result of a submitted attempt, in {@code lang}. */
  public static ResultView result(AttemptView view, Grading.Result result, String lang) {
    return result(view.quiz(), view.stale(), result, lang);
  }

  /** The result of answers graded against {@code quiz}; when {@code stale}, without the questions' texts. */
  static ResultView result(Quiz quiz, boolean stale, Grading.Result result, String lang) {
    List<QuestionResult> questions = new ArrayList<>();
    int number = 1;
    for (Grading.Verdict v : result.verdicts()) {
      boolean partial = !v.correct() && v.points() > 0;
      Optional<Quiz.Question> shown = quiz.question(v.questionId()).filter(x -> !stale);
      if (shown.isEmpty()) {
        questions.add(new QuestionResult(v.questionId(), number++, v.chosen(), v.correct(), partial, v.chosen().isEmpty(),
            v.points(), null, null, null, null, null, null));
        continue;
      }
      Quiz.Question q = shown.get();
      List<String> chosenHtml = new ArrayList<>();
      List<String> feedbackHtml = new ArrayList<>();
      for (int i : v.chosen()) {
        Quiz.Option o = q.options().get(i);
        chosenHtml.add(o.html().in(lang));
        feedbackHtml.add(o.feedbackHtml() == null ? null : o.feedbackHtml().in(lang));
      }
      questions.add(new QuestionResult(v.questionId(), number++, v.chosen(), v.correct(), partial, v.chosen().isEmpty(),
          v.points(), q.promptHtml().languageFor(lang), q.promptHtml().in(lang), chosenHtml, feedbackHtml,
          q.explanationHtml().in(lang), q.source().in(lang)));
    }
    return new ResultView(result.score(), result.passed(), quiz.passMark(), stale, questions);
  }

  private Future<Grading.Result> grade(AttemptView view, Map<String, List<Integer>> answers, String lang) {
    if (view.attempt().submitted()) {
      return Future.succeededFuture(view.attempt().result());
    }
    if (view.stale()) {
      return Future.failedFuture(new Conflict("module_changed",
          "this module was updated after you started; start the quiz again"));
    }
    return meters.timeGrading(() -> {
      Grading.Result result = Grading.grade(view.quiz(), answers);
      // the repository hands back this very result when it stored it, and the stored one when a racing copy came first
      return repository.submit(view.attempt(), stored(answers), result, completion(view.module()), lang).onSuccess(stored -> {
        if (stored == result) {
          meters.quizSubmitted(Meters.Source.ONLINE);
        }
      });
    });
  }

  /** The modules the learner's cohorts must complete, with due dates and lateness on {@code today}. */
  public Future<Map<String, LearningRepository.Assigned>> assigned(Principal p, java.time.LocalDate today) {
    return repository.assigned(p.accountId(), today);
  }

  /** The lessons of one module the learner has read. */
  /** How many learners have read any of these lessons of a module (what a trainer is told before removing them). */
  public Future<Long> readers(String moduleId, List<String> lessonIds) {
    return lessonIds.isEmpty() ? Future.succeededFuture(0L) : repository.readers(moduleId, lessonIds);
  }

  public Future<java.util.Set<String>> lessonsRead(Principal p, String moduleId) {
    return repository.lessonsRead(p.accountId(), moduleId);
  }

  public Future<Map<String, LearningRepository.Progress>> progress(Principal p) {
    return repository.progress(p.accountId());
  }

  /**
   * Where the learner stands in one module of the catalogue: lessons read (of those the module has now), steps done
   * (each lesson, and passing the quiz), best score, certificate, where to continue, and the due date if a cohort of
   * theirs must complete it (late by the one rule in SQL). The home page and GET /api/progress render these.
   */
  public record ModuleStanding(Module module, int lessonsRead, int stepsDone, int steps, int attempts, Integer bestScore,
                               boolean passed, String certificateCode, String continueUrl, boolean started,
                               java.time.OffsetDateTime lastActivity, LearningRepository.Assigned assignment,
                               java.time.OffsetDateTime certificateRevokedAt) { }

  /** The learner's standing in every module of the catalogue, most recently active first. */
  public Future<List<ModuleStanding>> standing(Principal p, java.time.LocalDate today) {
    return assigned(p, today).compose(assigned -> progress(p).map(progress -> {
      List<ModuleStanding> all = new ArrayList<>();
      for (Module m : catalogModules(Optional.of(p))) {
        LearningRepository.Progress pr = progress.getOrDefault(m.id(), LearningRepository.Progress.none(m.id()));
        int[] s = steps(m, pr);
        all.add(new ModuleStanding(m, s[2], s[0], s[1], pr.attempts(), pr.bestScore(), pr.passed(), pr.certificateCode(),
            continueUrl(m, pr), !pr.lessonsRead().isEmpty() || pr.attempts() > 0, pr.lastActivity(), assigned.get(m.id()),
            pr.certificateRevokedAt()));
      }
      // a total order (newest first, untouched modules after, in catalogue order): the sort is stable
      all.sort(java.util.Comparator.comparing(ModuleStanding::lastActivity,
          java.util.Comparator.nullsLast(java.util.Comparator.reverseOrder())));
      return all;
    }));
  }

  /** Where a learner continues: the first lesson not read, else the quiz, else the module page. */
  public static String continueUrl(Module m, LearningRepository.Progress progress) {
    for (Lesson l : m.lessons()) {
      if (!progress.lessonsRead().contains(l.id())) {
        return "/modules/" + m.id() + "/" + l.id();
      }
    }
    if (progress.certificateCode() != null) {
      return "/certificates/" + progress.certificateCode();
    }
    return m.quiz().isPresent() ? "/modules/" + m.id() + "/quiz" : "/modules/" + m.id();
  }

  /** Steps done out of steps in the module: each lesson, and passing the quiz. */
  public static int[] steps(Module m, LearningRepository.Progress progress) {
    int read = (int) m.lessons().stream().filter(l -> progress.lessonsRead().contains(l.id())).count();
    int total = m.lessons().size() + (m.quiz().isPresent() ? 1 : 0);
    return new int[] {read + (progress.passed() ? 1 : 0), total, read};
  }

  public static Optional<Lesson> nextLesson(Module m, String lessonId) {
    List<Lesson> lessons = m.lessons();
    for (int i = 0; i + 1 < lessons.size(); i++) {
      if (lessons.get(i).id().equals(lessonId)) {
        return Optional.of(lessons.get(i + 1));
      }
    }
    return Optional.empty();
  }

  private static LearningRepository.Completion completion(Module m) {
    List<String> ids = new ArrayList<>();
    m.lessons().forEach(l -> ids.add(l.id()));
    return new LearningRepository.Completion(m.id(), m.title().in("en"), m.version(), ids);
  }
}
