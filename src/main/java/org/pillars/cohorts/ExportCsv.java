package org.pillars.cohorts;

import io.vertx.sqlclient.Row;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import org.pillars.content.Catalog;

/** One export line: cells a spreadsheet could run as a formula are defused, the rest quoted as CSV needs. */
final class ExportCsv {

  private ExportCsv() {
  }

  static String line(Row r, Catalog catalog, LocalDate today) {
    String module = r.getString("module_id");
    LocalDate due = r.getLocalDate("due_on");
    int lessons = catalog.module(module).map(m -> m.lessons().size()).orElse(0);
    long read = Math.min(r.getLong("lessons_read"), lessons);
    long attempts = r.getLong("attempts");
    Integer certificate = r.getInteger("certificate_score");
    OffsetDateTime issued = r.getOffsetDateTime("completed_at");
    String status = certificate != null ? "completed" : read > 0 || attempts > 0 ? "in-progress" : "not-started";
    boolean overdue = certificate == null && today.isAfter(due);
    Integer best = r.getInteger("best_score");
    return String.join(",", cell(r.getString("service_number")), cell(r.getString("display_name")), cell(r.getString("rank")),
        cell(r.getString("unit")), cell(module), due.toString(), status, Boolean.toString(overdue), Long.toString(read),
        Integer.toString(lessons), Long.toString(attempts), best == null ? "" : best.toString(),
        issued == null ? "" : issued.toLocalDate().toString(), certificate == null ? "" : certificate.toString()) + "\r\n";
  }

  /** Quotes when needed; a cell the roster import would refuse as a formula gets an apostrophe so it stays text. */
  static String cell(String value) {
    if (value == null) {
      return "";
    }
    String v = RosterCsv.formula(value) ? "'" + value : value;
    if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0 || v.indexOf(';') >= 0) {
      v = "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
