package org.pillars.content;

import java.io.PrintStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The authors' check: every problem in a courses folder as {@code path:line: message}, then a summary. */
public final class Validator {

  private Validator() {
  }

  /**
   * Prints the problems of {@code root} to {@code out}; returns the exit code, 0 when there are none. A
   * {@code root} holding a module.md is one module: it is checked among its neighbours (links to other modules
   * resolve), and only its own problems count.
   */
  public static int run(Path root, PrintStream out) {
    Path folder = root.toAbsolutePath().normalize();
    boolean oneModule = Files.isRegularFile(folder.resolve("module.md")) && folder.getParent() != null;
    Catalog catalog = new CourseLoader(new MarkdownRenderer()).load(oneModule ? parent(root, folder) : root);
    List<Problem> problems = catalog.problems().stream()
        .filter(p -> !oneModule || p.file().toAbsolutePath().normalize().startsWith(folder)).toList();
    problems.forEach(out::println);
    List<Module> modules = catalog.modules().stream().filter(m -> !oneModule || m.id().equals(moduleId(catalog, folder))).toList();
    int lessons = modules.stream().mapToInt(m -> m.lessons().size()).sum();
    out.println((problems.isEmpty() ? "OK: " : problems.size() + " problem(s); ") + modules.size() + " module(s) and "
        + lessons + " lesson(s) valid in " + root);
    return problems.isEmpty() ? 0 : 1;
  }

  /** The folder around the module, spelled as the author spelled the module's path (relative stays relative). */
  private static Path parent(Path root, Path folder) {
    Path given = root.normalize().getParent();
    return given != null ? given : folder.getParent();
  }

  /** The id of the module in {@code folder}: the folder name unless its module.md says otherwise. */
  private static String moduleId(Catalog catalog, Path folder) {
    String name = folder.getFileName().toString();
    try {
      for (String line : Files.readAllLines(folder.resolve("module.md"))) {
        if (line.startsWith("id:")) {
          return line.substring(3).strip().replace("\"", "");
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return name;
    }
    return name;
  }
}
