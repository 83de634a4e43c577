package org.pillars.cohorts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.Cohorts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * The coordinator's forms sent back: the reason next to the field at fault, in the reader's language, with what was
 * typed kept; dates checked against each other; the export for spreadsheets in French.
 */
@ExtendWith(TestPostgres.class)
class FormsTest {

  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private record Coordinator(long organisation, long cohort, Accounts.Browser browser, String token) {
    HttpResponse<Buffer> post(String path, String lang, String... pairs) {
      List<String> all = new ArrayList<>(List.of("_csrf", browser.csrf()));
      all.addAll(List.of(pairs));
      return server.send(HttpMethod.POST, path, Accounts.form(all.toArray(String[]::new)), "Cookie", browser.cookie(),
          "Content-Type", "application/x-www-form-urlencoded", "Accept-Language", lang);
    }
  }

  private static Coordinator coordinator() {
    long org = Cohorts.organisation(server, "Forms org " + UUID.randomUUID());
    long cohort = Cohorts.cohort(server, org, "Rotation");
    String name = Accounts.create(server, "coordinator", org);
    return new Coordinator(org, cohort, Accounts.browser(server, name), Accounts.token(server, name));
  }

  /** The text of the field's error, found by the id its input points at. */
  private static String errorOf(String html, String inputId) {
    Matcher input = Pattern.compile("<input id=\"" + inputId + "\"[^>]*>").matcher(html);
    assertTrue(input.find(), "no input " + inputId + " in " + html);
    assertTrue(input.group().contains("aria-invalid=\"true\"") && input.group().contains("aria-describedby=\"" + inputId + "-error\""),
        input.group());
    Matcher error = Pattern.compile("<p class=\"field-error\" id=\"" + inputId + "-error\">([^<]*)</p>").matcher(html);
    assertTrue(error.find(), "no error for " + inputId);
    assertTrue(error.start() - input.end() < 20, "the error sits right after its field");
    return error.group(1);
  }

  @Test
  @DisplayName("a deployment before the start: 400, the reason in French next to the deployment date, the name and dates as typed kept, nothing saved")
  void editSentBack() {
    Coordinator c = coordinator();
    HttpResponse<Buffer> r = c.post("/cohorts/" + c.cohort() + "/edit", "fr", "name", "Rotation « Nord »", "startsOn", "2027-05-10",
        "deploysOn", "2027-04-01");
    assertEquals(400, r.statusCode());
    String html = r.bodyAsString();
    String error = errorOf(html, "edit-deploys");
    assertTrue(error.contains("précède") && error.contains("2027-04-01") && error.contains("2027-05-10"), error);
    assertTrue(html.contains("value=\"Rotation « Nord »\""), "the name as typed");
    assertTrue(html.contains("id=\"edit-starts\" name=\"startsOn\" type=\"date\" required value=\"2027-05-10\""), "the dates as typed");
    assertTrue(html.contains("Corrigez ce qui est signalé"), "said at the top too");
    String name = server.app().database().pool().preparedQuery("SELECT name FROM cohorts WHERE id = $1").execute(Tuple.of(c.cohort()))
        .await().iterator().next().getString(0);
    assertEquals("Rotation", name, "nothing saved");
    HttpResponse<Buffer> english = c.post("/cohorts/" + c.cohort() + "/edit", "en", "name", "", "startsOn", "2027-05-10",
        "deploysOn", "2027-06-01");
    assertTrue(errorOf(english.bodyAsString(), "edit-name").contains("needs a name"));
  }

  @Test
  @DisplayName("a module due before the cohort starts: refused next to the due date, the module chosen kept; the API says why with a code")
  void dueBeforeStart() {
    Coordinator c = coordinator();
    HttpResponse<Buffer> r = c.post("/cohorts/" + c.cohort() + "/assignments", "en", "module", "beta", "dueOn", "2019-01-01");
    assertEquals(400, r.statusCode());
    String html = r.bodyAsString();
    assertTrue(errorOf(html, "dueOn").contains("before the cohort starts"), html);
    assertTrue(html.contains("<option value=\"beta\" selected>"), "the module chosen is kept");
    HttpResponse<Buffer> api = server.send(HttpMethod.PUT, "/api/cohorts/" + c.cohort() + "/assignments/beta",
        new JsonObject().put("dueOn", "2019-01-01").toBuffer(), "Authorization", "Bearer " + c.token(), "Content-Type", "application/json");
    assertEquals(400, api.statusCode());
    assertEquals("due_before_start", api.bodyAsJsonObject().getString("error"));
    assertEquals(400, c.post("/cohorts/" + c.cohort() + "/assignments", "en", "module", "beta", "dueOn", "1er mars").statusCode());
  }

