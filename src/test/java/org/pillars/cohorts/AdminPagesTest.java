package org.pillars.cohorts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.Cohorts;
import org.pillars.support.QrRead;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/** The admin does from pages what the admin API does: organisations and their tree, accounts, roles, disabling, codes. */
@ExtendWith(TestPostgres.class)
class AdminPagesTest {

  private static TestApp server;
  private static Accounts.Browser admin;

  @BeforeAll
  static void start() {
    server = TestApp.start();
    admin = Accounts.browser(server, Accounts.create(server, "admin"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<Buffer> post(String path, String... pairs) {
    List<String> all = new ArrayList<>(List.of("_csrf", admin.csrf()));
    all.addAll(List.of(pairs));
    return server.send(HttpMethod.POST, path, Accounts.form(all.toArray(String[]::new)), "Cookie", admin.cookie(),
        "Content-Type", "application/x-www-form-urlencoded");
  }

  private static String role(long account) {
    return server.app().database().pool().preparedQuery("SELECT role FROM accounts WHERE id = $1").execute(Tuple.of(account)).await()
        .iterator().next().getString(0);
  }

  @Test
  @DisplayName("a country and a unit made from the page, shown as a tree; an account made there shows its code once with a QR code that opens its set-up page")
  void organisationsAndAccounts() {
    String country = "Pays " + UUID.randomUUID();
    HttpResponse<Buffer> made = post("/admin/organisations", "name", country, "country", "Sénégal", "parent", "");
    assertEquals(303, made.statusCode(), made.bodyAsString());
    String countryPage = made.getHeader("Location");
    long countryId = Long.parseLong(countryPage.substring(countryPage.lastIndexOf('/') + 1));
    HttpResponse<Buffer> unit = post("/admin/organisations", "name", "Bataillon " + UUID.randomUUID(), "country", "Sénégal",
        "parent", String.valueOf(countryId));
    assertEquals(303, unit.statusCode());
    String tree = server.get("/admin", "Cookie", admin.cookie()).bodyAsString();
    int at = tree.indexOf(country);
    assertTrue(at > 0 && tree.indexOf("class=\"indent-1\"", at) > at, "the unit is listed under its country");
    assertEquals(400, post("/admin/organisations", "name", "", "country", "Sénégal").statusCode(), "a name is needed");

    String username = "coord" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<Buffer> account = post(countryPage + "/accounts", "displayName", "Aminata Sow", "username", username, "role", "coordinator");
    assertEquals(200, account.statusCode(), account.bodyAsString());
    assertEquals("no-store", account.getHeader("Cache-Control"));
    List<String> qr = QrRead.all(account.bodyAsString());
    assertEquals(1, qr.size());
    String setup = qr.get(0).substring(qr.get(0).indexOf("/setup/"));
    assertTrue(server.get(setup).bodyAsString().contains("Aminata Sow"), "the QR code opens the account's set-up page");
    assertTrue(server.get(countryPage, "Cookie", admin.cookie()).bodyAsString().contains(username), "listed with its organisation");
    assertEquals(400, post(countryPage + "/accounts", "displayName", "X", "username", "Bad Name!", "role", "trainer").statusCode());
    assertEquals(400, post(countryPage + "/accounts", "displayName", "X", "username", "okname", "role", "general").statusCode());

    long id = Accounts.id(server, username);
    HttpResponse<Buffer> reset = post(countryPage + "/accounts/" + id + "/setup-code");
    assertEquals(200, reset.statusCode());
    assertEquals(404, server.get(setup).statusCode(), "a new code ends the old one");
    assertEquals(1, QrRead.all(reset.bodyAsString()).size());
  }

  @Test
  @DisplayName("a role changed and an account disabled from the page take effect at once and are in the audit log; disabling needs the box ticked; another organisation's account is not found")
  void roleAndDisable() {
    long org = Cohorts.organisation(server, "Admin org " + UUID.randomUUID());
    String name = Accounts.create(server, "trainer", org);
    long id = Accounts.id(server, name);
    String token = Accounts.token(server, name);
    String base = "/admin/organisations/" + org + "/accounts/" + id;
    assertEquals(303, post(base + "/role", "role", "coordinator").statusCode());
    assertEquals("coordinator", role(id));
    assertEquals(401, server.get("/api/me", "Authorization", "Bearer " + token).statusCode(), "the old token stops working");
    HttpResponse<Buffer> unconfirmed = post(base + "/disable");
    assertEquals(400, unconfirmed.statusCode());
    assertTrue(unconfirmed.bodyAsString().contains("Tick the box"), unconfirmed.bodyAsString());
    assertEquals(303, post(base + "/disable", "confirm", "yes").statusCode());
    assertEquals(401, server.send(HttpMethod.POST, "/api/auth/token", io.vertx.core.json.JsonObject.of("username", name, "password",
        Accounts.PASSPHRASE).toBuffer(), "Content-Type", "application/json").statusCode(), "a disabled account cannot log in");
    assertEquals(303, post(base + "/enable").statusCode());

    long other = Cohorts.organisation(server, "Other " + UUID.randomUUID());
    assertEquals(404, post("/admin/organisations/" + other + "/accounts/" + id + "/role", "role", "admin").statusCode());
    assertEquals("coordinator", role(id), "nothing changed through another organisation's path");

    String audit = server.get("/audit?subject=accounts", "Cookie", admin.cookie()).bodyAsString();
    assertTrue(audit.contains("trainer → coordinator"), "the role change is audited");
  }
}
