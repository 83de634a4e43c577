package org.pillars.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.print.PrintOptions;
import org.pillars.support.Accounts;
import org.pillars.support.AlphaAnswers;
import org.pillars.support.Browse;
import org.pillars.support.Chrome;
import org.pillars.support.Cohorts;
import org.pillars.support.QrRead;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * A country's coordinator, in Chromium, certifies before deployment: the country has two units in three cohorts;
 * they print the readiness of the country, grant an attempt to a learner locked out of the quiz, print set-up slips
 * for the people who never activated, and find each step in the audit log. Once in English, once in French.
 */
@ExtendWith(TestPostgres.class)
class CoordinatorJourneyTest {

  private static final String ROSTER = "name,service number,rank,unit,email\n"
      + "Ibrahima Fall,SN-%1$s-1,Caporal,2e compagnie,\n"
      + "Mariama Ba,SN-%1$s-2,Soldat,2e compagnie,\n";
  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String url(String path) {
    return "http://localhost:" + server.app().port() + path;
  }

  private static long organisation(String name, Long parent) {
    return server.app().database().pool().preparedQuery("INSERT INTO organisations (name, country, parent_id) VALUES ($1, 'Sénégal', $2)"
        + " RETURNING id").execute(Tuple.of(name, parent)).await().iterator().next().getLong(0);
  }

  private static void assign(long cohort) {
    server.app().database().pool().preparedQuery("INSERT INTO assignments (cohort_id, module_id, due_on) VALUES ($1, 'alpha', current_date + 5)")
        .execute(Tuple.of(cohort)).await();
  }

  private static HttpResponse<Buffer> api(HttpMethod method, String path, String token, Buffer body, String type) {
    return server.send(method, path, body, "Authorization", "Bearer " + token, "Content-Type", type);
  }

