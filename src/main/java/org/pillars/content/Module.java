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

  public Optional<Lesson> lesson(String lessonId) {
    return lessons.stream().filter(l -> l.id().equals(lessonId)).findFirst();
  }
}
