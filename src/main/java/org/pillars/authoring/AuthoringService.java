package org.pillars.authoring;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.pillars.content.Catalog;
import org.pillars.content.ContentStore;
import org.pillars.content.CourseLoader;
import org.pillars.content.Images;
import org.pillars.content.Lesson;
import org.pillars.content.MarkdownRenderer;
import org.pillars.content.Module;
import org.pillars.content.ModuleCodec;
import org.pillars.content.ModuleFolder;
import org.pillars.content.ModuleVersionRepository;
import org.pillars.content.Problem;
import org.pillars.content.Quiz;
import org.pillars.core.Conflict;
import org.pillars.core.Forbidden;
import org.pillars.core.Invalid;
import org.pillars.core.NotFound;
import org.pillars.core.Principal;
import org.pillars.core.Role;

/**
 * The trainers' workspace, shared by its pages and its API: every module with its published version, its problems
 * and how complete its French is; a module's versions; any version as a zip of its files.
 *
 * <p>Who may do what, for every call here: a module is seen in the workspace by those who may read it
 * ({@link Catalog#visible}); it is changed (drafts, publication, roll back) by an admin, or by a trainer when it is a
 * module for the trainer's own organisation. A module for every organisation is changed by admins only, and a
 * module not published yet is seen only by those who may change it. Anything else is not found, or refused.
 */
public final class AuthoringService {

  /**
   * One module as a trainer sees it. {@code version} and {@code publishedAt} are null for a folder of courses/ that
   * has never been published (its problems say why). {@code frenchMissing}: English files with no French one;
   * {@code frenchOlder}: French files last changed before their English source.
   */
  public record ModuleStatus(String id, String title, Integer version, OffsetDateTime publishedAt, String folder,
                             List<String> problems, List<String> frenchMissing, List<String> frenchOlder, boolean draftOpen,
                             List<String> removedLessons, long readersOfRemoved, Scope scope) {
    /** A module without a published version, or whose published version removed nothing. */
    ModuleStatus(String id, String title, Integer version, OffsetDateTime publishedAt, String folder, List<String> problems,
                 List<String> frenchMissing, List<String> frenchOlder, boolean draftOpen, Scope scope) {
      this(id, title, version, publishedAt, folder, problems, frenchMissing, frenchOlder, draftOpen, List.of(), 0, scope);
    }
  }

  /**
   * Who a module is for, as the workspace shows it: {@code organisationId} and its name (both null: every
   * organisation), and whether the one asking may change the module.
   */
  public record Scope(Long organisationId, String organisation, boolean editable) { }

  public record History(Module module, List<ModuleVersionRepository.VersionInfo> versions, boolean draftOpen, Scope scope) { }

  /** name.md, and name.xx.md for language xx. */
  private static final Pattern MARKDOWN = Pattern.compile("(.+?)(?:\\.([a-z]{2}))?\\.md");

  /** How many learners have read any of the given lessons of a module (learning answers it). */
  @FunctionalInterface
  public interface Readers {
    Future<Long> of(String moduleId, List<String> lessonIds);
  }

  /** One problem of a draft, at a path inside the module. */
  public record FileProblem(String path, int line, String message) {
    @Override
    public String toString() {
      return path + ":" + line + ": " + message;
    }
  }

  /** A draft as checked by the validator: its problems, and the module it renders to when it has none. */
  public record DraftView(AuthoringRepository.Draft draft, List<FileProblem> problems, Optional<Module> module) { }

  /**
   * What publishing a draft changes for learners: lessons added and removed (with how many learners read those),
   * questions removed, and questions whose right answers changed. {@code mustConfirm} when anything disappears or
   * changes meaning.
   */
  public record Changes(List<String> lessonsAdded, List<String> lessonsRemoved, long readersOfRemoved,
                        List<String> questionsRemoved, List<String> keysChanged) {
    public boolean mustConfirm() {
      return !lessonsRemoved.isEmpty() || !questionsRemoved.isEmpty() || !keysChanged.isEmpty();
    }
  }

  /** The outcome of a publish: the version now served, or, unconfirmed, the changes that need confirming. */
  public record Publication(Integer version, Changes changes) { }

  /** A file as uploaded: the name the browser gave and its bytes. */
  public record Upload(String name, byte[] bytes) { }

  /** An upload refused as a whole: every reason, one per file or entry at fault. Nothing was stored. */
  public static final class UploadRefused extends RuntimeException {
    private final List<String> reasons;

    UploadRefused(List<String> reasons) {
      super(String.join("; ", reasons), null, false, false);
      this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
      return reasons;
    }
  }

