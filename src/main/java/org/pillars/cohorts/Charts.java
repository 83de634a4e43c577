package org.pillars.cohorts;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Charts as server-side SVG: a few hundred bytes each, readable without JavaScript and printed as drawn.
 * Colours are presentation attributes (no inline styles, which the content security policy forbids),
 * every text is escaped, and each chart carries a text alternative.
 */
final class Charts {

  private static final String DONE = "#2e7d32";
  private static final String GOING = "#e0a100";
  private static final String WAITING = "#b0b8c1";

  private Charts() {
  }

  /** One stacked bar per assigned module: completed, in progress, not started. */
  static String moduleBars(List<CohortService.ModuleSummary> modules, String label) {
    int rowHeight = 34;
    int width = 640;
    int barX = 220;
    int barWidth = width - barX - 70;
    int height = Math.max(1, modules.size()) * rowHeight + 10;
    StringBuilder svg = new StringBuilder()
        .append("<svg class=\"chart\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" role=\"img\" aria-label=\"").append(escape(label)).append("\" xmlns=\"http://www.w3.org/2000/svg\">");
    int y = 5;
    for (CohortService.ModuleSummary m : modules) {
      int total = m.completed() + m.inProgress() + m.notStarted();
      svg.append("<text x=\"0\" y=\"").append(y + 20).append("\" font-size=\"13\" fill=\"#1b1f24\">")
          .append(escape(shorten(m.title(), 32))).append("</text>");
      double x = barX;
      x = segment(svg, x, y, total == 0 ? 0 : barWidth * m.completed() / (double) total, DONE);
      x = segment(svg, x, y, total == 0 ? 0 : barWidth * m.inProgress() / (double) total, GOING);
      segment(svg, x, y, total == 0 ? barWidth : barWidth * m.notStarted() / (double) total, WAITING);
      int percent = total == 0 ? 0 : Math.round(100f * m.completed() / total);
      svg.append("<text x=\"").append(width - 60).append("\" y=\"").append(y + 20)
          .append("\" font-size=\"13\" font-weight=\"bold\" fill=\"#1b1f24\">").append(percent).append(" %</text>");
      y += rowHeight;
    }
    return svg.append("</svg>").toString();
  }

  /** The words of the timeline chart, in the reader's language. */
  record Timeline(String label, String today, String deployment, String target) { }

  /**
   * Cumulative completion, in per cent of every module to complete (each learner times each assigned module), as a
   * step line over the cohort's own time: from its start (or its first completion, if earlier) to its deployment date
   * (or today, if later), with today and the deployment date marked and 100 % as the line to reach by then. With no
   * completion yet the line lies on zero up to today, which is what a coordinator needs to see.
   */
  static String completionsOverTime(Map<LocalDate, Integer> byDay, int possible, LocalDate startsOn, LocalDate deploysOn,
                                    LocalDate today, Timeline words) {
    int width = 640;
    int height = 190;
    int left = 44;
    int right = width - 16;
    int top = 14;
    int bottom = 150;
    LocalDate first = startsOn;
    if (!byDay.isEmpty() && byDay.keySet().iterator().next().isBefore(first)) {
      first = byDay.keySet().iterator().next();
    }
    LocalDate last = today.isAfter(deploysOn) ? today : deploysOn;
    double days = Math.max(1, last.toEpochDay() - first.toEpochDay());
    LocalDate origin = first;
    java.util.function.ToDoubleFunction<LocalDate> x = d -> left + (right - left) * (d.toEpochDay() - origin.toEpochDay()) / days;
    StringBuilder svg = new StringBuilder()
        .append("<svg class=\"chart\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" role=\"img\" aria-label=\"").append(escape(words.label())).append("\" xmlns=\"http://www.w3.org/2000/svg\">")
        .append(line(left, bottom, right, bottom, "#59626d", false))
        .append(line(left, top, left, bottom, "#59626d", false))
        .append(line(left, top, right, top, "#59626d", true))
        .append(text(0, top + 4, "100 %")).append(text(14, bottom, "0 %"))
        .append(text(right - 150, top - 2, words.target()));
    double deployX = x.applyAsDouble(deploysOn);
    svg.append(line(deployX, top, deployX, bottom, "#b00020", false))
        .append(text(deployX > right - 160 ? deployX - 160 : deployX + 4, bottom - 6, words.deployment() + " " + deploysOn));
    double todayX = x.applyAsDouble(today.isBefore(first) ? first : today);
    svg.append(line(todayX, top, todayX, bottom, "#1b1f24", true))
        .append(text(Math.max(left, Math.min(todayX - 30, right - 60)), bottom + 32, words.today()));
    svg.append(text(left, bottom + 16, first.toString())).append(text(right - 70, bottom + 16, last.toString()));
    if (possible > 0) {
      StringBuilder points = new StringBuilder();
      int sum = 0;
      double lastY = bottom;
      points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(first), lastY));
      for (Map.Entry<LocalDate, Integer> e : byDay.entrySet()) {
        if (e.getKey().isAfter(today)) {
          break;
        }
        double px = x.applyAsDouble(e.getKey());
        points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", px, lastY));
        sum += e.getValue();
        lastY = bottom - (bottom - top) * Math.min(1.0, sum / (double) possible);
        points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", px, lastY));
      }
      points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f", todayX, lastY));
      svg.append("<polyline fill=\"none\" stroke=\"").append(DONE).append("\" stroke-width=\"2.5\" points=\"")
          .append(points).append("\"/>")
          .append(text(Math.min(todayX + 4, right - 40), lastY - 4, Math.round(100.0 * Math.min(sum, possible) / possible) + " %"));
    }
    return svg.append("</svg>").toString();
  }

  private static String line(double x1, double y1, double x2, double y2, String colour, boolean dashed) {
    return String.format(java.util.Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>",
        x1, y1, x2, y2, colour, dashed ? " stroke-dasharray=\"4 3\"" : "");
  }

  private static String text(double x, double y, String value) {
    return String.format(java.util.Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#59626d\">", x, y)
        + escape(value) + "</text>";
  }

  private static double segment(StringBuilder svg, double x, int y, double w, String colour) {
    if (w > 0) {
      svg.append(String.format(java.util.Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"26\" fill=\"%s\"/>",
          x, y + 2, w, colour));
    }
    return x + w;
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
  }

  private static String shorten(String text, int max) {
    return text.length() > max ? text.substring(0, max - 1) + "…" : text;
  }
}