  @Test
  @DisplayName("a new cohort with a name taken: 409, said next to the name, the organisation and dates kept")
  void duplicateName() {
    Coordinator c = coordinator();
    HttpResponse<Buffer> r = c.post("/cohorts", "fr", "organisation", String.valueOf(c.organisation()), "name", "Rotation",
        "startsOn", "2027-01-04", "deploysOn", "2027-03-01");
    assertEquals(409, r.statusCode());
    String html = r.bodyAsString();
    assertTrue(errorOf(html, "name").contains("déjà une cohorte de ce nom"), html);
    assertTrue(html.contains("<option value=\"" + c.organisation() + "\" selected>"));
    assertTrue(html.contains("value=\"2027-03-01\""));
  }

  @Test
  @DisplayName("a refusal without a field (a grant with no reason) is an error page in the reader's language, with the reason")
  void refusalInFrench() {
    Coordinator c = coordinator();
    server.app().database().pool().preparedQuery("INSERT INTO assignments (cohort_id, module_id, due_on) VALUES ($1, 'alpha', current_date + 5)")
        .execute(Tuple.of(c.cohort())).await();
    long learner = Accounts.id(server, Accounts.create(server, "learner", c.organisation()));
    Cohorts.enrol(server, c.cohort(), learner);
    HttpResponse<Buffer> r = c.post("/cohorts/" + c.cohort() + "/learners/" + learner + "/grants", "fr", "module", "alpha", "extra", "1",
        "reason", " ");
    assertEquals(400, r.statusCode());
    assertTrue(r.bodyAsString().contains("Indiquez le motif, en 500 caractères au plus"), r.bodyAsString());
    HttpResponse<Buffer> api = server.send(HttpMethod.POST, "/api/cohorts/" + c.cohort() + "/learners/" + learner + "/grants",
        new JsonObject().put("module", "alpha").put("extra", 11).put("reason", "x").toBuffer(), "Authorization", "Bearer " + c.token(),
        "Content-Type", "application/json", "Accept-Language", "fr");
    HttpResponse<Buffer> foreign = server.send(HttpMethod.POST, "/cohorts/" + c.cohort() + "/bulk", Accounts.form("_csrf",
        c.browser().csrf(), "action", "remove", "learner", "999999"), "Cookie", c.browser().cookie(), "Content-Type",
        "application/x-www-form-urlencoded", "Accept-Language", "fr", "Referer", "http://localhost:" + server.port() + "/cohorts/" + c.cohort());
    assertEquals(404, foreign.statusCode());
    String page = foreign.bodyAsString();
    assertTrue(page.contains("Il n’y a rien à cette adresse") && page.contains("<p class=\"meta\" lang=\"en\">learner 999999 is not in"),
        "French first, the precise reason after it: " + page);
    assertTrue(page.contains("href=\"/cohorts/" + c.cohort() + "\">Revenir à la page pour corriger"), "a way back to the form");
    for (String elsewhere : List.of("http://localhost:" + server.port() + "//evil.example/x", "http://localhost:" + server.port()
        + "/\\evil.example", "http://evil.example/cohorts/1")) {
      String other = server.send(HttpMethod.POST, "/cohorts/" + c.cohort() + "/bulk", Accounts.form("_csrf", c.browser().csrf(), "action",
          "remove", "learner", "999999"), "Cookie", c.browser().cookie(), "Content-Type", "application/x-www-form-urlencoded",
          "Referer", elsewhere).bodyAsString();
      assertTrue(!other.contains("evil.example"), "never a way back to another site: " + elsewhere);
    }
    assertEquals("bad_extra", api.bodyAsJsonObject().getString("error"), "the API keeps its code and its English reason");
    assertTrue(api.bodyAsJsonObject().getString("message").contains("grant from 1 to 10"));
  }

  @Test
  @DisplayName("the report's export for spreadsheets set to French: byte order mark, semicolons throughout")
  void semicolonExport() {
    Coordinator c = coordinator();
    String body = server.get("/cohorts/" + c.cohort() + "/export.csv?separator=%3B", "Cookie", c.browser().cookie())
        .bodyAsString(StandardCharsets.UTF_8.name());
    assertTrue(body.startsWith("\ufeffservice_number;name;rank;unit;module;due_on;status;"), body);
    assertTrue(server.get("/cohorts/" + c.cohort(), "Cookie", c.browser().cookie()).bodyAsString().contains("export.csv?separator=%3B"));
  }
}
