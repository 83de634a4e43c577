package org.pillars.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pillars.support.TestApp;
import org.pillars.support.Trees;

/** Quiz sets: the front matter that asks for them, and what each attempt draws. Fixture alpha's quiz has 4 questions. */
class QuizDrawTest {

  @TempDir
  Path courses;

  private final CourseLoader loader = new CourseLoader(new MarkdownRenderer());

  /** Alpha with {@code fields} added to the front matter of quiz.md (and {@code french} to quiz.fr.md's). */
  private Catalog alphaWith(String fields, String french) throws IOException {
    Path root = Files.createTempDirectory(courses, "courses");
    Trees.copy(Path.of(TestApp.GOOD_COURSES), root);
    for (String[] f : List.of(new String[] {"quiz.md", fields}, new String[] {"quiz.fr.md", french})) {
      Path quiz = root.resolve("alpha").resolve(f[0]);
      Files.writeString(quiz, Files.readString(quiz).replaceFirst("---\n", "---\n" + f[1]));
    }
    return loader.load(root);
  }

  private static List<String> problems(Catalog c) {
    return c.problems().stream().map(p -> p.file().getFileName() + ":" + p.line() + ": " + p.message()).toList();
  }

  @Test
  @DisplayName("the front matter takes shuffle_questions, shuffle_options and draw; each mistake is reported at its line")
  void frontMatter() throws IOException {
    Quiz quiz = alphaWith("shuffle_questions: true\nshuffle_options: true\ndraw: 2\n", "draw: 2\n").module("alpha").orElseThrow()
        .quiz().orElseThrow();
    assertEquals(new Quiz.Selection(true, true, 2), quiz.selection());

    assertEquals(List.of("quiz.md:2: 'shuffle_options' must be true or false, got 'yes'"),
        problems(alphaWith("shuffle_options: yes\n", "")));
    assertTrue(problems(alphaWith("draw: 5\n", "")).get(0).startsWith("quiz.md:2: 'draw' asks 5 questions but the quiz has 4"),
        problems(alphaWith("draw: 5\n", "")).toString());
    assertEquals(List.of("quiz.md:2: 'draw' must be a whole number from 1 to 100, got '0'"), problems(alphaWith("draw: 0\n", "")));
    assertEquals(List.of("quiz.fr.md:1: draw is 3 here but 2 in the English quiz"), problems(alphaWith("draw: 2\n", "draw: 3\n")));
    assertEquals(List.of("quiz.fr.md:1: shuffle_questions is true here but false in the English quiz"),
        problems(alphaWith("", "shuffle_questions: true\n")));
    Quiz all = alphaWith("draw: 4\n", "").module("alpha").orElseThrow().quiz().orElseThrow();
    assertFalse(all.selection().varies(), "drawing every question in the order written varies nothing");
  }

  @Test
  @DisplayName("a draw: N distinct questions, options a permutation (never a true-false question's), the same for the same seed, and asked as drawn")
  void draws() throws IOException {
    Quiz quiz = alphaWith("shuffle_questions: true\nshuffle_options: true\ndraw: 2\n", "").module("alpha").orElseThrow()
        .quiz().orElseThrow();
    Set<List<String>> seen = new HashSet<>();
    for (long seed = 0; seed < 200; seed++) {
      Quiz.Drawn d = quiz.draw(seed);
      assertEquals(d, quiz.draw(seed), "the same seed draws the same");
      assertEquals(2, d.questions().size());
      assertEquals(2, new HashSet<>(d.questions()).size(), "no question twice");
      for (String id : d.questions()) {
        Quiz.Question q = quiz.question(id).orElseThrow();
        List<Integer> order = d.order(q);
        assertEquals(new TreeSet<>(java.util.stream.IntStream.range(0, q.options().size()).boxed().toList()), new TreeSet<>(order));
        if (q.type() == Quiz.Type.TRUE_FALSE) {
          assertEquals(List.of(0, 1), order, "True stays before False");
        }
      }
      Quiz asked = quiz.asked(d).orElseThrow();
      assertEquals(d.questions(), asked.questions().stream().map(Quiz.Question::id).toList());
      seen.add(d.questions());
    }
    assertEquals(12, seen.size(), "every ordered pair of the 4 questions comes up in 200 draws");

    Quiz inOrder = alphaWith("draw: 3\n", "").module("alpha").orElseThrow().quiz().orElseThrow();
    List<String> written = List.of("host-state", "tiers", "mandate-not-r2p", "checkpoint");
    for (long seed = 0; seed < 50; seed++) {
      List<String> drawn = inOrder.draw(seed).questions();
      assertEquals(written.stream().filter(drawn::contains).toList(), drawn, "without shuffle_questions, in the order written");
      assertTrue(inOrder.draw(seed).options().isEmpty(), "and options in place");
    }
    Quiz plain = loader.load(Path.of(TestApp.GOOD_COURSES)).module("alpha").orElseThrow().quiz().orElseThrow();
    assertEquals(written, plain.draw(42).questions(), "a quiz that does not vary asks everything");
  }

  @Test
  @DisplayName("the selection survives being stored as a version, and so does a draw stored with an attempt")
  void storedAndReadBack() throws IOException {
    Quiz quiz = alphaWith("shuffle_options: true\ndraw: 3\n", "").module("alpha").orElseThrow().quiz().orElseThrow();
    assertEquals(quiz.selection(), ModuleCodec.quizFromJson(ModuleCodec.quizToJson(quiz)).selection());
    Quiz.Drawn d = quiz.draw(7);
    assertEquals(d, ModuleCodec.drawnFromJson(ModuleCodec.drawnToJson(d)));
  }
}
