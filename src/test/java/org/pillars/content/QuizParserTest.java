package org.pillars.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class QuizParserTest {

  private final CourseLoader loader = new CourseLoader(new MarkdownRenderer());

  @Test
  @DisplayName("a quiz in Markdown loads with its pass mark, attempt limit, four question types and French texts")
  void loadsQuiz() {
    Quiz quiz = loader.load(Path.of("src/test/resources/courses/good")).module("alpha").orElseThrow().quiz().orElseThrow();

    assertEquals(75, quiz.passMark());
    assertEquals(3, quiz.maxAttempts());
    assertEquals(List.of("host-state", "tiers", "mandate-not-r2p", "checkpoint"),
        quiz.questions().stream().map(Quiz.Question::id).toList());
    assertEquals(List.of(Quiz.Type.SINGLE, Quiz.Type.MULTIPLE, Quiz.Type.TRUE_FALSE, Quiz.Type.SCENARIO),
        quiz.questions().stream().map(Quiz.Question::type).toList());

    Quiz.Question single = quiz.questions().get(0);
    assertEquals(List.of(false, true, false), single.options().stream().map(Quiz.Option::correct).toList());
    assertEquals("The host state", single.options().get(1).html().in("en"));
    assertEquals("L’État hôte", single.options().get(1).html().in("fr"));
    assertTrue(single.options().get(1).feedbackHtml().in("en").contains("Right: the state has the first duty."));
    assertNull(single.options().get(2).feedbackHtml(), "feedback is optional outside scenarios");
    assertTrue(single.explanationHtml().in("en").contains("primary responsibility"));
    assertEquals("Fixture source document, 2015", single.source().in("en"));
    assertTrue(single.promptHtml().in("fr").contains("Qui a la responsabilité première"));

    assertEquals(3, quiz.questions().get(1).correctCount());
    Quiz.Question scenario = quiz.questions().get(3);
    assertTrue(scenario.scenarioHtml().in("en").contains("armed men are gathering"), scenario.scenarioHtml().in("en"));
    assertTrue(scenario.options().stream().allMatch(o -> o.feedbackHtml() != null));
    assertTrue(quiz.introHtml().in("en").contains("Check what you learned"));
  }

  @Test
  @DisplayName("every authoring mistake in a quiz is reported at its line")
  void reportsQuizMistakes() {
    Catalog catalog = loader.load(Path.of("src/test/resources/courses/quizzes"));
    List<String> lines = catalog.problems().stream()
        .map(p -> p.file().getFileName() + ":" + p.line() + ": " + p.message()).toList();
    String all = lines.stream().collect(Collectors.joining("\n"));

    List<String> expected = List.of(
        "quiz.md:4: unknown field 'shuffle'",
        "quiz.md:7: no correct option",
        "quiz.md:24: 2 correct options in a single question",
        "quiz.md:29: duplicate question id 'no-correct'",
        "quiz.md:42: unknown field 'Points'",
        "quiz.md:47: empty option",
        "quiz.md:52: missing 'Source:'",
        "quiz.md:61: every option of a scenario question needs an indented 'Feedback:'",
        "quiz.md:65: question id 'Bad_Id' must be lowercase",
        "quiz.md:65: missing 'Explanation:'",
        "quiz.md:65: missing 'Source:'",
        "quiz.md:66: unknown type 'essay'");
    assertEquals(expected.size(), lines.size(), all);
    for (int i = 0; i < expected.size(); i++) {
      assertTrue(lines.get(i).startsWith(expected.get(i)), "expected " + expected.get(i) + " in\n" + all);
    }
    assertTrue(catalog.modules().isEmpty(), "a module with a broken quiz is not served");
  }

  @Test
  @DisplayName("a French quiz whose answers differ from the English one is refused")
  void translationMustMatch() throws Exception {
    Path dir = java.nio.file.Files.createTempDirectory("quiz-fr");
    Path module = dir.resolve("alpha");
    java.nio.file.Files.createDirectories(module);
    Path good = Path.of("src/test/resources/courses/good/alpha");
    for (String f : List.of("module.md", "01-first.md", "quiz.md")) {
      java.nio.file.Files.copy(good.resolve(f), module.resolve(f));
    }
    String fr = java.nio.file.Files.readString(good.resolve("quiz.fr.md"))
        .replace("- [ ] La mission de maintien de la paix", "- [x] La mission de maintien de la paix")
        .replace("- [x] L’État hôte", "- [ ] L’État hôte");
    java.nio.file.Files.writeString(module.resolve("01-first.md"), java.nio.file.Files.readString(module.resolve("01-first.md"))
        .replace("(02-second.md#part-two)", "(01-first.md)"));
    java.nio.file.Files.writeString(module.resolve("quiz.fr.md"), fr);

    Catalog catalog = loader.load(dir);
    String all = catalog.problems().toString();
    assertTrue(all.contains("quiz.fr.md:11: option 1 is right here but not in English"), all);
    assertTrue(all.contains("quiz.fr.md:13: option 2 is wrong here but not in English"), all);
    assertEquals(2, catalog.problems().size(), all);
  }
}
