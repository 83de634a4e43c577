package org.pillars.cohorts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
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
import org.pillars.support.AlphaAnswers;
import org.pillars.support.Cohorts;
import org.pillars.support.QrRead;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * Actions on the learners ticked in the report: each first confirmed with how many people it touches, then done all
 * or nothing; new set-up codes as slips whose QR codes lead to each learner's set-up page, or as a CSV file.
 */
@ExtendWith(TestPostgres.class)
class BulkTest {

  private static final String ROSTER = "name,service number,rank,unit,email\n"
      + "Awa Diallo,SN-2001,Sergent,1re compagnie,\n"
      + "Moussa Traoré,SN-2002,Caporal,2e compagnie,\n"
      + "Fatou Keïta,SN-2003,Soldat,1re compagnie,\n";
  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** An organisation with a cohort of the three learners above (no password yet) and its coordinator, signed in. */
  private record Unit(long organisation, long cohort, List<Long> learners, List<String> codes, String token, Accounts.Browser browser) {
    HttpResponse<Buffer> form(String... pairs) {
      List<String> all = new ArrayList<>(List.of("_csrf", browser.csrf()));
      all.addAll(List.of(pairs));
      return server.send(HttpMethod.POST, "/cohorts/" + cohort + "/bulk", Accounts.form(all.toArray(String[]::new)),
          "Cookie", browser.cookie(), "Content-Type", "application/x-www-form-urlencoded");
    }

    HttpResponse<Buffer> api(JsonObject body) {
      return server.send(HttpMethod.POST, "/api/cohorts/" + cohort + "/bulk", body.toBuffer(), "Authorization", "Bearer " + token,
          "Content-Type", "application/json");
    }

    List<Long> members() {
      List<Long> ids = new ArrayList<>();
      server.app().database().pool().preparedQuery("SELECT account_id FROM cohort_members WHERE cohort_id = $1 ORDER BY account_id")
          .execute(Tuple.of(cohort)).await().forEach(r -> ids.add(r.getLong(0)));
      return ids;
    }
  }

  private static Unit unit() {
    long org = Cohorts.organisation(server, "Bulk org " + UUID.randomUUID());
    long cohort = Cohorts.cohort(server, org, "Rotation 1");
    String coordinator = Accounts.create(server, "coordinator", org);
    String token = Accounts.token(server, coordinator);
    JsonObject imported = server.send(HttpMethod.POST, "/api/cohorts/" + cohort + "/import", Buffer.buffer(ROSTER.getBytes(StandardCharsets.UTF_8)),
        "Authorization", "Bearer " + token, "Content-Type", "text/csv").bodyAsJsonObject();
    List<Long> ids = new ArrayList<>();
    List<String> codes = new ArrayList<>();
    imported.getJsonArray("newLearners").forEach(o -> {
      JsonObject n = (JsonObject) o;
      ids.add(Accounts.id(server, n.getString("username")));
      codes.add(n.getString("setupCode"));
    });
    assertEquals(3, ids.size(), imported.encode());
    return new Unit(org, cohort, ids, codes, token, Accounts.browser(server, coordinator));
  }

  private static final Pattern SLIP_CODE = Pattern.compile("<code class=\"slip-code\">([^<]+)</code>");

  @Test
  @DisplayName("new codes for everyone not activated: confirmed with the count and names, printed as slips whose QR codes open each set-up page; the old codes stop working")
  void slipsLeadToSetup() {
    Unit u = unit();
    HttpResponse<Buffer> confirm = u.form("action", "codes", "notActivated", "yes");
    assertEquals(200, confirm.statusCode(), confirm.bodyAsString());
    String page = confirm.bodyAsString();
    assertTrue(page.contains("Issue new set-up codes to 3 people"), page);
    assertTrue(page.contains("Awa Diallo") && page.contains("Moussa Traoré") && page.contains("Fatou Keïta"), "names who");
    assertEquals(200, server.get("/setup/" + u.codes().get(0)).statusCode(), "nothing done before the confirmation");

    HttpResponse<Buffer> slips = u.form("action", "codes", "notActivated", "yes", "confirm", "yes", "format", "slips");
    assertEquals(200, slips.statusCode(), slips.bodyAsString());
    assertEquals("no-store", slips.getHeader("Cache-Control"), "codes are never cached");
    String html = slips.bodyAsString();
    List<String> qr = QrRead.all(html);
    assertEquals(3, qr.size(), "one QR code per slip");
    Matcher printed = SLIP_CODE.matcher(html);
    for (String address : qr) {
      assertTrue(address.startsWith("http://localhost:" + server.port() + "/setup/"), address);
      String path = address.substring(address.indexOf("/setup/"));
      assertTrue(printed.find());
      assertEquals(path.substring("/setup/".length()), printed.group(1).replace(" ", ""), "the slip's printed code is the QR's");
      HttpResponse<Buffer> setup = server.get(path);
      assertEquals(200, setup.statusCode(), "the QR code opens a working set-up page");
      assertTrue(setup.bodyAsString().contains("Choose your password"), setup.bodyAsString());
    }
    assertTrue(html.contains("Awa Diallo"));
    for (String old : u.codes()) {
      assertEquals(404, server.get("/setup/" + old).statusCode(), "the codes given before stop working");
    }
  }

