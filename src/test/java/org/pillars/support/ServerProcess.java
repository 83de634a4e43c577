package org.pillars.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    pb.environment().putAll(env);
    Path log = Files.createTempFile("pillars-server", ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      Matcher m = SERVING.matcher(Files.readString(log));
      if (m.find()) {
        return new ServerProcess(process, Integer.parseInt(m.group(1)), log);
      }
      assertTrue(process.isAlive() && System.nanoTime() < deadline, "the server did not start: " + Files.readString(log));
      Thread.sleep(100);
    }
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
