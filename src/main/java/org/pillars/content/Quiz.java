package org.pillars.content;

import java.util.List;
import java.util.Optional;

/**
 * A module's quiz as authored in quiz.md: the pass mark in percent, how many attempts a learner has
 * (0: no limit) and the questions. Texts are safe HTML per language; options are identified by their
 * position, which is stable within a module version.
 */
public record Quiz(int passMark, int maxAttempts, Localized<String> introHtml, List<Question> questions) {

  public Quiz {
    questions = List.copyOf(questions);
  }

  public Optional<Question> question(String id) {
    return questions.stream().filter(q -> q.id().equals(id)).findFirst();
  }

  public enum Type {
    SINGLE("single"), MULTIPLE("multiple"), TRUE_FALSE("true-false"), SCENARIO("scenario");

    private final String keyword;

    Type(String keyword) {
      this.keyword = keyword;
    }

    public String keyword() {
      return keyword;
    }

    /** True when exactly one option is right, so the page offers radio buttons. */
    public boolean singleAnswer() {
      return this != MULTIPLE;
    }

    static Optional<Type> of(String keyword) {
      for (Type t : values()) {
        if (t.keyword.equalsIgnoreCase(keyword.strip())) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }
  }

  public record Question(String id, Type type, Localized<String> scenarioHtml, Localized<String> promptHtml,
                         List<Option> options, Localized<String> explanationHtml, Localized<String> source) {

    public Question {
      options = List.copyOf(options);
    }

    public long correctCount() {
      return options.stream().filter(Option::correct).count();
    }
  }

  /** One answer option; {@code feedbackHtml} may be null when the author wrote none. */
  public record Option(Localized<String> html, boolean correct, Localized<String> feedbackHtml) { }
}
