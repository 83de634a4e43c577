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

  @Test
  @DisplayName("the completion line climbs by each day's completions out of all possible, from the first day to today")
  void completionLine() {
    Map<LocalDate, Integer> byDay = new TreeMap<>(Map.of(LocalDate.of(2026, 11, 1), 7, LocalDate.of(2026, 11, 3), 7));
    String svg = Charts.completionsOverTime(byDay, 28, LocalDate.of(2026, 11, 5), "Completions over time");
    // x runs from 40 over 590 units for four days; y from 150 up by 140 for all 28 possible
    assertTrue(svg.contains("points=\"40.0,150.0 40.0,115.0 335.0,115.0 335.0,80.0 630,80.0\""), svg);
    assertTrue(svg.contains(">2026-11-01</text>") && svg.contains(">2026-11-05</text>") && svg.contains(">28</text>"), svg);
    assertTrue(svg.contains("aria-label=\"Completions over time\""), svg);
  }

  @Test
  @DisplayName("no completion yet, or nobody to complete, draws the axes without a line")
  void noLine() {
    LocalDate today = LocalDate.of(2026, 11, 5);
    assertFalse(Charts.completionsOverTime(Map.of(), 10, today, "x").contains("polyline"));
    assertFalse(Charts.completionsOverTime(new TreeMap<>(Map.of(today, 1)), 0, today, "x").contains("polyline"));
    String sameDay = Charts.completionsOverTime(new TreeMap<>(Map.of(today, 5)), 10, today, "x");
    assertTrue(sameDay.contains("points=\"40.0,150.0 40.0,80.0 630,80.0\""), "completions only today climb at the left: " + sameDay);
  }
}