  /** The number of pages of a PDF printed by Chromium (each page object names its type). */
  private static int pages(byte[] pdf) {
    String text = new String(pdf, StandardCharsets.ISO_8859_1);
    assertTrue(text.startsWith("%PDF-"), "a PDF");
    Matcher m = Pattern.compile("/Type\\s*/Page[^s]").matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static byte[] print(Chrome chrome) {
    return Base64.getDecoder().decode(chrome.driver().print(new PrintOptions()).getContent());
  }

  @ParameterizedTest(name = "in {0}")
  @CsvSource({
      "en, Readiness for deployment, Locked out, Attempts granted, Issue new set-up codes to 2 people, Attempts granted, Set-up code issued",
      "fr, Préparation au déploiement, Bloqué, Tentatives accordées, Délivrer de nouveaux codes de première connexion à 2 personnes, "
          + "Tentatives accordées, Code de première connexion délivré"})
  void certifiesBeforeDeployment(String lang, String readinessTitle, String lockedWord, String grantedWord, String confirmHeading,
                                 String auditGrant, String auditCode) {
    String tag = UUID.randomUUID().toString().substring(0, 6);
    long country = organisation("Sénégal " + tag, null);
    long unitA = organisation("1er bataillon " + tag, country);
    long unitB = organisation("2e bataillon " + tag, country);
    long a1 = Cohorts.cohort(server, unitA, "Rotation A1");
    long a2 = Cohorts.cohort(server, unitA, "Rotation A2");
    long b1 = Cohorts.cohort(server, unitB, "Rotation B1");
    List.of(a1, a2, b1).forEach(CoordinatorJourneyTest::assign);
    String coordinator = Accounts.create(server, "coordinator", country);
    String token = Accounts.token(server, coordinator);
    String lockedName = Accounts.create(server, "learner", unitA);
    long locked = Accounts.id(server, lockedName);
    Cohorts.enrol(server, a1, locked);
    String learnerToken = Accounts.token(server, lockedName);
    for (int i = 0; i < 3; i++) {
      String attempt = api(HttpMethod.POST, "/api/modules/alpha/attempts", learnerToken, new JsonObject().toBuffer(), "application/json")
          .bodyAsJsonObject().getString("attempt");
      api(HttpMethod.POST, "/api/attempts/" + attempt + "/submit", learnerToken,
          new JsonObject().put("answers", AlphaAnswers.allWrong()).toBuffer(), "application/json");
    }
    assertEquals(409, api(HttpMethod.POST, "/api/modules/alpha/attempts", learnerToken, new JsonObject().toBuffer(), "application/json")
        .statusCode(), "locked out");
    for (long cohort : List.of(a2, b1)) {
      assertEquals(200, api(HttpMethod.POST, "/api/cohorts/" + cohort + "/import", token,
          Buffer.buffer(String.format(ROSTER, tag + cohort).getBytes(StandardCharsets.UTF_8)), "text/csv").statusCode());
    }

    try (Chrome chrome = Chrome.start(lang, true, 1366, 900)) {
      WebDriver driver = chrome.driver();
      driver.get(url("/login"));
      driver.findElement(By.id("username")).sendKeys(coordinator);
      driver.findElement(By.id("password")).sendKeys(Accounts.PASSPHRASE);
      Browse.click(driver, By.cssSelector("form[action='/login'] button"));

      // 1. readiness of the whole country, printed
      driver.get(url("/readiness"));
      assertTrue(driver.getCurrentUrl().endsWith("/readiness/" + country), driver.getCurrentUrl());
      String readiness = driver.findElement(By.tagName("main")).getText();
      assertTrue(readiness.contains(readinessTitle) && readiness.contains("1er bataillon " + tag) && readiness.contains("2e bataillon " + tag),
          readiness);
      assertTrue(pages(print(chrome)) >= 1);
      Browse.click(driver, By.linkText("1er bataillon " + tag));
      String row = driver.findElement(By.xpath("//tr[contains(., 'Test " + lockedName + "')]")).getText();
      assertTrue(row.toLowerCase().contains(lockedWord.toLowerCase()), "the locked-out learner is flagged: " + row);
      assertTrue(pages(print(chrome)) >= 1, "the unit's page prints with its signature block");
      assertTrue(driver.findElement(By.className("signature")).getText().length() > 20);
      chrome.screenshot("coordinator-journey-" + lang + "-1-readiness");

      // 2. one more attempt for the learner locked out, from their page
      driver.get(url("/cohorts/" + a1));
      Browse.click(driver, By.cssSelector("a[href='/cohorts/" + a1 + "/learners/" + locked + "']"));
      driver.findElement(By.id("reason-alpha")).sendKeys("Retrained on " + tag);
      Browse.submit(driver, By.id("reason-alpha"));
      assertTrue(driver.findElement(By.tagName("main")).getText().contains(grantedWord), driver.findElement(By.tagName("main")).getText());
      assertEquals(201, api(HttpMethod.POST, "/api/modules/alpha/attempts", learnerToken, new JsonObject().toBuffer(), "application/json")
          .statusCode(), "the learner can try again");

      // 3. slips for everyone of the second unit's cohort who never chose a password, confirmed, printed
      driver.get(url("/cohorts/" + b1));
      Browse.click(driver, By.cssSelector("input[name='notActivated'] + button"));
      assertEquals(confirmHeading, driver.findElement(By.tagName("h1")).getText());
      assertTrue(driver.findElement(By.tagName("main")).getText().contains("Mariama Ba"));
      Browse.click(driver, By.cssSelector("form.confirm button[type='submit']"));
      List<String> qr = QrRead.all(driver.getPageSource());
      assertEquals(2, qr.size(), "one slip per person");
      assertEquals(2, driver.findElements(By.cssSelector(".slip")).size());
      for (String address : qr) {
        assertEquals(200, server.get(address.substring(address.indexOf("/setup/"))).statusCode(), "each slip's QR code opens a set-up page");
      }
      assertEquals(1, pages(print(chrome)), "two slips print on one page");
      chrome.screenshot("coordinator-journey-" + lang + "-2-slips");

      // 4. the audit log shows each step, by this coordinator
      driver.get(url("/audit"));
      String audit = driver.findElement(By.tagName("main")).getText();
      assertTrue(audit.contains(auditGrant) && audit.contains("Retrained on " + tag), audit);
      assertTrue(audit.contains(auditCode), audit);
      assertTrue(audit.contains("(" + coordinator + ")"), "who did it");
      chrome.screenshot("coordinator-journey-" + lang + "-3-audit");
    }
  }

  @org.junit.jupiter.api.Test
  @org.junit.jupiter.api.DisplayName("nine slips print on two A4 pages: eight to a page, as the slips page says")
  void eightSlipsToAPage() {
    long org = organisation("Slips " + UUID.randomUUID(), null);
    long cohort = Cohorts.cohort(server, org, "Rotation");
    String coordinator = Accounts.create(server, "coordinator", org);
    StringBuilder roster = new StringBuilder("name,service number,rank,unit,email\n");
    for (int i = 1; i <= 9; i++) {
      roster.append("Soldat Numéro ").append(i).append(",SL-").append(cohort).append('-').append(i).append(",Soldat,1re compagnie,\n");
    }
    assertEquals(200, api(HttpMethod.POST, "/api/cohorts/" + cohort + "/import", Accounts.token(server, coordinator),
        Buffer.buffer(roster.toString().getBytes(StandardCharsets.UTF_8)), "text/csv").statusCode());
    try (Chrome chrome = Chrome.start("fr", true, 1366, 900)) {
      WebDriver driver = chrome.driver();
      driver.get(url("/login"));
      driver.findElement(By.id("username")).sendKeys(coordinator);
      driver.findElement(By.id("password")).sendKeys(Accounts.PASSPHRASE);
      Browse.click(driver, By.cssSelector("form[action='/login'] button"));
      driver.get(url("/cohorts/" + cohort));
      Browse.click(driver, By.cssSelector("input[name='notActivated'] + button"));
      Browse.click(driver, By.cssSelector("form.confirm button[type='submit']"));
      assertEquals(9, driver.findElements(By.cssSelector(".slip")).size());
      assertEquals(2, pages(print(chrome)), "8 slips on the first A4 page, the ninth on the second");
    }
  }
}
