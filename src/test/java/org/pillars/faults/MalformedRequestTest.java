package org.pillars.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.http.Language;

/**
 * Every mounted route (read from the source, like the access-control table) gets malformed input: bad and
 * unknown ids, broken JSON, wrong types, invalid UTF-8, NUL bytes, deep nesting, huge bodies and broken form
 * encodings. Whatever the input: a 4xx with a reason, never a 5xx, never a stack trace.
 */
@ExtendWith(TestPostgres.class)
class MalformedRequestTest {

  private static final Pattern MOUNT = Pattern.compile("router\\.(get|post|put|delete|patch)\\(\"([^\"]+)\"\\)");
  private static TestApp server;
  private static String admin;
  private static final Map<String, String> VALID = new LinkedHashMap<>();

  @BeforeAll
  static void start() {
    server = TestApp.start();
    admin = Accounts.token(server, Accounts.create(server, "admin"));
    var pool = server.app().database().pool();
    long org = pool.query("INSERT INTO organisations (name, country) VALUES ('Fuzzed', 'F') RETURNING id").execute().await()
        .iterator().next().getLong(0);
    long cohort = pool.preparedQuery("INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on) VALUES ($1, 'Fuzz', "
        + "current_date, current_date + 9) RETURNING id").execute(Tuple.of(org)).await().iterator().next().getLong(0);
    long learner = Accounts.id(server, Accounts.create(server, "learner", org));
    pool.preparedQuery("INSERT INTO cohort_members VALUES ($1, $2)").execute(Tuple.of(cohort, learner)).await();
    String attempt = server.send(HttpMethod.POST, "/api/modules/alpha/attempts", new JsonObject().toBuffer(),
        "Authorization", "Bearer " + admin, "Content-Type", "application/json").bodyAsJsonObject().getString("attempt");
    VALID.putAll(Map.of(":cohortId", Long.toString(cohort), ":accountId", Long.toString(learner), ":moduleId", "alpha",
        ":lessonId", "first", ":attemptId", attempt, ":code", "NOT-A-REAL-CODE"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static List<String[]> routes() throws IOException {
    TreeSet<String> found = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = MOUNT.matcher(Files.readString(f));
        while (m.find()) {
          found.add(m.group(1).toUpperCase() + " " + m.group(2));
        }
      }
    }
    return found.stream().map(s -> s.split(" ", 2)).toList();
  }

  /** The route's path with every parameter valid, and with each parameter in turn replaced by a bad value. */
  private static List<String> paths(String template) {
    List<String> paths = new ArrayList<>();
    paths.add(fill(template, null, null));
    for (String param : VALID.keySet()) {
      if (template.contains(param)) {
        for (String bad : List.of("999999999", "abc", "-1", "%00", "%E2%82", "1".repeat(300), "..%2F..%2Fetc")) {
          paths.add(fill(template, param, bad));
        }
      }
    }
    return paths;
  }

  private static String fill(String template, String param, String bad) {
    String path = template;
    for (Map.Entry<String, String> e : VALID.entrySet()) {
      path = path.replace(e.getKey(), e.getKey().equals(param) ? bad : e.getValue());
    }
    return path;
  }

  private static final byte[] INVALID_UTF8 = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};

  private static List<Buffer> jsonBodies() {
    String wrongTypes = "{\"name\":7,\"dueOn\":true,\"answers\":\"x\",\"password\":[],\"username\":{},\"role\":5,\"organisation\":\"x\","
        + "\"to\":\"x\",\"startsOn\":3,\"deploysOn\":null,\"displayName\":1,\"serviceNumber\":2,\"rank\":3,\"unit\":4,\"email\":5,"
        + "\"country\":6,\"module\":7,\"parent\":\"p\",\"current\":9}";
    return List.of(Buffer.buffer(), Buffer.buffer("{"), Buffer.buffer("[1,2]"), Buffer.buffer("\"text\""), Buffer.buffer("null"),
        Buffer.buffer(wrongTypes), Buffer.buffer(INVALID_UTF8),
        Buffer.buffer("{\"name\":\"a\\u0000b\",\"password\":\"a\\u0000b\",\"username\":\"a\\u0000b\",\"dueOn\":\"2030-01-0\\u0000\"}"),
        Buffer.buffer("[".repeat(5000) + "]".repeat(5000)),
        Buffer.buffer("{\"name\":\"" + "x".repeat(100_000) + "\",\"answers\":{\"" + "q".repeat(5000) + "\":[" + "1,".repeat(5000) + "1]}}"),
        Buffer.buffer("{\"answers\":{\"host-state\":99999999999,\"tiers\":[-1,\"a\",null,{}]},\"dueOn\":\"2030-02-31\"}"));
  }

