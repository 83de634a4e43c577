package org.pillars.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fuzz tests of the authoring parsers (front matter, Markdown, quiz). The property, for ANY bytes an
 * author could save: loading never throws (no RuntimeException, no StackOverflowError), finishes within
 * {@link #BUDGET}, reports what is wrong only as {@link Problem}s with a line >= 1 in a file that exists
 * in the loaded folder, and never emits live script (a {@code <script>} tag, an {@code on...=} event
 * handler, a non-allow-listed tag, or a {@code javascript:}/{@code vbscript:}/{@code data:} URL).
 *
 * <p>Under {@code mvn verify} Jazzer runs in regression mode: each method runs once per seed file under
 * {@code src/test/resources/org/pillars/content/ParserFuzzTestInputs/<method>/} (plus one empty input),
 * with no fuzzing. With {@code JAZZER_FUZZ=1} it fuzzes, for at most {@code maxDuration}. See
 * docs/fuzzing.md.
 *
 * <p>Seed format: a seed is read with {@link FuzzedDataProvider#consumeRemainingAsBytes()} and split on
 * the line {@code =====} ({@link #SEPARATOR}) into files, in the order the method documents; so seeds are
 * readable text files.
 */
class ParserFuzzTest {

  /** Splits one fuzz input into the files of a module. */
  static final byte[] SEPARATOR = "\n=====\n".getBytes(StandardCharsets.US_ASCII);

  /** Wall-clock bound for one input: far above the few milliseconds a real module takes. */
  private static final Duration BUDGET = Duration.ofSeconds(20);

  private static final MarkdownRenderer MARKDOWN = new MarkdownRenderer();

  /** The order in which {@link #loadModule} writes the parts of an input. */
  private static final List<String> MODULE_PARTS =
      List.of("module.md", "01-lesson.md", "quiz.md", "quiz.fr.md", "module.fr.md", "01-lesson.fr.md");

  /** The order in which {@link #parseQuiz} writes the parts of an input. */
  private static final List<String> QUIZ_PARTS = List.of("quiz.md", "quiz.fr.md");

  private static final String GOOD_MODULE = """
      ---
      id: alpha
      title: Alpha module
      summary: A fixed module around a fuzzed quiz.
      audience: Fuzzers
      minutes: 12
      version: 3
      objectives:
        - Survive any quiz
      sources:
        - "Fixture source document, 2015"
      ---
      The **alpha** overview. Start with [the first lesson](01-first.md).
      """;

  private static final String GOOD_LESSON = """
      ---
      id: first
      title: The first lesson
      minutes: 5
      ---
      ## Section one

      A lesson, with a [link to the quiz](quiz.md) and to [the overview](module.md#top).
      """;

  /** The tags the sanitizer allows (MarkdownRenderer.POLICY); anything else is a leak. */
  private static final Set<String> ALLOWED_TAGS = Set.of("p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
      "blockquote", "strong", "em", "del", "code", "pre", "hr", "br", "table", "thead", "tbody", "tr", "th", "td",
      "a", "img", "div");

  /** A start or end tag, with quoted attribute values kept whole. */
  private static final Pattern TAG = Pattern.compile(
      "</?([a-zA-Z][^\\s/>]*)((?:\\s*[^\\s=/>]+(?:\\s*=\\s*(?:\"[^\"]*\"|'[^']*'|[^\\s>]+))?)*)\\s*/?>");
  private static final Pattern ATTRIBUTE = Pattern.compile(
      "([^\\s=/>]+)(?:\\s*=\\s*(\"[^\"]*\"|'[^']*'|[^\\s>]+))?");
  /** The brief's check: an event handler attribute inside a tag. */
  private static final Pattern EVENT_HANDLER = Pattern.compile("(?i)<[^>]*\\son[a-z]+\\s*=");
  private static final Pattern NUMERIC_ENTITY = Pattern.compile("&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?");
  private static final Pattern SCHEME = Pattern.compile("^([a-z][a-z0-9+.-]*):");
  /** The URL schemes the sanitizer allows; javascript:, vbscript:, data: and the like must never survive. */
  private static final Set<String> SAFE_SCHEMES = Set.of("http", "https", "mailto");
  private static final Set<String> URL_ATTRIBUTES =
      Set.of("href", "src", "action", "formaction", "xlink:href", "data", "background", "poster", "cite", "srcset");

  /**
   * Any module folder (module.md, a lesson, quiz.md and, when the input has more parts, quiz.fr.md,
   * module.fr.md and the lesson's French version): CourseLoader.load never throws or hangs, every
   * problem points at a line >= 1 of a file in the folder, and every rendered HTML text of every
   * loaded module, in every language, is free of script.
   */
  @FuzzTest(maxDuration = "60s")
  void loadModule(FuzzedDataProvider data) throws IOException {
    List<byte[]> parts = split(data.consumeRemainingAsBytes(), MODULE_PARTS.size());
    withModuleFolder(folder -> {
      for (int i = 0; i < parts.size(); i++) {
        write(folder.resolve(MODULE_PARTS.get(i)), parts.get(i));
      }
    }, ParserFuzzTest::checkCatalog);
  }

  /**
   * Any quiz.md (and quiz.fr.md when the input has a second part) beside a fixed, valid module.md and
   * lesson: the module loads or reports problems in the quiz files only, never throws or hangs, and the
   * quiz HTML (intro, scenario, prompt, options, feedback, explanation, source; every language) is free
   * of script. When no problem is reported, the quiz must be there.
   */
  @FuzzTest(maxDuration = "60s")
  void parseQuiz(FuzzedDataProvider data) throws IOException {
    List<byte[]> parts = split(data.consumeRemainingAsBytes(), QUIZ_PARTS.size());
    withModuleFolder(folder -> {
      write(folder.resolve("module.md"), GOOD_MODULE.getBytes(StandardCharsets.UTF_8));
      write(folder.resolve("01-first.md"), GOOD_LESSON.getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < parts.size(); i++) {
        write(folder.resolve(QUIZ_PARTS.get(i)), parts.get(i));
      }
    }, (root, catalog) -> {
      checkCatalog(root, catalog);
      for (Problem p : catalog.problems()) {
        String name = p.file().getFileName().toString();
        assertTrue(name.startsWith("quiz"), "the fixed module and lesson are valid, yet: " + p);
      }
      if (catalog.problems().isEmpty()) {
        Module module = catalog.module("alpha").orElseThrow(() -> new AssertionError("no problem but no module"));
        assertTrue(module.quiz().isPresent(), "no problem but the quiz is missing");
        assertFalse(module.quiz().get().questions().isEmpty(), "a quiz without questions passed");
      }
    });
  }

  /**
   * Any Markdown through the renderer on its own, with every link left as written (the strictest case:
   * the sanitizer alone must stop javascript: URLs): render and renderInline never throw or hang, and the
   * HTML is free of script.
   */
  @FuzzTest(maxDuration = "60s")
  void renderMarkdown(FuzzedDataProvider data) {
    byte[] bytes = data.consumeRemainingAsBytes();
    String markdown = new String(bytes, StandardCharsets.UTF_8);
    Path file = Path.of("fuzz.md");
    List<Problem> problems = new ArrayList<>();
    BiFunction<String, Integer, Optional<MarkdownRenderer.LinkTarget>> links = (url, line) -> {
      assertNotNull(url);
      return url.contains("broken") ? Optional.of(new MarkdownRenderer.LinkTarget.Broken("broken"))
          : Optional.empty();
    };
    String[] html = assertTimeoutPreemptively(BUDGET, () -> new String[] {
        MARKDOWN.render(file, markdown, 1, links, problems),
        MARKDOWN.renderInline(file, markdown, 7, links, problems)});
    assertNoScript("render", html[0]);
    assertNoScript("renderInline", html[1]);
    for (Problem p : problems) {
      assertTrue(p.line() >= 1, "line < 1: " + p);
      assertEquals(file, p.file());
    }
  }


  // ---------------------------------------------------------------------------------------------------

  private interface FolderWriter {
    void write(Path moduleFolder) throws IOException;
  }

  private interface CatalogCheck {
    void check(Path root, Catalog catalog) throws IOException;
  }

  /** Writes a module folder under a fresh temp root, loads the root within the time budget, checks, cleans. */
  private static void withModuleFolder(FolderWriter writer, CatalogCheck check) throws IOException {
    Path root = Files.createTempDirectory("pillars-fuzz");
    try {
      Path folder = Files.createDirectory(root.resolve("alpha"));
      writer.write(folder);
      Catalog catalog = assertTimeoutPreemptively(BUDGET, () -> new CourseLoader(MARKDOWN).load(root),
          "loading took longer than " + BUDGET);
      check.check(root, catalog);
    } finally {
      deleteRecursively(root);
    }
  }

  private static void checkCatalog(Path root, Catalog catalog) throws IOException {
    Path base = root.toAbsolutePath().normalize();
    for (Problem p : catalog.problems()) {
      assertNotNull(p.file(), "problem without a file: " + p);
      assertNotNull(p.message(), "problem without a message: " + p);
      assertFalse(p.message().isBlank(), "problem with a blank message: " + p);
      assertTrue(p.line() >= 1, "line < 1: " + p);
      Path file = p.file().toAbsolutePath().normalize();
      assertTrue(file.startsWith(base), "problem outside the loaded folder: " + p);
      if (Files.isRegularFile(file)) {
        long lines = lineCount(Files.readAllBytes(file));
        assertTrue(p.line() <= lines, "line " + p.line() + " is past the end of the file (" + lines + " lines): " + p);
      }
    }
    // The only folder is alpha/: a module with any problem is not served.
    if (!catalog.problems().isEmpty()) {
      assertTrue(catalog.modules().isEmpty(), "a module with problems was served: " + catalog.problems());
    }
    for (Module m : catalog.modules()) {
      assertNoScript(m.id() + " overview", m.overviewHtml());
      for (Lesson l : m.lessons()) {
        assertNoScript(m.id() + "/" + l.id(), l.html());
      }
      m.quiz().ifPresent(quiz -> {
        assertNoScript("quiz intro", quiz.introHtml());
        for (Quiz.Question q : quiz.questions()) {
          String where = "question " + q.id();
          assertNoScript(where + " scenario", q.scenarioHtml());
          assertNoScript(where + " prompt", q.promptHtml());
          assertNoScript(where + " explanation", q.explanationHtml());
          assertNoScript(where + " source", q.source());
          for (Quiz.Option o : q.options()) {
            assertNoScript(where + " option", o.html());
            assertNoScript(where + " feedback", o.feedbackHtml());
          }
        }
      });
    }
  }

  private static void assertNoScript(String where, Localized<String> html) {
    if (html == null) {
      return;
    }
    html.byLanguage().forEach((lang, h) -> assertNoScript(where + " [" + lang + "]", h));
  }

  /**
   * Fails when {@code html} could run script. Text is never the issue (the sanitizer escapes every
   * {@code <} in text), so this looks at tags: their names, their attribute names, and their attribute
   * values after the entity decoding a browser does.
   */
  static void assertNoScript(String where, String html) {
    assertNotNull(html, where + ": null HTML");
    String lower = html.toLowerCase(Locale.ROOT);
    assertFalse(lower.contains("<script"), where + ": <script in\n" + html);
    assertFalse(EVENT_HANDLER.matcher(html).find(), where + ": event handler attribute in\n" + html);
    Matcher tag = TAG.matcher(html);
    int at = 0;
    while (at < html.length()) {
      int lt = html.indexOf('<', at);
      if (lt < 0) {
        break;
      }
      tag.region(lt, html.length());
      if (!tag.lookingAt()) {
        fail(where + ": a '<' that starts no well-formed tag at " + lt + " in\n" + html);
      }
      String name = tag.group(1).toLowerCase(Locale.ROOT);
      assertTrue(ALLOWED_TAGS.contains(name), where + ": tag <" + name + "> is not allow-listed in\n" + html);
      // the one div is the scroll box put around a table after sanitizing: nothing authored makes another
      assertTrue(!name.equals("div") || html.startsWith("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\"", lt)
          && html.startsWith("<table>", html.indexOf('>', lt) + 1)
          || html.startsWith("</div>", lt) && html.startsWith("</table>", lt - "</table>".length()), where + ": a <div> that is not a table's box in\n" + html);
      Matcher attribute = ATTRIBUTE.matcher(tag.group(2));
      while (attribute.find()) {
        String attrName = attribute.group(1).toLowerCase(Locale.ROOT);
        assertFalse(attrName.startsWith("on"), where + ": attribute " + attrName + " in\n" + html);
        assertFalse(attrName.equals("style") || attrName.equals("srcdoc") || attrName.equals("formaction"),
            where + ": attribute " + attrName + " in\n" + html);
        if (!URL_ATTRIBUTES.contains(attrName)) {
          continue;
        }
        String value = attribute.group(2) == null ? "" : unquote(attribute.group(2));
        // As a browser reads a URL: entities decoded, leading controls and spaces and every tab and
        // newline dropped, then the scheme is what comes before the first ':' (if no '/', '?' or '#' does).
        String url = decodeEntities(value).replaceAll("^[\\x00-\\x20]+|[\\t\\n\\r]", "").toLowerCase(Locale.ROOT);
        Matcher scheme = SCHEME.matcher(url);
        if (scheme.find()) {
          assertTrue(SAFE_SCHEMES.contains(scheme.group(1)),
              where + ": URL scheme '" + scheme.group(1) + ":' in attribute " + attrName + " in\n" + html);
        }
        assertFalse(url.startsWith("javascript:") || url.startsWith("vbscript:") || url.startsWith("data:"),
            where + ": live script URL in attribute " + attrName + " in\n" + html);
      }
      at = tag.end();
    }
  }

  private static String unquote(String value) {
    if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }

  /** Numeric entities and the named ones that matter in a URL scheme. */
  private static String decodeEntities(String value) {
    Matcher m = NUMERIC_ENTITY.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int cp;
      try {
        cp = m.group(1) != null ? Integer.parseInt(m.group(1), 16) : Integer.parseInt(m.group(2));
      } catch (NumberFormatException e) {
        cp = 0xFFFD;
      }
      String replacement = Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : "\uFFFD";
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString().replaceAll("(?i)&colon;?", ":").replaceAll("(?i)&tab;?|&newline;?", "")
        .replaceAll("(?i)&amp;", "&");
  }

  /** Splits {@code bytes} on {@link #SEPARATOR} into at most {@code max} parts; the last part keeps the rest. */
  static List<byte[]> split(byte[] bytes, int max) {
    List<byte[]> parts = new ArrayList<>();
    int start = 0;
    while (parts.size() < max - 1) {
      int at = indexOf(bytes, SEPARATOR, start);
      if (at < 0) {
        break;
      }
      parts.add(java.util.Arrays.copyOfRange(bytes, start, at));
      start = at + SEPARATOR.length;
    }
    parts.add(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
    return parts;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static long lineCount(byte[] bytes) {
    // Lines as SourceFile counts them: \r\n, \r and \n each end one.
    String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace('\r', '\n');
    return text.chars().filter(c -> c == '\n').count() + 1;
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes);
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
