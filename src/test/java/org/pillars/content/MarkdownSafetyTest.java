package org.pillars.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MarkdownSafetyTest {

  private static final Catalog XSS = new CourseLoader(new MarkdownRenderer()).load(Path.of("src/test/resources/courses/xss"));
  private static final Pattern TAG = Pattern.compile("<([a-zA-Z][a-zA-Z0-9]*)");
  private static final List<String> ALLOWED_TAGS = List.of("p", "a", "strong", "em", "h2", "h3", "blockquote", "img");

  private static String lesson() {
    return XSS.module("attacks").orElseThrow().lessons().get(0).html().in("en");
  }

  @Test
  @DisplayName("the attack fixture loads: hostile content is neutralised, not a reason to drop the module")
  void attackModuleLoads() {
    assertEquals(List.of(), XSS.problems());
  }

  @ParameterizedTest(name = "no {0} survives rendering")
  @ValueSource(strings = {"<script", "<iframe", "<style", "<div", "onerror=", "onclick=", "onmouseover=",
      "javascript:alert", "vbscript:", "data:text/html"})
  @DisplayName("script, event handlers and dangerous URL schemes in any spelling come out inert")
  void nothingExecutable(String attack) {
    String html = lesson().toLowerCase(Locale.ROOT);
    // Escaped text such as "&lt;script&gt;" is harmless; only live markup or live attribute values matter.
    String live = html.replaceAll("&lt;[^&]*?&gt;", "").replaceAll(">[^<]*<", "><");
    assertFalse(live.contains(attack), attack + " survived in:\n" + lesson());
    assertFalse(Pattern.compile("href=\"\\s*" + Pattern.quote(attack)).matcher(html).find(), lesson());
  }

  @Test
  @DisplayName("only allow-listed tags are emitted")
  void onlyAllowedTags() {
    var m = TAG.matcher(lesson());
    while (m.find()) {
      assertTrue(ALLOWED_TAGS.contains(m.group(1).toLowerCase(Locale.ROOT)), "unexpected <" + m.group(1) + "> in\n" + lesson());
    }
    String overview = XSS.module("attacks").orElseThrow().overviewHtml().in("en");
    assertFalse(overview.contains("<img"), overview);
  }

  @Test
  @DisplayName("raw HTML is shown to the reader as text, not dropped silently")
  void rawHtmlBecomesText() {
    assertTrue(lesson().contains("&lt;script&gt;alert(&#39;block&#39;)&lt;/script&gt;"), lesson());
  }

  @Test
  @DisplayName("external links get rel=noopener noreferrer; every link left has a safe scheme")
  void externalLinksAreIsolated() {
    String html = lesson();
    assertTrue(html.contains("<a href=\"https://example.org/page\" rel=\"noopener noreferrer\">safe external</a>"), html);
    var hrefs = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
    int count = 0;
    while (hrefs.find()) {
      count++;
      assertTrue(hrefs.group(1).startsWith("https://") || hrefs.group(1).startsWith("/"), "unsafe href " + hrefs.group(1));
    }
    assertEquals(1, count, "only the safe external link keeps an href:\n" + html);
  }

  @Test
  @DisplayName("the sanitizer on its own strips handlers and script URLs from hand-written HTML")
  void sanitizerAlone() {
    String dirty = "<p onclick=\"x()\">hi <a href=\"JaVaScRiPt:alert(1)\">a</a><a href=\"  javascript:alert(1)\">b</a>"
        + "<a href=\"data:text/html,x\">c</a><img src=\"x\" onerror=\"alert(1)\"><script>alert(1)</script></p>";
    String clean = MarkdownRenderer.sanitize(dirty).toLowerCase(Locale.ROOT);
    assertFalse(clean.contains("onclick"), clean);
    assertFalse(clean.contains("javascript"), clean);
    assertFalse(clean.contains("data:"), clean);
    assertFalse(clean.contains("onerror"), clean);
    assertFalse(clean.contains("<script"), clean);
  }

  private static String render(String markdown) {
    List<Problem> problems = new java.util.ArrayList<>();
    String html = new MarkdownRenderer().render(Path.of("t.md"), markdown, 1, (url, line) -> java.util.Optional.empty(), problems);
    assertEquals(List.of(), problems);
    return html;
  }

  @Test
  @DisplayName("a table sits in a keyboard-focusable region named by its headings; authored HTML cannot make one")
  void tablesScrollByKeyboard() {
    String html = render("| Crime | Who \"acts\" | <b>x</b> |\n|---|---|---|\n| a | b | c |\n\nText.\n\n| One |\n|---|\n| 1 |\n");
    assertTrue(html.contains("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Crime, Who &#34;acts&#34;, "
        + "&lt;b&gt;x&lt;/b&gt;\"><table>"), html);
    assertTrue(html.contains("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"One\"><table>"), html);
    assertEquals(2, html.split("</table></div>", -1).length - 1, html);
    String forged = render("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"x\" onfocus=\"alert(1)\">hi</div>\n");
    assertFalse(forged.contains("<div"), forged);
    assertFalse(forged.contains("tabindex=\"0\""), "authored text makes no focusable box: " + forged);
  }
}
