package org.pillars.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The JVM settings for a small box live once, in pom.xml's {@code pillars.jvm}; the README's run command uses them
 * (through exec:exec) and its {@code java -jar} line repeats them word for word, so the two ways to run the server
 * cannot drift apart.
 */
class RunSettingsTest {

  @Test
  @DisplayName("the README runs the server with pom.xml's JVM settings, by Maven and by java -jar alike")
  void readmeUsesThePomsSettings() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    String readme = Files.readString(Path.of("README.md"));
    Matcher m = Pattern.compile("<pillars.jvm>([^<]+)</pillars.jvm>").matcher(pom);
    assertTrue(m.find(), "pom.xml has no pillars.jvm property");
    String flags = m.group(1).strip();
    assertTrue(flags.contains("-Xmx"), "the settings bound the heap: " + flags);
    assertTrue(pom.contains("<commandlineArgs>${pillars.jvm} -classpath %classpath ${main.class}</commandlineArgs>"),
        "exec:exec runs the server with pillars.jvm");
    assertTrue(pom.contains("<MALLOC_ARENA_MAX>2</MALLOC_ARENA_MAX>"), "exec:exec sets MALLOC_ARENA_MAX");
    assertTrue(readme.contains("\nmvn -q compile exec:exec\n"), "the README's run command is exec:exec");
    assertTrue(readme.contains("MALLOC_ARENA_MAX=2 java " + flags + " -jar target/pillars.jar"),
        "the README's java -jar line carries pom.xml's settings: " + flags);
  }
}
