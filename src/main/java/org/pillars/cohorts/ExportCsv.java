package org.pillars.cohorts;

import java.time.OffsetDateTime;
import org.pillars.content.Catalog;

/** One export line: cells a spreadsheet could run as a formula are defused, the rest quoted as CSV needs. */
final class ExportCsv {

  private ExportCsv() {
  }

  /** Status and lateness come as the database decided them (V5); lessons read are capped at the module's lessons. */
  static String line(CohortRepository.ExportLine l, Catalog catalog) {
    return line(l, catalog, ",");
  }

  static String line(CohortRepository.ExportLine l, Catalog catalog, String separator) {
    CohortRepository.Cell c = l.cell();
    int lessons = catalog.module(l.moduleId()).map(m -> m.lessons().size()).orElse(0);
    long read = Math.min(c.lessonsRead(), lessons);
    Integer certificate = c.certificateScore();
    OffsetDateTime issued = c.completedAt();
    Integer best = c.bestScore();
    return String.join(separator, cell(l.serviceNumber()), cell(l.name()), cell(l.rank()), cell(l.unit()), cell(l.moduleId()),
        l.dueOn().toString(), c.status().code(), Boolean.toString(c.overdue()), Long.toString(read), Integer.toString(lessons),
        Integer.toString(c.attempts()), best == null ? "" : best.toString(),
        issued == null ? "" : issued.toLocalDate().toString(), certificate == null ? "" : certificate.toString()) + "\r\n";
  }

  static String cell(String value) {
    return org.pillars.http.Csv.cell(value);
  }
}
