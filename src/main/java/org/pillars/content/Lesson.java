package org.pillars.content;

/** One lesson of a module, its Markdown already rendered to safe HTML in each language. */
public record Lesson(String id, int number, Localized<String> title, int minutes, Localized<String> html) {
}
