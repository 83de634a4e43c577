package org.pillars.cohorts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The report's two charts say what the counts say: bar lengths, percentages, the completion line, and escaped text. */
class ChartsTest {

  private static final Pattern RECT = Pattern.compile("<rect x=\"([0-9.]+)\" y=\"([0-9]+)\" width=\"([0-9.]+)\" height=\"26\" fill=\"(#[0-9a-f]+)\"/>");
  private static final Pattern PERCENT = Pattern.compile(">([0-9]+) %</text>");

  private static CohortService.ModuleSummary module(String title, int completed, int inProgress, int notStarted) {
    return new CohortService.ModuleSummary("m", title, LocalDate.of(2027, 1, 1), completed, inProgress, notStarted, 0);
  }

  /** Each bar segment as x, width and colour, in drawing order. */
  private static List<String> segments(String svg) {
    List<String> found = new ArrayList<>();
    Matcher m = RECT.matcher(svg);
    while (m.find()) {
      found.add(m.group(1) + " " + m.group(3) + " " + m.group(4) + " y" + m.group(2));
    }
    return found;
  }

  private static List<String> percents(String svg) {
    List<String> found = new ArrayList<>();
    Matcher m = PERCENT.matcher(svg);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  @Test
  @DisplayName("a module's bar is split in proportion to completed, in progress and not started, with its completed percentage")
  void barsInProportion() {
    // the bar runs from x=220 over 350 units: 1 + 2 + 4 learners give 50, 100 and 200
    String svg = Charts.moduleBars(List.of(module("Protection of civilians", 1, 2, 4), module("R2P", 3, 0, 0)), "Progress by module");
    assertEquals(List.of("220.0 50.0 #2e7d32 y7", "270.0 100.0 #e0a100 y7", "370.0 200.0 #b0b8c1 y7", "220.0 350.0 #2e7d32 y41"),
        segments(svg), svg);
    assertEquals(List.of("14", "100"), percents(svg), "1 of 7 rounds to 14 %; 3 of 3 is 100 %");
    assertTrue(svg.startsWith("<svg class=\"chart\" viewBox=\"0 0 640 78\" role=\"img\" aria-label=\"Progress by module\""), svg);
    assertTrue(svg.contains(">Protection of civilians</text>") && svg.contains(">R2P</text>"), svg);
  }

  @Test
  @DisplayName("a module nobody is assigned yet is one grey bar at 0 %, and no module still draws a chart")
  void emptyModule() {
    String svg = Charts.moduleBars(List.of(module("Alone", 0, 0, 0)), "x");
    assertEquals(List.of("220.0 350.0 #b0b8c1 y7"), segments(svg), svg);
    assertEquals(List.of("0"), percents(svg));
    String none = Charts.moduleBars(List.of(), "x");
    assertTrue(none.contains("viewBox=\"0 0 640 44\"") && segments(none).isEmpty(), none);
  }

  @Test
  @DisplayName("titles and labels are escaped, and a long title is shortened to 32 characters")
  void escapedAndShortened() {
    String svg = Charts.moduleBars(List.of(module("<script>alert('x')</script> & a title that runs on and on", 1, 0, 0)),
        "\"><script>");
    assertFalse(svg.contains("<script>"), svg);
    assertTrue(svg.contains("aria-label=\"&quot;&gt;&lt;script&gt;\""), svg);
    assertTrue(svg.contains(">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; a…</text>"), svg);
    assertEquals("&lt;&gt;&amp;&quot;&#39;", Charts.escape("<>&\"'"));
  }

  private static final Charts.Timeline WORDS = new Charts.Timeline("Completion", "today", "deployment", "everyone");

  @Test
  @DisplayName("the completion line climbs by each day's completions, in per cent of all possible, over the cohort's time from its start to its deployment, with both marked")
  void completionLine() {
    Map<LocalDate, Integer> byDay = new TreeMap<>(Map.of(LocalDate.of(2026, 11, 2), 7, LocalDate.of(2026, 11, 4), 7));
    // the cohort runs 1 to 11 November (10 days over 580 units from x=44); today is the 6th; 28 possible (y 150 up to 14)
    String svg = Charts.completionsOverTime(byDay, 28, LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 11), LocalDate.of(2026, 11, 6),
        WORDS);
    assertTrue(svg.contains("points=\"44.0,150.0 102.0,150.0 102.0,116.0 218.0,116.0 218.0,82.0 334.0,82.0\""), svg);
    assertTrue(svg.contains("<line x1=\"624.0\" y1=\"14.0\" x2=\"624.0\" y2=\"150.0\" stroke=\"#b00020\""), "the deployment date: " + svg);
    assertTrue(svg.contains(">deployment 2026-11-11</text>") && svg.contains(">50 %</text>") && svg.contains(">2026-11-01</text>"), svg);
    assertTrue(svg.contains("aria-label=\"Completion\""), svg);
  }

  @Test
  @DisplayName("no completion yet: a line flat on zero up to today, still against the deployment date; nobody to complete: no line")
  void flatLine() {
    LocalDate start = LocalDate.of(2026, 11, 1);
    String none = Charts.completionsOverTime(Map.of(), 10, start, LocalDate.of(2026, 11, 11), LocalDate.of(2026, 11, 6), WORDS);
    assertTrue(none.contains("points=\"44.0,150.0 334.0,150.0\""), none);
    assertTrue(none.contains(">0 %</text>"));
    assertFalse(Charts.completionsOverTime(Map.of(), 0, start, LocalDate.of(2026, 11, 11), LocalDate.of(2026, 11, 6), WORDS)
        .contains("polyline"));
  }
}
