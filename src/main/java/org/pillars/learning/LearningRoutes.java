package org.pillars.learning;

import com.github.jknack.handlebars.Handlebars;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.pillars.core.Access;
import org.pillars.auth.Authn;
import org.pillars.core.Principal;
import org.pillars.content.Module;
import org.pillars.content.Quiz;
import org.pillars.http.Language;
import org.pillars.http.Pages;
import org.pillars.core.NotFound;
import org.pillars.core.Invalid;
import org.pillars.core.Routes;

/** The learner's pages: home, marking lessons read, quizzes, results, certificates, public verification. */
public final class LearningRoutes implements Routes {


  private final LearningService learning;
  private final ExerciseService exercises;
  private final Pages pages;

  public LearningRoutes(LearningService learning, ExerciseService exercises, Pages pages) {
    this.learning = learning;
    this.exercises = exercises;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    router.get("/home").handler(Access.signedIn()).handler(this::home);
    router.post("/modules/:moduleId/:lessonId/read").handler(Access.signedIn()).handler(this::markRead);
    router.get("/modules/:moduleId/quiz").handler(Access.anyone()).handler(this::quizPage);
    router.post("/modules/:moduleId/quiz").handler(Access.signedIn()).handler(this::startAttempt);
    router.get("/attempts/:attemptId").handler(Access.signedIn()).handler(this::attemptPage);
    router.post("/attempts/:attemptId").handler(Access.signedIn()).handler(this::submit);
  }

  private String t(RoutingContext ctx, String key, Object... args) {
    return pages.messages().get(Language.of(ctx), key, args);
  }

  private void home(RoutingContext ctx) {
    Principal p = Access.principal(ctx);
    String lang = Language.of(ctx);
    exercises.track(p).compose(track -> learning.standing(p, java.time.LocalDate.now()).map(standing -> {
      List<Map<String, Object>> assignedCards = new ArrayList<>();
      List<Map<String, Object>> started = new ArrayList<>();
      List<Map<String, Object>> others = new ArrayList<>();
      for (LearningService.ModuleStanding s : standing) {
        Module m = s.module();
        Map<String, Object> card = new HashMap<>();
        card.put("title", m.title().in(lang));
        card.put("titleLang", m.title().languageFor(lang));
        card.put("href", "/modules/" + m.id());
        card.put("continue", s.continueUrl());
        card.put("done", s.stepsDone());
        card.put("total", s.steps());
        card.put("lessonsRead", s.lessonsRead());
        card.put("lessons", m.lessons().size());
        card.put("best", s.bestScore());
        card.put("passed", s.passed());
        card.put("certificate", s.certificateCode() == null ? null : "/certificates/" + s.certificateCode());
        card.put("revoked", s.certificateRevokedAt() == null ? null
            : t(ctx, "home.revoked", org.pillars.http.Dates.day(s.certificateRevokedAt().toLocalDate(), lang)));
        LearningRepository.Assigned due = s.assignment();
        if (due != null) {
          card.put("due", t(ctx, due.overdue() ? "home.overdue" : "home.due", org.pillars.http.Dates.day(due.dueOn(), lang)));
          card.put("late", due.overdue());
          card.put("dueOn", due.dueOn());
          assignedCards.add(card);
        } else {
          (s.started() ? started : others).add(card);
        }
      }
      assignedCards.sort(java.util.Comparator.comparing(c -> (java.time.LocalDate) c.get("dueOn")));
      Map<String, Object> model = pages.model(ctx, t(ctx, "home.title"));
      model.put("assigned", assignedCards);
      model.put("started", started);
      model.put("others", others);
      model.put("trackName", t(ctx, track.map(tr -> "track." + tr.keyword()).orElse("home.trackNone")));
      return model;
    })).onSuccess(model -> pages.send(ctx, "home", model)).onFailure(ctx::fail);
  }

  private void markRead(RoutingContext ctx) {
    Principal p = Access.principal(ctx);
    Module module = learning.module(ctx.pathParam("moduleId"), Access.current(ctx));
    String lessonId = ctx.pathParam("lessonId");
    learning.markRead(p, module.id(), lessonId).onSuccess(v -> {
      // the page after says that this lesson is marked as read (the quiz page, by naming what is still unread)
      String next = LearningService.nextLesson(module, lessonId).map(l -> "/modules/" + module.id() + "/" + l.id())
          .orElse(module.quiz().isPresent() ? "/modules/" + module.id() + "/quiz" : "/modules/" + module.id());
      Pages.seeOther(ctx, next + "?marked=" + java.net.URLEncoder.encode(lessonId, java.nio.charset.StandardCharsets.UTF_8));
    }).onFailure(ctx::fail);
  }

