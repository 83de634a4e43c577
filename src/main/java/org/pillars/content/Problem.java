package org.pillars.content;

import java.nio.file.Path;

/** One thing wrong with an authored file, printed as {@code path:line: message} like a compiler. */
public record Problem(Path file, int line, String message) {

  @Override
  public String toString() {
    return file + ":" + line + ": " + message;
  }
}
