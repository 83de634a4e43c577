package org.pillars.support;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): what a scraper would refuse, this refuses, naming
 * the line. HELP and TYPE at most once per family, TYPE before the family's first sample, a family's samples in one
 * group, names and label names as the format allows them, label values with their three escapes, values as Go's
 * ParseFloat reads them (NaN, +Inf, -Inf included), histograms with their {@code le} buckets up to +Inf.
 */
public final class PrometheusText {

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern FLOAT = Pattern.compile("[+-]?(?:(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
      + "|(?i:inf|infinity))|(?i:nan)");
  private static final Pattern TIMESTAMP = Pattern.compile("-?[0-9]{1,19}");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** One line of values: the sample's own name ({@code x_bucket}, {@code x_sum} for a histogram x), labels, value. */
  public record Sample(String name, Map<String, String> labels, double value) { }

  public record Family(String name, String type, String help, List<Sample> samples) { }

  /** The families in the order they came. */
  public record Exposition(Map<String, Family> families) {

    /** The value of the sample named {@code name} whose labels include {@code labels} (name, value pairs); 0 when none. */
    public double value(String name, String... labels) {
      return samples(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    /** The samples named {@code name} whose labels include {@code labels} (name, value pairs). */
    public List<Sample> samples(String name, String... labels) {
      List<Sample> found = new ArrayList<>();
      for (Family f : families.values()) {
        for (Sample s : f.samples()) {
          boolean match = s.name().equals(name);
          for (int i = 0; match && i + 1 < labels.length; i += 2) {
            match = labels[i + 1].equals(s.labels().get(labels[i]));
          }
          if (match) {
            found.add(s);
          }
        }
      }
      return found;
    }

    public Family family(String name) {
      Family f = families.get(name);
      if (f == null) {
        throw new AssertionError("no metric family " + name + " among " + families.keySet());
      }
      return f;
    }
  }

  private PrometheusText() {
  }

  /** Reads {@code text}, or throws {@link IllegalArgumentException} naming the first line that breaks the format. */
  public static Exposition parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the last line must end with a line feed");
    }
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> helps = new LinkedHashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    Set<String> seenSamples = new HashSet<>();
    String current = null;  // the family whose samples are being read
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length - 1; n++) {
      String line = lines[n];
      int number = n + 1;
      try {
        if (line.isBlank()) {
          continue;
        }
        if (line.startsWith("#")) {
          String[] parts = line.substring(1).stripLeading().split("[ \t]+", 3);
          if (parts.length < 2 || !(parts[0].equals("HELP") || parts[0].equals("TYPE"))) {
            continue;  // a comment
          }
          String name = parts[1];
          require(METRIC_NAME.matcher(name).matches(), "bad metric name '" + name + "'");
          if (parts[0].equals("HELP")) {
            require(!helps.containsKey(name), "a second HELP for " + name);
            helps.put(name, unescape(parts.length > 2 ? parts[2] : ""));
          } else {
            require(parts.length == 3 && TYPES.contains(parts[2].strip()), "TYPE of " + name + " must be one of " + TYPES);
            require(!types.containsKey(name), "a second TYPE for " + name);
            require(!samples.containsKey(name), "TYPE of " + name + " after its samples");
            types.put(name, parts[2].strip());
          }
          continue;
        }
        Sample sample = sample(line);
        String family = familyOf(sample.name(), types);
        if (!family.equals(current)) {
          require(!samples.containsKey(family), "the samples of " + family + " are not in one group");
          current = family;
        }
        require(seenSamples.add(sample.name() + sample.labels()), "a second sample " + sample.name() + sample.labels());
        samples.computeIfAbsent(family, k -> new ArrayList<>()).add(sample);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + number + ": " + e.getMessage() + ": " + line, e);
      }
    }
    Map<String, Family> families = new LinkedHashMap<>();
    Set<String> names = new java.util.LinkedHashSet<>(types.keySet());
    names.addAll(samples.keySet());
    for (String name : names) {
      String type = types.getOrDefault(name, "untyped");
      List<Sample> list = List.copyOf(samples.getOrDefault(name, List.of()));
      if (type.equals("histogram")) {
        checkHistogram(name, list);
      }
      families.put(name, new Family(name, type, helps.get(name), list));
    }
    return new Exposition(families);
  }

  /** Which family a sample belongs to: its own name, or a histogram's or summary's for their _bucket, _sum, _count. */
  private static String familyOf(String sample, Map<String, String> types) {
    if (types.containsKey(sample)) {
      return sample;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        String type = types.get(base);
        if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
          return base;
        }
      }
    }
    return sample;
  }

  private static void checkHistogram(String name, List<Sample> list) {
    for (Sample s : list) {
      if (s.name().equals(name + "_bucket")) {
        require(s.labels().containsKey("le"), "a bucket of histogram " + name + " without 'le'");
        require(FLOAT.matcher(s.labels().get("le")).matches(), "bad 'le' " + s.labels().get("le") + " in " + name);
      } else {
        require(s.name().equals(name + "_sum") || s.name().equals(name + "_count"), "sample " + s.name() + " in histogram " + name);
      }
    }
    require(list.isEmpty() || list.stream().anyMatch(s -> "+Inf".equals(s.labels().get("le"))),
        "histogram " + name + " without its +Inf bucket");
  }

  private static Sample sample(String line) {
    int i = 0;
    int start = i;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
      i++;
    }
    String name = line.substring(start, i);
    require(METRIC_NAME.matcher(name).matches(), "bad metric name '" + name + "'");
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        i = skipBlanks(line, i);
        require(i < line.length(), "labels not closed");
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int nameStart = i;
        while (i < line.length() && line.charAt(i) != '=' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
          i++;
        }
        String label = line.substring(nameStart, i);
        require(LABEL_NAME.matcher(label).matches(), "bad label name '" + label + "'");
        require(!label.startsWith("__"), "label name '" + label + "' is reserved");
        i = skipBlanks(line, i);
        require(i < line.length() && line.charAt(i) == '=', "'=' expected after label " + label);
        i = skipBlanks(line, i + 1);
        require(i < line.length() && line.charAt(i) == '"', "a quoted value expected for label " + label);
        StringBuilder value = new StringBuilder();
        i++;
        while (true) {
          require(i < line.length(), "the value of label " + label + " is not closed");
          char c = line.charAt(i);
          if (c == '"') {
            i++;
            break;
          }
          if (c == '\\') {
            require(i + 1 < line.length(), "a lone backslash in label " + label);
            char e = line.charAt(i + 1);
            switch (e) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new IllegalArgumentException("unknown escape \\" + e + " in label " + label);
            }
            i += 2;
            continue;
          }
          value.append(c);
          i++;
        }
        require(labels.put(label, value.toString()) == null, "label " + label + " twice");
        i = skipBlanks(line, i);
        require(i < line.length(), "labels not closed");
        if (line.charAt(i) == ',') {
          i++;
        } else {
          require(line.charAt(i) == '}', "',' or '}' expected after label " + label);
        }
      }
    }
    String[] rest = line.substring(i).strip().split("[ \t]+");
    require(!rest[0].isEmpty() && rest.length <= 2, "a value and an optional timestamp expected");
    require(i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t'), "a blank before the value");
    require(FLOAT.matcher(rest[0]).matches(), "bad value '" + rest[0] + "'");
    if (rest.length == 2) {
      require(TIMESTAMP.matcher(rest[1]).matches(), "bad timestamp '" + rest[1] + "'");
    }
    return new Sample(name, Map.copyOf(labels), number(rest[0]));
  }

  private static double number(String text) {
    String t = text.toLowerCase(java.util.Locale.ROOT);
    if (t.equals("nan") || t.equals("+nan") || t.equals("-nan")) {
      return Double.NaN;
    }
    if (t.matches("[+]?inf(inity)?")) {
      return Double.POSITIVE_INFINITY;
    }
    if (t.matches("-inf(inity)?")) {
      return Double.NEGATIVE_INFINITY;
    }
    return Double.parseDouble(text);
  }

  /** HELP text: backslash and line feed escaped ({@code \\}, {@code \n}); anything else after a backslash is an error. */
  private static String unescape(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      require(i + 1 < text.length(), "a lone backslash");
      char e = text.charAt(++i);
      switch (e) {
        case '\\' -> out.append('\\');
        case 'n' -> out.append('\n');
        default -> throw new IllegalArgumentException("unknown escape \\" + e + " in HELP");
      }
    }
    return out.toString();
  }

  private static int skipBlanks(String line, int i) {
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalArgumentException(problem);
    }
  }
}
