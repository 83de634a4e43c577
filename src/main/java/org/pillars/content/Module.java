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
    boolean conduct) {

  public Module {
    lessons = List.copyOf(lessons);
  }

  /**
   * The languages the whole module can be taken in: English, and each other language in which its overview, every
   * lesson and every quiz question are written. A module with only a French overview is not taken in French.
   */
  public List<String> languages() {
    List<String> all = new java.util.ArrayList<>(List.of(Localized.DEFAULT_LANGUAGE));
    for (String language : List.of("fr")) {
      boolean whole = overviewHtml.has(language) && lessons.stream().allMatch(l -> l.html().has(language))
          && quiz.map(q -> q.questions().stream().allMatch(question -> question.promptHtml().has(language))).orElse(true);
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
