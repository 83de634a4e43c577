package org.pillars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The server as an operator starts it: a separate process, its exit code and what it prints. */
class MainTest {

  private record Run(int exit, String stderr) { }

  private static Run serve(Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "org.pillars.Main", "serve");
    pb.environment().keySet().removeIf(k -> k.startsWith("PG") || k.equals("DATABASE_URL") || k.startsWith("PILLARS_"));
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the server should give up, not hang");
    return new Run(p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  @DisplayName("an unreachable database stops the start with exit 1 and one line naming it and why")
  void unreachableDatabase() throws Exception {
    int port = closedPort();
    Run run = serve(Map.of("DATABASE_URL", "postgresql://pillars:secret-pw@127.0.0.1:" + port + "/pillars", "PORT", "0",
        "PILLARS_JWT_KEY_FILE", org.pillars.support.TestApp.keyFile().toString(),
        "PILLARS_ISSUER_KEYS", org.pillars.support.TestApp.issuerKeys().toString()));

    assertEquals(1, run.exit(), run.stderr());
    List<String> lines = run.stderr().lines().filter(l -> l.startsWith("pillars:")).toList();
    assertEquals(1, lines.size(), run.stderr());
    String line = lines.get(0);
    assertTrue(line.contains("postgresql://pillars@127.0.0.1:" + port + "/pillars"), line);
    assertTrue(line.contains("unreachable"), line);
    assertTrue(line.toLowerCase().contains("refused"), "says why: " + line);
    assertFalse(run.stderr().contains("secret-pw"), "never prints the password: " + run.stderr());
    assertFalse(run.stderr().contains("\tat "), "no stack trace: " + run.stderr());
  }

  /** Starts {@code serve} with its data in {@code data} and waits until it serves. */
  private static Process serving(Path data, String log) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "org.pillars.Main");
    pb.environment().keySet().removeIf(k -> k.startsWith("PG") || k.equals("DATABASE_URL") || k.startsWith("PILLARS_"));
    pb.environment().putAll(Map.of("PORT", "0", "PILLARS_DATA", data.toString(), "PILLARS_RELOAD", "false"));
    Path logFile = data.resolve(log);
    pb.redirectErrorStream(true).redirectOutput(logFile.toFile());
    Process server = pb.start();
    org.pillars.support.ServerProcess.awaitServing(server, logFile);
    return server;
  }

  private static long postgresPid(Path data) throws IOException {
    return Long.parseLong(java.nio.file.Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(0).trim());
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  @DisplayName("SIGTERM stops the server and its embedded PostgreSQL, leaving no process behind")
  void sigtermLeavesNothingRunning(@org.junit.jupiter.api.io.TempDir Path data) throws Exception {
    Process server = serving(data, "server.log");
    Path pidFile = data.resolve("postgres/postmaster.pid");
    long postgresPid = postgresPid(data);
    assertTrue(alive(postgresPid), "PostgreSQL runs while serving");

    server.destroy();

    assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server stops on SIGTERM");
    ProcessHandle.of(postgresPid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
    assertFalse(alive(postgresPid), "PostgreSQL was left running");
    assertFalse(java.nio.file.Files.exists(pidFile), "PostgreSQL shut down cleanly (no stale postmaster.pid)");
  }

  @Test
  @DisplayName("after a SIGKILL left PostgreSQL running, the next start stops that orphan and starts cleanly")
  void recoversFromKill(@org.junit.jupiter.api.io.TempDir Path data) throws Exception {
    Process killed = serving(data, "first.log");
    long orphan = postgresPid(data);
    killed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    assertTrue(alive(orphan), "a SIGKILL gives the server no chance to stop PostgreSQL");

    Process second = serving(data, "second.log");
    try {
      assertFalse(alive(orphan), "the orphan was stopped");
      assertTrue(alive(postgresPid(data)), "a new PostgreSQL serves the same data");
    } finally {
      second.destroy();
      assertTrue(second.waitFor(60, TimeUnit.SECONDS));
    }
  }

  @Test
  @DisplayName("a port already in use stops the start with one line, and the embedded database is stopped again")
  void portInUse(@org.junit.jupiter.api.io.TempDir Path data) throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Run run = serve(Map.of("PORT", String.valueOf(taken.getLocalPort()), "PILLARS_DATA", data.toString()));

      assertEquals(1, run.exit(), run.stderr());
      assertTrue(run.stderr().contains("pillars: cannot start: HTTP server could not listen on 0.0.0.0:" + taken.getLocalPort()),
          run.stderr());
      assertFalse(java.nio.file.Files.exists(data.resolve("postgres/postmaster.pid")), "PostgreSQL was left running");
    }
  }

  @Test
  @DisplayName("with an external database and no folder of certificate keys the server refuses to start, naming the key")
  void noIssuerKeys() throws Exception {
    Run run = serve(Map.of("DATABASE_URL", "postgresql://pillars@127.0.0.1:" + closedPort() + "/pillars", "PORT", "0",
        "PILLARS_JWT_KEY_FILE", org.pillars.support.TestApp.keyFile().toString()));

    assertEquals(1, run.exit(), run.stderr());
    assertTrue(run.stderr().contains("pillars: cannot start: PILLARS_ISSUER_KEYS is required with an external database"),
        run.stderr());
  }

  @Test
  @DisplayName("with an external database and no signing key the server refuses to start")
  void noSigningKey() throws Exception {
    Run run = serve(Map.of("DATABASE_URL", "postgresql://pillars@127.0.0.1:" + closedPort() + "/pillars", "PORT", "0"));

    assertEquals(1, run.exit(), run.stderr());
    assertTrue(run.stderr().contains("pillars: cannot start: PILLARS_JWT_KEY_FILE is required with an external database"),
        run.stderr());
  }

  @Test
  @DisplayName("a malformed setting stops the start and names the key")
  void badSetting() throws Exception {
    Run run = serve(Map.of("PORT", "eighty"));

    assertEquals(1, run.exit(), run.stderr());
    assertTrue(run.stderr().contains("pillars: cannot start: PORT must be a whole number, got 'eighty'"), run.stderr());
  }
}
