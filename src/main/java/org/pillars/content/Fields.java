package org.pillars.content;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Typed reads of one file's front matter; each bad or missing field becomes a {@link Problem}. */
final class Fields {

  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  private final SourceFile file;
  private final List<Problem> problems;

  Fields(SourceFile file, List<Problem> problems) {
    this.file = file;
    this.problems = problems;
  }

  /** Reports every field not in {@code allowed}: a typo in a key must not pass silently. */
  void rejectUnknown(Set<String> allowed) {
    for (SourceFile.Field f : file.fields().values()) {
      if (!allowed.contains(f.key())) {
        problem(f.line(), "unknown field '" + f.key() + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  Optional<String> id(boolean required) {
    return text("id", required).flatMap(id -> {
      if (!ID.matcher(id).matches()) {
        problem(line("id"), "id '" + id + "' must be lowercase letters, digits and hyphens (at most 64)");
        return Optional.empty();
      }
      return Optional.of(id);
    });
  }

  Optional<String> text(String key, boolean required) {
    SourceFile.Field f = file.fields().get(key);
    if (f == null || (!f.isList() && (f.text() == null || f.text().isBlank()))) {
      if (required) {
        problem(f == null ? 1 : f.line(), "missing " + key);
      }
      return Optional.empty();
    }
    if (f.isList()) {
      problem(f.line(), "'" + key + "' must be a single line of text, not a list");
      return Optional.empty();
    }
    return Optional.of(f.text().strip());
  }

  Optional<Integer> integer(String key, boolean required, int min, int max) {
    return text(key, required).flatMap(value -> {
      try {
        int n = Integer.parseInt(value);
        if (n >= min && n <= max) {
          return Optional.of(n);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      problem(line(key), "'" + key + "' must be a whole number from " + min + " to " + max + ", got '" + value + "'");
      return Optional.empty();
    });
  }

  /** The optional {@code track} field: whom the file is written for. */
  Optional<Track> track() {
    return text("track", false).flatMap(t -> {
      Optional<Track> track = Track.of(t);
      if (track.isEmpty()) {
        problem(line("track"), "unknown track '" + t + "' (use " + Track.allowed() + ")");
      }
      return track;
    });
  }

  /** A translation repeats the English file's track or none; it may not add one the English file lacks. */
  void sameTrack(Optional<Track> english) {
    english.ifPresent(t -> sameAs("track", t.keyword()));
    if (english.isEmpty() && text("track", false).isPresent()) {
      problem(line("track"), "'track' is set here but not in the English file");
    }
  }

  /** An optional yes-or-no field: {@code true} or {@code false}. */
  Optional<Boolean> bool(String key) {
    return text(key, false).flatMap(value -> {
      if (value.equals("true") || value.equals("false")) {
        return Optional.of(value.equals("true"));
      }
      problem(line(key), "'" + key + "' must be true or false, got '" + value + "'");
      return Optional.empty();
    });
  }

  Optional<List<String>> list(String key, boolean required) {
    SourceFile.Field f = file.fields().get(key);
    if (f == null) {
      if (required) {
        problem(1, "missing " + key + " (a list, one '- item' per line)");
      }
      return Optional.empty();
    }
    if (!f.isList()) {
      problem(f.line(), "'" + key + "' must be a list, one '- item' per line");
      return Optional.empty();
    }
    if (f.list().isEmpty() || f.list().stream().anyMatch(String::isBlank)) {
      problem(f.line(), "'" + key + "' must list at least one item and no empty item");
      return Optional.empty();
    }
    return Optional.of(f.list().stream().map(String::strip).toList());
  }

  /** A translation may repeat a field of the English file, but then it must say the same. */
  void sameAs(String key, String english) {
    text(key, false).filter(value -> !value.equals(english)).ifPresent(value ->
        problem(line(key), "'" + key + "' is '" + value + "' here but '" + english + "' in the English file"));
  }

  int line(String key) {
    SourceFile.Field f = file.fields().get(key);
    return f == null ? 1 : f.line();
  }

  void problem(int line, String message) {
    problems.add(new Problem(file.path(), line, message));
  }
}
