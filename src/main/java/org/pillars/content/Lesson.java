package org.pillars.content;

/**
 * One lesson of a module, its Markdown already rendered to safe HTML in each language; {@code track} is null for a
 * lesson meant for everyone.
 */
public record Lesson(String id, int number, Localized<String> title, int minutes, Localized<String> html, Track track) {

  public Lesson(String id, int number, Localized<String> title, int minutes, Localized<String> html) {
    this(id, number, title, minutes, html, null);
  }
}
