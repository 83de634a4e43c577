package org.pillars.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CourseLoaderTest {

  private static final Path GOOD = Path.of("src/test/resources/courses/good");
  private static final Path MIXED = Path.of("src/test/resources/courses/mixed");
  private static final Path LINKS = Path.of("src/test/resources/courses/links");
  private final CourseLoader loader = new CourseLoader(new MarkdownRenderer());

  @Test
  @DisplayName("good modules load with their front matter, lessons in file order and French versions")
  void loadsGoodModules() {
    Catalog catalog = loader.load(GOOD);

    assertEquals(List.of(), catalog.problems());
    assertEquals(List.of("alpha", "beta"), catalog.modules().stream().map(Module::id).toList());
    Module alpha = catalog.module("alpha").orElseThrow();
    assertEquals("Alpha module", alpha.title().in("en"));
    assertEquals("Module alpha", alpha.title().in("fr"));
    assertEquals(12, alpha.minutes());
    assertEquals(3, alpha.version());
    assertEquals("Test readers", alpha.audience().in("fr"), "audience falls back to English");
    assertEquals(List.of("Lire la première leçon"), alpha.objectives().in("fr"));
    assertEquals(List.of("Fixture source document, 2015"), alpha.sources().in("en"));
    assertEquals(List.of("first", "second"), alpha.lessons().stream().map(Lesson::id).toList());
    Lesson first = alpha.lessons().get(0);
    assertEquals(1, first.number());
    assertEquals(5, first.minutes());
    assertEquals("La première leçon", first.title().in("fr"));
    assertTrue(first.html().in("fr").contains("Le corps de la première leçon"), first.html().in("fr"));
    assertTrue(first.html().in("en").contains("<table>"), "tables render: " + first.html().in("en"));
    Lesson second = alpha.lessons().get(1);
    assertEquals("en", second.html().languageFor("fr"), "an untranslated lesson is served in English");
    assertEquals(1, second.minutes(), "minutes are estimated when not given");
    assertTrue(catalog.module("beta").orElseThrow().conduct(), "beta says it is a conduct and discipline module");
    assertTrue(!alpha.conduct(), "alpha does not");
  }

  @Test
  @DisplayName("links to other lessons' .md files become site URLs, keeping the #fragment")
  void rewritesInternalLinks() {
    Module alpha = loader.load(GOOD).module("alpha").orElseThrow();

    String first = alpha.lessons().get(0).html().in("en");
    String second = alpha.lessons().get(1).html().in("en");
    assertTrue(first.contains("href=\"/modules/alpha/second#part-two\""), first);
    assertTrue(second.contains("href=\"/modules/alpha\""), second);
    assertTrue(second.contains("href=\"/modules/beta\""), second);
    assertTrue(second.contains("href=\"/modules/beta/only\""), second);
    assertTrue(alpha.overviewHtml().in("en").contains("href=\"/modules/alpha/first\""), alpha.overviewHtml().in("en"));
  }

  @Test
  @DisplayName("each malformed file is reported at its exact path:line, and only broken modules are skipped")
  void reportsEveryProblemWithItsLine() {
    Catalog catalog = loader.load(MIXED);

    List<String> expected = List.of(
        "bad-minutes/module.md:6: 'minutes' must be a whole number",
        "bad-yaml/module.md:5: bad YAML in front matter",
        "broken-link/02-two.md:9: broken link: '03-missing.md'",
        "duplicate-lesson/02-two.md:3: duplicate lesson id 'lesson-one'",
        "duplicate-module/module.md:2: duplicate module id 'good'",
        "french-mismatch/01-one.fr.md:2: 'id' is 'lesson-uno' here but 'lesson-one'",
        "missing-id/module.md:1: missing id",
        "missing-title/02-two.md:1: missing title",
        "no-front-matter/02-two.md:1: missing front matter",
        "not-utf8/02-two.md:6: the file is not valid UTF-8",
        "orphan/01-lost.md:1: lesson in no module",
        "stray.md:1: lesson in no module",
        "unclosed/02-two.md:1: front matter is not closed",
        "unknown-field/02-two.md:4: unknown field 'minuets'");
    assertProblems(catalog, MIXED, expected);
    assertEquals(List.of("good"), catalog.modules().stream().map(Module::id).toList(),
        "the good module is still served beside the broken ones");
  }

  @Test
  @DisplayName("http: and protocol-relative //host links, autolinks, images and references are problems at their line, in any case;"
      + " the module is not served, while https and .md links stay fine")
  void insecureLinks() {
    Catalog catalog = loader.load(LINKS);

    List<String> expected = List.of(
        insecure("insecure/01-links.md:7", "http://example.org/plain"),
        insecure("insecure/01-links.md:9", "http://example.org/auto"),
        insecure("insecure/01-links.md:11", "http://example.org/chart.png"),
        insecure("insecure/01-links.md:13", "//evil.example/page"),
        insecure("insecure/01-links.md:15", "//evil.example/pixel.png"),
        insecure("insecure/01-links.md:17", "HTTP://EXAMPLE.ORG/LOUD"),
        insecure("insecure/01-links.md:17", "HTTP://EXAMPLE.ORG/AUTO"),
        insecure("insecure/01-links.md:19", "/\\evil.example/page"),
        insecure("insecure/01-links.md:23", "http://example.org/reference"),
        insecure("insecure/quiz.md:8", "http://example.org/mandate"));
    assertProblems(catalog, LINKS, expected);
    assertEquals(List.of("secure"), catalog.modules().stream().map(Module::id).toList(), "the insecure module is not served");
    String html = catalog.module("secure").orElseThrow().lessons().get(0).html().in("en");
    for (String kept : List.of("href=\"https://example.org/page\"", "href=\"https://example.org/auto\"",
        "src=\"/modules/secure/files/chart.png?v&#61;", "href=\"HTTPS://EXAMPLE.ORG/LOUD\"", "href=\"/modules/secure/other#part\"",
        "href=\"#links\"", "href=\"/catalog\"")) {
      assertTrue(html.contains(kept), kept + " in\n" + html);
    }
  }

  private static String insecure(String at, String url) {
    return at + ": insecure link '" + url + "': external links must be full https:// addresses";
  }

  /** The problems, as {@code path:line: message} with the path relative to {@code root}, start as expected, in order. */
  private static void assertProblems(Catalog catalog, Path root, List<String> expected) {
    List<String> actual = catalog.problems().stream()
        .map(p -> root.relativize(p.file()) + ":" + p.line() + ": " + p.message())
        .toList();
    String all = actual.stream().collect(Collectors.joining("\n"));
    assertEquals(expected.size(), actual.size(), all);
    for (int i = 0; i < expected.size(); i++) {
      assertTrue(actual.get(i).startsWith(expected.get(i)), "expected " + expected.get(i) + "\nin\n" + all);
    }
  }

  @Test
  @DisplayName("a folder that does not exist is one problem, not a crash")
  void missingRoot() {
    Catalog catalog = loader.load(Path.of("src/test/resources/courses/does-not-exist"));

    assertTrue(catalog.modules().isEmpty());
    assertEquals(1, catalog.problems().size());
    assertTrue(catalog.problems().get(0).toString().endsWith(":1: not a folder of course modules"),
        catalog.problems().toString());
  }

  @Test
  @DisplayName("the repository's own courses/ pass the validator")
  void repositoryCoursesAreValid() {
    Catalog catalog = loader.load(Path.of("courses"));

    assertEquals(List.of(), catalog.problems().stream().map(Problem::toString).toList());
    assertFalse(catalog.modules().isEmpty());
  }
}
