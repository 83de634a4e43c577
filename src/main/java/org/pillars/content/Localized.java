package org.pillars.content;

import java.util.Map;

/**
 * A value in each language it was written in. English is always present: it is what a reader gets
 * when their language has no translation.
 */
public record Localized<T>(Map<String, T> byLanguage) {

  public static final String DEFAULT_LANGUAGE = "en";

  public Localized {
    if (!byLanguage.containsKey(DEFAULT_LANGUAGE)) {
      throw new IllegalArgumentException("an English value is required");
    }
    byLanguage = Map.copyOf(byLanguage);
  }

  public T in(String language) {
    T value = byLanguage.get(language);
    return value != null ? value : byLanguage.get(DEFAULT_LANGUAGE);
  }

  /** Whether it was written in {@code language}. */
  public boolean has(String language) {
    return byLanguage.containsKey(language);
  }

  /** The language actually used for {@code language}: itself when translated, English otherwise. */
  public String languageFor(String language) {
    return byLanguage.containsKey(language) ? language : DEFAULT_LANGUAGE;
  }
}
