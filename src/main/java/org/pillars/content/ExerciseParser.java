package org.pillars.content;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one branching exercise ({@code exercises/<id>.md} and its translations) into an {@link Exercise}: passages
 * under {@code ## Passage: id} headings, each ending in a list of links to other passages (its choices), then
 * {@code ## Debrief} and an optional {@code ## Facilitator notes}. The English file's passages must form a sound
 * graph: every choice leads to a passage, every passage is reached from the start, and from every passage some path
 * leads to an ending, so a loop always has a way out. A translation has the same passages and choices. See
 * docs/authoring.md, section 10.
 */
final class ExerciseParser {

  static final Set<String> FIELDS = Set.of("id", "title", "track", "minutes");
  static final int MAX_CHOICES = 6;

  private static final Pattern PASSAGE = Pattern.compile("^##\\s+Passage:\\s*(.*?)\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern DEBRIEF = Pattern.compile("^##\\s+Debrief\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern NOTES = Pattern.compile("^##\\s+Facilitator notes\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern SECTION = Pattern.compile("^##\\s.*");
  private static final Pattern LIST_ITEM = Pattern.compile("^[-*+]\\s+.*");
  private static final Pattern CHOICE = Pattern.compile("^[-*+]\\s+\\[(.+)\\]\\(#([^)\\s]*)\\)\\s*$");
  private static final Pattern PASSAGE_LINK = Pattern.compile("\\]\\(#[^)]*\\)");

  private record Text(String markdown, int line) { }

  private record ChoiceDraft(Text label, String target) { }

  private record PassageDraft(String id, int line, Text text, List<ChoiceDraft> choices) { }

  private record Draft(SourceFile file, Optional<String> title, Text intro, List<PassageDraft> passages, Text debrief,
                       Text notes) {

    Optional<PassageDraft> passage(String id) {
      return passages.stream().filter(p -> p.id().equals(id)).findFirst();
    }
  }

  private final MarkdownRenderer markdown;

  ExerciseParser(MarkdownRenderer markdown) {
    this.markdown = markdown;
  }

  /**
   * The exercise named {@code fileId} (its English file's name) from its files by language; every problem goes to
   * {@code problems}, and an exercise is returned only when there are none.
   */
  Optional<Exercise> parse(String fileId, Map<String, SourceFile> files,
      BiFunction<String, Integer, Optional<MarkdownRenderer.LinkTarget>> links, List<Problem> problems) {
    int before = problems.size();
    SourceFile enFile = files.get("en");
    if (enFile == null) {
      return Optional.empty();
    }
    Fields en = new Fields(enFile, problems);
    en.rejectUnknown(FIELDS);
    Optional<String> id = en.id(true);
    id.filter(i -> !i.equals(fileId)).ifPresent(i ->
        en.problem(en.line("id"), "id '" + i + "' must be the file's name, '" + fileId + "'"));
    Optional<Track> track = en.track();
    Optional<Integer> minutes = en.integer("minutes", false, 1, 240);
    Map<String, Draft> drafts = new LinkedHashMap<>();
    drafts.put("en", draft(enFile, en, problems));
    boolean soundFile = problems.size() == before;
    files.forEach((lang, file) -> {
      if (lang.equals("en")) {
        return;
      }
      Fields tr = new Fields(file, problems);
      tr.rejectUnknown(FIELDS);
      id.ifPresent(i -> tr.sameAs("id", i));
      tr.sameTrack(track);
      minutes.ifPresent(m -> tr.sameAs("minutes", String.valueOf(m)));
      drafts.put(lang, draft(file, tr, problems));
    });
    Draft english = drafts.get("en");
    if (soundFile) {
      // a passage with its own problem is left out: checking the graph without it would only add confusion
      checkGraph(english, problems);
    }
    if (soundFile) {
      drafts.forEach((lang, d) -> {
        if (!lang.equals("en")) {
          compare(english, d, problems);
        }
      });
    }
    if (problems.size() > before || id.isEmpty() || english.title().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(build(id.get(), track.orElse(null), minutes, drafts, links, problems));
  }

  private static Draft draft(SourceFile file, Fields fields, List<Problem> problems) {
    Optional<String> title = fields.text("title", true);
    String[] lines = file.body().split("\n", -1);
    int first = file.bodyFirstLine();
    List<PassageDraft> passages = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    StringBuilder intro = new StringBuilder();
    Text debrief = null;
    Text notes = null;
    int i = 0;
    while (i < lines.length && !SECTION.matcher(lines[i]).matches()) {
      intro.append(lines[i]).append('\n');
      i++;
    }
    while (i < lines.length) {
      int end = i + 1;
      while (end < lines.length && !SECTION.matcher(lines[end]).matches()) {
        end++;
      }
      int line = first + i;
      Text body = text(lines, i + 1, end, first);
      Matcher passage = PASSAGE.matcher(lines[i]);
      if (passage.matches()) {
        String id = passage.group(1);
        if (debrief != null || notes != null) {
          problem(problems, file, line, "passages come before '## Debrief' and '## Facilitator notes'");
        } else if (!Fields.ID.matcher(id).matches()) {
          problem(problems, file, line, "passage id '" + id + "' must be lowercase letters, digits and hyphens");
        } else if (!ids.add(id)) {
          problem(problems, file, line, "duplicate passage id '" + id + "'");
        } else {
          passage(file, id, line, lines, i + 1, end, problems).ifPresent(passages::add);
        }
      } else if (DEBRIEF.matcher(lines[i]).matches()) {
        if (debrief != null) {
          problem(problems, file, line, "a second '## Debrief'");
        } else if (notes != null) {
          problem(problems, file, line, "'## Debrief' comes before '## Facilitator notes'");
        }
        debrief = body;
        noPassageLinks(file, body, problems);
      } else if (NOTES.matcher(lines[i]).matches()) {
        if (notes != null) {
          problem(problems, file, line, "a second '## Facilitator notes'");
        }
        notes = body;
        noPassageLinks(file, body, problems);
      } else {
        problem(problems, file, line, "unknown heading: an exercise has '## Passage: some-id' sections, then '## Debrief' "
            + "and '## Facilitator notes' (use '###' for a heading inside a passage)");
      }
      i = end;
    }
    if (ids.isEmpty()) {
      problem(problems, file, 1, "the exercise has no passages: start each with a line '## Passage: some-id'");
    }
    if (debrief == null || debrief.markdown().isBlank()) {
      problem(problems, file, debrief == null ? 1 : debrief.line() - 1, "missing '## Debrief', shown at every ending");
    }
    if (notes != null && notes.markdown().isBlank()) {
      problem(problems, file, notes.line() - 1, "'## Facilitator notes' is empty: write the notes, or leave the heading out");
    }
    Text introText = new Text(intro.toString().strip(), first);
    noPassageLinks(file, introText, problems);
    return new Draft(file, title, introText, passages, debrief, notes);
  }

  /** Lines [from, to) as one text, starting on its first line. */
  private static Text text(String[] lines, int from, int to, int first) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < to; i++) {
      b.append(lines[i]).append('\n');
    }
    return new Text(b.toString().strip().isEmpty() ? "" : b.toString(), first + from);
  }

  /** A passage: its text, then its choices, the items of its last list when that list links to passages. */
  private static Optional<PassageDraft> passage(SourceFile file, String id, int headingLine, String[] lines, int from, int to,
      List<Problem> problems) {
    int first = file.bodyFirstLine();
    int last = to - 1;
    while (last >= from && lines[last].isBlank()) {
      last--;
    }
    // the choices are the list the passage ends with: its items, one per line, blank lines between them allowed,
    // whether or not a blank line parts it from the text above
    // (a blank line is crossed only between two items that both lead to passages: above it, a list of the text's own
    // ends where the choices begin)
    int listStart = last + 1;
    boolean crossedBlank = false;
    for (int i = last; i >= from; i--) {
      if (LIST_ITEM.matcher(lines[i]).matches() && (!crossedBlank || PASSAGE_LINK.matcher(lines[i]).find())) {
        listStart = i;
        crossedBlank = false;
      } else if (lines[i].isBlank() && i - 1 >= from && LIST_ITEM.matcher(lines[i - 1]).matches()
          && PASSAGE_LINK.matcher(lines[listStart]).find()) {
        crossedBlank = true;
      } else {
        break;
      }
    }
    boolean isList = listStart <= last;
    boolean linksPassages = false;
    for (int i = listStart; i <= last; i++) {
      linksPassages |= PASSAGE_LINK.matcher(lines[i]).find();
    }
    int before = problems.size();
    List<ChoiceDraft> choices = new ArrayList<>();
    int textEnd = last + 1;
    if (isList && linksPassages) {
      textEnd = listStart;
      for (int i = listStart; i <= last; i++) {
        if (lines[i].isBlank()) {
          continue;
        }
        Matcher choice = CHOICE.matcher(lines[i]);
        if (!choice.matches() || choice.group(1).contains("](") || choice.group(1).contains("<")) {
          problem(problems, file, first + i, "a choice is one link to a passage, '- [text](#passage-id)', and nothing else");
        } else if (choice.group(1).isBlank()) {
          problem(problems, file, first + i, "empty choice: write what the learner does between the brackets");
        } else {
          choices.add(new ChoiceDraft(new Text(choice.group(1).strip(), first + i), choice.group(2)));
        }
      }
      if (choices.size() > MAX_CHOICES) {
        problem(problems, file, first + listStart, choices.size() + " choices: at most " + MAX_CHOICES);
      }
    }
    Text text = text(lines, from, textEnd, first);
    if (text.markdown().isBlank()) {
      problem(problems, file, headingLine, "passage '" + id + "' has no text: say what happens before the choices");
    }
    noPassageLinks(file, text, problems);
    return problems.size() == before ? Optional.of(new PassageDraft(id, headingLine, text, choices)) : Optional.empty();
  }

  private static void noPassageLinks(SourceFile file, Text text, List<Problem> problems) {
    if (text == null) {
      return;
    }
    String[] lines = text.markdown().split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (PASSAGE_LINK.matcher(lines[i]).find()) {
        problem(problems, file, text.line() + i, "a link to a passage must be a choice: one item of the passage's last list");
      }
    }
  }

  /** Every choice leads to a passage; every passage is reached from the start and can reach an ending. */
  private static void checkGraph(Draft d, List<Problem> problems) {
    if (d.passages().isEmpty()) {
      return;
    }
    Map<String, PassageDraft> byId = new LinkedHashMap<>();
    d.passages().forEach(p -> byId.put(p.id(), p));
    boolean targetsOk = true;
    for (PassageDraft p : d.passages()) {
      for (ChoiceDraft c : p.choices()) {
        if (!byId.containsKey(c.target())) {
          problem(problems, d.file(), c.label().line(), "choice leads to '" + c.target() + "', which is no passage of this exercise");
          targetsOk = false;
        }
      }
    }
    if (d.passages().stream().noneMatch(p -> p.choices().isEmpty())) {
      problem(problems, d.file(), d.passages().get(0).line(), "the exercise has no ending: a passage with no choices ends it");
      return;
    }
    if (d.passages().get(0).choices().isEmpty()) {
      problem(problems, d.file(), d.passages().get(0).line(),
          "the first passage is where the exercise starts: it needs choices, or there is nothing to play");
    }
    if (!targetsOk) {
      return;
    }
    Set<String> reached = new HashSet<>();
    Deque<String> queue = new ArrayDeque<>(List.of(d.passages().get(0).id()));
    while (!queue.isEmpty()) {
      String id = queue.pop();
      if (reached.add(id)) {
        byId.get(id).choices().forEach(c -> queue.push(c.target()));
      }
    }
    Map<String, List<String>> into = new HashMap<>();
    d.passages().forEach(p -> p.choices().forEach(c -> into.computeIfAbsent(c.target(), k -> new ArrayList<>()).add(p.id())));
    Set<String> ends = new HashSet<>();
    d.passages().stream().filter(p -> p.choices().isEmpty()).forEach(p -> queue.push(p.id()));
    while (!queue.isEmpty()) {
      String id = queue.pop();
      if (ends.add(id)) {
        into.getOrDefault(id, List.of()).forEach(queue::push);
      }
    }
    for (PassageDraft p : d.passages()) {
      if (!reached.contains(p.id())) {
        problem(problems, d.file(), p.line(), "passage '" + p.id() + "' cannot be reached from the start");
      } else if (!ends.contains(p.id())) {
        problem(problems, d.file(), p.line(), "from passage '" + p.id() + "' no path leads to an ending: a loop with no exit");
      }
    }
  }

  /** A translation has the English passages, in order, each with the same choices leading to the same passages. */
  private static void compare(Draft en, Draft tr, List<Problem> problems) {
    Path path = tr.file().path();
    for (int i = 0; i < Math.max(en.passages().size(), tr.passages().size()); i++) {
      if (i >= tr.passages().size()) {
        problems.add(new Problem(path, 1, "passage '" + en.passages().get(i).id() + "' of the English exercise is missing"));
        continue;
      }
      PassageDraft t = tr.passages().get(i);
      if (i >= en.passages().size()) {
        problems.add(new Problem(path, t.line(), "passage '" + t.id() + "' is not in the English exercise"));
        continue;
      }
      PassageDraft e = en.passages().get(i);
      if (!e.id().equals(t.id())) {
        problems.add(new Problem(path, t.line(), "passage '" + t.id() + "' here, but '" + e.id() + "' at this place in the English exercise"));
        continue;
      }
      List<String> enTargets = e.choices().stream().map(ChoiceDraft::target).toList();
      List<String> trTargets = t.choices().stream().map(ChoiceDraft::target).toList();
      if (!enTargets.equals(trTargets)) {
        problems.add(new Problem(path, t.line(), "passage '" + t.id() + "' must have the choices of the English exercise, "
            + "leading to the same passages in the same order: " + enTargets));
      }
    }
    if ((en.notes() == null) != (tr.notes() == null)) {
      problems.add(new Problem(path, 1, en.notes() == null ? "'## Facilitator notes' here but not in the English exercise"
          : "'## Facilitator notes' of the English exercise is missing"));
    }
  }

  private Exercise build(String id, Track track, Optional<Integer> minutes, Map<String, Draft> drafts,
      BiFunction<String, Integer, Optional<MarkdownRenderer.LinkTarget>> links, List<Problem> problems) {
    Draft en = drafts.get("en");
    Map<String, String> titles = new LinkedHashMap<>();
    drafts.forEach((lang, d) -> d.title().ifPresent(t -> titles.put(lang, t)));
    List<Exercise.Passage> passages = new ArrayList<>();
    for (PassageDraft e : en.passages()) {
      Localized<String> html = block(drafts, d -> d.passage(e.id()).orElseThrow().text(), links, problems);
      List<Exercise.Choice> choices = new ArrayList<>();
      for (int c = 0; c < e.choices().size(); c++) {
        int n = c;
        Map<String, String> label = new LinkedHashMap<>();
        drafts.forEach((lang, d) -> {
          Text t = d.passage(e.id()).orElseThrow().choices().get(n).label();
          label.put(lang, markdown.renderInline(d.file().path(), t.markdown(), t.line(), links, problems));
        });
        choices.add(new Exercise.Choice(new Localized<>(label), e.choices().get(c).target()));
      }
      passages.add(new Exercise.Passage(e.id(), html, choices));
    }
    Localized<String> intro = block(drafts, Draft::intro, links, problems);
    Localized<String> debrief = block(drafts, Draft::debrief, links, problems);
    Localized<String> notes = en.notes() == null ? null : block(drafts, Draft::notes, links, problems);
    int words = en.file().body().isBlank() ? 0 : en.file().body().strip().split("\\s+").length;
    // a learner reads one path, about half of what is written, and stops to think at each choice
    int estimate = Math.max(1, (words / 2 + 179) / 180 + en.passages().size() / 4);
    return new Exercise(id, new Localized<>(titles), track, minutes.orElse(estimate), intro, passages, debrief, notes);
  }

  private Localized<String> block(Map<String, Draft> drafts, java.util.function.Function<Draft, Text> text,
      BiFunction<String, Integer, Optional<MarkdownRenderer.LinkTarget>> links, List<Problem> problems) {
    Map<String, String> html = new LinkedHashMap<>();
    drafts.forEach((lang, d) -> {
      Text t = text.apply(d);
      html.put(lang, t == null || t.markdown().isBlank() ? "" : markdown.render(d.file().path(), t.markdown(), t.line(), links, problems));
    });
    return new Localized<>(html);
  }

  private static void problem(List<Problem> problems, SourceFile file, int line, String message) {
    problems.add(new Problem(file.path(), line, message));
  }
}
