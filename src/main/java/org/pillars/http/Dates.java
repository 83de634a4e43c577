package org.pillars.http;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;

/** How a page writes a day for its reader: in words, in the reader's language ("6 décembre 2026"), never as an ISO date. */
public final class Dates {

  private Dates() {
  }

  public static String day(LocalDate day, String lang) {
    return day.format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.forLanguageTag(lang)));
  }

  /** A day in a staff table, where width counts: abbreviated words ("6 déc. 2026", "Dec 6, 2026"), still never ISO. */
  public static String shortDay(LocalDate day, String lang) {
    return day.format(DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(Locale.forLanguageTag(lang)));
  }
}
