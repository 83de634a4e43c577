package org.pillars.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.Cohorts;
import org.pillars.support.Multipart;
import org.pillars.support.SevereLog;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * Bodies that the HTTP decoder refuses (too many fields, too many parts, a part header that is not one): a 400
 * with a reason, on pages and in the API, never a 500 and never a stack trace in the log.
 */
@ExtendWith(TestPostgres.class)
class FormLimitsTest {

  private static TestApp server;
  private static String coordinator;
  private static String importPage;

  @BeforeAll
  static void start() {
    server = TestApp.start();
    long org = Cohorts.organisation(server, "Limits");
    coordinator = Accounts.token(server, Accounts.create(server, "coordinator", org));
    importPage = "/cohorts/" + Cohorts.cohort(server, org, "Limits") + "/import";
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String fields(int n) {
    return IntStream.range(0, n).mapToObj(i -> "f" + i + "=v").collect(Collectors.joining("&"));
  }

  private static Multipart parts(int n) {
    Multipart body = new Multipart();
    IntStream.range(0, n).forEach(i -> body.field("f" + i, "v"));
    return body;
  }

  /** Sends {@code body} and checks the answer is {@code status} with a reason, and that nothing was logged as SEVERE. */
  private static void refused(int status, String path, Buffer body, String type, String... headers) {
    try (SevereLog log = SevereLog.open()) {
      String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("Content-Type", type),
          java.util.Arrays.stream(headers)).toArray(String[]::new);
      HttpResponse<Buffer> r = server.send(HttpMethod.POST, path, body, all);
      String text = String.valueOf(r.bodyAsString());
      assertEquals(status, r.statusCode(), path + ": " + text);
      assertFalse(text.contains("Exception") || text.contains("io.netty") || text.contains("\tat "), text);
      if (path.startsWith("/api/")) {
        JsonObject error = new JsonObject(text);
        assertTrue(error.getString("message") != null && !error.getString("message").isBlank(), text);
      } else {
        assertTrue(text.contains("<h1>"), text);
      }
      assertEquals(List.of(), log.lines(), "logged as SEVERE for " + path);
    }
  }

  @Test
  @DisplayName("300 form fields: 400 with a reason on a page and in the API, nothing SEVERE in the log")
  void tooManyFields() {
    Buffer body = Buffer.buffer(fields(300));
    refused(400, "/login", body, "application/x-www-form-urlencoded");
    refused(400, "/api/auth/token", body, "application/x-www-form-urlencoded");
    refused(400, importPage, body, "application/x-www-form-urlencoded", "Authorization", "Bearer " + coordinator);
  }

  @Test
  @DisplayName("a form of 300 multipart parts: 400 with a reason, nothing SEVERE in the log")
  void tooManyParts() {
    Buffer body = parts(300).file("roster", "roster.csv", "name,service number,rank,unit\n").close();
    refused(400, importPage, body, Multipart.TYPE, "Authorization", "Bearer " + coordinator);
  }

  @Test
  @DisplayName("a multipart part whose header is garbage: 400 with a reason, nothing SEVERE in the log")
  void garbagePartHeader() {
    for (String garbage : List.of("Content-Disposition: form-data; name=\"a\"\r\nthis is not a header",
        "Content-Disposition: form-data; name=\"a\"\r\nContent-Length: many", "Content-Disposition",
        "Content-Disposition: form-data; filename=\"x.csv\"; name=\"roster\"\r\nContent-Transfer-Encoding: rot13")) {
      Buffer body = new Multipart().part(garbage, "value").close();
      refused(400, importPage, body, Multipart.TYPE, "Authorization", "Bearer " + coordinator);
    }
  }
}
