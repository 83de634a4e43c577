package org.pillars.content;

import java.nio.file.Path;
import java.util.ArrayList;
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
 * Reads quiz.md (and its translations) into a {@link Quiz}. The syntax is plain Markdown that reads well
 * anywhere: a {@code ## Question: id} heading per question, {@code Type:} under it, an optional
 * {@code >} scenario, the question, a task list of options ({@code - [x]} marks the right ones) with an
 * indented {@code Feedback:} under any option, then {@code Explanation:} and {@code Source:}.
 * See docs/authoring.md.
 */
final class QuizParser {

  static final Set<String> FRONT_MATTER = Set.of("pass_mark", "max_attempts", "shuffle_questions", "shuffle_options", "draw");

  private static final Pattern QUESTION = Pattern.compile("^##\\s+Question:\\s*(.*?)\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s.*");
  private static final Pattern FIELD = Pattern.compile("^([A-Za-z][A-Za-z_-]*):\\s*(.*)$");
  private static final Pattern OPTION = Pattern.compile("^[-*+]\\s+\\[([ xX])\\]\\s?(.*)$");
  private static final Pattern CONTINUATION = Pattern.compile("^(?: {2,}|\\t)\\s*(.*)$");

  private record Text(String markdown, int line) {
    Text append(String more) {
      return new Text(markdown.isEmpty() ? more : markdown + "\n" + more, line);
    }
  }

  private record OptionDraft(Text text, boolean correct, Text feedback) { }

  private record QuestionDraft(int line, String id, Quiz.Type type, Track track, Integer trackLine, Text scenario, Text prompt,
                               List<OptionDraft> options, Text explanation, Text source) { }

  private record QuizDraft(SourceFile file, Optional<Integer> passMark, Optional<Integer> maxAttempts,
                           Optional<Boolean> shuffleQuestions, Optional<Boolean> shuffleOptions, Optional<Integer> draw, Text intro,
                           List<QuestionDraft> questions, Set<String> headings) {

    Optional<QuestionDraft> question(String id) {
      return questions.stream().filter(q -> q.id().equals(id)).findFirst();
    }
  }

  private final MarkdownRenderer markdown;

  QuizParser(MarkdownRenderer markdown) {
    this.markdown = markdown;
  }

  /**
   * Parses the English quiz and its translations; every problem goes to {@code problems}. Returns a quiz
   * only when the English file is sound and every translation matches it question for question.
   */
  Optional<Quiz> parse(Map<String, SourceFile> files, BiFunction<String, Integer, Optional<MarkdownRenderer.LinkTarget>> links,
      List<Problem> problems) {
    int before = problems.size();
    Map<String, QuizDraft> drafts = new LinkedHashMap<>();
    files.forEach((lang, file) -> drafts.put(lang, draft(file, problems)));
    QuizDraft en = drafts.get("en");
    if (en == null) {
      return Optional.empty();
    }
    drafts.forEach((lang, tr) -> {
      if (!lang.equals("en")) {
        compare(en, tr, problems);
      }
    });
    if (problems.size() > before || en.passMark().isEmpty() || en.maxAttempts().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(build(drafts, links, problems));
  }

  private QuizDraft draft(SourceFile file, List<Problem> problems) {
    Fields fields = new Fields(file, problems);
    fields.rejectUnknown(FRONT_MATTER);
    boolean english = !file.path().getFileName().toString().matches(".*\\.[a-z]{2}\\.md");
    Optional<Integer> passMark = fields.integer("pass_mark", english, 1, 100);
    Optional<Integer> maxAttempts = fields.integer("max_attempts", english, 0, 100);
    Optional<Boolean> shuffleQuestions = fields.bool("shuffle_questions");
    Optional<Boolean> shuffleOptions = fields.bool("shuffle_options");
    Optional<Integer> draw = fields.integer("draw", false, 1, 100);

    String[] lines = file.body().split("\n", -1);
    Text intro = new Text("", file.bodyFirstLine());
    List<QuestionDraft> questions = new ArrayList<>();
    int i = 0;
    while (i < lines.length && !QUESTION.matcher(lines[i]).matches()) {
      if (HEADING.matcher(lines[i]).matches() && lines[i].startsWith("## ")) {
        problem(problems, file, file.bodyFirstLine() + i, "a question heading must read '## Question: some-id'");
      }
      intro = intro.append(lines[i]);
      i++;
    }
    Set<String> ids = new HashSet<>();
    boolean any = false;
    while (i < lines.length) {
      int end = i + 1;
      while (end < lines.length && !QUESTION.matcher(lines[end]).matches()) {
        end++;
      }
      any = true;
      String id = QUESTION.matcher(lines[i]).replaceFirst("$1");
      if (!ids.add(id)) {
        problem(problems, file, file.bodyFirstLine() + i, "duplicate question id '" + id + "'");
      }
      question(file, lines, i, end, problems).ifPresent(questions::add);
      i = end;
    }
    if (!any) {
      problem(problems, file, 1, "the quiz has no questions: start each with a line '## Question: some-id'");
    }
    if (draw.isPresent() && !ids.isEmpty() && draw.get() > ids.size()) {
      problem(problems, file, fields.line("draw"), "'draw' asks " + draw.get() + " questions but the quiz has " + ids.size()
          + ": draw at most " + ids.size() + ", or leave it out to ask them all");
    }
    return new QuizDraft(file, passMark, maxAttempts, shuffleQuestions, shuffleOptions, draw,
        new Text(intro.markdown().strip(), intro.line()), questions, ids);
  }

  /** One question: lines [start, end) of the body, the first being its heading. */
  private Optional<QuestionDraft> question(SourceFile file, String[] lines, int start, int end, List<Problem> problems) {
    int first = file.bodyFirstLine();
    int headingLine = first + start;
    String id = QUESTION.matcher(lines[start]).replaceFirst("$1");
    boolean ok = true;
    if (!Fields.ID.matcher(id).matches()) {
      problem(problems, file, headingLine, "question id '" + id + "' must be lowercase letters, digits and hyphens");
      ok = false;
    }
    Quiz.Type type = Quiz.Type.SINGLE;
    Track track = null;
    Integer trackLine = null;
    int i = start + 1;
    while (i < end && lines[i].isBlank()) {
      i++;
    }
    for (; i < end; i++) {
      Matcher field = FIELD.matcher(lines[i]);
      if (!field.matches()) {
        break;
      }
      String key = field.group(1);
      if (key.equalsIgnoreCase("Type")) {
        Optional<Quiz.Type> parsed = Quiz.Type.of(field.group(2));
        if (parsed.isEmpty()) {
          problem(problems, file, first + i, "unknown type '" + field.group(2).strip()
              + "' (use single, multiple, true-false or scenario)");
          ok = false;
        } else {
          type = parsed.get();
        }
      } else if (key.equalsIgnoreCase("Track")) {
        Optional<Track> parsed = Track.of(field.group(2));
        trackLine = first + i;
        if (parsed.isEmpty()) {
          problem(problems, file, first + i, "unknown track '" + field.group(2).strip() + "' (use " + Track.allowed() + ")");
          ok = false;
        } else {
          track = parsed.get();
        }
      } else {
        problem(problems, file, first + i, "unknown field '" + key + "' (under the heading only 'Type:' and 'Track:' are allowed)");
        ok = false;
      }
    }
    Text scenario = null;
    Text prompt = null;
    List<OptionDraft> options = new ArrayList<>();
    Text explanation = null;
    Text source = null;
    String current = "prompt";
    for (; i < end; i++) {
      String line = lines[i];
      int lineNo = first + i;
      Matcher option = OPTION.matcher(line);
      Matcher field = FIELD.matcher(line);
      Matcher continuation = CONTINUATION.matcher(line);
      if (option.matches() && explanation == null && source == null) {
        options.add(new OptionDraft(new Text(option.group(2).strip(), lineNo), !option.group(1).isBlank(), null));
        current = "option";
      } else if (line.isBlank()) {
        if (current.equals("explanation") || current.equals("source")) {
          current = "after";
        } else if (current.equals("prompt") && prompt != null) {
          prompt = prompt.append("");
        }
      } else if (current.equals("option") || current.equals("feedback")) {
        if (continuation.matches()) {
          String text = continuation.group(1);
          OptionDraft last = options.get(options.size() - 1);
          if (text.regionMatches(true, 0, "Feedback:", 0, 9)) {
            if (last.feedback() != null) {
              problem(problems, file, lineNo, "this option already has feedback");
              ok = false;
            }
            options.set(options.size() - 1, new OptionDraft(last.text(), last.correct(), new Text(text.substring(9).strip(), lineNo)));
            current = "feedback";
          } else if (current.equals("feedback")) {
            options.set(options.size() - 1, new OptionDraft(last.text(), last.correct(), last.feedback().append(text)));
          } else {
            options.set(options.size() - 1, new OptionDraft(last.text().append(text), last.correct(), null));
          }
        } else if (field.matches()) {
          current = afterField(field, lineNo, file, problems);
          if (current.equals("explanation")) {
            explanation = new Text(field.group(2).strip(), lineNo);
          } else if (current.equals("source")) {
            source = new Text(field.group(2).strip(), lineNo);
          } else {
            ok = false;
          }
        } else {
          problem(problems, file, lineNo, "unexpected text after the options: indent it under an option, "
              + "or start it with 'Explanation:'");
          ok = false;
        }
      } else if (current.equals("prompt")) {
        if (field.matches() && (field.group(1).equalsIgnoreCase("Explanation") || field.group(1).equalsIgnoreCase("Source"))) {
          problem(problems, file, lineNo, "'" + field.group(1) + ":' must come after the options");
          ok = false;
        } else if (line.startsWith(">") && prompt == null) {
          String text = line.substring(1).strip();
          scenario = scenario == null ? new Text(text, lineNo) : scenario.append(text);
        } else {
          prompt = prompt == null ? new Text(line, lineNo) : prompt.append(line);
        }
      } else {
        if (field.matches()) {
          String next = afterField(field, lineNo, file, problems);
          if (next.equals("explanation")) {
            if (explanation != null) {
              problem(problems, file, lineNo, "a second 'Explanation:'");
              ok = false;
            }
            explanation = new Text(field.group(2).strip(), lineNo);
          } else if (next.equals("source")) {
            if (source != null) {
              problem(problems, file, lineNo, "a second 'Source:'");
              ok = false;
            }
            source = new Text(field.group(2).strip(), lineNo);
          } else {
            ok = false;
          }
          current = next;
        } else if (current.equals("explanation")) {
          explanation = explanation.append(line.strip());
        } else if (current.equals("source")) {
          source = source.append(line.strip());
        } else {
          problem(problems, file, lineNo, "unexpected text after the explanation: start it with 'Explanation:' or 'Source:'");
          ok = false;
        }
      }
    }
    ok &= checkQuestion(file, headingLine, type, scenario, prompt, options, explanation, source, problems);
    return ok ? Optional.of(new QuestionDraft(headingLine, id, type, track, trackLine, scenario, prompt, options, explanation, source))
        : Optional.empty();
  }

  private static String afterField(Matcher field, int lineNo, SourceFile file, List<Problem> problems) {
    String key = field.group(1);
    if (key.equalsIgnoreCase("Explanation")) {
      return "explanation";
    }
    if (key.equalsIgnoreCase("Source")) {
      return "source";
    }
    problem(problems, file, lineNo, "unknown field '" + key + "' (after the options: 'Explanation:' and 'Source:')");
    return "after";
  }

  private static boolean checkQuestion(SourceFile file, int line, Quiz.Type type, Text scenario, Text prompt,
      List<OptionDraft> options, Text explanation, Text source, List<Problem> problems) {
    int before = problems.size();
    if (prompt == null || prompt.markdown().isBlank()) {
      problem(problems, file, line, "the question has no text: write it between the heading and the options");
    }
    if (options.isEmpty()) {
      problem(problems, file, line, "the question has no options: list them as '- [ ] option', the right ones as '- [x] option'");
    }
    for (OptionDraft o : options) {
      if (o.text().markdown().isBlank()) {
        problem(problems, file, o.text().line(), "empty option");
      }
      if (o.feedback() != null && o.feedback().markdown().isBlank()) {
        problem(problems, file, o.feedback().line(), "empty feedback");
      }
    }
    long correct = options.stream().filter(OptionDraft::correct).count();
    if (!options.isEmpty() && correct == 0) {
      problem(problems, file, line, "no correct option: mark the right one with '- [x]'");
    }
    if (type.singleAnswer() && correct > 1) {
      problem(problems, file, options.stream().filter(OptionDraft::correct).skip(1).findFirst().orElseThrow().text().line(),
          correct + " correct options in a " + type.keyword() + " question: keep one, or write 'Type: multiple'");
    }
    if (type == Quiz.Type.MULTIPLE && options.size() < 2) {
      problem(problems, file, line, "a multiple question needs at least two options");
    }
    if (type == Quiz.Type.TRUE_FALSE && options.size() != 2) {
      problem(problems, file, line, "a true-false question has exactly two options (true, false), not " + options.size());
    }
    if (type == Quiz.Type.SCENARIO) {
      if (scenario == null || scenario.markdown().isBlank()) {
        problem(problems, file, line, "a scenario question starts with the situation as a '>' quote");
      }
      for (OptionDraft o : options) {
        if (o.feedback() == null) {
          problem(problems, file, o.text().line(), "every option of a scenario question needs an indented 'Feedback:'");
        }
      }
    }
    if (explanation == null || explanation.markdown().isBlank()) {
      problem(problems, file, line, "missing 'Explanation:' after the options");
    }
    if (source == null || source.markdown().isBlank()) {
      problem(problems, file, line, "missing 'Source:' naming where the explanation comes from");
    }
    return problems.size() == before;
  }

  private static <T> void same(QuizDraft tr, String key, Optional<T> here, T english, List<Problem> problems) {
    here.filter(v -> !v.equals(english)).ifPresent(v -> problem(problems, tr.file(), 1,
        key + " is " + v + " here but " + (english == null ? "not set" : english) + " in the English quiz"));
  }

  /** A translation must ask the same questions, in the same order, with the same options right. */
  private static void compare(QuizDraft en, QuizDraft tr, List<Problem> problems) {
    Path path = tr.file().path();
    tr.passMark().filter(p -> en.passMark().isPresent() && !p.equals(en.passMark().get())).ifPresent(p ->
        problem(problems, tr.file(), 1, "pass_mark is " + p + " here but " + en.passMark().get() + " in the English quiz"));
    tr.maxAttempts().filter(m -> en.maxAttempts().isPresent() && !m.equals(en.maxAttempts().get())).ifPresent(m ->
        problem(problems, tr.file(), 1, "max_attempts is " + m + " here but " + en.maxAttempts().get() + " in the English quiz"));
    // how attempts ask the questions is the English quiz's: a translation may repeat it, never differ
    same(tr, "shuffle_questions", tr.shuffleQuestions(), en.shuffleQuestions().orElse(false), problems);
    same(tr, "shuffle_options", tr.shuffleOptions(), en.shuffleOptions().orElse(false), problems);
    same(tr, "draw", tr.draw(), en.draw().orElse(null), problems);
    for (QuestionDraft e : en.questions()) {
      Optional<QuestionDraft> found = tr.question(e.id());
      if (found.isEmpty()) {
        if (!tr.headings().contains(e.id())) {
          problems.add(new Problem(path, 1, "question '" + e.id() + "' of the English quiz is missing"));
        }
        continue;
      }
      QuestionDraft t = found.get();
      if (e.type() != t.type() || e.options().size() != t.options().size()) {
        problems.add(new Problem(path, t.line(), "question '" + t.id() + "' must have the same type and number of options as in English"));
        continue;
      }
      if (t.track() != null && t.track() != e.track()) {
        problems.add(new Problem(path, t.trackLine(), "track is " + t.track().keyword() + " here but "
            + (e.track() == null ? "not set" : e.track().keyword()) + " in the English quiz"));
      }
      for (int o = 0; o < e.options().size(); o++) {
        if (e.options().get(o).correct() != t.options().get(o).correct()) {
          problems.add(new Problem(path, t.options().get(o).text().line(),
              "option " + (o + 1) + " is " + (t.options().get(o).correct() ? "right" : "wrong") + " here but not in English"));
        }
      }
    }
    for (String id : tr.headings()) {
      if (en.question(id).isEmpty() && !en.headings().contains(id)) {
        problems.add(new Problem(path, tr.question(id).map(QuestionDraft::line).orElse(1),
            "question '" + id + "' is not in the English quiz"));
      }
    }
  }

  private Quiz build(Map<String, QuizDraft> drafts, BiFunction<String, Integer, Optional<MarkdownRenderer.LinkTarget>> links,
      List<Problem> problems) {
    QuizDraft en = drafts.get("en");
    Map<String, String> intro = new LinkedHashMap<>();
    drafts.forEach((lang, d) -> intro.put(lang, d.intro().markdown().isEmpty() ? ""
        : markdown.render(d.file().path(), d.intro().markdown(), d.intro().line(), links, problems)));
    List<Quiz.Question> questions = new ArrayList<>();
    for (int q = 0; q < en.questions().size(); q++) {
      QuestionDraft e = en.questions().get(q);
      String qid = e.id();
      Localized<String> scenario = e.scenario() == null ? null : block(drafts, d -> d.question(qid).get().scenario(), links, problems);
      Localized<String> prompt = block(drafts, d -> d.question(qid).get().prompt(), links, problems);
      Localized<String> explanation = block(drafts, d -> d.question(qid).get().explanation(), links, problems);
      Localized<String> source = inline(drafts, d -> d.question(qid).get().source(), links, problems);
      List<Quiz.Option> options = new ArrayList<>();
      for (int o = 0; o < e.options().size(); o++) {
        int option = o;
        OptionDraft eo = e.options().get(o);
        Localized<String> text = inline(drafts, d -> d.question(qid).get().options().get(option).text(), links, problems);
        Localized<String> feedback = eo.feedback() == null ? null
            : block(drafts, d -> d.question(qid).get().options().get(option).feedback(), links, problems);
        options.add(new Quiz.Option(text, eo.correct(), feedback));
      }
      questions.add(new Quiz.Question(e.id(), e.type(), scenario, prompt, options, explanation, source, e.track()));
    }
    Quiz.Selection selection = new Quiz.Selection(en.shuffleQuestions().orElse(false), en.shuffleOptions().orElse(false),
        en.draw().filter(n -> n < questions.size()).orElse(0));
    return new Quiz(en.passMark().orElseThrow(), en.maxAttempts().orElseThrow(), new Localized<>(intro), questions, selection);
  }

  private Localized<String> block(Map<String, QuizDraft> drafts, java.util.function.Function<QuizDraft, Text> text,
      BiFunction<String, Integer, Optional<MarkdownRenderer.LinkTarget>> links, List<Problem> problems) {
    Map<String, String> html = new LinkedHashMap<>();
    drafts.forEach((lang, d) -> {
      Text t = text.apply(d);
      if (t != null) {
        html.put(lang, markdown.render(d.file().path(), t.markdown(), t.line(), links, problems));
      }
    });
    return new Localized<>(html);
  }

  private Localized<String> inline(Map<String, QuizDraft> drafts, java.util.function.Function<QuizDraft, Text> text,
      BiFunction<String, Integer, Optional<MarkdownRenderer.LinkTarget>> links, List<Problem> problems) {
    Map<String, String> html = new LinkedHashMap<>();
    drafts.forEach((lang, d) -> {
      Text t = text.apply(d);
      if (t != null) {
        html.put(lang, markdown.renderInline(d.file().path(), t.markdown(), t.line(), links, problems));
      }
    });
    return new Localized<>(html);
  }

  private static void problem(List<Problem> problems, SourceFile file, int line, String message) {
    problems.add(new Problem(file.path(), line, message));
  }
}
