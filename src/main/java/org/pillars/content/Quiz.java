package org.pillars.content;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A module's quiz as authored in quiz.md: the pass mark in percent, how many attempts a learner has
 * (0: no limit), the questions, and how each attempt asks them ({@link Selection}). Texts are safe HTML per
 * language; options are identified by their position as authored, which is stable within a module version (a
 * shuffled attempt shows them in another order, and still names them by that position).
 */
public record Quiz(int passMark, int maxAttempts, Localized<String> introHtml, List<Question> questions, Selection selection) {

  public Quiz {
    questions = List.copyOf(questions);
  }

  /** A quiz that asks every question, in the order written. */
  public Quiz(int passMark, int maxAttempts, Localized<String> introHtml, List<Question> questions) {
    this(passMark, maxAttempts, introHtml, questions, Selection.ALL);
  }

  /**
   * How each attempt asks the questions: in another order ({@code shuffleQuestions}), each with its options in another
   * order ({@code shuffleOptions}; never a true-false question's), and only {@code draw} of them (0: all).
   */
  public record Selection(boolean shuffleQuestions, boolean shuffleOptions, int draw) {
    public static final Selection ALL = new Selection(false, false, 0);

    /** Whether two attempts may be asked differently. */
    public boolean varies() {
      return shuffleQuestions || shuffleOptions || draw > 0;
    }
  }

  /**
   * The questions one attempt asks, by id in the order shown, and each one's options by their authored position in
   * the order shown. Stored with the attempt: grading, feedback and item analysis stay keyed on question ids.
   */
  public record Drawn(List<String> questions, Map<String, List<Integer>> options) {
    public Drawn {
      questions = List.copyOf(questions);
      options = Map.copyOf(options);
    }

    /** The display order of a question's options (as authored when it has none of its own). */
    public List<Integer> order(Question q) {
      List<Integer> order = options.get(q.id());
      return order != null ? order : java.util.stream.IntStream.range(0, q.options().size()).boxed().toList();
    }
  }

  /** Every question in the order written, each option in its place: what a quiz that does not vary asks. */
  public Drawn everything() {
    return new Drawn(questions.stream().map(Question::id).toList(), Map.of());
  }

  /**
   * The questions and orders an attempt asks, from {@code seed}: the same seed always draws the same, on any server
   * ({@link Random}'s sequence is fixed by its specification). A quiz that does not vary asks {@link #everything}.
   */
  public Drawn draw(long seed) {
    if (!selection.varies()) {
      return everything();
    }
    Random random = new Random(mix(seed));
    List<Integer> picked = new ArrayList<>(java.util.stream.IntStream.range(0, questions.size()).boxed().toList());
    Collections.shuffle(picked, random);
    int n = selection.draw() == 0 ? questions.size() : Math.min(selection.draw(), questions.size());
    picked = new ArrayList<>(picked.subList(0, n));
    if (!selection.shuffleQuestions()) {
      Collections.sort(picked);
    }
    List<String> ids = new ArrayList<>();
    Map<String, List<Integer>> options = new LinkedHashMap<>();
    for (int i : picked) {
      Question q = questions.get(i);
      ids.add(q.id());
      if (selection.shuffleOptions() && q.type() != Type.TRUE_FALSE) {
        List<Integer> order = new ArrayList<>(java.util.stream.IntStream.range(0, q.options().size()).boxed().toList());
        Collections.shuffle(order, random);
        options.put(q.id(), order);
      }
    }
    return new Drawn(ids, options);
  }

  /**
   * Spreads a seed over all 64 bits (the SplitMix64 finaliser): {@link Random}'s first values from nearby seeds are
   * nearly the same, which would make nearby seeds draw alike.
   */
  private static long mix(long seed) {
    long z = seed + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The quiz as one attempt asks it: the questions drawn, in the order shown (each option still at its authored
   * position); what grading and the result work on. Empty if a question drawn is not in this quiz.
   */
  public Optional<Quiz> asked(Drawn drawn) {
    List<Question> asked = new ArrayList<>();
    for (String id : drawn.questions()) {
      Optional<Question> q = question(id);
      if (q.isEmpty()) {
        return Optional.empty();
      }
      asked.add(q.get());
    }
    return Optional.of(new Quiz(passMark, maxAttempts, introHtml, asked, selection));
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

  /** One question; {@code track} is null for a question meant for everyone. */
  public record Question(String id, Type type, Localized<String> scenarioHtml, Localized<String> promptHtml,
                         List<Option> options, Localized<String> explanationHtml, Localized<String> source, Track track) {

    /** A question for everyone ({@code track} null). */
    public Question(String id, Type type, Localized<String> scenarioHtml, Localized<String> promptHtml,
        List<Option> options, Localized<String> explanationHtml, Localized<String> source) {
      this(id, type, scenarioHtml, promptHtml, options, explanationHtml, source, null);
    }

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
