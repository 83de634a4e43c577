package org.pillars.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.pillars.support.Accounts;
import org.pillars.support.Chrome;
import org.pillars.support.Link;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * A learner on a link that drops, in Chromium with the service worker: the link to the server is cut for real (a
 * relay that closes every connection), and the page is told it is offline through the DevTools protocol. Fixture
 * module alpha: lessons "first" and "second"; right answers host-state 1, tiers 0+1+3, mandate-not-r2p 1, checkpoint 0.
 */
@ExtendWith(TestPostgres.class)
class OfflineTest {

  private static TestApp server;
  private static Link link;

  @BeforeAll
  static void start() {
    server = TestApp.start();
    link = Link.to(server.port());
  }

  @AfterAll
  static void stop() {
    link.close();
    server.close();
  }

  private static String url(String path) {
    return "http://localhost:" + link.port() + path;
  }

  private static void offline(Chrome chrome, boolean offline) {
    if (offline) {
      link.cut();
    } else {
      link.restore();
    }
    chrome.driver().executeCdpCommand("Network.enable", Map.of());
    chrome.driver().executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", offline, "latency", 0,
        "downloadThroughput", -1, "uploadThroughput", -1));
  }

  private static String main(WebDriver driver) {
    return driver.findElement(By.tagName("main")).getText();
  }

  private static void awaitText(WebDriver driver, String text) {
    await("the page to show '" + text + "'").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> main(driver).contains(text));
  }

  private static void login(WebDriver driver, String user) {
    driver.get(url("/login"));
    driver.findElement(By.id("username")).sendKeys(user);
    driver.findElement(By.id("password")).sendKeys(Accounts.PASSPHRASE);
    driver.findElement(By.cssSelector("form[action='/login'] button")).click();
    await().atMost(Duration.ofSeconds(20)).until(() -> driver.getCurrentUrl().endsWith("/home"));
  }

  private static long count(String sql, long account) {
    return server.app().database().pool().preparedQuery(sql).execute(Tuple.of(account)).await().iterator().next().getLong(0);
  }

  @Test
  @DisplayName("keep a module, go offline, read every lesson, mark them read, take the quiz, come back: one attempt, all reads, the result")
  void wholeModuleOffline() {
    String user = Accounts.create(server, "learner");
    long account = Accounts.id(server, user);
    try (Chrome chrome = Chrome.phone("en")) {
      WebDriver driver = chrome.driver();
      login(driver, user);
      driver.get(url("/modules/alpha"));
      driver.findElement(By.cssSelector("#keep button")).click();
      awaitText(driver, "Available offline");
      chrome.screenshot("offline-0-kept");

      offline(chrome, true);
      driver.get(url("/modules/alpha/first"));
      assertEquals("The first lesson", driver.findElement(By.tagName("h1")).getText(), "the kept copy, offline");
      By markRead = By.xpath("//button[contains(., 'Mark as read')]");
      await("the offline 'mark as read'").atMost(Duration.ofSeconds(20)).until(() -> !driver.findElements(markRead).isEmpty());
      driver.findElement(markRead).click();
      await().atMost(Duration.ofSeconds(20)).until(() -> driver.getCurrentUrl().endsWith("/modules/alpha/second"));
      assertEquals("The second lesson", driver.findElement(By.tagName("h1")).getText());
      awaitText(driver, "Saved on this phone, not yet sent: 1");
      await().atMost(Duration.ofSeconds(20)).until(() -> !driver.findElements(markRead).isEmpty());
      driver.findElement(markRead).click();
      await().atMost(Duration.ofSeconds(20)).until(() -> driver.getCurrentUrl().endsWith("/modules/alpha"));
      awaitText(driver, "not yet sent: 2");

      driver.get(url("/modules/alpha/quiz"));
      By takeHere = By.xpath("//button[contains(., 'Take the quiz on this phone')]");
      await("the offer to take the kept quiz").atMost(Duration.ofSeconds(20)).until(() -> !driver.findElements(takeHere).isEmpty());
      driver.findElement(takeHere).click();
      for (String pick : new String[] {"host-state-1", "tiers-0", "tiers-1", "tiers-3", "mandate-not-r2p-1", "checkpoint-0"}) {
        driver.findElement(By.cssSelector("label[for='q-" + pick + "']")).click();
      }
      driver.findElement(By.cssSelector("form.quiz button[type=submit]")).click();
      awaitText(driver, "Saved on this phone. Your answers will be sent when you are online");
      awaitText(driver, "not yet sent: 3");
      chrome.screenshot("offline-1-queued");
      driver.get(url("/home"));
      assertTrue(main(driver).contains("You are offline"), "a page not kept: the Pillars offline page, not the browser's: " + main(driver));
      assertEquals(0, count("SELECT count(*) FROM attempts WHERE account_id = $1", account), "nothing reached the server");
      assertEquals(0, count("SELECT count(*) FROM lesson_reads WHERE account_id = $1", account));

      offline(chrome, false);
      await("the outbox to be sent").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
          .until(() -> count("SELECT count(*) FROM attempts WHERE account_id = $1", account) == 1);
      awaitText(driver, "were sent: 100 %");
      chrome.screenshot("offline-2-sent");
      assertEquals(2, count("SELECT count(*) FROM lesson_reads WHERE account_id = $1", account));
      assertEquals(1, count("SELECT count(*) FROM certificates WHERE account_id = $1", account), "the module is complete");
      driver.navigate().refresh();
      assertTrue(!main(driver).contains("not yet sent"), "the outbox is empty: " + main(driver));
      assertEquals(1, count("SELECT count(*) FROM attempts WHERE account_id = $1", account), "sent once");
    }
  }
}