  private void quizPage(RoutingContext ctx) {
    String lang = Language.of(ctx);
    Module module = learning.module(ctx.pathParam("moduleId"), Access.current(ctx));
    Quiz quiz = learning.quiz(module);
    Map<String, Object> model = pages.model(ctx, t(ctx, "quiz.title") + " · " + module.title().in(lang));
    model.put("module", moduleModel(module, lang));
    model.put("intro", new Handlebars.SafeString(quiz.introHtml().in(lang)));
    // a quiz set asks 'draw' of its questions at each attempt
    model.put("questions", quiz.selection().draw() > 0 ? quiz.selection().draw() : quiz.questions().size());
    model.put("passMark", quiz.passMark());
    model.put("maxAttempts", quiz.maxAttempts());
    // a set drawn or shuffled per attempt: a copy kept on the phone is one attempt's set, answered once
    model.put("drawn", quiz.selection().varies());
    model.put("action", "/modules/" + module.id() + "/quiz");
    // rendered as for anyone when no reader is shown (not signed in, or a copy kept offline)
    var principal = model.get("user") == null ? java.util.Optional.<Principal>empty() : Access.current(ctx);
    if (principal.isEmpty()) {
      model.put("loginHref", "/login?next=" + java.net.URLEncoder.encode(ctx.request().path(), java.nio.charset.StandardCharsets.UTF_8));
      pages.send(ctx, "quiz", model);
      return;
    }
    learning.progress(principal.get()).onSuccess(progress -> {
      LearningRepository.Progress pr = progress.getOrDefault(module.id(), LearningRepository.Progress.none(module.id()));
      model.put("used", pr.attempts());
      model.put("held", pr.held() == 0 ? null : pr.held());
      model.put("setAside", pr.setAside() == 0 ? null : pr.setAside());
      model.put("best", pr.bestScore());
      model.put("passed", pr.passed());
      // the quiz's limit with the attempts granted since (attempt_limit, V15, is the rule the database applies)
      int allowed = quiz.maxAttempts() + pr.extra();
      model.put("canStart", quiz.maxAttempts() == 0 || pr.attempts() < allowed);
      model.put("left", quiz.maxAttempts() == 0 ? null : Math.max(0, allowed - pr.attempts()));
      model.put("granted", pr.extra() == 0 ? null : pr.extra());
      model.put("certificate", pr.certificateCode() == null ? null : "/certificates/" + pr.certificateCode());
      model.put("revoked", pr.certificateRevokedAt() == null ? null
          : t(ctx, "home.revoked", org.pillars.http.Dates.day(pr.certificateRevokedAt().toLocalDate(), lang)));
      List<Map<String, Object>> unread = new ArrayList<>();
      module.lessons().stream().filter(l -> !pr.lessonsRead().contains(l.id())).forEach(l -> unread.add(Map.of(
          "href", "/modules/" + module.id() + "/" + l.id(), "title", l.title().in(lang), "titleLang", l.title().languageFor(lang))));
      model.put("unread", unread.isEmpty() ? null : unread.size());
      model.put("allRead", unread.isEmpty() && !module.lessons().isEmpty() ? module.lessons().size() : null);
      model.put("unreadLessons", unread);
      pages.send(ctx, "quiz", model);
    }).onFailure(ctx::fail);
  }

  private void startAttempt(RoutingContext ctx) {
    learning.start(Access.principal(ctx), ctx.pathParam("moduleId"))
        .onSuccess(id -> Pages.seeOther(ctx, "/attempts/" + id))
        .onFailure(ctx::fail);
  }

  private void attemptPage(RoutingContext ctx) {
    String lang = Language.of(ctx);
    learning.attempt(Access.principal(ctx), ctx.pathParam("attemptId")).onSuccess(view -> {
      Module module = view.module();
      Map<String, Object> model = pages.model(ctx, t(ctx, "quiz.title") + " · " + module.title().in(lang));
      model.put("module", moduleModel(module, lang));
      model.put("stale", view.stale());
      if (view.attempt().submitted()) {
        model.put("result", withAnswers(Pages.record(LearningService.result(view, view.attempt().result(), lang))));
        pages.send(ctx, "result", model);
      } else {
        model.put("action", "/attempts/" + view.attempt().id());
        LearningService.QuizView quiz = LearningService.quizView(view, lang);
        model.put("questions", questions(quiz, view.attempt().kept()));
        model.put("answered", quiz.questions().size() - LearningService.blank(view.quiz(), view.attempt().kept()).size());
        model.put("total", quiz.questions().size());
        pages.send(ctx, "attempt", model);
      }
    }).onFailure(ctx::fail);
  }