  /** A zip may hold this many entries and unpack to this many bytes in all (counted while unpacking, not as declared). */
  static final int MAX_ZIP_ENTRIES = 200;
  static final long MAX_ZIP_BYTES = 8L * 1024 * 1024;
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  /**
   * Adds files to the draft: Markdown (UTF-8 text), PNG, JPEG and WebP images (checked against their bytes, stripped of
   * metadata), or a zip of them (one folder, as an export holds, or none). All or nothing: any file at fault refuses
   * the upload with every reason, and nothing is stored.
   */
  public Future<Integer> upload(Principal p, String moduleId, int revision, List<Upload> uploads) {
    List<String> reasons = new ArrayList<>();
    Map<String, byte[]> files = new java.util.LinkedHashMap<>();
    if (uploads.isEmpty()) {
      reasons.add("choose one or more files to upload");
    }
    for (Upload u : uploads) {
      if (u.name().toLowerCase(Locale.ROOT).endsWith(".zip")) {
        unzip(u, files, reasons);
      } else {
        accept(u.name(), u.bytes(), files, reasons);
      }
    }
    if (!reasons.isEmpty()) {
      return Future.failedFuture(new UploadRefused(reasons));
    }
    return editable(p, moduleId).compose(ok -> drafts.draft(moduleId)).compose(found -> {
      AuthoringRepository.Draft d = found.orElseThrow(() -> new NotFound("no_draft", "module '" + moduleId + "' has no open draft"));
      long count = java.util.stream.Stream.concat(d.files().keySet().stream(), files.keySet().stream()).distinct().count();
      if (count > MAX_FILES) {
        return Future.failedFuture(new UploadRefused(List.of("a module may hold at most " + MAX_FILES + " files")));
      }
      return drafts.saveAll(moduleId, revision, files, p.accountId());
    }).recover(e -> e instanceof AuthoringRepository.StaleRevision
        ? Future.failedFuture(new Conflict("stale_revision", "the draft was saved since you opened it: reload it and upload again"))
        : Future.failedFuture(e));
  }

  private static void accept(String name, byte[] bytes, Map<String, byte[]> files, List<String> reasons) {
    if (name == null || !FILE_NAME.matcher(name).matches()) {
      reasons.add("'" + name + "': a file name is letters, digits, '.', '-' and '_', starting with a letter or digit");
    } else if (Images.isImageName(name) || name.toLowerCase(Locale.ROOT).endsWith(".svg")) {
      Optional<String> problem = Images.problem(name, bytes);
      if (problem.isPresent()) {
        reasons.add(problem.get());
      } else {
        files.put(name, Images.strip(bytes));
      }
    } else if (name.endsWith(".md")) {
      if (bytes.length > MAX_FILE_BYTES) {
        reasons.add("'" + name + "' weighs " + bytes.length / 1024 + " KiB; a file may hold at most " + MAX_FILE_BYTES / 1024 + " KiB");
      } else if (!utf8(bytes)) {
        reasons.add("'" + name + "' is not UTF-8 text: save it as UTF-8");
      } else {
        files.put(name, bytes);
      }
    } else {
      reasons.add("'" + name + "' is neither Markdown (.md) nor an image (PNG, JPEG, WebP)");
    }
  }