  @Test
  @DisplayName("a learner added by hand (as a roster import) gets a printable slip at once, whose QR code is the code shown in the table")
  void importPageHasSlips() {
    Unit u = unit();
    HttpResponse<Buffer> added = server.send(HttpMethod.POST, "/cohorts/" + u.cohort() + "/members", Accounts.form("_csrf",
        u.browser().csrf(), "name", "Oumar Sy", "serviceNumber", "SN-2999", "rank", "Sergent", "unit", "3e compagnie", "email", ""),
        "Cookie", u.browser().cookie(), "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(200, added.statusCode(), added.bodyAsString());
    String html = added.bodyAsString();
    List<String> qr = QrRead.all(html);
    assertEquals(1, qr.size(), html);
    String code = qr.get(0).substring(qr.get(0).indexOf("/setup/") + "/setup/".length());
    assertTrue(html.contains("<td><code>" + code + "</code></td>"), "the slip carries the code of the table");
    assertEquals(200, server.get("/setup/" + code).statusCode(), "and it works");
  }

  @Test
  @DisplayName("the codes as a CSV file: byte order mark, semicolons when asked, one line per person with a code that works")
  void codesAsCsv() {
    Unit u = unit();
    HttpResponse<Buffer> csv = u.form("action", "codes", "learner", String.valueOf(u.learners().get(0)), "learner",
        String.valueOf(u.learners().get(2)), "confirm", "yes", "format", "csv", "separator", ";");
    assertEquals(200, csv.statusCode(), csv.bodyAsString());
    assertTrue(csv.getHeader("Content-Type").startsWith("text/csv"));
    assertEquals("no-store", csv.getHeader("Cache-Control"));
    String body = csv.bodyAsString(StandardCharsets.UTF_8.name());
    assertTrue(body.startsWith("\ufeffname;rank;service_number;unit;username;setup_code;setup_address;expires_at\r\n"), body);
    String[] lines = body.split("\r\n");
    assertEquals(3, lines.length, body);
    assertTrue(lines[1].startsWith("Awa Diallo;Sergent;SN-2001;1re compagnie;"), lines[1]);
    String code = lines[2].split(";")[5];
    assertEquals(200, server.get("/setup/" + code).statusCode());
    assertEquals(200, server.get("/setup/" + u.codes().get(1)).statusCode(), "the learner not ticked keeps their code");
    assertEquals(404, server.get("/setup/" + u.codes().get(0)).statusCode());
  }

  @Test
  @DisplayName("one id of another organisation among the ticked: 404 naming it, and nobody is removed (form and API)")
  void foreignIdDoesNothing() {
    Unit u = unit();
    Unit other = unit();
    long stranger = other.learners().get(0);
    HttpResponse<Buffer> r = u.form("action", "remove", "learner", String.valueOf(u.learners().get(0)), "learner", String.valueOf(stranger),
        "confirm", "yes");
    assertEquals(404, r.statusCode());
    assertTrue(r.bodyAsString().contains("learner " + stranger + " is not in this cohort"), r.bodyAsString());
    assertEquals(3, u.members().size(), "nothing was done");
    HttpResponse<Buffer> api = u.api(new JsonObject().put("action", "remove").put("learners", new JsonArray().add(u.learners().get(1))
        .add(stranger)));
    assertEquals(404, api.statusCode());
    assertTrue(api.bodyAsJsonObject().getString("message").contains(String.valueOf(stranger)), api.bodyAsString());
    assertEquals(3, u.members().size());
    assertEquals(400, u.api(new JsonObject().put("action", "remove").put("learners", new JsonArray().add("1; DROP TABLE accounts")))
        .statusCode(), "the API takes numbers only");
    assertEquals(404, u.form("action", "remove", "learner", "1; DROP TABLE accounts").statusCode(), "a malformed id is just not there");
    assertEquals(404, other.form("action", "remove", "learner", String.valueOf(u.learners().get(0))).statusCode(),
        "not even the confirmation names another organisation's learner");
    assertEquals(1, other.api(new JsonObject().put("action", "remove").put("dryRun", true).put("learners", new JsonArray().add(stranger)))
        .bodyAsJsonObject().getInteger("count"));
    assertEquals(3, other.members().size(), "a dry run changes nothing");
  }

  @Test
  @DisplayName("remove and move: the confirmation names how many, nothing moves until confirmed; a move only within the organisation")
  void removeAndMove() {
    Unit u = unit();
    String a = String.valueOf(u.learners().get(0));
    String b = String.valueOf(u.learners().get(1));
    HttpResponse<Buffer> confirm = u.form("action", "remove", "learner", a, "learner", b);
    assertTrue(confirm.bodyAsString().contains("Remove 2 people from this cohort"), confirm.bodyAsString());
    assertEquals(3, u.members().size());
    HttpResponse<Buffer> done = u.form("action", "remove", "learner", a, "learner", b, "confirm", "yes");
    assertEquals(303, done.statusCode(), done.bodyAsString());
    assertEquals(List.of(u.learners().get(2)), u.members());
    assertTrue(server.get(done.getHeader("Location"), "Cookie", u.browser().cookie()).bodyAsString()
        .contains("2 people removed from this cohort"));

    long second = Cohorts.cohort(server, u.organisation(), "Rotation 2");
    Unit other = unit();
    assertEquals(400, u.api(new JsonObject().put("action", "move").put("to", u.cohort()).put("learners", new JsonArray().add(u.learners().get(2))))
        .statusCode(), "not into the cohort they are in");
    assertEquals(404, u.api(new JsonObject().put("action", "move").put("to", other.cohort())
        .put("learners", new JsonArray().add(u.learners().get(2)))).statusCode(), "another organisation's cohort is not found");
    JsonObject moved = u.api(new JsonObject().put("action", "move").put("to", second).put("learners", new JsonArray().add(u.learners().get(2))))
        .bodyAsJsonObject();
    assertEquals(1, moved.getInteger("count"), moved.encode());
    assertTrue(u.members().isEmpty());
  }

  @Test
  @DisplayName("one more attempt for the ticked: refused, naming them, while one of them has completed the module; then granted to the locked-out")
  void grantToLockedOut() {
    long org = Cohorts.organisation(server, "Bulk grant " + UUID.randomUUID());
    long cohort = Cohorts.cohort(server, org, "Rotation");
    server.app().database().pool().preparedQuery("INSERT INTO assignments (cohort_id, module_id, due_on) VALUES ($1, 'alpha', current_date + 5)")
        .execute(Tuple.of(cohort)).await();
    String coordinator = Accounts.token(server, Accounts.create(server, "coordinator", org));
    List<Long> ids = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String name = Accounts.create(server, "learner", org);
      ids.add(Accounts.id(server, name));
      Cohorts.enrol(server, cohort, ids.get(i));
      tokens.add(Accounts.token(server, name));
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(201, attempt(tokens.get(0), AlphaAnswers.allWrong()));
    }
    for (String lesson : List.of("first", "second")) {
      server.send(HttpMethod.POST, "/api/modules/alpha/lessons/" + lesson + "/read", null, "Authorization", "Bearer " + tokens.get(1));
    }
    assertEquals(201, attempt(tokens.get(1), AlphaAnswers.allRight()), "the second learner completes alpha");
    assertEquals(409, start(tokens.get(0)), "locked out");
    JsonObject both = new JsonObject().put("action", "grant").put("module", "alpha").put("reason", "Retrained on 3 December")
        .put("learners", new JsonArray().add(ids.get(0)).add(ids.get(1)));
    HttpResponse<Buffer> refused = server.send(HttpMethod.POST, "/api/cohorts/" + cohort + "/bulk", both.toBuffer(),
        "Authorization", "Bearer " + coordinator, "Content-Type", "application/json");
    assertEquals(400, refused.statusCode());
    assertEquals("completed", refused.bodyAsJsonObject().getString("error"));
    assertEquals(409, start(tokens.get(0)), "nothing granted");
    both.put("learners", new JsonArray().add(ids.get(0)));
    HttpResponse<Buffer> granted = server.send(HttpMethod.POST, "/api/cohorts/" + cohort + "/bulk", both.toBuffer(),
        "Authorization", "Bearer " + coordinator, "Content-Type", "application/json");
    assertEquals(200, granted.statusCode(), granted.bodyAsString());
    HttpResponse<Buffer> again = server.send(HttpMethod.POST, "/api/cohorts/" + cohort + "/bulk", both.toBuffer(),
        "Authorization", "Bearer " + coordinator, "Content-Type", "application/json");
    assertEquals(400, again.statusCode(), "no longer locked out: grants do not pile up");
    assertEquals("not_locked", again.bodyAsJsonObject().getString("error"));
    assertEquals(201, start(tokens.get(0)), "one more attempt");
    assertFalse(refused.bodyAsJsonObject().getString("message").isBlank());
  }

  private static int start(String token) {
    return server.send(HttpMethod.POST, "/api/modules/alpha/attempts", new JsonObject().toBuffer(), "Authorization", "Bearer " + token,
        "Content-Type", "application/json").statusCode();
  }

  private static int attempt(String token, JsonObject answers) {
    HttpResponse<Buffer> started = server.send(HttpMethod.POST, "/api/modules/alpha/attempts", new JsonObject().toBuffer(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json");
    if (started.statusCode() == 201) {
      assertEquals(200, server.send(HttpMethod.POST, "/api/attempts/" + started.bodyAsJsonObject().getString("attempt") + "/submit",
          new JsonObject().put("answers", answers).toBuffer(), "Authorization", "Bearer " + token, "Content-Type", "application/json")
          .statusCode());
    }
    return started.statusCode();
  }
}
