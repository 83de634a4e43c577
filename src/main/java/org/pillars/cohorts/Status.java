package org.pillars.cohorts;

/**
 * Where a learner stands in an assigned module. The rule that decides it is SQL (progress_status in
 * V5__one_status_rule.sql); this only names its answers.
 */
public enum Status {
  COMPLETED("completed"), IN_PROGRESS("in-progress"), NOT_STARTED("not-started");

  private final String code;

  Status(String code) {
    this.code = code;
  }

  /** The code the database, the report's filters, the API and the export use. */
  public String code() {
    return code;
  }

  static Status of(String code) {
    for (Status s : values()) {
      if (s.code.equals(code)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown status '" + code + "'");
  }
}
