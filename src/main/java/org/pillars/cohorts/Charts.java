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

  /** Cumulative completions by day, as a step line from the first completion to today. */
  static String completionsOverTime(Map<LocalDate, Integer> byDay, int possible, LocalDate today, String label) {
    int width = 640;
    int height = 180;
    int left = 40;
    int bottom = 150;
    StringBuilder svg = new StringBuilder()
        .append("<svg class=\"chart\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" role=\"img\" aria-label=\"").append(escape(label)).append("\" xmlns=\"http://www.w3.org/2000/svg\">")
        .append("<line x1=\"").append(left).append("\" y1=\"").append(bottom).append("\" x2=\"").append(width - 10)
        .append("\" y2=\"").append(bottom).append("\" stroke=\"#59626d\"/>")
        .append("<line x1=\"").append(left).append("\" y1=\"10\" x2=\"").append(left).append("\" y2=\"").append(bottom)
        .append("\" stroke=\"#59626d\"/>")
        .append("<text x=\"0\" y=\"16\" font-size=\"12\" fill=\"#59626d\">").append(possible).append("</text>")
        .append("<text x=\"0\" y=\"").append(bottom).append("\" font-size=\"12\" fill=\"#59626d\">0</text>");
    if (!byDay.isEmpty() && possible > 0) {
      LocalDate first = byDay.keySet().iterator().next();
      long days = Math.max(1, today.toEpochDay() - first.toEpochDay());
      StringBuilder points = new StringBuilder();
      int sum = 0;
      double lastY = bottom;
      for (Map.Entry<LocalDate, Integer> e : byDay.entrySet()) {
        double x = left + (width - 10 - left) * (e.getKey().toEpochDay() - first.toEpochDay()) / (double) days;
        points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, lastY));
        sum += e.getValue();
        lastY = bottom - (bottom - 10) * sum / (double) possible;
        points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, lastY));
      }
      points.append(String.format(java.util.Locale.ROOT, "%d,%.1f", width - 10, lastY));
      svg.append("<polyline fill=\"none\" stroke=\"").append(DONE).append("\" stroke-width=\"2\" points=\"")
          .append(points.toString().trim()).append("\"/>")
          .append("<text x=\"").append(left).append("\" y=\"").append(bottom + 20).append("\" font-size=\"12\" fill=\"#59626d\">")
          .append(first).append("</text>")
          .append("<text x=\"").append(width - 90).append("\" y=\"").append(bottom + 20)
          .append("\" font-size=\"12\" fill=\"#59626d\">").append(today).append("</text>");
    }
    return svg.append("</svg>").toString();
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
