package org.pillars.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.pillars.content.CourseLoader;
import org.pillars.core.Invalid;
import org.pillars.content.MarkdownRenderer;
import org.pillars.content.Quiz;

/** Grading the fixture quiz: host-state (right: 1), tiers (right: 0, 1, 3), mandate-not-r2p (right: 1), checkpoint (right: 0). */
class GradingTest {

  private static final Quiz QUIZ = new CourseLoader(new MarkdownRenderer()).load(Path.of("src/test/resources/courses/good"))
      .module("alpha").orElseThrow().quiz().orElseThrow();

  @Test
  @DisplayName("all right scores 100 and passes")
  void allRight() {
    Grading.Result r = Grading.grade(QUIZ, Map.of("host-state", List.of(1), "tiers", List.of(0, 1, 3),
        "mandate-not-r2p", List.of(1), "checkpoint", List.of(0)));
    assertEquals(100, r.score());
    assertTrue(r.passed());
    assertTrue(r.verdicts().stream().allMatch(Grading.Verdict::correct));
  }

  @Test
  @DisplayName("a partly right multiple-select answer earns part of the point")
  void partialMultiple() {
    Grading.Result twoOfThree = Grading.grade(QUIZ, Map.of("tiers", List.of(0, 1)));
    assertEquals(2.0 / 3, twoOfThree.verdicts().get(1).points(), 1e-9);
    assertFalse(twoOfThree.verdicts().get(1).correct());
    assertEquals(16, twoOfThree.score(), "(2/3) / 4 questions = 16.67 %, rounded down");

    Grading.Result withWrong = Grading.grade(QUIZ, Map.of("tiers", List.of(0, 1, 2)));
    assertEquals(1.0 / 3, withWrong.verdicts().get(1).points(), 1e-9, "a wrong tick takes back one right one");

    Grading.Result everything = Grading.grade(QUIZ, Map.of("tiers", List.of(0, 1, 2, 3)));
    assertEquals(2.0 / 3, everything.verdicts().get(1).points(), 1e-9);
    Grading.Result onlyWrong = Grading.grade(QUIZ, Map.of("tiers", List.of(2)));
    assertEquals(0.0, onlyWrong.verdicts().get(1).points(), "never below zero");
  }

  @Test
  @DisplayName("the pass mark is inclusive: 75 % passes a 75 % quiz, less does not")
  void passMark() {
    Grading.Result three = Grading.grade(QUIZ, Map.of("host-state", List.of(1), "tiers", List.of(0, 1, 3),
        "mandate-not-r2p", List.of(1), "checkpoint", List.of(2)));
    assertEquals(75, three.score());
    assertTrue(three.passed());
    Grading.Result less = Grading.grade(QUIZ, Map.of("host-state", List.of(1), "tiers", List.of(0, 1),
        "mandate-not-r2p", List.of(1), "checkpoint", List.of(2)));
    assertEquals(66, less.score());
    assertFalse(less.passed());
  }

  @Test
  @DisplayName("unanswered questions score nothing")
  void unanswered() {
    Grading.Result r = Grading.grade(QUIZ, Map.of());
    assertEquals(0, r.score());
    assertTrue(r.verdicts().stream().allMatch(v -> v.chosen().isEmpty() && !v.correct()));
  }

  @Test
  @DisplayName("answers that do not fit the quiz are refused as invalid (a 400), not a crash")
  void badAnswers() {
    assertThrows(Invalid.class, () -> Grading.grade(QUIZ, Map.of("nope", List.of(0))));
    assertThrows(Invalid.class, () -> Grading.grade(QUIZ, Map.of("host-state", List.of(7))));
    assertThrows(Invalid.class, () -> Grading.grade(QUIZ, Map.of("host-state", List.of(-1))));
    assertThrows(Invalid.class, () -> Grading.grade(QUIZ, Map.of("host-state", List.of(0, 1))));
  }

  @Test
  @DisplayName("a result survives the trip through its stored JSON")
  void jsonRoundTrip() {
    Grading.Result r = Grading.grade(QUIZ, Map.of("tiers", List.of(0, 2), "host-state", List.of(1)));
    assertEquals(r, Grading.Result.fromJson(r.toJson()));
  }
}
