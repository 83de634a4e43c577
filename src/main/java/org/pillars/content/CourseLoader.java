package org.pillars.content;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads {@code courses/} into a {@link Catalog}: each folder holding a {@code module.md} is a module,
 * its other Markdown files are its lessons in file-name order, and {@code name.fr.md} is the French
 * version of {@code name.md}. A module with any problem is left out; the others are served.
 */
public final class CourseLoader {

  public static final List<String> LANGUAGES = List.of("en", "fr");
  static final String MODULE_FILE = "module";
  static final String QUIZ_FILE = "quiz";
  static final String EXERCISES_FOLDER = "exercises";

  private static final Set<String> MODULE_FIELDS =
      Set.of("id", "title", "summary", "audience", "minutes", "version", "objectives", "sources", "conduct");
  private static final Set<String> LESSON_FIELDS = Set.of("id", "title", "minutes", "track");
  /** Lesson ids that would clash with the module's own addresses (/modules/id/quiz). */
  private static final Set<String> RESERVED_LESSON_IDS = Set.of("quiz", "read", EXERCISES_FOLDER);
  private static final Pattern MARKDOWN = Pattern.compile("(.+?)(?:\\.([a-z]{2}))?\\.md");
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
  /** http: in any case, or protocol-relative //host, which takes the page's scheme: only https:// goes out. */
  private static final Pattern INSECURE = Pattern.compile("(?i)http:|//");
  private static final int WORDS_PER_MINUTE = 180;

  private final MarkdownRenderer markdown;
  private final QuizParser quizzes;
  private final ExerciseParser exercises;

  public CourseLoader(MarkdownRenderer markdown) {
    this.markdown = markdown;
    this.quizzes = new QuizParser(markdown);
    this.exercises = new ExerciseParser(markdown);
  }

  /** One authored file in each language it exists in; English first. */
  private record Versions(Path english, Map<String, Path> translations) { }

  private record LessonDraft(String id, Localized<String> title, Integer minutes, Track track, Map<String, SourceFile> files) { }

  private record ModuleDraft(Path folder, String id, Map<String, SourceFile> files, Map<String, Fields> fields,
                             List<LessonDraft> lessons, Map<String, SourceFile> quizFiles,
                             Map<String, Map<String, SourceFile>> exerciseFiles, List<Problem> problems) { }

  public Catalog load(Path root) {
    List<Problem> problems = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      problems.add(new Problem(root, 1, "not a folder of course modules"));
      return new Catalog(List.of(), problems);
    }
    List<ModuleDraft> drafts = new ArrayList<>();
    for (Path entry : list(root, problems)) {
      String name = entry.getFileName().toString();
      if (Files.isDirectory(entry)) {
        readModule(entry).ifPresent(drafts::add);
        if (!Files.exists(entry.resolve(MODULE_FILE + ".md"))) {
          orphanLessons(entry, problems);
        }
      } else if (name.endsWith(".md") && !name.equalsIgnoreCase("README.md")) {
        problems.add(new Problem(entry, 1, "lesson in no module: put it in a module folder beside a module.md"));
      }
    }
    rejectDuplicateModuleIds(drafts);
    Map<Path, String> urls = urlIndex(drafts);
    Set<String> moduleIds = new java.util.HashSet<>();
    drafts.forEach(d -> moduleIds.add(d.id()));

