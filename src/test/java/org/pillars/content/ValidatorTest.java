package org.pillars.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ValidatorTest {

  /** What {@code validate} printed, and its exit code. */
  private record Run(int code, String output) { }

  private static Run validate(String path) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Validator.run(Path.of(path), new PrintStream(out, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("validate prints each problem as path:line: message and exits 1")
  void reportsProblems() {
    Run run = validate("src/test/resources/courses/mixed");
    String text = run.output();
    assertEquals(1, run.code(), text);
    assertTrue(text.contains("src/test/resources/courses/mixed/broken-link/02-two.md:9: broken link"), text);
    assertTrue(text.contains("src/test/resources/courses/mixed/not-utf8/02-two.md:6: the file is not valid UTF-8"), text);
    assertTrue(text.strip().endsWith("14 problem(s); 1 module(s) and 1 lesson(s) valid in src/test/resources/courses/mixed"), text);
  }

  @Test
  @DisplayName("validate reports http: and //host links as path:line: problems and exits 1")
  void reportsInsecureLinks() {
    Run run = validate("src/test/resources/courses/links");
    assertEquals(1, run.code(), run.output());
    for (String problem : List.of("7: insecure link 'http://example.org/plain': external links must be full https:// addresses",
        "13: insecure link '//evil.example/page'", "17: insecure link 'HTTP://EXAMPLE.ORG/LOUD'")) {
      assertTrue(run.output().contains("src/test/resources/courses/links/insecure/01-links.md:" + problem), run.output());
    }
    assertTrue(run.output().strip().endsWith("10 problem(s); 1 module(s) and 2 lesson(s) valid in src/test/resources/courses/links"),
        run.output());
  }

  @Test
  @DisplayName("validate exits 0 and says OK on good modules")
  void passesGoodModules() {
    Run run = validate("src/test/resources/courses/good");
    assertEquals(0, run.code(), run.output());
    assertEquals("OK: 2 module(s) and 3 lesson(s) valid in src/test/resources/courses/good", run.output().strip());
  }

  @Test
  @DisplayName("validate on one module's folder checks that module only, among its neighbours")
  void oneModule() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Validator.run(Path.of("src/test/resources/courses/mixed/broken-link"), new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, text);
    assertTrue(text.contains("src/test/resources/courses/mixed/broken-link/02-two.md:9: broken link"), text);
    assertTrue(text.lines().filter(l -> l.contains(": ")).allMatch(l -> l.startsWith("src/test/resources/courses/mixed/broken-link/")
        || l.contains("problem(s)")), "only this module's problems: " + text);

    out.reset();
    code = Validator.run(Path.of("src/test/resources/courses/good/alpha"), new PrintStream(out, true, StandardCharsets.UTF_8));
    text = out.toString(StandardCharsets.UTF_8).strip();
    assertEquals(0, code, text);
    assertTrue(text.matches("OK: 1 module\\(s\\) and \\d+ lesson\\(s\\) valid in src/test/resources/courses/good/alpha"), text);
  }

  @Test
  @DisplayName("the command line 'validate PATH' gives the exit code of the check")
  void commandLineExitCode() throws Exception {
    assertEquals(1, runMain("validate", "src/test/resources/courses/mixed"));
    assertEquals(0, runMain("validate", "src/test/resources/courses/good"));
    assertEquals(2, runMain("frobnicate"));
  }

  static int runMain(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "org.pillars.Main"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "validate did not finish");
    return process.exitValue();
  }
}
