package org.pillars.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MessagesTest {

  private final Messages messages = new Messages(List.of("en", "fr"));

  @Test
  @DisplayName("English and French bundles have exactly the same keys")
  void sameKeys() {
    assertEquals(new TreeSet<>(messages.keys("en")), new TreeSet<>(messages.keys("fr")));
  }

  @Test
  @DisplayName("every {{t \"key\"}} in the templates exists in both bundles")
  void templatesUseKnownKeys() throws IOException {
    Pattern use = Pattern.compile("\\{\\{t \"([a-zA-Z0-9.]+)\"");
    Set<String> used = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/resources/templates"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".hbs")).toList()) {
        Matcher m = use.matcher(Files.readString(f));
        while (m.find()) {
          used.add(m.group(1));
        }
      }
    }
    assertTrue(used.size() > 10, "found the template keys: " + used);
    for (String key : used) {
      assertTrue(messages.keys("en").contains(key), "missing in English: " + key);
      assertTrue(messages.keys("fr").contains(key), "missing in French: " + key);
    }
  }

  @Test
  @DisplayName("every message of both bundles formats with numbers for its arguments (a bad plural pattern fails here, not on a page)")
  void everyMessageFormats() {
    Object[] args = {2, 3, 4, 5, 6, 7};
    for (String lang : List.of("en", "fr")) {
      for (String key : messages.keys(lang)) {
        try {
          messages.get(lang, key, args);
        } catch (RuntimeException e) {
          throw new AssertionError(lang + " " + key + ": " + e.getMessage(), e);
        }
      }
    }
  }

  @Test
  @DisplayName("messages format numbers and plurals per language")
  void formats() {
    assertEquals("1 lesson", messages.get("en", "module.lessons", 1));
    assertEquals("3 leçons", messages.get("fr", "module.lessons", 3));
    assertEquals("Lesson 2 of 5", messages.get("en", "lesson.position", 2, 5));
    // a day on a page is written in words, the reader's way, never as an ISO date that wraps on a phone
    assertEquals("1 janvier 2099", Dates.day(java.time.LocalDate.of(2099, 1, 1), "fr"));
    assertEquals("January 1, 2099", Dates.day(java.time.LocalDate.of(2099, 1, 1), "en"));
    // French agreement: 0 and 1 take the singular, 2 and more the plural; no "(s)"
    assertEquals("1 leçon lue sur 3", messages.get("fr", "home.lessonsRead", 1, 3));
    assertEquals("0 leçon lue sur 3", messages.get("fr", "home.lessonsRead", 0, 3));
    assertEquals("2 leçons sur 3 marquées comme lues", messages.get("fr", "module.readCount", 2, 3));
    assertEquals("Importé : 1 nouveau, 0 mis à jour, 2 inchangés ; 3 ajoutés à cette cohorte.", messages.get("fr", "import.done", 1, 0, 2, 3));
    for (String lang : List.of("fr")) {
      for (String key : messages.keys(lang)) {
        assertFalse(messages.get(lang, key).matches("(?s).*\\p{L}\\((s|e|x|es)\\).*"), key + " writes a plural as '(s)': " + messages.get(lang, key));
      }
    }
    // the readiness sign-off when nobody is ready reads as a sentence in both languages
    assertTrue(messages.get("en", "readiness.certify", 0, "1st battalion", "2026-12-06", 3)
        .startsWith("I certify that no one of 1st battalion is marked Ready above, as of 2026-12-06; the 3 people listed"));
    assertTrue(messages.get("fr", "readiness.certify", 0, "1er bataillon", "2026-12-06", 3)
        .startsWith("Je certifie, en date du 2026-12-06, qu’aucune personne de l’organisation « 1er bataillon » n’est indiquée « Prêt » ci-dessus ;"));
  }
}