  private static List<Buffer> formBodies() {
    return List.of(Buffer.buffer(), Buffer.buffer("%ZZ=%G1&name"), Buffer.buffer("name=%C3%28&password=%FF%FE&dueOn=31-31-31"),
        Buffer.buffer("=&&==&module=&to=x&page=-5"), Buffer.buffer(INVALID_UTF8),
        Buffer.buffer("name=" + "a%00".repeat(1000) + "&serviceNumber=%00&rank=%00&unit=%00"));
  }

  @Test
  @DisplayName("every route, with bad ids, broken bodies and broken encodings: a 4xx with a reason, never a 5xx or a stack trace")
  void neverAServerError() throws IOException {
    List<String> failures = new ArrayList<>();
    int requests = 0;
    for (String[] route : routes()) {
      HttpMethod method = HttpMethod.valueOf(route[0]);
      boolean api = route[1].startsWith("/api/");
      for (String path : paths(route[1])) {
        List<Buffer> bodies = method == HttpMethod.GET ? List.of(Buffer.buffer()) : api ? jsonBodies() : formBodies();
        for (Buffer body : bodies) {
          String type = api ? "application/json" : "application/x-www-form-urlencoded";
          String query = method == HttpMethod.GET ? "?page=-1&offset=abc&limit=1e9&status=%ZZ&unit=%00&next=//evil.example" : "";
          HttpResponse<Buffer> r = server.send(method, path + query, body.length() == 0 ? null : body,
              "Authorization", "Bearer " + admin, "Content-Type", type, "Accept-Language", "fr;q=x, *;q=-1");
          requests++;
          String text = r.bodyAsString() == null ? "" : r.bodyAsString();
          String what = route[0] + " " + path + query + " with " + describe(body) + ": " + r.statusCode() + " "
              + text.substring(0, Math.min(200, text.length()));
          if (r.statusCode() >= 500 || text.contains("Exception") || text.contains("\tat ") || text.contains("org.pillars.")) {
            failures.add(what);
          } else if (r.statusCode() >= 400 && api && !hasReason(text)) {
            failures.add("no reason: " + what);
          }
        }
      }
    }
    assertTrue(requests > 500, "only " + requests + " requests were made");
    assertEquals(List.of(), failures);
  }

  @Test
  @DisplayName("a body over the limit is refused with 413 on every kind of route, before it is read whole")
  void oversized() {
    byte[] big = new byte[1024 * 1024 + 1];  // the default PILLARS_MAX_BODY_BYTES, plus one
    java.util.Arrays.fill(big, (byte) 'a');
    for (String path : List.of("/api/auth/token", "/login", "/api/cohorts", "/api/modules/alpha/attempts")) {
      HttpResponse<Buffer> r = server.send(HttpMethod.POST, path, Buffer.buffer(big), "Authorization", "Bearer " + admin,
          "Content-Type", path.equals("/login") ? "application/x-www-form-urlencoded" : "application/json");
      assertEquals(413, r.statusCode(), path + ": " + r.bodyAsString());
    }
  }

  private static boolean hasReason(String text) {
    try {
      JsonObject error = new JsonObject(text);
      return error.getString("error") != null && error.getString("message") != null && !error.getString("message").isBlank();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String describe(Buffer body) {
    String s = new String(body.getBytes(), StandardCharsets.UTF_8);
    return body.length() > 60 ? body.length() + " bytes starting " + s.substring(0, 30) : "'" + s + "'";
  }
}