  private void submit(RoutingContext ctx) {
    Principal p = Access.principal(ctx);
    String attemptId = ctx.pathParam("attemptId");
    Map<String, List<Integer>> answers = new LinkedHashMap<>();
    for (String name : ctx.request().formAttributes().names()) {
      if (!name.startsWith("q.")) {
        continue;
      }
      List<Integer> chosen = new ArrayList<>();
      for (String value : ctx.request().formAttributes().getAll(name)) {
        try {
          chosen.add(Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
          throw new Invalid("answers are option numbers");
        }
      }
      answers.put(name.substring(2), chosen);
    }
    boolean blankConfirmed = "blank".equals(ctx.request().getFormAttribute("confirm"));
    learning.submit(p, attemptId, answers, blankConfirmed, Language.of(ctx)).onSuccess(submission -> {
      if (submission.graded()) {
        Pages.seeOther(ctx, "/attempts/" + attemptId);
        return;
      }
      // nothing graded: the answers are kept on the attempt; the learner goes back to them or submits as they are
      Map<String, Object> model = pages.model(ctx, t(ctx, "quiz.blankTitle"));
      model.put("action", "/attempts/" + attemptId);
      model.put("blank", submission.blank());
      model.put("blankCount", submission.blank().size());
      List<Map<String, String>> given = new ArrayList<>();
      answers.forEach((q, chosen) -> chosen.forEach(i -> given.add(Map.of("name", "q." + q, "value", String.valueOf(i)))));
      model.put("given", given);
      pages.send(ctx, "blank", model);
    }).onFailure(ctx::fail);
  }

  /** A module's quiz as a learner's form shows it, nothing chosen: what a trainer's preview shows of a draft. */
  public static List<Map<String, Object>> formQuestions(Module module, String lang) {
    return module.quiz().map(q -> questions(LearningService.quizView(module, q, lang), Map.of())).orElse(List.of());
  }

  /** The quiz view's questions for the form, each option with whether it was chosen in the answers kept. */
  private static List<Map<String, Object>> questions(LearningService.QuizView quiz, Map<String, List<Integer>> kept) {
    List<Map<String, Object>> questions = new ArrayList<>();
    for (LearningService.QuestionView q : quiz.questions()) {
      Map<String, Object> question = Pages.record(q);
      List<Integer> chosen = kept.getOrDefault(q.id(), List.of());
      List<Map<String, Object>> options = new ArrayList<>();
      for (int n : q.order()) {
        // shown in the attempt's order; each still answers by its authored position
        options.add(Map.of("n", n, "html", q.options().get(n), "checked", chosen.contains(n)));
      }
      question.put("options", options);
      question.put("trackKey", q.track() == null ? null : "track." + q.track());
      questions.add(question);
    }
    return questions;
  }

  private static Map<String, Object> moduleModel(Module m, String lang) {
    Map<String, Object> model = new HashMap<>();
    model.put("href", "/modules/" + m.id());
    model.put("title", m.title().in(lang));
    model.put("titleLang", m.title().languageFor(lang));
    return model;
  }




  /**
   * Each question's chosen options paired with their feedback (none where the author wrote none), for the result
   * page: Handlebars' lookup of a missing item prints the whole list instead.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> withAnswers(Map<String, Object> result) {
    for (Object q : (List<Object>) result.getOrDefault("questions", List.of())) {
      Map<String, Object> question = (Map<String, Object>) q;
      List<Object> chosen = (List<Object>) question.getOrDefault("chosenHtml", List.of());
      List<Object> feedback = (List<Object>) question.getOrDefault("feedbackHtml", List.of());
      List<Map<String, Object>> answers = new ArrayList<>();
      for (int i = 0; i < (chosen == null ? 0 : chosen.size()); i++) {
        Map<String, Object> answer = new HashMap<>();
        answer.put("html", chosen.get(i));
        answer.put("feedback", feedback != null && i < feedback.size() ? feedback.get(i) : null);
        answers.add(answer);
      }
      question.put("answers", answers);
    }
    return result;
  }
}
