package org.pillars.authoring;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.pillars.content.ContentStore;
import org.pillars.content.Module;
import org.pillars.content.ModuleVersionRepository;
import org.pillars.content.Problem;
import org.pillars.core.NotFound;

/**
 * The trainers' workspace, shared by its pages and its API: every module with its published version, its problems
 * and how complete its French is; a module's versions; any version as a zip of its files.
 */
public final class AuthoringService {

  /**
   * One module as a trainer sees it. {@code version} and {@code publishedAt} are null for a folder of courses/ that
   * has never been published (its problems say why). {@code frenchMissing}: English files with no French one;
   * {@code frenchOlder}: French files last changed before their English source.
   */
  public record ModuleStatus(String id, String title, Integer version, OffsetDateTime publishedAt, String folder,
                             List<String> problems, List<String> frenchMissing, List<String> frenchOlder) { }

  public record History(Module module, List<ModuleVersionRepository.VersionInfo> versions) { }

  /** name.md, and name.xx.md for language xx. */
  private static final Pattern MARKDOWN = Pattern.compile("(.+?)(?:\\.([a-z]{2}))?\\.md");

  private final ContentStore content;
  private final ModuleVersionRepository versions;

  public AuthoringService(ContentStore content, ModuleVersionRepository versions) {
    this.content = content;
    this.versions = versions;
  }

  public Future<List<ModuleStatus>> workspace(String lang) {
    Map<String, List<Problem>> problems = content.problemsByFolder();
    List<Future<ModuleStatus>> rows = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (Module m : content.get().modules()) {
      String folder = content.get().folder(m.id()).map(p -> p.getFileName().toString()).orElse(null);
      seen.add(folder);
      rows.add(Future.all(versions.history(m.id()), versions.since(m.id())).map(both -> {
        List<ModuleVersionRepository.VersionInfo> history = both.resultAt(0);
        List<ModuleVersionRepository.FileSince> since = both.resultAt(1);
        OffsetDateTime at = history.stream().filter(ModuleVersionRepository.VersionInfo::published).findFirst()
            .map(ModuleVersionRepository.VersionInfo::createdAt).orElse(null);
        List<String> missing = new ArrayList<>();
        List<String> older = new ArrayList<>();
        french(since, missing, older);
        return new ModuleStatus(m.id(), m.title().in(lang), m.version(), at, folder,
            lines(problems.getOrDefault(folder == null ? "\u0000" : folder, List.of())), missing, older);
      }));
    }
    problems.forEach((folder, list) -> {
      if (!seen.contains(folder)) {
        rows.add(Future.succeededFuture(new ModuleStatus(null, folder.isEmpty() ? null : folder, null, null,
            folder.isEmpty() ? null : folder, lines(list), List.of(), List.of())));
      }
    });
    return Future.all(rows).map(all -> all.<ModuleStatus>list());
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
  public Future<History> history(String moduleId) {
    Module module = content.get().module(moduleId).orElseThrow(() -> new NotFound("there is no module '" + moduleId + "'"));
    return versions.history(moduleId).map(list -> new History(module, list));
  }

  /** A version's files as a zip holding one folder named after the module, as `validate` reads it. */
  public Future<Buffer> export(String moduleId, String rawVersion) {
    int version;
    try {
      version = Integer.parseInt(rawVersion);
    } catch (NumberFormatException e) {
      return Future.failedFuture(new NotFound("there is no version '" + rawVersion + "' of this module"));
    }
    return versions.files(moduleId, version).map(files -> {
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
