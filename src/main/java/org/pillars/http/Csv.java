package org.pillars.http;

import java.text.Normalizer;
import java.util.regex.Pattern;

/** The CSV files we write and read: one rule for what a spreadsheet would run as a formula, one way to write a cell. */
public final class Csv {

  private static final Pattern NUMBER = Pattern.compile("-\\d+([.,]\\d+)?");

  private Csv() {
  }

  /**
   * Cells a spreadsheet would run as a formula (or a DDE command) when the file is opened: the one rule for
   * roster imports and CSV exports. Looked at after NFKC folding (full-width ＝ ＋ － ＠ are = + - @) and
   * past leading whitespace, spaces and invisible format characters (no-break space, zero-width space, BOM), so
   * that no look-alike or invisible character hides one. A plain negative number is data; a minus before
   * anything else is a formula ({@code -1+cmd|...} runs).
   */
  public static boolean formula(String cell) {
    if (cell.startsWith("\t") || cell.startsWith("\r")) {
      return true;
    }
    String c = Normalizer.normalize(cell, Normalizer.Form.NFKC);
    int i = 0;
    while (i < c.length() && invisible(c.codePointAt(i))) {
      i += Character.charCount(c.codePointAt(i));
    }
    if (i == c.length()) {
      return false;
    }
    char first = c.charAt(i);
    return first == '=' || first == '+' || first == '@' || (first == '-' && !NUMBER.matcher(c.substring(i).strip()).matches());
  }

  private static boolean invisible(int codePoint) {
    return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || Character.getType(codePoint) == Character.FORMAT;
  }

  /** Quotes when needed; a cell a spreadsheet would run as a formula gets an apostrophe, so it stays text. */
  public static String cell(String value) {
    if (value == null) {
      return "";
    }
    String v = formula(value) ? "'" + value : value;
    if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0 || v.indexOf(';') >= 0) {
      v = "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
