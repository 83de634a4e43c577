package org.pillars.support;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Pillars server in its own JVM, as an operator runs it: `serve` with environment variables only. */
public final class ServerProcess implements AutoCloseable {

  private static final Pattern SERVING = Pattern.compile("Pillars is serving http://localhost:(\\d+)/");

  private final Process process;
  private final int port;
  private final Path log;

  private ServerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts {@code serve} with {@code env} (on top of PORT=0 and no reload) and waits until it serves. */
  public static ServerProcess start(Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "org.pillars.Main");
    pb.environment().keySet().removeIf(k -> k.startsWith("PG") || k.equals("DATABASE_URL") || k.startsWith("PILLARS_"));
    pb.environment().putAll(Map.of("PORT", "0", "PILLARS_RELOAD", "false", "PILLARS_SEED", "false", "PILLARS_ACCESS_LOG", "false"));
    pb.environment().put("PILLARS_ISSUER_KEYS", TestApp.issuerKeys().toString());
    pb.environment().putAll(env);
    Path log = Files.createTempFile("pillars-server", ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = pb.start();
    return new ServerProcess(process, awaitServing(process, log), log);
  }

  /** Waits up to two minutes until {@code log} says that {@code process} serves, and gives its port; fails at once if it exits. */
  public static int awaitServing(Process process, Path log) throws IOException {
    await("the server to serve").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
        .failFast("the server exited", () -> {
          String text = Files.readString(log);
          assertTrue(process.isAlive(), () -> "the server exited: " + text);
        })
        .untilAsserted(() -> {
          String text = Files.readString(log);
          assertTrue(SERVING.matcher(text).find(), () -> "the server did not start: " + text);
        });
    Matcher m = SERVING.matcher(Files.readString(log));
    m.find();
    return Integer.parseInt(m.group(1));
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  /** kill -9: no shutdown hook, no chance to finish anything. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    Files.deleteIfExists(log);
  }
}
