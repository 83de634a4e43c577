package org.pillars.content;

import java.io.PrintStream;
import java.nio.file.Path;

/** The authors' check: every problem in a courses folder as {@code path:line: message}, then a summary. */
public final class Validator {

  private Validator() {
  }

  /** Prints the problems of {@code root} to {@code out}; returns the exit code, 0 when there are none. */
  public static int run(Path root, PrintStream out) {
    Catalog catalog = new CourseLoader(new MarkdownRenderer()).load(root);
    catalog.problems().forEach(out::println);
    int problems = catalog.problems().size();
    out.println((problems == 0 ? "OK: " : problems + " problem(s); ") + catalog.modules().size() + " module(s) and "
        + catalog.lessonCount() + " lesson(s) valid in " + root);
    return problems == 0 ? 0 : 1;
  }
}
