package org.pillars.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The real curriculum in courses/: the seven modules, each complete enough to teach and to certify, in English and French. */
class CurriculumTest {

  static final List<String> MODULES = List.of("protection-of-civilians", "gender-based-violence", "incitement-contingency-planning",
      "framework-of-analysis", "responsibility-to-protect", "security-sector-reform", "child-protection");
  /** Modules written from the seed documents, whose sources name them (child protection rests on UN texts alone). */
  static final List<String> FROM_SEEDS = MODULES.subList(0, 6);
  private static final Path COURSES = Path.of("courses");

  private static Catalog catalog;

  @BeforeAll
  static void load() {
    catalog = new CourseLoader(new MarkdownRenderer()).load(COURSES);
  }

  private static Module module(String id) {
    return catalog.module(id).orElseThrow(() -> new AssertionError("module '" + id + "' did not load: " + catalog.problems()));
  }

  @Test
  @DisplayName("the validator passes on all of courses/, which holds exactly the seven modules")
  void validatorPasses() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Validator.run(COURSES, new PrintStream(out, true, StandardCharsets.UTF_8));
    assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
    assertEquals(MODULES.stream().sorted().toList(), catalog.modules().stream().map(Module::id).sorted().toList());
  }

  @Test
  @DisplayName("each module has complete front matter, 4 to 7 lessons and a list of sources naming the seed documents")
  void modulesAreComplete() {
    for (String id : MODULES) {
      Module m = module(id);
      assertTrue(m.lessons().size() >= 4 && m.lessons().size() <= 7, id + " has " + m.lessons().size() + " lessons");
      assertTrue(m.objectives().in("en").size() >= 3, id + " objectives");
      assertTrue(m.minutes() > 0 && !m.audience().in("en").isBlank() && !m.summary().in("en").isBlank(), id + " front matter");
      List<String> sources = m.sources().in("en");
      assertTrue(sources.size() >= 3, id + " lists " + sources);
      assertTrue(!FROM_SEEDS.contains(id) || sources.stream().anyMatch(CurriculumTest::isSeedTitle),
          id + " cites no source document by title: " + sources);
      assertTrue(m.overviewHtml().in("en").contains("Sources"), id + "'s overview has no Sources section");
      for (Lesson lesson : m.lessons()) {
        String html = lesson.html().in("en");
        assertTrue(html.contains("What you do"), id + "/" + lesson.id() + " has no 'What you do' part");
        assertTrue(html.contains("<blockquote>"), id + "/" + lesson.id() + " has no scenario box");
      }
    }
  }

  @Test
  @DisplayName("each quiz has at least 10 questions, 3 of them scenarios with feedback on every option, each explained with its source, pass mark 80")
  void quizzesAreComplete() {
    for (String id : MODULES) {
      Quiz quiz = module(id).quiz().orElseThrow(() -> new AssertionError(id + " has no quiz"));
      assertEquals(80, quiz.passMark(), id);
      assertTrue(quiz.questions().size() >= 10, id + " has " + quiz.questions().size() + " questions");
      List<Quiz.Question> scenarios = quiz.questions().stream().filter(q -> q.type() == Quiz.Type.SCENARIO).toList();
      assertTrue(scenarios.size() >= 3, id + " has " + scenarios.size() + " scenario questions");
      for (Quiz.Question q : scenarios) {
        assertTrue(q.options().stream().allMatch(o -> o.feedbackHtml() != null), id + "/" + q.id() + " lacks feedback on an option");
      }
      for (Quiz.Question q : quiz.questions()) {
        if (q.type() == Quiz.Type.MULTIPLE) {
          // authoring.md section 4: ticking every box must score nothing, so there are at least as many wrong options as right
          long right = q.options().stream().filter(Quiz.Option::correct).count();
          assertTrue(q.options().size() - right >= right, id + "/" + q.id() + ": " + right + " right options and only "
              + (q.options().size() - right) + " wrong: ticking everything scores above zero");
        }
        assertFalse(q.explanationHtml() == null || q.explanationHtml().in("en").isBlank(), id + "/" + q.id() + " has no explanation");
        assertFalse(q.source() == null || q.source().in("en").isBlank(), id + "/" + q.id() + " names no source");
      }
    }
  }

  @Test
  @DisplayName("every module is wholly in French: overview, every lesson, every question with its options, feedback and explanation, every exercise")
  void french() {
    for (String id : MODULES) {
      Module m = module(id);
      assertEquals("fr", m.title().languageFor("fr"), id + " has no French title");
      assertEquals("fr", m.summary().languageFor("fr"), id + " has no French summary");
      assertFalse(m.title().in("fr").equals(m.title().in("en")), id + "'s French title is the English one");
      assertEquals("fr", m.overviewHtml().languageFor("fr"), id + " has no French overview");
      assertFalse(m.overviewHtml().in("fr").matches("(?s).*(sont en anglais|est en anglais|en anglais seulement).*"),
          id + "'s French overview still says part of it is in English");
      for (Lesson lesson : m.lessons()) {
        assertEquals("fr", lesson.html().languageFor("fr"), id + "/" + lesson.id() + " is not in French");
        assertEquals("fr", lesson.title().languageFor("fr"), id + "/" + lesson.id() + "'s title is not in French");
      }
      Quiz quiz = m.quiz().orElseThrow();
      for (Quiz.Question q : quiz.questions()) {
        String where = id + "/" + q.id();
        assertEquals("fr", q.promptHtml().languageFor("fr"), where + " is not in French");
        assertEquals("fr", q.explanationHtml().languageFor("fr"), where + "'s explanation is not in French");
        assertTrue(q.scenarioHtml() == null || q.scenarioHtml().has("fr"), where + "'s situation is not in French");
        for (Quiz.Option o : q.options()) {
          assertTrue(o.html().has("fr"), where + ": an option is not in French");
          assertTrue(o.feedbackHtml() == null || o.feedbackHtml().has("fr"), where + ": an option's feedback is not in French");
        }
      }
      for (Exercise e : m.exercises()) {
        String where = id + "/exercises/" + e.id();
        assertTrue(e.title().has("fr") && e.debriefHtml().has("fr") && (e.notesHtml() == null || e.notesHtml().has("fr")), where);
        for (Exercise.Passage p : e.passages()) {
          assertTrue(p.html().has("fr"), where + "#" + p.id() + " is not in French");
          assertTrue(p.choices().stream().allMatch(c -> c.html().has("fr")), where + "#" + p.id() + ": a choice is not in French");
        }
      }
      // the languages a module is offered in (catalogue, assignment form) are those it is whole in
      assertEquals(List.of("en", "fr"), m.languages(), id);
    }
  }

  @Test
  @DisplayName("each French quiz asks the English questions, by the same ids in the same order, as the files are written")
  void frenchQuestionIds() throws java.io.IOException {
    java.util.regex.Pattern heading = java.util.regex.Pattern.compile("(?m)^## Question:\\s*(\\S+)\\s*$");
    for (String id : MODULES) {
      List<String> en = heading.matcher(java.nio.file.Files.readString(COURSES.resolve(id).resolve("quiz.md")))
          .results().map(r -> r.group(1)).toList();
      List<String> fr = heading.matcher(java.nio.file.Files.readString(COURSES.resolve(id).resolve("quiz.fr.md")))
          .results().map(r -> r.group(1)).toList();
      assertEquals(en, fr, id);
      assertEquals(en, module(id).quiz().orElseThrow().questions().stream().map(Quiz.Question::id).toList(), id);
    }
  }

  @Test
  @DisplayName("every module has a branching exercise with an ending reached in at least two ways, a debrief and facilitator notes")
  void exercises() {
    for (String id : MODULES) {
      Module m = module(id);
      assertFalse(m.exercises().isEmpty(), id + " has no exercise");
      for (Exercise e : m.exercises()) {
        String where = id + "/exercises/" + e.id();
        assertTrue(e.passages().size() >= 7, where + " has " + e.passages().size() + " passages");
        assertTrue(e.passages().stream().filter(Exercise.Passage::ending).count() >= 3, where + " has fewer than 3 endings");
        assertTrue(e.start().choices().size() >= 2, where + " starts with no real choice");
        assertFalse(e.debriefHtml().in("en").isBlank(), where + " has no debrief");
        assertTrue(e.notesHtml() != null && !e.notesHtml().in("en").isBlank(), where + " has no facilitator notes");
      }
    }
  }

  @Test
  @DisplayName("every quiz is at least one third scenarios, with a military and a police scenario among them")
  void tracksAndScenarios() {
    for (String id : MODULES) {
      List<Quiz.Question> questions = module(id).quiz().orElseThrow().questions();
      List<Quiz.Question> scenarios = questions.stream().filter(q -> q.type() == Quiz.Type.SCENARIO).toList();
      assertTrue(3 * scenarios.size() >= questions.size(), id + ": " + scenarios.size() + " scenarios of " + questions.size());
      for (Track track : List.of(Track.MILITARY, Track.POLICE)) {
        assertTrue(scenarios.stream().anyMatch(q -> q.track() == track), id + " has no " + track.keyword() + " scenario");
      }
    }
  }

  @Test
  @DisplayName("the child protection module and the PoC use-of-force lesson are there, with the facts the issue names")
  void newContent() {
    Module child = module("child-protection");
    String all = child.lessons().stream().map(l -> l.html().in("en")).reduce("", String::concat);
    for (String fact : List.of("1612", "1261", "Paris Principles", "Vancouver Principles", "child protection adviser")) {
      assertTrue(all.toLowerCase(java.util.Locale.ROOT).contains(fact.toLowerCase(java.util.Locale.ROOT)), "child protection never names " + fact);
    }
    assertTrue(child.lessons().size() >= 4 && child.lessons().size() <= 6, "child protection has " + child.lessons().size() + " lessons");
    assertTrue(all.contains("/modules/gender-based-violence/"), "child protection does not link to the GBV rule for child survivors");
    Module poc = module("protection-of-civilians");
    assertTrue(poc.lesson("use-of-force").isPresent(), "PoC has no use-of-force lesson");
  }

  @Test
  @DisplayName("the GBV module opens with a content note and a link to skip to the next lesson")
  void contentNote() {
    Module m = module("gender-based-violence");
    for (String lang : List.of("en", "fr")) {
      String first = m.lessons().get(0).html().in(lang);
      String next = "/modules/gender-based-violence/" + m.lessons().get(1).id();
      int note = first.indexOf("<blockquote>");
      assertTrue(note >= 0 && note < 200, "the first lesson (" + lang + ") must open with the content note: " + first.substring(0, 300));
      assertTrue(first.contains("href=\"" + next + "\""), "no link to skip to " + next + " (" + lang + ")");
      assertTrue(m.overviewHtml().in(lang).contains("<blockquote>"), "the overview (" + lang + ") has no content note");
    }
  }

  /** The five source documents, by the titles in the seed index. */
  private static boolean isSeedTitle(String source) {
    return source.contains("Global Network of R2P Focal Points") || source.contains("South-South Cooperation")
        || source.contains("Strengthening State Resilience");
  }
}