    List<Module> modules = new ArrayList<>();
    Map<String, Path> folders = new HashMap<>();
    for (ModuleDraft draft : drafts) {
      Optional<Module> module = render(draft, urls, moduleIds);
      problems.addAll(draft.problems());
      if (draft.problems().isEmpty()) {
        module.ifPresent(m -> {
          modules.add(m);
          folders.put(m.id(), draft.folder());
        });
      }
    }
    problems.sort(Comparator.comparing((Problem p) -> p.file().toString()).thenComparingInt(Problem::line));
    return new Catalog(modules, problems, folders);
  }

  private Optional<ModuleDraft> readModule(Path folder) {
    List<Problem> problems = new ArrayList<>();
    Map<String, Versions> byBase = new TreeMap<>();
    Map<String, Versions> exerciseVersions = new TreeMap<>();
    for (Path file : list(folder, problems)) {
      String name = file.getFileName().toString();
      if (Files.isDirectory(file) && name.equals(EXERCISES_FOLDER)) {
        exerciseVersions = versionsIn(file, problems);
        continue;
      }
      if (Files.isDirectory(file)) {
        orphanLessons(file, problems);
        continue;
      }
      addVersion(byBase, file, problems);
    }
    Versions moduleVersions = byBase.remove(MODULE_FILE);
    Versions quizVersions = byBase.remove(QUIZ_FILE);
    if (moduleVersions == null || moduleVersions.english() == null) {
      return Optional.empty();
    }
    byBase.forEach((base, v) -> {
      if (v.english() == null) {
        v.translations().values().forEach(t ->
            problems.add(new Problem(t, 1, "translation without an English original: add " + base + ".md")));
      }
    });

    Map<String, SourceFile> moduleFiles = readVersions(moduleVersions, problems);
    Map<String, Fields> moduleFields = new LinkedHashMap<>();
    moduleFiles.forEach((lang, f) -> moduleFields.put(lang, new Fields(f, problems)));
    Optional<String> id = Optional.empty();
    if (moduleFields.containsKey("en")) {
      Fields en = moduleFields.get("en");
      en.rejectUnknown(MODULE_FIELDS);
      id = en.id(true);
    }
    List<LessonDraft> lessons = new ArrayList<>();
    Map<String, Path> lessonIds = new HashMap<>();
    for (Versions v : byBase.values()) {
      if (v.english() == null) {
        continue;
      }
      readLesson(v, problems).ifPresent(lesson -> {
        Path earlier = lessonIds.putIfAbsent(lesson.id(), v.english());
        if (earlier != null) {
          Fields f = new Fields(lesson.files().get("en"), problems);
          f.problem(f.line("id"), "duplicate lesson id '" + lesson.id() + "' (also in " + earlier.getFileName() + ")");
        } else {
          lessons.add(lesson);
        }
      });
    }
    if (lessons.isEmpty() && problems.isEmpty()) {
      problems.add(new Problem(moduleVersions.english(), 1, "module has no lessons: add a lesson file such as 01-introduction.md"));
    }
    Map<String, SourceFile> quizFiles = quizVersions == null || quizVersions.english() == null
        ? Map.of() : readVersions(quizVersions, problems);
    if (quizVersions != null && quizVersions.english() == null) {
      quizVersions.translations().values().forEach(t ->
          problems.add(new Problem(t, 1, "translation without an English original: add quiz.md")));
    }
    Map<String, Map<String, SourceFile>> exerciseFiles = new TreeMap<>();
    exerciseVersions.forEach((base, v) -> {
      if (v.english() == null) {
        v.translations().values().forEach(t ->
            problems.add(new Problem(t, 1, "translation without an English original: add " + base + ".md")));
      } else {
        exerciseFiles.put(base, readVersions(v, problems));
      }
    });
    String moduleId = id.orElse(null);
    return Optional.of(new ModuleDraft(folder, moduleId, moduleFiles, moduleFields, lessons, quizFiles, exerciseFiles, problems));
  }

  /** The exercises folder's files, one entry per exercise with its English file and translations. */
  private static Map<String, Versions> versionsIn(Path folder, List<Problem> problems) {
    Map<String, Versions> byBase = new TreeMap<>();
    for (Path file : list(folder, problems)) {
      String name = file.getFileName().toString();
      if (Files.isDirectory(file)) {
        orphanLessons(file, problems);
        continue;
      }
      if (!name.equalsIgnoreCase("README.md")) {
        addVersion(byBase, file, problems);
      }
    }
    return byBase;
  }

  /** A Markdown file as the English original or a translation of {@code name.md}, by its name; other files are not read. */
  private static void addVersion(Map<String, Versions> byBase, Path file, List<Problem> problems) {
    Matcher m = MARKDOWN.matcher(file.getFileName().toString());
    if (!m.matches()) {
      return;
    }
    String base = m.group(1);
    String language = m.group(2);
    if (language != null && !LANGUAGES.contains(language)) {
      problems.add(new Problem(file, 1, "language '" + language + "' is not supported (use one of " + LANGUAGES + ")"));
      return;
    }
    Versions versions = byBase.computeIfAbsent(base, b -> new Versions(null, new TreeMap<>()));
    if (language == null || language.equals(Localized.DEFAULT_LANGUAGE)) {
      byBase.put(base, new Versions(file, versions.translations()));
    } else {
      versions.translations().put(language, file);
    }
  }

  private Optional<LessonDraft> readLesson(Versions versions, List<Problem> problems) {
    Map<String, SourceFile> files = readVersions(versions, problems);
    SourceFile en = files.get("en");
    if (en == null) {
      return Optional.empty();
    }
    Fields enFields = new Fields(en, problems);
    enFields.rejectUnknown(LESSON_FIELDS);
    Optional<String> id = enFields.id(true);
    Optional<String> title = enFields.text("title", true);
    Optional<Integer> minutes = enFields.integer("minutes", false, 1, 600);
    Optional<Track> track = enFields.track();
    Map<String, String> titles = new LinkedHashMap<>();
    title.ifPresent(t -> titles.put("en", t));
    files.forEach((lang, f) -> {
      if (lang.equals("en")) {
        return;
      }
      Fields tr = new Fields(f, problems);
      tr.rejectUnknown(LESSON_FIELDS);
      id.ifPresent(enId -> tr.sameAs("id", enId));
      minutes.ifPresent(m -> tr.sameAs("minutes", String.valueOf(m)));
      tr.sameTrack(track);
      tr.text("title", true).ifPresent(t -> titles.put(lang, t));
    });
    if (id.isPresent() && RESERVED_LESSON_IDS.contains(id.get())) {
      enFields.problem(enFields.line("id"), "lesson id '" + id.get() + "' is reserved: choose another");
      return Optional.empty();
    }
    if (id.isEmpty() || title.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new LessonDraft(id.get(), new Localized<>(titles), minutes.orElse(null), track.orElse(null), files));
  }

  private Map<String, SourceFile> readVersions(Versions versions, List<Problem> problems) {
    Map<String, SourceFile> files = new LinkedHashMap<>();
    SourceFile.read(versions.english(), problems).ifPresent(f -> files.put("en", f));
    versions.translations().forEach((lang, path) -> SourceFile.read(path, problems).ifPresent(f -> files.put(lang, f)));
    return files;
  }

  private Optional<Module> render(ModuleDraft draft, Map<Path, String> urls, Set<String> moduleIds) {
    List<Problem> problems = draft.problems();
    Fields en = draft.fields().get("en");
    if (en == null || draft.id() == null) {
      return Optional.empty();
    }
    Optional<String> title = en.text("title", true);
    Optional<String> summary = en.text("summary", true);
    Optional<String> audience = en.text("audience", true);
    Optional<Integer> minutes = en.integer("minutes", true, 1, 10_000);
    Optional<Integer> version = en.integer("version", true, 1, 1_000_000);
    Optional<List<String>> objectives = en.list("objectives", true);
    Optional<List<String>> sources = en.list("sources", true);
    Optional<Boolean> conduct = en.bool("conduct");

    Map<String, String> titles = new LinkedHashMap<>();
    Map<String, String> summaries = new LinkedHashMap<>();
    Map<String, String> audiences = new LinkedHashMap<>();
    Map<String, List<String>> objectiveLists = new LinkedHashMap<>();
    Map<String, List<String>> sourceLists = new LinkedHashMap<>();
    title.ifPresent(t -> titles.put("en", t));
    summary.ifPresent(t -> summaries.put("en", t));
    audience.ifPresent(t -> audiences.put("en", t));
    objectives.ifPresent(t -> objectiveLists.put("en", t));
    sources.ifPresent(t -> sourceLists.put("en", t));
    draft.fields().forEach((lang, tr) -> {
      if (lang.equals("en")) {
        return;
      }
      tr.rejectUnknown(MODULE_FIELDS);
      tr.sameAs("id", draft.id());
      minutes.ifPresent(m -> tr.sameAs("minutes", String.valueOf(m)));
      version.ifPresent(v -> tr.sameAs("version", String.valueOf(v)));
      tr.bool("conduct").filter(c -> !c.equals(conduct.orElse(false))).ifPresent(c ->
          tr.problem(tr.line("conduct"), "conduct is " + c + " here but " + conduct.orElse(false) + " in module.md"));
      tr.text("title", true).ifPresent(t -> titles.put(lang, t));
      tr.text("summary", false).ifPresent(t -> summaries.put(lang, t));
      tr.text("audience", false).ifPresent(t -> audiences.put(lang, t));
      tr.list("objectives", false).ifPresent(t -> objectiveLists.put(lang, t));
      tr.list("sources", false).ifPresent(t -> sourceLists.put(lang, t));
    });

    Map<String, String> overview = new LinkedHashMap<>();
    draft.files().forEach((lang, f) -> overview.put(lang, renderBody(f, urls, moduleIds, problems)));
    List<Lesson> lessons = new ArrayList<>();
    for (LessonDraft l : draft.lessons()) {
      Map<String, String> html = new LinkedHashMap<>();
      l.files().forEach((lang, f) -> html.put(lang, renderBody(f, urls, moduleIds, problems)));
      int lessonMinutes = l.minutes() != null ? l.minutes() : estimateMinutes(l.files().get("en").body());
      lessons.add(new Lesson(l.id(), lessons.size() + 1, l.title(), lessonMinutes, new Localized<>(html), l.track()));
    }
    List<Exercise> exerciseList = new ArrayList<>();
    draft.exerciseFiles().forEach((base, files) -> {
      Path exerciseFolder = draft.folder().resolve(EXERCISES_FOLDER).toAbsolutePath().normalize();
      exercises.parse(base, files, new MarkdownRenderer.Links() {
        @Override
        public Optional<MarkdownRenderer.LinkTarget> apply(String url, Integer line) {
          return resolveLink(exerciseFolder, url, urls, moduleIds);
        }

        @Override
        public Optional<MarkdownRenderer.LinkTarget> image(String url, Integer line) {
          return Optional.of(new MarkdownRenderer.LinkTarget.Broken("image '" + url.strip()
              + "': an exercise shows no images; describe what the learner sees"));
        }
      }, problems).ifPresent(exerciseList::add);
    });
    Optional<Quiz> quiz = draft.quizFiles().isEmpty() ? Optional.empty()
        : quizzes.parse(draft.quizFiles(), (url, line) -> resolveLink(draft.folder().toAbsolutePath().normalize(), url, urls, moduleIds),
            problems);
    if (!problems.isEmpty() || title.isEmpty() || summary.isEmpty() || audience.isEmpty() || minutes.isEmpty()
        || version.isEmpty() || objectives.isEmpty() || sources.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Module(draft.id(), new Localized<>(titles), new Localized<>(summaries),
        new Localized<>(audiences), minutes.get(), version.get(), new Localized<>(objectiveLists), new Localized<>(sourceLists),
        new Localized<>(overview), lessons, quiz, conduct.orElse(false), exerciseList));
  }

  private String renderBody(SourceFile file, Map<Path, String> urls, Set<String> moduleIds, List<Problem> problems) {
    Path folder = file.path().toAbsolutePath().normalize().getParent();
    return markdown.render(file, new MarkdownRenderer.Links() {
      @Override
      public Optional<MarkdownRenderer.LinkTarget> apply(String url, Integer line) {
        return resolveLink(folder, url, urls, moduleIds);
      }

      @Override
      public Optional<MarkdownRenderer.LinkTarget> image(String url, Integer line) {
        return resolveImage(folder, url, urls);
      }
    }, problems);
  }

  /**
   * An image is a file of the module itself (PNG, JPEG or WebP, checked by {@link Images}), served at an address
   * that names its content, so a changed image is a new address: {@code /modules/<id>/files/<name>?v=<digest>}.
   */
  private static Optional<MarkdownRenderer.LinkTarget> resolveImage(Path folder, String url, Map<Path, String> urls) {
    String path = url.strip();
    if (INSECURE.matcher(path.replaceAll("[\t\n\r]", "").replace('\\', '/')).lookingAt()) {
      return Optional.of(new MarkdownRenderer.LinkTarget.Broken(
          "insecure link '" + path + "': external links must be full https:// addresses"));
    }
    if (SCHEME.matcher(path).matches() && !path.regionMatches(true, 0, "https:", 0, 6)) {
      return Optional.empty();  // javascript:, data: and the like: the sanitizer removes them, as from links
    }
    if (SCHEME.matcher(path).matches() || path.startsWith("/")) {
      // the site's content security policy lets a page show its own images only
      return Optional.of(new MarkdownRenderer.LinkTarget.Broken("image '" + path
          + "': an image must be a file of the module (PNG, JPEG or WebP beside the lesson), not an address"));
    }
    Path target;
    try {
      target = folder.resolve(path).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      return Optional.of(new MarkdownRenderer.LinkTarget.Broken("image '" + path + "': not a valid path"));
    }
    if (!target.getParent().equals(folder) || !Files.isRegularFile(target)) {
      return Optional.of(new MarkdownRenderer.LinkTarget.Broken("image '" + path + "' is not a file beside the lesson"));
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(target);
    } catch (IOException e) {
      return Optional.of(new MarkdownRenderer.LinkTarget.Broken("image '" + path + "' cannot be read: " + e.getMessage()));
    }
    Optional<String> problem = Images.problem(target.getFileName().toString(), bytes);
    if (problem.isPresent()) {
      return Optional.of(new MarkdownRenderer.LinkTarget.Broken(problem.get()));
    }
    String module = urls.getOrDefault(folder, "/modules/" + folder.getFileName());
    return Optional.of(new MarkdownRenderer.LinkTarget.Url(module + "/files/" + target.getFileName() + "?v=" + Images.digest(bytes)));
  }

  private static Optional<MarkdownRenderer.LinkTarget> resolveLink(Path folder, String url, Map<Path, String> urls,
      Set<String> moduleIds) {
    String trimmed = url.strip();
    // read as a browser reads it: tabs and line breaks dropped, a backslash as a slash (so /\host is //host)
    if (INSECURE.matcher(trimmed.replaceAll("[\t\n\r]", "").replace('\\', '/')).lookingAt()) {
      return Optional.of(new MarkdownRenderer.LinkTarget.Broken(
          "insecure link '" + trimmed + "': external links must be full https:// addresses"));
    }
    if (trimmed.isEmpty() || trimmed.startsWith("#") || SCHEME.matcher(trimmed).matches()) {
      return Optional.empty();
    }
    int hash = trimmed.indexOf('#');
    String path = hash >= 0 ? trimmed.substring(0, hash) : trimmed;
    String fragment = hash >= 0 ? trimmed.substring(hash) : "";
    if (path.startsWith("/")) {
      String[] parts = path.split("/");
      if (parts.length >= 3 && parts[1].equals("modules") && !moduleIds.contains(parts[2])) {
        return Optional.of(new MarkdownRenderer.LinkTarget.Broken("broken link: there is no module '" + parts[2] + "'"));
      }
      return Optional.empty();
    }
    if (!path.endsWith(".md")) {
      return Optional.of(new MarkdownRenderer.LinkTarget.Broken(
          "broken link '" + path + "': link to another lesson's .md file, or to a full https:// address"));
    }
    Path target;
    try {
      target = folder.resolve(path).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      return Optional.of(new MarkdownRenderer.LinkTarget.Broken("broken link '" + path + "': not a valid path"));
    }
    String resolved = urls.get(target);
    if (resolved == null && Files.isRegularFile(target)) {
      // The file is there but did not load; its own problem is reported, and the link leads to its module.
      resolved = urls.get(target.getParent());
    }
    if (resolved == null) {
      return Optional.of(new MarkdownRenderer.LinkTarget.Broken("broken link: '" + path + "' is not a lesson of any module"));
    }
    return Optional.of(new MarkdownRenderer.LinkTarget.Url(resolved + fragment));
  }

  /**
   * The site URL of every authored file. A module keeps its folder's URL even while it is broken (its id
   * then falls back to the folder name), so a link to it does not take the linking module down too.
   */
  private static Map<Path, String> urlIndex(List<ModuleDraft> drafts) {
    Map<Path, String> urls = new HashMap<>();
    for (ModuleDraft d : drafts) {
      String moduleUrl = "/modules/" + (d.id() != null ? d.id() : d.folder().getFileName());
      urls.put(d.folder().toAbsolutePath().normalize(), moduleUrl);
      d.files().values().forEach(f -> urls.put(f.path().toAbsolutePath().normalize(), moduleUrl));
      d.quizFiles().values().forEach(f -> urls.put(f.path().toAbsolutePath().normalize(), moduleUrl + "/quiz"));
      for (LessonDraft l : d.lessons()) {
        l.files().values().forEach(f -> urls.put(f.path().toAbsolutePath().normalize(), moduleUrl + "/" + l.id()));
      }
      d.exerciseFiles().forEach((base, files) -> files.values().forEach(f ->
          urls.put(f.path().toAbsolutePath().normalize(), moduleUrl + "/" + EXERCISES_FOLDER + "/" + base)));
    }
    return urls;
  }

  /**
   * Two folders claiming one module id: the folder named after the id keeps it (so adding a copy never
   * takes a working module down); otherwise the first in name order does.
   */
  private static void rejectDuplicateModuleIds(List<ModuleDraft> drafts) {
    Map<String, List<ModuleDraft>> byId = new LinkedHashMap<>();
    drafts.stream().filter(d -> d.id() != null).forEach(d -> byId.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(d));
    byId.forEach((id, claimants) -> {
      if (claimants.size() < 2) {
        return;
      }
      ModuleDraft keeper = claimants.stream()
          .filter(d -> d.folder().getFileName().toString().equals(id)).findFirst().orElse(claimants.get(0));
      claimants.stream().filter(d -> d != keeper).forEach(d -> {
        Fields fields = d.fields().get("en");
        fields.problem(fields.line("id"), "duplicate module id '" + id + "' (already used by " + keeper.folder() + ")");
      });
    });
  }

  private static void orphanLessons(Path folder, List<Problem> problems) {
    try (Stream<Path> files = Files.walk(folder)) {
      files.filter(f -> f.getFileName().toString().endsWith(".md") && Files.isRegularFile(f))
          .filter(f -> !f.getFileName().toString().equalsIgnoreCase("README.md"))
          .sorted()
          .forEach(f -> problems.add(new Problem(f, 1,
              "lesson in no module: " + f.getParent().getFileName() + "/ has no module.md"
                  + (f.getParent().equals(folder) ? "" : " (lessons sit directly in the module folder)"))));
    } catch (IOException e) {
      problems.add(new Problem(folder, 1, "cannot read the folder: " + e.getMessage()));
    }
  }

  private static List<Path> list(Path folder, List<Problem> problems) {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    } catch (IOException e) {
      problems.add(new Problem(folder, 1, "cannot read the folder: " + e.getMessage()));
      return List.of();
    }
  }

  static int estimateMinutes(String body) {
    int words = body.isBlank() ? 0 : body.strip().split("\\s+").length;
    return Math.max(1, (words + WORDS_PER_MINUTE - 1) / WORDS_PER_MINUTE);
  }
}
