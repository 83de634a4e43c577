package org.pillars.content;

import java.util.List;
import java.util.Optional;

/**
 * A training module as authored under courses/, ready to serve. {@code conduct}: a conduct and discipline module,
 * which the UN asks troop- and police-contributing countries to certify apart (readiness shows it in a column).
 */
public record Module(
    String id,
    Localized<String> title,
    Localized<String> summary,
    Localized<String> audience,
    int minutes,
    int version,
    Localized<List<String>> objectives,
    Localized<List<String>> sources,
    Localized<String> overviewHtml,
    List<Lesson> lessons,
    Optional<Quiz> quiz,
    boolean conduct,
    List<Exercise> exercises) {

  public Module {
    lessons = List.copyOf(lessons);
    exercises = List.copyOf(exercises);
  }

  public Module(String id, Localized<String> title, Localized<String> summary, Localized<String> audience, int minutes,
      int version, Localized<List<String>> objectives, Localized<List<String>> sources, Localized<String> overviewHtml,
      List<Lesson> lessons, Optional<Quiz> quiz, boolean conduct) {
    this(id, title, summary, audience, minutes, version, objectives, sources, overviewHtml, lessons, quiz, conduct, List.of());
  }

  public Optional<Exercise> exercise(String exerciseId) {
    return exercises.stream().filter(e -> e.id().equals(exerciseId)).findFirst();
  }

  /**
   * What a reader on {@code track} sees first: what is written for their track, then what is for everyone, then the
   * other tracks, each part in its authored order. With no track, the authored order.
   */
  public static <T> List<T> trackFirst(List<T> items, java.util.function.Function<T, Track> trackOf, Track track) {
    if (track == null) {
      return items;
    }
    List<T> ordered = new java.util.ArrayList<>();
    items.stream().filter(i -> trackOf.apply(i) == track).forEach(ordered::add);
    items.stream().filter(i -> trackOf.apply(i) == null).forEach(ordered::add);
    items.stream().filter(i -> trackOf.apply(i) != null && trackOf.apply(i) != track).forEach(ordered::add);
    return List.copyOf(ordered);
  }

  /**
   * The languages the whole module can be taken in: English, and each other language in which its overview, every
   * lesson, every quiz question and every exercise are written. A module with only a French overview is not taken in French.
   */
  public List<String> languages() {
    List<String> all = new java.util.ArrayList<>(List.of(Localized.DEFAULT_LANGUAGE));
    for (String language : List.of("fr")) {
      boolean whole = overviewHtml.has(language) && lessons.stream().allMatch(l -> l.html().has(language))
          && quiz.map(q -> q.questions().stream().allMatch(question -> question.promptHtml().has(language))).orElse(true)
          && exercises.stream().allMatch(e -> e.start().html().has(language));
      if (whole) {
        all.add(language);
      }
    }
    return List.copyOf(all);
  }

  public Optional<Lesson> lesson(String lessonId) {
    return lessons.stream().filter(l -> l.id().equals(lessonId)).findFirst();
  }
}
