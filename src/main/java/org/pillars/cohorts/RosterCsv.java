package org.pillars.cohorts;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.pillars.http.Csv;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a cohort roster: UTF-8 (with or without BOM), comma or semicolon separated, a header row naming
 * the columns name, service number, rank, unit and optionally email. Commons CSV does the quoting (a quoted
 * cell may hold the separator, doubled quotes and line breaks); the checks are ours. The whole file is checked
 * before anything is written; every bad row is reported with the line where it starts.
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
    String first = text.lines().findFirst().orElse("");
    char separator = first.chars().filter(c -> c == ';').count() > first.chars().filter(c -> c == ',').count() ? ';' : ',';
    List<Cells> records = records(text, separator);
    if (records.stream().allMatch(Cells::blank)) {
      return new Parsed(List.of(), List.of(new Problem(1, "the file is empty: the first line must name the columns")));
    }
    if (records.get(0).problem() != null) {
      return new Parsed(List.of(), List.of(new Problem(1, records.get(0).problem())));
    }
    List<String> header = records.get(0).cells();
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
    List<Cells> body = records.subList(1, records.size()).stream().filter(r -> !r.blank()).toList();
    if (body.isEmpty()) {
      return new Parsed(List.of(), List.of(new Problem(2, "the file has no learners below its header")));
    }
    if (body.size() > MAX_ROWS) {
      return new Parsed(List.of(), List.of(new Problem(body.get(MAX_ROWS).line(), "more than " + MAX_ROWS + " learners: split the file")));
    }
    List<Row> rows = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Cells record : body) {
      int lineNo = record.line();
      if (record.problem() != null) {
        problems.add(new Problem(lineNo, record.problem()));
        continue;
      }
      List<String> cells = record.cells();
      if (cells.size() != header.size()) {
        problems.add(new Problem(lineNo, cells.size() + " cells where the header has " + header.size()));
        continue;
      }
      int before = problems.size();
      for (String cell : cells) {
        if (Csv.formula(cell)) {
          problems.add(new Problem(lineNo, "the cell '" + shorten(cell) + "' looks like a spreadsheet formula; formulas are refused"));
        }
      }
      String name = oneLine(cells.get(index.get("name")));
      String service = oneLine(cells.get(index.get("service")));
      String rank = oneLine(cells.get(index.get("rank")));
      String unit = oneLine(cells.get(index.get("unit")));
      String email = index.containsKey("email") ? oneLine(cells.get(index.get("email"))) : "";
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

  /** One record of the file: its cells, or why it could not be read; {@code line} is where it starts. */
  private record Cells(int line, List<String> cells, String problem) {
    boolean blank() {
      return problem == null && cells.stream().allMatch(String::isBlank);
    }
  }

  /**
   * Tokenises the whole text (a quoted cell may hold the separator, doubled quotes and line breaks). A record
   * that breaks the quoting rules becomes a problem at its line, and reading goes on at the line after the fault.
   */
  private static List<Cells> records(String text, char separator) {
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(separator).setIgnoreEmptyLines(false)
        .setIgnoreSurroundingSpaces(true).get();
    List<Integer> starts = lineStarts(text);
    List<Cells> records = new ArrayList<>();
    int from = 0;  // the line (counted from 0) where this pass of the parser starts
    while (from < starts.size()) {
      int next = starts.size();
      try (CSVParser parser = CSVParser.builder().setReader(new StringReader(text.substring(starts.get(from)))).setFormat(format).get()) {
        Iterator<CSVRecord> it = parser.iterator();
        while (true) {
          int line = from + (int) parser.getCurrentLineNumber() + 1;  // the parser has read whole lines up to here
          try {
            if (!it.hasNext()) {
              break;
            }
            records.add(new Cells(line, it.next().toList(), null));
          } catch (UncheckedIOException e) {
            boolean unclosed = String.valueOf(e.getCause().getMessage()).contains("EOF");
            records.add(new Cells(line, List.of(), unclosed ? "a quote is opened but never closed"
                : "text follows a closing quote: put the whole cell in quotes and double each quote inside it"));
            next = Math.max(from + 1, from + (int) parser.getCurrentLineNumber());  // the line after the fault
            break;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);  // a StringReader does not fail
      }
      from = next;
    }
    return records;
  }

  /** Where each line starts: after CR LF, LF or a lone CR, as the parser counts lines. */
  private static List<Integer> lineStarts(String text) {
    List<Integer> starts = new ArrayList<>(List.of(0));
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        i++;
      }
      if (c == '\r' || c == '\n') {
        starts.add(i + 1);
      }
    }
    return starts;
  }

  /** A cell's text on one line: a line break typed inside a spreadsheet cell (Alt+Enter) reads as a space. */
  private static String oneLine(String cell) {
    return cell.strip().replaceAll("\\s*\\R\\s*", " ");
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
