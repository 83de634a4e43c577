package org.pillars.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class OpenApiTest {

  @Test
  @DisplayName("the OpenAPI document parses and describes every /api and /health route the code mounts, with the same method")
  @SuppressWarnings("unchecked")
  void describesEveryApiRoute() throws IOException {
    Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(Path.of("src/main/resources/openapi.yaml")));
    assertEquals("3.0.3", doc.get("openapi"));
    Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
    TreeSet<String> documented = new TreeSet<>();
    paths.forEach((path, operations) -> operations.keySet().stream()
        .filter(m -> m.matches("get|post|put|delete|patch"))
        .forEach(m -> documented.add(m.toUpperCase() + " " + path)));

    Pattern mount = Pattern.compile("router\\.(get|post|put|delete|patch)\\(\"(/api/[^\"]+|/health[^\"]*)\"\\)");
    TreeSet<String> mounted = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = mount.matcher(Files.readString(f));
        while (m.find()) {
          mounted.add(m.group(1).toUpperCase() + " " + m.group(2).replaceAll(":([a-zA-Z]+)", "{$1}"));
        }
      }
    }
    assertTrue(mounted.size() > 15, mounted.toString());
    TreeSet<String> missing = new TreeSet<>(mounted);
    missing.removeAll(documented);
    assertEquals(new TreeSet<>(), missing, "mounted but not documented");
    TreeSet<String> extra = new TreeSet<>(documented);
    extra.removeAll(mounted);
    assertEquals(new TreeSet<>(), extra, "documented but not mounted");
  }
}