  private static boolean utf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes));
      return new String(bytes, StandardCharsets.UTF_8).indexOf('\u0000') < 0;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  /** Unpacks a zip with limits counted as it inflates; an entry outside the module folder refuses the whole zip. */
  private static void unzip(Upload zip, Map<String, byte[]> files, List<String> reasons) {
    Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
    long total = 0;
    try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip.bytes()))) {
      int count = 0;
      for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        String name = e.getName();
        if (++count > MAX_ZIP_ENTRIES) {
          reasons.add(zip.name() + ": more than " + MAX_ZIP_ENTRIES + " entries");
          return;
        }
        if (name.startsWith("/") || name.contains("\\") || name.matches("^[A-Za-z]:.*") || java.util.Arrays.asList(name.split("/")).contains("..")) {
          reasons.add(zip.name() + ": the entry '" + name + "' points outside the module folder");
          return;
        }
        if (e.isDirectory() || name.startsWith("__MACOSX/") || java.util.Arrays.stream(name.split("/")).anyMatch(n -> n.startsWith("."))) {
          continue;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
          total += n;
          if (total > MAX_ZIP_BYTES) {
            reasons.add(zip.name() + ": it unpacks to more than " + MAX_ZIP_BYTES / (1024 * 1024) + " MiB");
            return;
          }
          out.write(buffer, 0, n);
        }
        entries.put(name, out.toByteArray());
      }
    } catch (IOException | IllegalArgumentException e) {
      reasons.add(zip.name() + ": not a zip file that can be read (" + e.getMessage() + ")");
      return;
    }
    // one folder around everything, as an export has it, is the module folder itself
    String prefix = entries.keySet().stream().allMatch(n -> n.contains("/"))
        && entries.keySet().stream().map(n -> n.substring(0, n.indexOf('/'))).distinct().count() == 1
        ? entries.keySet().iterator().next().substring(0, entries.keySet().iterator().next().indexOf('/') + 1) : "";
    if (entries.isEmpty()) {
      reasons.add(zip.name() + ": the zip holds no file");
    }
    entries.forEach((name, bytes) -> {
      String inside = name.substring(prefix.length());
      if (inside.contains("/")) {
        reasons.add(zip.name() + ": '" + name + "' is in a sub-folder; a module's files sit directly in its folder");
      } else {
        accept(inside, bytes, files, reasons);
      }
    });
  }

  /** Text files a trainer edits: a relative path of plain names, Markdown only for now. */
  private static final Pattern EDITABLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}\\.md");
  static final int MAX_FILE_BYTES = 512 * 1024;
  static final int MAX_FILES = 200;

  private final io.vertx.core.Vertx vertx;
  private final ContentStore content;
  private final ModuleVersionRepository versions;
  private final AuthoringRepository drafts;
  private final Readers readers;

  private final boolean review;

  /** {@code review}: a draft is published only once a trainer who never edited it has approved it as it stands. */
  public AuthoringService(io.vertx.core.Vertx vertx, ContentStore content, ModuleVersionRepository versions,
                          AuthoringRepository drafts, Readers readers, boolean review) {
    this.review = review;
    this.vertx = vertx;
    this.content = content;
    this.versions = versions;
    this.drafts = drafts;
    this.readers = readers;
  }

  private Module published(String moduleId) {
    return content.get().module(moduleId).orElseThrow(() -> new NotFound("there is no module '" + moduleId + "'"));
  }

  /** The one rule of who changes a module for {@code organisationId} (null: for every organisation). */
  static boolean mayChange(Principal p, Long organisationId) {
    return p.role() == Role.ADMIN || organisationId != null && organisationId == p.organisationId();
  }

  /**
   * The organisation a module is for (null: every one), if {@code p} may see it in the workspace: a published module
   * as its readers may; one not published yet (an open draft only) if {@code p} may change it. Not found otherwise.
   */
  private Future<Long> readable(Principal p, String moduleId) {
    Catalog catalog = content.get();
    NotFound none = new NotFound("there is no module '" + moduleId + "'");
    if (catalog.module(moduleId).isPresent()) {
      return catalog.visible(moduleId, Optional.of(p)) ? Future.succeededFuture(catalog.scope(moduleId).orElse(null))
          : Future.failedFuture(none);
    }
    return drafts.draft(moduleId).compose(d -> d.isPresent() && mayChange(p, d.get().organisationId())
        ? Future.succeededFuture(d.get().organisationId()) : Future.failedFuture(none));
  }

  /** Succeeds if {@code p} may change the module; refused with the reason if they may only see it. */
  private Future<Void> editable(Principal p, String moduleId) {
    return readable(p, moduleId).compose(scope -> mayChange(p, scope) ? Future.<Void>succeededFuture()
        : Future.failedFuture(new Forbidden(scope == null
            ? "this module is for every organisation: only an admin may change it"
            : "this module is for another organisation: only its trainers, or an admin, may change it")));
  }

  private Scope scope(Principal p, Long organisationId, Map<Long, String> names) {
    return new Scope(organisationId, organisationId == null ? null : names.get(organisationId), mayChange(p, organisationId));
  }

  /** The organisations a module may be for, by id, in name order (an admin's choice when creating or scoping one). */
  public Future<Map<Long, String>> organisations() {
    return drafts.organisations();
  }

  /**
   * Makes a module (published, or a new one's draft) one for every organisation ({@code rawOrganisation} empty or
   * "all") or for one organisation and its units. Admins only.
   */
  public Future<Void> scope(Principal p, String moduleId, String rawOrganisation) {
    if (p.role() != Role.ADMIN) {
      return Future.failedFuture(new Forbidden("only an admin decides which organisations a module is for"));
    }
    return readable(p, moduleId).compose(was -> organisation(rawOrganisation)).compose(org ->
        drafts.assignedOutside(moduleId, org.orElse(null)).compose(outside -> {
          if (outside > 0) {
            // their learners could no longer open it, and those cohorts could never be ready
            return Future.failedFuture(new Conflict("assigned_elsewhere", "module '" + moduleId + "' is assigned to " + outside
                + " cohort(s) outside that organisation: their coordinators remove it first, or choose a wider scope"));
          }
          return content.get().module(moduleId).isPresent()
              ? versions.scope(p.accountId(), moduleId, org.orElse(null)).compose(changed -> content.refresh())
              : drafts.scope(moduleId, org.orElse(null));
        }));
  }

  /** An organisation named by its id, as a form sends it; empty for every organisation ("" or "all"). */
  private Future<Optional<Long>> organisation(String raw) {
    if (raw == null || raw.isBlank() || raw.strip().equals("all")) {
      return Future.succeededFuture(Optional.empty());
    }
    long id;
    try {
      id = Long.parseLong(raw.strip());
    } catch (NumberFormatException e) {
      return Future.failedFuture(new Invalid("bad_organisation", "choose an organisation from the list, or every organisation"));
    }
    return drafts.organisations().compose(all -> all.containsKey(id) ? Future.succeededFuture(Optional.of(id))
        : Future.failedFuture(new Invalid("bad_organisation", "there is no organisation " + id)));
  }

  /** Opens a draft of a published module, a copy of its published files; the open draft if there is one. */
  public Future<AuthoringRepository.Draft> openDraft(Principal p, String moduleId) {
    return editable(p, moduleId).compose(ok -> {
      Module module = published(moduleId);
      String folder = content.get().folder(moduleId).map(f -> f.getFileName().toString()).orElse(moduleId);
      return drafts.open(moduleId, module.version(), folder, p.accountId());
    });
  }

  /** A module id as the validator takes it. */
  private static final Pattern MODULE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  /**
   * Creates a module as a draft of its own (learners see nothing until it is published), from a skeleton that passes
   * the validator: module.md with every field the trainer then fills in, and a first lesson. A trainer's module is
   * for the trainer's organisation; an admin's for the one chosen ({@code rawOrganisation}), or every organisation.
   */
  public Future<AuthoringRepository.Draft> create(Principal p, String id, String title, String rawOrganisation) {
    String cleanTitle = title == null ? "" : title.strip();
    if (id == null || !MODULE_ID.matcher(id).matches()) {
      return Future.failedFuture(new Invalid("bad_id",
          "a module id is lowercase letters, digits and hyphens, at most 64, such as child-protection"));
    }
    if (cleanTitle.isEmpty() || cleanTitle.length() > 200 || cleanTitle.chars().anyMatch(c -> c < 0x20)) {
      return Future.failedFuture(new Invalid("bad_title", "a title is one line of at most 200 characters"));
    }
    if (content.get().module(id).isPresent()) {
      return Future.failedFuture(new Conflict("module_exists", content.get().visible(id, Optional.of(p))
          ? "there is a module '" + id + "' already: open a draft of it" : "the id '" + id + "' is taken: choose another"));
    }
    String yamlTitle = "\"" + cleanTitle.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    Map<String, byte[]> files = new java.util.LinkedHashMap<>();
    files.put("module.md", ("---\nid: " + id + "\ntitle: " + yamlTitle + "\nsummary: What this module is about, in one or two sentences.\n"
        + "audience: Military and police personnel of troop- and police-contributing countries\nminutes: 10\nversion: 1\n"
        + "objectives:\n  - What a learner can do after this module\nsources:\n  - The document this module is based on\n---\n"
        + "The overview of the module, in Markdown.\n").getBytes(StandardCharsets.UTF_8));
    files.put("01-introduction.md", ("---\nid: introduction\ntitle: Introduction\n---\n## What this lesson covers\n\n"
        + "The first lesson, in Markdown.\n").getBytes(StandardCharsets.UTF_8));
    Future<Optional<Long>> scope = p.role() == Role.ADMIN ? organisation(rawOrganisation)
        : Future.succeededFuture(Optional.of(p.organisationId()));
    return scope.compose(org -> drafts.create(id, files, p.accountId(), org.orElse(null)))
        .recover(e -> Future.failedFuture(e instanceof AuthoringRepository.StaleRevision
            ? new Conflict("draft_exists", "a draft of module '" + id + "' is open already") : e));
  }

  /** The module's open draft, checked by the same validator as courses/; not found when none is open. */
  public Future<DraftView> draft(Principal p, String moduleId) {
    return editable(p, moduleId).compose(ok -> draft(moduleId));
  }

  private Future<DraftView> draft(String moduleId) {
    return drafts.draft(moduleId).compose(found -> check(found.orElseThrow(() ->
        new NotFound("no_draft", "module '" + moduleId + "' has no open draft"))));
  }

  /**
   * Saves one file of the draft as the trainer wrote it (null text deletes it), if nobody saved the draft since
   * {@code revision}; gives the draft's new revision. Refused: a path that is not a Markdown file name, text over
   * the limit or not UTF-8 safe, too many files, a stale revision (with who saved since).
   */
  public Future<Integer> save(Principal p, String moduleId, int revision, String path, String text) {
    if (path == null || !EDITABLE.matcher(path).matches()) {
      return Future.failedFuture(new Invalid("bad_path",
          "a file of a module is a Markdown file name such as 03-on-patrol.md (letters, digits, '.', '-', '_')"));
    }
    byte[] bytes = text == null ? null : text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
    if (bytes != null && bytes.length > MAX_FILE_BYTES) {
      return Future.failedFuture(new Invalid("too_large", "a file may hold at most " + MAX_FILE_BYTES / 1024 + " KiB"));
    }
    if (text != null && text.indexOf('\u0000') >= 0) {
      return Future.failedFuture(new Invalid("not_text", "the file holds a NUL character: it is not text"));
    }
    return editable(p, moduleId).compose(ok -> drafts.draft(moduleId)).compose(found -> {
      AuthoringRepository.Draft d = found.orElseThrow(() -> new NotFound("no_draft", "module '" + moduleId + "' has no open draft"));
      if (bytes != null && !d.files().containsKey(path) && d.files().size() >= MAX_FILES) {
        return Future.failedFuture(new Invalid("too_many", "a module may hold at most " + MAX_FILES + " files"));
      }
      return drafts.save(moduleId, revision, path, bytes, p.accountId());
    }).recover(e -> e instanceof AuthoringRepository.StaleRevision stale
        ? Future.failedFuture(new Conflict("stale_revision", "the draft was saved since you opened it"
            + (stale.current() == null || stale.current().updatedBy() == null ? "" : ", by " + stale.current().updatedBy())
            + ": your text is kept below; compare it with the saved file, then save again"))
        : Future.failedFuture(e));
  }

  /**
   * An image of a module by the address its lessons give it (name and content digest): from any published version,
   * to whoever may read the module ({@code who} empty: an anonymous reader), or from the open draft (a preview), to
   * whoever may change it.
   */
  public Future<Optional<byte[]>> media(Optional<Principal> who, String moduleId, String name, String digest) {
    if (name == null || !Images.isImageName(name) || digest == null || !digest.matches("[0-9a-f]{16}")) {
      return Future.succeededFuture(Optional.empty());
    }
    boolean readable = content.get().module(moduleId).isPresent() && content.get().visible(moduleId, who);
    return (readable ? versions.media(moduleId, name, digest) : Future.succeededFuture(Optional.<byte[]>empty()))
        .compose(found -> found.isPresent() || who.isEmpty() ? Future.succeededFuture(found)
            : editable(who.get(), moduleId).compose(ok -> drafts.media(moduleId, name, digest))
                .recover(e -> e instanceof NotFound || e instanceof Forbidden
                    ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(e)));
  }

  public boolean reviewed() {
    return review;
  }

  /** Approves the draft as it stands at {@code revision}; refused to anyone who edited it, or if it changed since. */
  public Future<Void> approve(Principal p, String moduleId, int revision) {
    return editable(p, moduleId).compose(ok -> drafts.draft(moduleId)).compose(found -> {
      AuthoringRepository.Draft d = found.orElseThrow(() -> new NotFound("no_draft", "module '" + moduleId + "' has no open draft"));
      if (d.authors().contains(p.accountId())) {
        return Future.failedFuture(new Conflict("own_draft",
            "you edited this draft: another trainer, who did not, must approve it"));
      }
      return drafts.approve(moduleId, revision, p.accountId()).compose(done -> done ? Future.<Void>succeededFuture()
          : Future.failedFuture(new Conflict("stale_revision", "the draft was saved since you read it: read it again")));
    });
  }

  public Future<Void> discard(Principal p, String moduleId) {
    return editable(p, moduleId).compose(ok -> drafts.discard(moduleId));
  }

  /**
   * Publishes the draft as the module's next version, if it has no problem; what disappears or changes meaning for
   * learners must be confirmed first (unconfirmed, nothing happens and the changes are given). The draft is closed.
   */
  public Future<Publication> publish(Principal p, String moduleId, boolean confirmed) {
    Optional<Module> before = content.get().module(moduleId);
    return draft(p, moduleId).compose(view -> {
      if (!view.problems().isEmpty() || view.module().isEmpty()) {
        return Future.failedFuture(new Conflict("draft_has_problems",
            "the draft has " + view.problems().size() + " problem(s); fix them before publishing"));
      }
      if (review && !view.draft().approved()) {
        return Future.failedFuture(new Conflict("needs_review",
            "a trainer who did not edit this draft must approve it as it stands before it is published"));
      }
      Module after = view.module().get();
      return (before.isPresent() ? changes(before.get(), after)
          : Future.succeededFuture(new Changes(after.lessons().stream().map(Lesson::id).toList(), List.of(), 0,
              List.of(), List.of()))).compose(changes -> {
        if (changes.mustConfirm() && !confirmed) {
          return Future.succeededFuture(new Publication(null, changes));
        }
        AuthoringRepository.Draft d = view.draft();
        ModuleVersionRepository.NewVersion next = new ModuleVersionRepository.NewVersion(moduleId, after.version(), null,
            ModuleFolder.digest(d.files()), ModuleCodec.toJson(after),
            after.quiz().map(ModuleCodec::quizToJson).orElse(null), d.files(), "workspace", p.accountId(), d.organisationId());
        return versions.publish(List.of(next)).compose(v -> drafts.discard(moduleId)).compose(v -> content.refresh())
            .map(v -> new Publication(published(moduleId).version(), changes));
      });
    });
  }

  /**
   * Serves an earlier version again (a roll back). What disappears or changes meaning compared with the version
   * served now must be confirmed first, as for a publication.
   */
  public Future<Publication> republish(Principal p, String moduleId, String rawVersion, boolean confirmed) {
    int version = version(rawVersion);
    return editable(p, moduleId).compose(ok -> versions.version(moduleId, version)).compose(found -> {
      Module now = published(moduleId);
      Module earlier = found.orElseThrow(() -> new NotFound("there is no version " + version + " of module '" + moduleId + "'"));
      return changes(now, earlier).compose(changes -> changes.mustConfirm() && !confirmed
          ? Future.succeededFuture(new Publication(null, changes))
          : versions.republish(p.accountId(), moduleId, version).compose(v -> content.refresh()).map(v -> new Publication(version, changes)));
    });
  }

  private Future<Changes> changes(Module before, Module after) {
    List<String> beforeLessons = before.lessons().stream().map(Lesson::id).toList();
    List<String> afterLessons = after.lessons().stream().map(Lesson::id).toList();
    List<String> removed = beforeLessons.stream().filter(l -> !afterLessons.contains(l)).toList();
    List<String> added = afterLessons.stream().filter(l -> !beforeLessons.contains(l)).toList();
    List<String> questionsRemoved = new ArrayList<>();
    List<String> keysChanged = new ArrayList<>();
    before.quiz().ifPresent(q -> q.questions().forEach(question -> {
      var now = after.quiz().flatMap(a -> a.question(question.id()));
      if (now.isEmpty()) {
        questionsRemoved.add(question.id());
      } else if (!key(question).equals(key(now.get()))) {
        keysChanged.add(question.id());
      }
    }));
    return readers.of(before.id(), removed).map(count -> new Changes(added, removed, count, questionsRemoved, keysChanged));
  }

  /** A question's key: how many options, and which are right. */
  private static List<Boolean> key(Quiz.Question q) {
    return q.options().stream().map(Quiz.Option::correct).toList();
  }

  /** The draft among every other published module, in a scratch folder, through the validator of courses/. */
  private Future<DraftView> check(AuthoringRepository.Draft d) {
    return versions.publishedMarkdown().compose(all -> vertx.executeBlocking(() -> {
      Path root = Files.createTempDirectory("pillars-draft");
      try {
        for (Map.Entry<String, Map<String, byte[]>> module : all.entrySet()) {
          if (!module.getKey().equals(d.folder())) {
            write(root.resolve(module.getKey()), module.getValue());
          }
        }
        Path folder = root.resolve(d.folder()).toAbsolutePath().normalize();
        write(folder, d.files());
        Catalog catalog = new CourseLoader(new MarkdownRenderer()).load(root);
        List<FileProblem> problems = new ArrayList<>();
        for (Problem problem : catalog.problems()) {
          Path file = problem.file().toAbsolutePath().normalize();
          if (file.startsWith(folder)) {
            problems.add(new FileProblem(folder.relativize(file).toString().replace('\\', '/'), problem.line(), problem.message()));
          }
        }
        Optional<Module> module = catalog.module(d.moduleId())
            .filter(m -> catalog.folder(m.id()).map(f -> f.toAbsolutePath().normalize().equals(folder)).orElse(false));
        if (module.isEmpty() && problems.isEmpty()) {
          problems.add(new FileProblem("module.md", 1, "the module's id must stay '" + d.moduleId() + "'"));
        }
        return new DraftView(d, problems, module);
      } finally {
        try (var walk = Files.walk(root)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }, false));
  }

  private static void write(Path folder, Map<String, byte[]> files) throws IOException {
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path target = folder.resolve(f.getKey()).normalize();
      if (!target.startsWith(folder)) {
        continue;  // the database refuses such paths; never written outside the scratch folder all the same
      }
      Files.createDirectories(target.getParent());
      Files.write(target, f.getValue());
    }
  }

  /**
   * The modules {@code p} may see, with their status; then the modules not published yet that they may change, and
   * the folders of courses/ that never published.
   */
  public Future<List<ModuleStatus>> workspace(Principal p, String lang) {
    return Future.all(drafts.openIds(), drafts.organisations()).compose(both -> {
      Map<String, Long> open = both.resultAt(0);
      Map<Long, String> names = both.resultAt(1);
      Map<String, List<Problem>> problems = content.problemsByFolder();
      List<Future<ModuleStatus>> rows = new ArrayList<>();
      List<String> seen = new ArrayList<>();
      for (Module m : content.get().modules()) {
        String folder = content.get().folder(m.id()).map(f -> f.getFileName().toString()).orElse(null);
        seen.add(folder);
        if (!content.get().visible(m.id(), Optional.of(p))) {
          continue;
        }
        Scope scope = scope(p, content.get().scope(m.id()).orElse(null), names);
        rows.add(Future.all(versions.history(m.id()), versions.since(m.id())).compose(two -> {
          List<ModuleVersionRepository.VersionInfo> history = two.resultAt(0);
          List<ModuleVersionRepository.FileSince> since = two.resultAt(1);
          OffsetDateTime at = history.stream().filter(ModuleVersionRepository.VersionInfo::published).findFirst()
              .map(ModuleVersionRepository.VersionInfo::createdAt).orElse(null);
          List<String> missing = new ArrayList<>();
          List<String> older = new ArrayList<>();
          french(since, missing, older);
          List<String> moduleProblems = lines(problems.getOrDefault(folder == null ? "\u0000" : folder, List.of()));
          // what the version served removed from the one before it (by courses/ too, where nobody confirms it)
          int served = history.stream().map(ModuleVersionRepository.VersionInfo::version).toList().indexOf(m.version());
          Future<Optional<Module>> previous = served >= 0 && served + 1 < history.size()
              ? versions.version(m.id(), history.get(served + 1).version()) : Future.succeededFuture(Optional.empty());
          return previous.compose(before -> {
            List<String> removed = before.map(b -> b.lessons().stream().map(Lesson::id)
                .filter(id -> m.lesson(id).isEmpty()).toList()).orElse(List.of());
            return readers.of(m.id(), removed).map(count -> new ModuleStatus(m.id(), m.title().in(lang), m.version(), at, folder,
                moduleProblems, missing, older, open.containsKey(m.id()), removed, count, scope));
          });
        }));
      }
      // modules created in the workspace and not published yet
      open.forEach((id, org) -> {
        if (content.get().module(id).isEmpty() && mayChange(p, org)) {
          rows.add(Future.succeededFuture(new ModuleStatus(id, id, null, null, null, List.of(), List.of(), List.of(), true,
              scope(p, org, names))));
        }
      });
      // a folder of courses/ that never published: its problems are shown to every trainer, as courses/ is everyone's
      problems.forEach((folder, list) -> {
        if (!seen.contains(folder)) {
          rows.add(Future.succeededFuture(new ModuleStatus(null, folder.isEmpty() ? null : folder, null, null,
              folder.isEmpty() ? null : folder, lines(list), List.of(), List.of(), false, scope(p, null, names))));
        }
      });
      return Future.all(rows).map(all -> all.<ModuleStatus>list());
    });
  }

  private static void french(List<ModuleVersionRepository.FileSince> since, List<String> missing, List<String> older) {
    Map<String, Integer> english = new HashMap<>();
    Map<String, Integer> french = new HashMap<>();
    for (ModuleVersionRepository.FileSince f : since) {
      Matcher m = MARKDOWN.matcher(f.path());
      if (!m.matches()) {
        continue;
      }
      if (m.group(2) == null) {
        english.put(m.group(1), f.since());
      } else if (m.group(2).equals("fr")) {
        french.put(m.group(1), f.since());
      }
    }
    english.keySet().stream().sorted().forEach(base -> {
      Integer fr = french.get(base);
      if (fr == null) {
        missing.add(base + ".md");
      } else if (fr < english.get(base)) {
        older.add(base + ".fr.md");
      }
    });
  }

  private static List<String> lines(List<Problem> problems) {
    return problems.stream().map(Problem::toString).toList();
  }

  /** A module's published version and every version it has had, newest first. */
  public Future<History> history(Principal p, String moduleId) {
    return readable(p, moduleId).compose(org -> {
      Module module = published(moduleId);
      return Future.all(versions.history(moduleId), drafts.draft(moduleId), drafts.organisations())
          .map(all -> new History(module, all.resultAt(0), all.<Optional<AuthoringRepository.Draft>>resultAt(1).isPresent(),
              scope(p, org, all.resultAt(2))));
    });
  }

  /** One line of a comparison: kept (' '), removed ('-') or added ('+'); "…" stands for kept lines left out. */
  public record DiffLine(char op, String text) { }

  /** One file compared between two versions: added, removed, changed or same; a text file's changed lines. */
  public record FileDiff(String path, String status, List<DiffLine> lines) { }

  public record Comparison(String moduleId, int from, int to, List<FileDiff> files) { }

  /** Beyond this many lines to compare (after the common start and end), a file is only said to have changed. */
  static final int MAX_DIFF_LINES = 3000;
  private static final int CONTEXT = 2;

  /** Every file of two versions of a module compared, line by line for text. */
  public Future<Comparison> compare(Principal p, String moduleId, String rawFrom, String rawTo) {
    int from = version(rawFrom);
    int to = version(rawTo);
    return readable(p, moduleId).compose(ok -> Future.all(versions.files(moduleId, from), versions.files(moduleId, to))).map(both -> {
      Map<String, byte[]> a = both.resultAt(0);
      Map<String, byte[]> b = both.resultAt(1);
      if (a.isEmpty() || b.isEmpty()) {
        throw new NotFound("module '" + moduleId + "' has no version " + (a.isEmpty() ? from : to));
      }
      java.util.TreeSet<String> paths = new java.util.TreeSet<>(a.keySet());
      paths.addAll(b.keySet());
      List<FileDiff> files = new ArrayList<>();
      for (String path : paths) {
        byte[] before = a.get(path);
        byte[] after = b.get(path);
        String status = before == null ? "added" : after == null ? "removed" : java.util.Arrays.equals(before, after) ? "same" : "changed";
        List<DiffLine> lines = List.of();
        if (!status.equals("same") && path.endsWith(".md")) {
          lines = diff(text(before), text(after));
        }
        files.add(new FileDiff(path, status, lines));
      }
      return new Comparison(moduleId, from, to, files);
    });
  }

  private static List<String> text(byte[] bytes) {
    return bytes == null ? List.of() : new String(bytes, StandardCharsets.UTF_8).lines().toList();
  }

  /** The lines that differ, with {@link #CONTEXT} kept lines around them: common start and end trimmed, then LCS. */
  static List<DiffLine> diff(List<String> a, List<String> b) {
    int start = 0;
    while (start < a.size() && start < b.size() && a.get(start).equals(b.get(start))) {
      start++;
    }
    int endA = a.size();
    int endB = b.size();
    while (endA > start && endB > start && a.get(endA - 1).equals(b.get(endB - 1))) {
      endA--;
      endB--;
    }
    int n = endA - start;
    int m = endB - start;
    List<DiffLine> all = new ArrayList<>();
    for (int i = 0; i < start; i++) {
      all.add(new DiffLine(' ', a.get(i)));
    }
    if ((long) n * m > (long) MAX_DIFF_LINES * MAX_DIFF_LINES / 4) {
      all.add(new DiffLine('…', n + " lines replaced by " + m + ": too many to compare line by line"));
    } else {
      int[][] lcs = new int[n + 1][m + 1];
      for (int i = n - 1; i >= 0; i--) {
        for (int j = m - 1; j >= 0; j--) {
          lcs[i][j] = a.get(start + i).equals(b.get(start + j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        }
      }
      int i = 0;
      int j = 0;
      while (i < n || j < m) {
        if (i < n && j < m && a.get(start + i).equals(b.get(start + j))) {
          all.add(new DiffLine(' ', a.get(start + i)));
          i++;
          j++;
        } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
          all.add(new DiffLine('-', a.get(start + i++)));  // what went comes before what replaced it
        } else {
          all.add(new DiffLine('+', b.get(start + j++)));
        }
      }
    }
    for (int i = endA; i < a.size(); i++) {
      all.add(new DiffLine(' ', a.get(i)));
    }
    // keep only the changes and a little context around each
    List<DiffLine> shown = new ArrayList<>();
    boolean skipped = false;
    for (int k = 0; k < all.size(); k++) {
      boolean near = false;
      for (int d = Math.max(0, k - CONTEXT); d <= Math.min(all.size() - 1, k + CONTEXT) && !near; d++) {
        near = all.get(d).op() != ' ';
      }
      if (near) {
        shown.add(all.get(k));
        skipped = false;
      } else if (!skipped) {
        shown.add(new DiffLine('…', ""));
        skipped = true;
      }
    }
    return shown;
  }

  /** A version number as an address gives it; anything else names no version. */
  private static int version(String raw) {
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new NotFound("there is no version '" + raw + "' of this module");
    }
  }

  /** A version's files as a zip holding one folder named after the module, as `validate` reads it. */
  public Future<Buffer> export(Principal p, String moduleId, String rawVersion) {
    int version = version(rawVersion);
    return readable(p, moduleId).compose(ok -> versions.files(moduleId, version)).map(files -> {
      if (files.isEmpty()) {
        throw new NotFound("there is no version " + version + " of module '" + moduleId + "'");
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
          zip.putNextEntry(new ZipEntry(moduleId + "/" + f.getKey()));
          zip.write(f.getValue());
          zip.closeEntry();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Buffer.buffer(bytes.toByteArray());
    });
  }
}
