package org.pillars.content;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A module's folder as bytes: its files by path inside it (hidden ones left out), and a digest of them all, which
 * is how a start tells, without rendering anything, that a folder holds the version already published.
 */
public final class ModuleFolder {

  private ModuleFolder() {
  }

  /** The folders of {@code root} that hold a module.md, by name, in name order. */
  public static Map<String, Path> under(Path root) {
    Map<String, Path> folders = new TreeMap<>();
    if (!Files.isDirectory(root)) {
      return folders;
    }
    try (Stream<Path> entries = Files.list(root)) {
      entries.filter(p -> !p.getFileName().toString().startsWith(".") && Files.isRegularFile(p.resolve(CourseLoader.MODULE_FILE + ".md")))
          .forEach(p -> folders.put(p.getFileName().toString(), p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return folders;
  }

  /** Every file under {@code folder} but hidden ones, by its path inside the folder with '/' between names. */
  public static Map<String, byte[]> files(Path folder) {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      List<Path> found = walk.filter(Files::isRegularFile)
          .filter(p -> folder.relativize(p).toString().chars().noneMatch(c -> c == '\\')
              && Stream.of(folder.relativize(p).toString().split("/")).noneMatch(n -> n.startsWith(".")))
          .toList();
      for (Path p : found) {
        files.put(folder.relativize(p).toString(), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** SHA-256 over every path and its bytes, in path order, in hex. */
  public static String digest(Map<String, byte[]> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      new TreeMap<>(files).forEach((path, bytes) -> {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        sha.update(length(name.length));
        sha.update(name);
        sha.update(length(bytes.length));
        sha.update(bytes);
      });
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] length(int n) {
    return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }
}
