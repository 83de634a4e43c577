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

/** The real curriculum in courses/: the six modules, each complete enough to teach and to certify. */
class CurriculumTest {

  static final List<String> MODULES = List.of("protection-of-civilians", "gender-based-violence", "incitement-contingency-planning",
      "framework-of-analysis", "responsibility-to-protect", "security-sector-reform");
  /** Modules taught wholly in French too: every lesson and the quiz. */
  static final List<String> FULLY_FRENCH = List.of("protection-of-civilians", "gender-based-violence");
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
  @DisplayName("the validator passes on all of courses/, which holds exactly the six modules")
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
      assertTrue(sources.stream().anyMatch(CurriculumTest::isSeedTitle), id + " cites no source document by title: " + sources);
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
  @DisplayName("modules 1 and 2 are wholly in French; the others have at least a French title and summary")
  void french() {
    for (String id : MODULES) {
      Module m = module(id);
      assertEquals("fr", m.title().languageFor("fr"), id + " has no French title");
      assertEquals("fr", m.summary().languageFor("fr"), id + " has no French summary");
      assertFalse(m.title().in("fr").equals(m.title().in("en")), id + "'s French title is the English one");
    }
    for (String id : FULLY_FRENCH) {
      Module m = module(id);
      for (Lesson lesson : m.lessons()) {
        assertEquals("fr", lesson.html().languageFor("fr"), id + "/" + lesson.id() + " is not in French");
      }
      Quiz quiz = m.quiz().orElseThrow();
      assertEquals("fr", quiz.questions().get(0).promptHtml().languageFor("fr"), id + "'s quiz is not in French");
      for (Quiz.Question q : quiz.questions()) {
        assertEquals("fr", q.promptHtml().languageFor("fr"), id + "/" + q.id() + " is not in French");
        assertEquals("fr", q.explanationHtml().languageFor("fr"), id + "/" + q.id() + "'s explanation is not in French");
      }
    }
    // the languages a module is offered in (catalogue, assignment form) are those it is whole in
    for (String id : MODULES) {
      assertEquals(FULLY_FRENCH.contains(id) ? List.of("en", "fr") : List.of("en"), module(id).languages(), id);
    }
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
