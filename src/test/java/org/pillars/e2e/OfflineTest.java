package org.pillars.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.sqlclient.Tuple;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WebDriver;
import org.pillars.support.Accounts;
import org.pillars.support.AlphaAnswers;
import org.pillars.support.Chrome;
import org.pillars.support.Link;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.support.Trees;
import org.pillars.config.AppConfig;

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
    // the server's public address is the relay's, as a phone reaches it: so are its certificates' addresses
    link = Link.unbound();
    server = TestApp.start(Map.of(AppConfig.PUBLIC_URL, "http://localhost:" + link.port()));
    link.target(server.port());
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
    login(driver, url(""), user);
  }

  /** Keeps module alpha on this phone from the server at {@code base}, and waits until the page says so. */
  private static void keepAlpha(WebDriver driver, String base) {
    driver.get(base + "/modules/alpha");
    driver.findElement(By.cssSelector("#keep button")).click();
    awaitText(driver, "Available offline");
  }

  /** Opens alpha's quiz page (offline: the kept copy) and takes the quiz on the phone. */
  private static void takeKeptQuiz(WebDriver driver, String base) {
    driver.get(base + "/modules/alpha/quiz");
    By takeHere = By.xpath("//button[contains(., 'Take the quiz on this phone')]");
    await("the offer to take the kept quiz").atMost(Duration.ofSeconds(20)).until(() -> !driver.findElements(takeHere).isEmpty());
    driver.findElement(takeHere).click();
  }

  private static void login(WebDriver driver, String base, String user) {
    driver.get(base + "/login");
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
      keepAlpha(driver, url(""));
      chrome.screenshot("offline-0-kept");
      // what the browser's own cache holds may be gone by the time the learner is offline: only the kept copy counts
      chrome.driver().executeCdpCommand("Network.clearBrowserCache", Map.of());

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

      takeKeptQuiz(driver, url(""));
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

  private static final String[] ALL_RIGHT = {"host-state-1", "tiers-0", "tiers-1", "tiers-3", "mandate-not-r2p-1", "checkpoint-0"};

  private static void pick(WebDriver driver, String... picks) {
    for (String pick : picks) {
      driver.findElement(By.cssSelector("label[for='q-" + pick + "']")).click();
    }
  }

  private static String score(WebDriver driver) {
    return driver.findElement(By.cssSelector("p.score")).getText();
  }

  @Test
  @DisplayName("no JS: the link drops exactly as the quiz is submitted; Back, resubmit, reload: one attempt, the same result")
  void noScriptLinkDropsAtSubmit() {
    String user = Accounts.create(server, "learner");
    long account = Accounts.id(server, user);
    try (Chrome chrome = Chrome.start("en", false, 412, 915)) {
      WebDriver driver = chrome.driver();
      login(driver, user);
      driver.get(url("/modules/alpha/quiz"));
      driver.findElement(By.xpath("//button[contains(., 'Start the quiz')]")).click();
      await().atMost(Duration.ofSeconds(20)).until(() -> driver.getCurrentUrl().contains("/attempts/"));
      String attempt = driver.getCurrentUrl();
      String first = driver.getWindowHandle();
      driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
      driver.get(attempt);  // a second copy of the form, as a page kept in the browser's history would be
      pick(driver, ALL_RIGHT);
      String second = driver.getWindowHandle();

      driver.switchTo().window(first);
      pick(driver, ALL_RIGHT);
      link.dropAnswerTo("POST /attempts/");
      driver.findElement(By.cssSelector("form.quiz button[type=submit]")).click();
      await("the answer to be dropped").atMost(Duration.ofSeconds(20)).until(() -> link.answersDropped() > 0);
      chrome.screenshot("nojs-0-dropped");
      assertEquals(1, count("SELECT count(*) FROM attempts WHERE account_id = $1 AND submitted_at IS NOT NULL", account),
          "the answers reached the server and were graded before its answer was lost");
      link.restore();

      String error = driver.findElement(By.tagName("body")).getText();
      // ERR_EMPTY_RESPONSE or ERR_SOCKET_NOT_CONNECTED, as the cut meets the browser's socket: Chromium's error page
      assertTrue(error.matches("(?s).*ERR_(EMPTY_RESPONSE|SOCKET_NOT_CONNECTED|CONNECTION_[A-Z]+).*"), "the learner saw the link drop: " + error);
      driver.navigate().refresh();  // reloading the error page, as a learner does when the link is back
      await("the reload to show the result").atMost(Duration.ofSeconds(20))
          .until(() -> !driver.findElements(By.cssSelector("p.score")).isEmpty());
      assertEquals("Score: 100 % · passed", score(driver));
      // Back shows Chromium's copy of the quiz page as it was before (its back/forward cache keeps even no-store
      // pages); the page itself, opened again, knows the attempt
      driver.get(url("/modules/alpha/quiz"));
      assertTrue(main(driver).contains("best score 100 % · quiz passed"), main(driver));
      assertTrue(main(driver).contains("2 attempts left"), "one attempt used: " + main(driver));

      driver.switchTo().window(second);
      driver.findElement(By.cssSelector("form.quiz button[type=submit]")).click();
      await("the resubmitted form to show the first result").atMost(Duration.ofSeconds(20))
          .until(() -> !driver.findElements(By.cssSelector("p.score")).isEmpty());
      assertEquals("Score: 100 % · passed", score(driver), "the first result, not an error");
      driver.navigate().refresh();
      assertEquals("Score: 100 % · passed", score(driver));
      chrome.screenshot("nojs-1-resubmitted");
      assertEquals(1, count("SELECT count(*) FROM attempts WHERE account_id = $1", account), "never a second attempt");
      assertEquals(1, count("SELECT attempts FROM module_progress WHERE account_id = $1 AND module_id = 'alpha'", account));
    }
  }

  @Test
  @DisplayName("the server's answer to a sync is lost and the outbox is sent again; a second browser of the same learner adds its own: each once, nothing summed")
  void syncAnswerLostAndASecondBrowser() {
    String user = Accounts.create(server, "learner");
    long account = Accounts.id(server, user);
    try (Chrome phone = Chrome.phone("en"); Chrome other = Chrome.start("en", false, 1280, 900)) {
      WebDriver driver = phone.driver();
      login(driver, user);
      keepAlpha(driver, url(""));
      offline(phone, true);
      takeKeptQuiz(driver, url(""));
      pick(driver, ALL_RIGHT);
      driver.findElement(By.cssSelector("form.quiz button[type=submit]")).click();
      awaitText(driver, "not yet sent: 1");

      link.dropAnswerTo("POST /api/sync");
      offline(phone, false);
      await("the first sync to reach the server, its answer lost").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
          .until(() -> link.answersDropped() > 0);
      assertEquals(1, count("SELECT count(*) FROM attempts WHERE account_id = $1", account), "stored by the sync whose answer was lost");
      assertTrue(main(driver).contains("not yet sent: 1"), "the phone does not know, so it keeps the item: " + main(driver));
      link.restore();
      driver.findElement(By.xpath("//button[contains(., 'Send now')]")).click();
      awaitText(driver, "were sent: 100 %");
      assertEquals(1, count("SELECT count(*) FROM attempts WHERE account_id = $1", account), "sent twice, stored once");

      WebDriver desk = other.driver();
      login(desk, user);
      desk.get(url("/modules/alpha/quiz"));
      desk.findElement(By.xpath("//button[contains(., 'Start the quiz')]")).click();
      await().atMost(Duration.ofSeconds(20)).until(() -> desk.getCurrentUrl().contains("/attempts/"));
      pick(desk, "host-state-0", "tiers-2", "mandate-not-r2p-0", "checkpoint-1");
      desk.findElement(By.cssSelector("form.quiz button[type=submit]")).click();
      await().atMost(Duration.ofSeconds(20)).until(() -> !desk.findElements(By.cssSelector("p.score")).isEmpty());
      assertTrue(score(desk).startsWith("Score: 0 %"), score(desk));
      assertEquals(2, count("SELECT count(*) FROM attempts WHERE account_id = $1", account), "one attempt from each browser");
      assertEquals(2, count("SELECT attempts FROM module_progress WHERE account_id = $1 AND module_id = 'alpha'", account));
      assertEquals(100, count("SELECT best_score FROM module_progress WHERE account_id = $1 AND module_id = 'alpha'", account),
          "the best score counts; nothing is added up");
      desk.get(url("/modules/alpha/quiz"));
      assertTrue(main(desk).contains("1 attempt left"), "both attempts used, once each: " + main(desk));
    }
  }

  /** The text of the alert the page shows now (within 10 s), which is then closed. */
  private static String alertText(WebDriver driver) {
    Alert alert = await("an alert").atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> driver.switchTo().alert(), a -> a != null);
    String text = alert.getText();
    alert.accept();
    return text;
  }

  @Test
  @DisplayName("the phone's storage is full as an offline quiz is submitted: the learner is told, the form keeps every answer, and a later submit is sent once")
  void storageFull() {
    String user = Accounts.create(server, "learner");
    long account = Accounts.id(server, user);
    try (Chrome phone = Chrome.phone("en")) {
      WebDriver driver = phone.driver();
      login(driver, user);
      keepAlpha(driver, url(""));
      offline(phone, true);
      takeKeptQuiz(driver, url(""));
      pick(driver, "host-state-1", "tiers-0", "tiers-1", "tiers-3", "mandate-not-r2p-1");

      // the fault, injected in this page: every write to the phone's storage fails as a full disk makes it fail
      // (Chromium's DevTools quota override does not reach IndexedDB writes)
      phone.driver().executeScript("window.fullPut = IDBObjectStore.prototype.put;"
          + "IDBObjectStore.prototype.put = function () { throw new DOMException('no room', 'QuotaExceededError'); };");
      pick(driver, "checkpoint-0");
      assertEquals("This phone’s storage is full: your answers could not be saved on it. Free some space, or stay on this page until you are online.",
          alertText(driver), "told as soon as an answer cannot be autosaved");
      driver.findElement(By.cssSelector("form.quiz button[type=submit]")).click();
      assertTrue(alertText(driver).contains("storage is full"), "told again on submit");
      for (String p : ALL_RIGHT) {
        assertTrue(driver.findElement(By.id("q-" + p)).isSelected(), "the form keeps answer " + p);
      }
      assertTrue(!main(driver).contains("not yet sent"), "nothing was queued: " + main(driver));

      phone.driver().executeScript("IDBObjectStore.prototype.put = window.fullPut;");  // room again
      driver.findElement(By.cssSelector("form.quiz button[type=submit]")).click();
      awaitText(driver, "not yet sent: 1");
      offline(phone, false);
      awaitText(driver, "were sent: 100 %");
      assertEquals(1, count("SELECT count(*) FROM attempts WHERE account_id = $1", account), "the answers kept by the form, sent once");
    }
  }

  @Test
  @DisplayName("on a 50 KB/s link with 400 ms latency: keep a module, mark a lesson read, take the quiz online, queue a read offline and send it on the slow link")
  void slowLink() {
    String user = Accounts.create(server, "learner");
    long account = Accounts.id(server, user);
    // the relay is the slow link, so that the service worker's requests are slowed too: DevTools' emulation
    // (Network.emulateNetworkConditions) reaches only the page's own, and every page here goes through the worker
    link.slow(50 * 1024, 400);
    try (Chrome phone = Chrome.phone("en")) {
      WebDriver driver = phone.driver();
      login(driver, user);
      keepAlpha(driver, url(""));

      driver.get(url("/modules/alpha/first"));
      long loaded = (Long) phone.driver().executeScript("return Math.round(performance.getEntriesByType('navigation')[0].duration)");
      System.out.println("slow link: the lesson page loaded in " + loaded + " ms");
      assertTrue(loaded >= 400, "the link is slow: a page takes at least its round trip, " + loaded + " ms");
      driver.findElement(By.xpath("//button[contains(., 'Mark as read')]")).click();
      await().atMost(Duration.ofSeconds(30)).until(() -> driver.getCurrentUrl().contains("/modules/alpha/second"));
      assertEquals(1, count("SELECT count(*) FROM lesson_reads WHERE account_id = $1", account), "marked read online");

      driver.get(url("/modules/alpha/quiz"));
      driver.findElement(By.xpath("//button[contains(., 'Start the quiz')]")).click();
      await().atMost(Duration.ofSeconds(30)).until(() -> driver.getCurrentUrl().contains("/attempts/"));
      pick(driver, ALL_RIGHT);
      driver.findElement(By.cssSelector("form.quiz button[type=submit]")).click();
      await("the result over the slow link").atMost(Duration.ofSeconds(30))
          .until(() -> !driver.findElements(By.cssSelector("p.score")).isEmpty());
      assertEquals("Score: 100 % · passed", score(driver));

      offline(phone, true);
      driver.get(url("/modules/alpha/second"));
      By markRead = By.xpath("//button[contains(., 'Mark as read')]");
      await("the offline 'mark as read'").atMost(Duration.ofSeconds(20)).until(() -> !driver.findElements(markRead).isEmpty());
      driver.findElement(markRead).click();
      awaitText(driver, "not yet sent: 1");
      offline(phone, false);
      await("the outbox sent over the slow link").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
          .until(() -> count("SELECT count(*) FROM lesson_reads WHERE account_id = $1", account) == 2);
      driver.navigate().refresh();
      assertTrue(!main(driver).contains("not yet sent"), "the outbox is empty: " + main(driver));
      assertEquals(1, count("SELECT count(*) FROM attempts WHERE account_id = $1", account));
    } finally {
      link.slow(0, 0);
    }
  }

  @Test
  @DisplayName("Chromium finds the site installable: a manifest it accepts, its icons, a service worker in control")
  void installable() {
    try (Chrome phone = Chrome.phone("en")) {
      WebDriver driver = phone.driver();
      driver.get(url("/"));
      await("the service worker to take control").atMost(Duration.ofSeconds(20))
          .until(() -> Boolean.TRUE.equals(phone.driver().executeScript("return !!navigator.serviceWorker.controller")));
      Map<String, Object> manifest = phone.driver().executeCdpCommand("Page.getAppManifest", Map.of());
      assertEquals(List.of(), manifest.get("errors"), "the manifest parses without errors");
      Map<String, Object> installability = phone.driver().executeCdpCommand("Page.getInstallabilityErrors", Map.of());
      assertEquals(List.of(), installability.get("installabilityErrors"));
    }
  }

  @TempDir
  Path courses;

  @Test
  @DisplayName("offline, the quiz changes version and the attempts are used up on another device: the phone's answers are graded against the version answered, stored held, shown, not lost")
  void versionChangedAndAttemptsUsedUpMeanwhile() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    try (TestApp app = TestApp.start(Map.of(AppConfig.COURSES, courses.toString())); Link road = Link.to(app.port());
        Chrome phone = Chrome.phone("en")) {
      String user = Accounts.create(app, "learner");
      long account = Accounts.id(app, user);
      String at = "http://localhost:" + road.port();
      WebDriver driver = phone.driver();
      login(driver, at, user);
      keepAlpha(driver, at);  // version 3

      road.cut();
      phone.driver().executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", true, "latency", 0,
          "downloadThroughput", -1, "uploadThroughput", -1));
      takeKeptQuiz(driver, at);
      pick(driver, ALL_RIGHT);  // 'checkpoint' is answered: version 3 asks it
      driver.findElement(By.cssSelector("form.quiz button[type=submit]")).click();
      awaitText(driver, "not yet sent: 1");

      // meanwhile: the trainer renames the question (version 4), and the learner uses up the attempts on a desk computer
      AlphaAnswers.publishVersion4(app, courses);
      String token = Accounts.token(app, user);
      for (int i = 0; i < 3; i++) {
        var started = app.send(HttpMethod.POST, "/api/modules/alpha/attempts", Buffer.buffer("{}"), "Authorization", "Bearer " + token,
            "Content-Type", "application/json");
        assertEquals(201, started.statusCode(), started.bodyAsString());
        String attempt = started.bodyAsJsonObject().getString("attempt");
        var graded = app.send(HttpMethod.POST, "/api/attempts/" + attempt + "/submit",
            new JsonObject().put("answers", new JsonObject().put("host-state", 0)).toBuffer(), "Authorization", "Bearer " + token,
            "Content-Type", "application/json");
        assertEquals(200, graded.statusCode(), graded.bodyAsString());
      }

      road.restore();
      phone.driver().executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
          "downloadThroughput", -1, "uploadThroughput", -1));
      awaitText(driver, "were sent: 100 %");
      awaitText(driver, "They arrived after your attempts were used up");
      phone.screenshot("offline-3-held");
      long held = app.app().database().pool().preparedQuery(
          "SELECT count(*) FROM attempts WHERE account_id = $1 AND held AND score = 100 AND module_version = 3").execute(Tuple.of(account))
          .await().iterator().next().getLong(0);
      assertEquals(1, held, "stored once, held, graded 100 against version 3 although version 4 no longer asks 'checkpoint'");
      driver.get(at + "/modules/alpha/quiz");
      assertTrue(main(driver).contains("1 attempt sent after your attempts were used up is kept"), main(driver));
    }
  }

  @Test
  @DisplayName("a quiz set taken offline: the kept copy asks the learner's round (2 of 4 questions, options in the drawn order); sent, it is graded on that draw")
  void quizSetOffline() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    Path quiz = courses.resolve("alpha/quiz.md");
    java.nio.file.Files.writeString(quiz, java.nio.file.Files.readString(quiz).replace("max_attempts: 3\n",
        "max_attempts: 0\nshuffle_questions: true\nshuffle_options: true\ndraw: 2\n"));
    try (TestApp app = TestApp.start(Map.of(AppConfig.COURSES, courses.toString())); Link road = Link.to(app.port());
        Chrome phone = Chrome.phone("en")) {
      String user = Accounts.create(app, "learner");
      long account = Accounts.id(app, user);
      JsonObject round = app.get("/api/modules/alpha/quiz", "Authorization", "Bearer " + Accounts.token(app, user)).bodyAsJsonObject();
      List<String> expected = new java.util.ArrayList<>();
      for (Object o : round.getJsonArray("questions")) {
        JsonObject q = (JsonObject) o;
        q.getJsonArray("order").forEach(n -> expected.add("q-" + q.getString("id") + "-" + n));
      }
      String at = "http://localhost:" + road.port();
      WebDriver driver = phone.driver();
      login(driver, at, user);
      keepAlpha(driver, at);
      road.cut();
      phone.driver().executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", true, "latency", 0,
          "downloadThroughput", -1, "uploadThroughput", -1));
      takeKeptQuiz(driver, at);
      List<String> shown = driver.findElements(By.cssSelector("form.quiz input")).stream().map(e -> e.getAttribute("id")).toList();
      assertEquals(expected, shown, "the round's questions, each with its options in the drawn order");
      JsonObject right = AlphaAnswers.allRight();
      for (Object o : round.getJsonArray("questions")) {
        String id = ((JsonObject) o).getString("id");
        Object answer = right.getValue(id);
        for (Object n : answer instanceof io.vertx.core.json.JsonArray a ? a : new io.vertx.core.json.JsonArray().add(answer)) {
          pick(driver, id + "-" + n);
        }
      }
      driver.findElement(By.cssSelector("form.quiz button[type=submit]")).click();
      awaitText(driver, "not yet sent: 1");

      road.restore();
      phone.driver().executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
          "downloadThroughput", -1, "uploadThroughput", -1));
      awaitText(driver, "were sent: 100 %");
      var stored = app.app().database().pool().preparedQuery("SELECT score, drawn FROM attempts WHERE account_id = $1")
          .execute(Tuple.of(account)).await();
      assertEquals(1, stored.size());
      assertEquals(100, stored.iterator().next().getInteger(0), "graded on the 2 questions asked");
      assertEquals(ids(round), stored.iterator().next().getJsonObject(1).getJsonArray("questions").stream().map(String::valueOf).toList());
    }
  }

  @Test
  @DisplayName("a module for the learner's organisation is kept too (signed in, as nobody else may read it) and read offline")
  void ownOrganisationsModuleKept() {
    String trainer = Accounts.create(server, "trainer");
    long organisation = server.app().database().pool().preparedQuery("SELECT organisation_id FROM accounts WHERE username = $1")
        .execute(Tuple.of(trainer)).await().iterator().next().getLong(0);
    org.pillars.support.OwnModules.publish(server, Accounts.token(server, trainer), "ours-offline", null);
    String user = Accounts.create(server, "learner", organisation);
    try (Chrome chrome = Chrome.phone("en")) {
      WebDriver driver = chrome.driver();
      login(driver, user);
      driver.get(url("/modules/ours-offline"));
      driver.findElement(By.cssSelector("#keep button")).click();
      awaitText(driver, "Available offline");
      chrome.driver().executeCdpCommand("Network.clearBrowserCache", Map.of());
      offline(chrome, true);
      driver.get(url("/modules/ours-offline/introduction"));
      assertEquals("Introduction", driver.findElement(By.tagName("h1")).getText(), "the kept copy, offline");
      assertTrue(driver.findElements(By.cssSelector("meta[name=pillars-csrf]")).isEmpty(), "kept as anyone sees it: no CSRF token");
      offline(chrome, false);

      // at logout the copies only this learner may read go, and so does the kept quiz
      driver.get(url("/home"));
      driver.findElement(By.cssSelector("form[action='/logout'] button")).click();
      await("the logout").atMost(Duration.ofSeconds(20)).until(() -> !driver.getCurrentUrl().endsWith("/home"));
      Object left = ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(
          "var done = arguments[arguments.length - 1]; caches.open('pillars-kept').then(function (c) { return c.keys(); })"
          + ".then(function (k) { done(k.map(function (r) { return new URL(r.url).pathname; }).join(' ')); });");
      assertFalse(String.valueOf(left).contains("/modules/ours-offline"), "no copy of the organisation's module: " + left);
      assertTrue(String.valueOf(left).contains("/offline"), "what anyone may read stays: " + left);
    }
  }

  private static List<String> ids(JsonObject view) {
    return view.getJsonArray("questions").stream().map(q -> ((JsonObject) q).getString("id")).toList();
  }

  /** A learner of alpha with its certificate signed as this phone's site (the relay's address): its QR code's address. */
  private static String certifiedQr() {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    for (String lesson : List.of("first", "second")) {
      server.send(HttpMethod.POST, "/api/modules/alpha/lessons/" + lesson + "/read", null, "Authorization", "Bearer " + token);
    }
    String attempt = server.send(HttpMethod.POST, "/api/modules/alpha/attempts", new JsonObject().toBuffer(), "Authorization",
        "Bearer " + token, "Content-Type", "application/json").bodyAsJsonObject().getString("attempt");
    server.send(HttpMethod.POST, "/api/attempts/" + attempt + "/submit", new JsonObject().put("answers", AlphaAnswers.allRight())
        .toBuffer(), "Authorization", "Bearer " + token, "Content-Type", "application/json");
    String code = server.get("/api/certificates", "Authorization", "Bearer " + token).bodyAsJsonObject().getJsonArray("certificates")
        .getJsonObject(0).getString("code");
    return server.get("/api/certificates/" + code + "/credential", "Authorization", "Bearer " + token).bodyAsJsonObject().getString("qr");
  }

  private static String offlineVerdict(WebDriver driver, String address) {
    driver.get("about:blank");
    driver.get(address);
    By outcome = By.cssSelector("#offline-verdict[data-outcome]");
    await("the check on the phone").atMost(Duration.ofSeconds(20)).until(() -> !driver.findElements(outcome).isEmpty());
    WebElement verdict = driver.findElement(outcome);
    return verdict.getAttribute("data-outcome") + ": " + verdict.getText();
  }

  @Test
  @DisplayName("the verify page visited once, then offline: a certificate's QR address is valid as of the list's date; tampered, revoked or of another site, it is not, and says why")
  void verifyOffline() {
    String good = certifiedQr();
    String revoked = certifiedQr();
    String revokedCode = revoked.substring(revoked.indexOf("/verify/") + 8, revoked.indexOf('#'));
    String admin = Accounts.token(server, Accounts.create(server, "admin"));
    assertEquals(200, server.send(HttpMethod.POST, "/api/certificates/" + revokedCode + "/revoke", new JsonObject()
        .put("reason", "Issued in error").toBuffer(), "Authorization", "Bearer " + admin, "Content-Type", "application/json").statusCode());
    assertTrue(good.startsWith(url("/verify/")), good);
    try (Chrome phone = Chrome.phone("en")) {
      WebDriver driver = phone.driver();
      // a sector commander's phone opens the check page once, with a connection: the keys and the list are kept
      driver.get(url("/verify"));
      await("the keys, the list and the page kept").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() ->
          Boolean.TRUE.equals(((JavascriptExecutor) driver).executeAsyncScript("var done = arguments[arguments.length - 1];"
              + "caches.open('pillars-kept').then(function (c) { return Promise.all(['/verify', '/.well-known/jwks.json',"
              + "'/.well-known/revocations.jwt'].map(function (u) { return c.match(u); })); })"
              + ".then(function (r) { done(r.every(Boolean) && !!navigator.serviceWorker.controller); }, function () { done(false); });")));
      driver.findElement(By.id("credential"));
      phone.driver().executeCdpCommand("Network.clearBrowserCache", Map.of());
      offline(phone, true);

      String today = java.time.LocalDate.now().format(java.time.format.DateTimeFormatter.ofPattern("MMMM d, yyyy", java.util.Locale.ENGLISH));
      String valid = offlineVerdict(driver, good);
      assertEquals("valid: Valid: the signature was checked on this phone. Not revoked as of " + today + ".", valid);
      assertTrue(main(driver).contains("Alpha module (v3)") && main(driver).contains("100 %"), main(driver));
      assertFalse(driver.findElement(By.id("credential")).isDisplayed(), "offline, no form that needs the server is offered");
      phone.screenshot("verify-offline-0-valid");

      String token = good.substring(good.indexOf('#') + 1);
      String[] parts = token.split("\\.");
      JsonObject claims = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8));
      String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(claims.put("s", 99).encode()
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      String tampered = good.substring(0, good.indexOf('#') + 1) + parts[0] + "." + forged + "." + parts[2];
      assertEquals("invalid: Not valid: its signature does not match what it says: it was changed after signing.",
          offlineVerdict(driver, tampered));
      assertFalse(main(driver).contains("99 %"), "nothing of a tampered credential is shown");
      // one character changed in the middle of what it says, so that it no longer reads: changed all the same
      int middle = parts[0].length() + 1 + parts[1].length() / 2;
      String damaged = token.substring(0, middle) + (token.charAt(middle) == 'Q' ? 'R' : 'Q') + token.substring(middle + 1);
      assertEquals("invalid: Not valid: its signature does not match what it says: it was changed after signing.",
          offlineVerdict(driver, good.substring(0, good.indexOf('#') + 1) + damaged));
      phone.screenshot("verify-offline-1-tampered");

      assertEquals("invalid: Revoked: on the list of " + today + ", this certificate is revoked. It is not valid.",
          offlineVerdict(driver, revoked));
      String other = "https://pillars.example.net/verify/" + revokedCode + "#" + token;
      assertEquals("invalid: Not valid: it is the credential of another certificate (" + good.substring(good.indexOf("/verify/") + 8,
          good.indexOf('#')) + ").", offlineVerdict(driver, url("/verify/" + revokedCode + "#" + token)), other);
      assertEquals("invalid: Not valid: this is not a signed credential: it is damaged or incomplete.",
          offlineVerdict(driver, url("/verify/" + revokedCode + "#garbage")));
    } finally {
      link.restore();
    }
  }
}
