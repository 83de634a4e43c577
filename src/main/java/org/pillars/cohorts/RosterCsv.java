package org.pillars.cohorts;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a cohort roster: UTF-8 (with or without BOM), comma or semicolon separated, a header row naming
 * the columns name, service number, rank, unit and optionally email. The whole file is checked before
 * anything is written; every bad row is reported with its line number.
 */
public final class RosterCsv {

  public record Row(int line, String name, String serviceNumber, String rank, String unit, String email) { }

  public record Problem(int line, String message) {
    @Override
    public String toString() {
      return "line " + line + ": " + message;
    }
  }

  public record Parsed(List<Row> rows, List<Problem> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  public static final int MAX_ROWS = 20_000;
  private static final Pattern SERVICE_NUMBER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9/._ -]{0,63}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,189}\\.[^@\\s]{2,}");
  private static final Map<String, String> COLUMNS = Map.ofEntries(
      Map.entry("name", "name"), Map.entry("full name", "name"),
      Map.entry("service number", "service"), Map.entry("service_number", "service"), Map.entry("servicenumber", "service"),
      Map.entry("service no", "service"), Map.entry("rank", "rank"), Map.entry("unit", "unit"),
      Map.entry("email", "email"), Map.entry("e-mail", "email"));

  private RosterCsv() {
  }

  public static Parsed parse(byte[] bytes) {
    List<Problem> problems = new ArrayList<>();
    String text;
    try {
      text = decode(bytes);
    } catch (CharacterCodingException e) {
      int offset = firstBadByte(bytes);
      int line = 1;
      for (int i = 0; i < offset; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      return new Parsed(List.of(), List.of(new Problem(line, "the file is not UTF-8 text: save it from your spreadsheet as 'CSV UTF-8'")));
    }
    String[] lines = text.split("\r\n|\n|\r", -1);
    int last = lines.length;
    while (last > 0 && lines[last - 1].isBlank()) {
      last--;
    }
    if (last == 0) {
      return new Parsed(List.of(), List.of(new Problem(1, "the file is empty: the first line must name the columns")));
    }
    char separator = lines[0].chars().filter(c -> c == ';').count() > lines[0].chars().filter(c -> c == ',').count() ? ';' : ',';
    List<String> header = split(lines[0], separator);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      String key = COLUMNS.get(header.get(i).strip().toLowerCase(Locale.ROOT));
      if (key == null) {
        problems.add(new Problem(1, "unknown column '" + header.get(i).strip() + "' (expected: name, service number, rank, unit, email)"));
      } else if (index.putIfAbsent(key, i) != null) {
        problems.add(new Problem(1, "the column '" + header.get(i).strip() + "' appears twice"));
      }
    }
    for (String required : List.of("name", "service", "rank", "unit")) {
      if (!index.containsKey(required)) {
        problems.add(new Problem(1, "missing column '" + (required.equals("service") ? "service number" : required) + "'"));
      }
    }
    if (!problems.isEmpty()) {
      return new Parsed(List.of(), problems);
    }
    if (last == 1) {
      return new Parsed(List.of(), List.of(new Problem(2, "the file has no learners below its header")));
    }
    if (last - 1 > MAX_ROWS) {
      return new Parsed(List.of(), List.of(new Problem(MAX_ROWS + 2, "more than " + MAX_ROWS + " learners: split the file")));
    }
    List<Row> rows = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int n = 1; n < last; n++) {
      int lineNo = n + 1;
      if (lines[n].isBlank()) {
        continue;
      }
      List<String> cells;
      try {
        cells = split(lines[n], separator);
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(lineNo, e.getMessage()));
        continue;
      }
      if (cells.size() != header.size()) {
        problems.add(new Problem(lineNo, cells.size() + " cells where the header has " + header.size()));
        continue;
      }
      int before = problems.size();
      for (String cell : cells) {
        if (formula(cell)) {
          problems.add(new Problem(lineNo, "the cell '" + shorten(cell) + "' looks like a spreadsheet formula; formulas are refused"));
        }
      }
      String name = cells.get(index.get("name")).strip();
      String service = cells.get(index.get("service")).strip();
      String rank = cells.get(index.get("rank")).strip();
      String unit = cells.get(index.get("unit")).strip();
      String email = index.containsKey("email") ? cells.get(index.get("email")).strip() : "";
      if (name.isEmpty() || name.length() > 200) {
        problems.add(new Problem(lineNo, "the name must have 1 to 200 characters"));
      }
      if (!SERVICE_NUMBER.matcher(service).matches()) {
        problems.add(new Problem(lineNo, "the service number '" + shorten(service) + "' must be 1 to 64 letters, digits, '/', '.', '-' or spaces"));
      }
      if (rank.isEmpty() || rank.length() > 64) {
        problems.add(new Problem(lineNo, "the rank must have 1 to 64 characters"));
      }
      if (unit.isEmpty() || unit.length() > 200) {
        problems.add(new Problem(lineNo, "the unit must have 1 to 200 characters"));
      }
      if (!email.isEmpty() && !EMAIL.matcher(email).matches()) {
        problems.add(new Problem(lineNo, "'" + shorten(email) + "' is not an email address"));
      }
      Integer earlier = seen.putIfAbsent(service.toUpperCase(Locale.ROOT), lineNo);
      if (earlier != null) {
        problems.add(new Problem(lineNo, "service number " + service + " is also on line " + earlier));
      }
      if (problems.size() == before) {
        rows.add(new Row(lineNo, name, service, rank, unit, email.isEmpty() ? null : email));
      }
    }
    return new Parsed(problems.isEmpty() ? rows : List.of(), problems);
  }

  /** Cells a spreadsheet would run as a formula (or a DDE command) when the file is opened. */
  static boolean formula(String cell) {
    String c = cell.strip();
    if (c.isEmpty()) {
      return false;
    }
    char first = c.charAt(0);
    return first == '=' || first == '+' || first == '@' || (first == '-' && c.length() > 1 && !Character.isDigit(c.charAt(1)))
        || cell.startsWith("\t") || cell.startsWith("\r");
  }

  /** Splits one line; quoted cells may hold the separator and doubled quotes. */
  static List<String> split(String line, char separator) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"' && cell.toString().isBlank()) {
        quoted = true;
        cell.setLength(0);
      } else if (c == separator) {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("a quote is opened but never closed");
    }
    cells.add(cell.toString());
    return cells;
  }

  private static String decode(byte[] bytes) throws CharacterCodingException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    String text = decoder.decode(ByteBuffer.wrap(bytes)).toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private static int firstBadByte(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    decoder.decode(in, CharBuffer.allocate(bytes.length + 1), true);
    return in.position();
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
