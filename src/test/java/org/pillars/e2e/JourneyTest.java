package org.pillars.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.pillars.config.AppConfig;
import org.pillars.content.Module;
import org.pillars.content.Quiz;
import org.pillars.support.Accounts;
import org.pillars.support.Browse;
import org.pillars.support.Chrome;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * The journeys users make, in a real Chromium against the real server, database and curriculum: a coordinator
 * enrols a cohort and assigns a module; learners (with JavaScript, without it, in French) read every lesson,
 * fail the quiz, pass it and prove their certificate; the coordinator sees it and downloads the CSV. Each journey
 * saves screenshots of its key pages under target/screenshots/, and the key pages are checked with axe-core.
 */
@ExtendWith(TestPostgres.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JourneyTest {

  private static final String MODULE = "protection-of-civilians";
  private static final String ROSTER = "name,service number,rank,unit,email\n"
      + "Amina Diallo,SN-7001,Sergeant,A Company,\n"
      + "Moussa Traoré,SN-7002,Corporal,B Company,\n"
      + "Awa Ndiaye,SN-7003,Private,A Company,\n"
      + "Ibrahim Keita,SN-7004,Private,B Company,\n";
  private static final String PASSWORD = "river lantern orchard 58";

  private static TestApp server;
  private static String coordinator;
  private static long cohort;
  /** Service number to {username, one-time code}, from the import page. */
  private static final Map<String, String[]> learners = new HashMap<>();

  @BeforeAll
  static void start() {
    server = TestApp.start(Map.of(AppConfig.COURSES, "courses"));
    long org = server.app().database().pool().query("INSERT INTO organisations (name, country) VALUES ('Sahel Battalion 12', 'X') "
        + "RETURNING id").execute().await().iterator().next().getLong(0);
    coordinator = Accounts.create(server, "coordinator", org);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String url(String path) {
    return "http://localhost:" + server.app().port() + path;
  }

  private static void navigate(WebDriver driver, Runnable action) {
    Browse.navigate(driver, action);
  }

  private static void click(WebDriver driver, By target) {
    Browse.click(driver, target);
  }

  private static void submit(WebDriver driver, By field) {
    Browse.submit(driver, field);
  }


  private static void login(WebDriver driver, String username, String password) {
    driver.get(url("/login"));
    driver.findElement(By.id("username")).sendKeys(username);
    driver.findElement(By.id("password")).sendKeys(password);
    click(driver, By.cssSelector("form[action='/login'] button"));
    assertTrue(driver.getCurrentUrl().endsWith("/home"), "after login: " + driver.getCurrentUrl() + " " + driver.getTitle() + " " + driver.findElement(By.tagName("body")).getText());
  }

  /**
   * No serious accessibility violation, and the page is styled: the browser loaded and applied the style sheet
   * under the Content-Security-Policy (without it, the skip link would sit in the flow).
   */
  private static void assertAccessible(Chrome chrome, String page) {
    assertEquals("absolute", chrome.driver().findElement(By.cssSelector("a.skip")).getCssValue("position"),
        page + " is not styled: no style sheet applied");
    List<String> violations = chrome.seriousViolations();
    assertTrue(violations.isEmpty(), page + " has serious or critical accessibility violations: " + violations);
  }

  private static String text(WebDriver driver) {
    return driver.findElement(By.tagName("main")).getText();
  }

  private static Module module() {
    return server.app().content().get().module(MODULE).orElseThrow();
  }

  @Test
  @Order(0)
  @DisplayName("the accessibility check does find serious violations on a page that has them")
  void accessibilityCheckCanFail() {
    try (Chrome chrome = Chrome.phone("en")) {
      chrome.driver().get("data:text/html,<html><body><form><input type=text></form><img src=x.png>"
          + "<button></button></body></html>");
      List<String> violations = chrome.seriousViolations();
      assertTrue(violations.stream().anyMatch(v -> v.startsWith("label")) && violations.stream().anyMatch(v -> v.startsWith("image-alt")),
          "axe should report the unlabeled input and the image without alt: " + violations);
    }
  }

  @Test
  @Order(1)
  @DisplayName("a coordinator creates a cohort, imports a CSV of learners and assigns a module with a deadline")
  void coordinatorEnrols() throws Exception {
    try (Chrome chrome = Chrome.start("en", true, 1280, 900)) {
      WebDriver driver = chrome.driver();
      login(driver, coordinator, Accounts.PASSPHRASE);
      driver.get(url("/cohorts"));
      driver.findElement(By.id("name")).sendKeys("Rotation 14");
      chrome.driver().executeScript("document.getElementById('startsOn').value = arguments[0];"
          + "document.getElementById('deploysOn').value = arguments[1];", LocalDate.now().toString(), LocalDate.now().plusDays(60).toString());
      submit(driver, By.id("deploysOn"));
      cohort = Long.parseLong(driver.getCurrentUrl().replaceAll(".*/cohorts/(\\d+).*", "$1"));

      Path csv = Files.createTempFile("roster", ".csv");
      Files.writeString(csv, ROSTER, StandardCharsets.UTF_8);
      driver.findElement(By.id("roster")).sendKeys(csv.toAbsolutePath().toString());
      submit(driver, By.id("roster"));
      assertTrue(text(driver).contains("Imported: 4 new"), text(driver));
      for (WebElement row : driver.findElements(By.cssSelector("table.data tbody tr"))) {
        List<WebElement> cells = row.findElements(By.tagName("td"));
        learners.put(cells.get(1).getText(), new String[] {cells.get(2).getText(), cells.get(3).getText()});
      }
      assertEquals(4, learners.size());
      chrome.screenshot("coordinator-1-import");
      Files.delete(csv);

      driver.get(url("/cohorts/" + cohort));
      driver.findElement(By.cssSelector("#module option[value='" + MODULE + "']")).click();
      chrome.driver().executeScript("document.getElementById('dueOn').value = arguments[0];", LocalDate.now().plusDays(30).toString());
      submit(driver, By.id("dueOn"));
      assertTrue(driver.findElement(By.className("summary")).getText().contains("4 learners × 1 module assigned = 4 modules to complete: 0 completed"),
          driver.findElement(By.className("summary")).getText());
      chrome.screenshot("coordinator-2-report-before");
      assertAccessible(chrome, "the coordinator's report");
    }
  }

  /** Sets the password with the one-time code, then the whole learner journey through one module. */
  private static void learnerJourney(Chrome chrome, String serviceNumber, String lang, String shots, boolean checkAccessibility,
                                     boolean scripts) {
    WebDriver driver = chrome.driver();
    String[] account = learners.get(serviceNumber);
    if (checkAccessibility) {
      driver.get(url("/"));
      chrome.screenshot(shots + "-0-catalogue");
      assertAccessible(chrome, "the catalogue");
    }
    driver.get(url("/setup/" + account[1]));
    WebElement reveal = driver.findElement(By.cssSelector("input[data-reveal=password]"));
    assertEquals(scripts, reveal.isDisplayed(), "the box to show the password is offered only where a script can do it");
    if (scripts) {
      reveal.click();
      assertEquals("text", driver.findElement(By.id("password")).getAttribute("type"), "the password shows as it is typed");
      reveal.click();
      assertEquals("password", driver.findElement(By.id("password")).getAttribute("type"));
    }
    driver.findElement(By.id("password")).sendKeys(PASSWORD);
    submit(driver, By.id("password"));
    assertTrue(driver.getCurrentUrl().endsWith("/home"), "signed in after choosing a password: " + driver.getCurrentUrl());
    assertEquals(lang, driver.findElement(By.tagName("html")).getAttribute("lang"));
    Module module = module();
    assertTrue(text(driver).contains(module.title().in(lang)), "the assigned module is on the home page: " + text(driver));
    chrome.screenshot(shots + "-1-home");
    assertHeaderOnOneLine(chrome, "the learner's home at 412 px");
    driver.manage().window().setSize(new org.openqa.selenium.Dimension(360, 800));  // the smallest phones in use
    assertHeaderOnOneLine(chrome, "the learner's home at 360 px");
    driver.manage().window().setSize(new org.openqa.selenium.Dimension(412, 915));

    if (checkAccessibility) {
      assertAccessible(chrome, "the learner's home");
    }

    click(driver, By.cssSelector(".card a.button"));  // continue: the first lesson
    for (int i = 0; i < module.lessons().size(); i++) {
      assertEquals(url("/modules/" + MODULE + "/" + module.lessons().get(i).id()), driver.getCurrentUrl().replaceAll("\\?marked=.*", ""));
      assertEquals(module.lessons().get(i).title().in(lang), driver.findElement(By.tagName("h1")).getText());
      if (i == 0) {
        chrome.screenshot(shots + "-2-lesson");
        if (checkAccessibility) {
          assertAccessible(chrome, "a lesson");
        }
      }
      click(driver, By.cssSelector("form.read button"));
    }
    assertEquals(url("/modules/" + MODULE + "/quiz"), driver.getCurrentUrl().replaceAll("\\?marked=.*", ""), "after the last lesson comes the quiz");
    if (checkAccessibility) {
      assertAccessible(chrome, "the quiz page");
    }

    Quiz quiz = module.quiz().orElseThrow();
    takeQuiz(chrome, quiz, false, checkAccessibility);
    assertTrue(driver.findElement(By.className("score")).getAttribute("class").contains("fail"), text(driver));
    chrome.screenshot(shots + "-3-failed");
    if (checkAccessibility) {
      assertAccessible(chrome, "a quiz result");
    }
    driver.get(url("/modules/" + MODULE + "/quiz"));
    takeQuiz(chrome, quiz, true, false);
    assertTrue(driver.findElement(By.className("score")).getAttribute("class").contains("pass"), text(driver));
    assertTrue(driver.findElement(By.className("score")).getText().contains("100"), text(driver));
    chrome.screenshot(shots + "-4-passed");

    driver.get(url("/modules/" + MODULE + "/quiz"));
    click(driver, By.cssSelector("main a.button"));  // the certificate
    String name = driver.findElement(By.cssSelector(".certificate .name")).getText();
    chrome.screenshot(shots + "-5-certificate");
    click(driver, By.cssSelector(".certificate a[href*='/verify/']"));
    assertTrue(driver.findElement(By.cssSelector(".notice.valid")).isDisplayed());
    assertTrue(text(driver).contains(name) && text(driver).contains(module.title().in(lang)), text(driver));
    chrome.screenshot(shots + "-6-verified");
  }

  /** Opens an attempt and answers every question right, or picks a wrong option everywhere. */
  private static void takeQuiz(Chrome chrome, Quiz quiz, boolean right, boolean checkAccessibility) {
    WebDriver driver = chrome.driver();
    click(driver, By.cssSelector("main form button"));  // start an attempt
    assertTrue(driver.getCurrentUrl().contains("/attempts/"), driver.getCurrentUrl());
    if (!right && checkAccessibility) {
      chrome.screenshot("quiz-attempt-" + quiz.questions().get(0).id());
      assertAccessible(chrome, "the quiz questions");
    }
    List<Quiz.Question> questions = quiz.questions();
    // the first wrong run with the accessibility check leaves the last question blank, meets the confirmation page,
    // goes back to find its answers kept, and answers the last one
    boolean leaveOneBlank = !right && checkAccessibility;
    for (Quiz.Question q : leaveOneBlank ? questions.subList(0, questions.size() - 1) : questions) {
      answer(driver, q, right);
    }
    click(driver, By.cssSelector("form.quiz button[type=submit]"));
    if (leaveOneBlank) {
      assertTrue(text(driver).contains("#" + questions.size()) || driver.findElements(By.cssSelector("main a[href$='#question-"
          + questions.size() + "']")).size() == 1, "the blank question is named: " + text(driver));
      assertAccessible(chrome, "the blank-questions confirmation");
      click(driver, By.cssSelector("main a.button"));  // go back to the questions
      Quiz.Question first = questions.get(0);
      assertTrue(driver.findElement(By.id("q-" + first.id() + "-" + firstWrong(first))).isSelected(), "answers kept");
      answer(driver, questions.get(questions.size() - 1), right);
      click(driver, By.cssSelector("form.quiz button[type=submit]"));
    }
  }

  private static void answer(WebDriver driver, Quiz.Question q, boolean right) {
    for (int i = 0; i < q.options().size(); i++) {
      boolean pick = right ? q.options().get(i).correct() : i == firstWrong(q);
      if (pick) {
        driver.findElement(By.cssSelector("label[for='q-" + q.id() + "-" + i + "']")).click();
      }
    }
  }

  /** The phone header on one line: its brand, account links and language switch share one row. */
  private static void assertHeaderOnOneLine(Chrome chrome, String page) {
    Object spread = chrome.driver().executeScript("var mids = [];"
        + "for (const c of document.querySelector('header.site').children) {"
        + "  const r = c.getBoundingClientRect(); if (r.height > 0) mids.push((r.top + r.bottom) / 2); }"
        + "return Math.max(...mids) - Math.min(...mids);");
    assertTrue(((Number) spread).doubleValue() < 12, page + ": the header takes more than one line (its items' middles are "
        + spread + " px apart)");
  }

  private static int firstWrong(Quiz.Question q) {
    for (int i = 0; i < q.options().size(); i++) {
      if (!q.options().get(i).correct()) {
        return i;
      }
    }
    throw new AssertionError(q.id() + " has no wrong option");
  }

  @Test
  @Order(2)
  @DisplayName("a learner reads every lesson, fails the quiz once, passes it, and the public page verifies the certificate")
  void learner() {
    try (Chrome chrome = Chrome.phone("en")) {
      learnerJourney(chrome, "SN-7001", "en", "learner", true, true);
    }
  }

  @Test
  @Order(3)
  @DisplayName("the same journey works with JavaScript switched off")
  void learnerWithoutJavaScript() {
    try (Chrome chrome = Chrome.start("en", false, 412, 915)) {
      chrome.driver().get("data:text/html,<title>off</title><script>document.title='on'</script>");
      assertEquals("off", chrome.driver().getTitle(), "this browser must really run no script");
      learnerJourney(chrome, "SN-7002", "en", "learner-nojs", false, false);
    }
  }

  @Test
  @Order(4)
  @DisplayName("the same journey works in French")
  void learnerInFrench() {
    try (Chrome chrome = Chrome.phone("fr")) {
      learnerJourney(chrome, "SN-7003", "fr", "learner-fr", true, true);
    }
  }

  @Test
  @Order(5)
  @DisplayName("the coordinator's report shows the three learners who finished, and the CSV downloads with them")
  void coordinatorSeesCompletion() throws Exception {
    Path downloads = Files.createTempDirectory("downloads");
    try (Chrome chrome = Chrome.start("en", true, 1280, 900)) {
      chrome.downloadTo(downloads);
      WebDriver driver = chrome.driver();
      login(driver, coordinator, Accounts.PASSPHRASE);
      driver.get(url("/cohorts/" + cohort));
      String summary = driver.findElement(By.className("summary")).getText();
      assertTrue(summary.contains("= 4 modules to complete: 3 completed"), summary);
      chrome.screenshot("coordinator-3-report-after");
      driver.findElement(By.cssSelector("a[href$='/export.csv']")).click();
      Path file = downloads.resolve("cohort-" + cohort + ".csv");
      await("the CSV download").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(file));
      String csv = Files.readString(file, StandardCharsets.UTF_8);
      assertEquals(5, csv.split("\r\n").length, csv);
      assertTrue(csv.contains("SN-7001,Amina Diallo,Sergeant,A Company," + MODULE) && csv.contains(",completed,false,"), csv);
      assertTrue(csv.contains("SN-7004,Ibrahim Keita,Private,B Company," + MODULE) && csv.contains(",not-started,false,0,"), csv);
    } finally {
      try (var files = Files.list(downloads)) {
        files.forEach(f -> f.toFile().delete());
      }
      Files.delete(downloads);
    }
    long certificates = server.app().database().pool().preparedQuery("SELECT count(*) FROM certificates WHERE module_id = $1")
        .execute(Tuple.of(MODULE)).await().iterator().next().getLong(0);
    assertEquals(3, certificates);
  }

  @Test
  @Order(6)
  @DisplayName("a quiz can be completed with the keyboard alone: Tab, arrows, Space and Enter")
  void keyboardOnly() {
    try (Chrome chrome = Chrome.phone("en")) {
      WebDriver driver = chrome.driver();
      String[] account = learners.get("SN-7004");
      driver.get(url("/setup/" + account[1]));
      WebElement password = driver.findElement(By.id("password"));
      navigate(driver, () -> password.sendKeys(PASSWORD + Keys.ENTER));
      assertTrue(driver.getCurrentUrl().endsWith("/home"), "signed in after choosing a password: " + driver.getCurrentUrl());
      driver.get(url("/modules/" + MODULE + "/quiz"));
      WebElement start = driver.findElement(By.cssSelector("main form button"));
      navigate(driver, () -> start.sendKeys(Keys.ENTER));  // start, by keyboard
      assertTrue(driver.getCurrentUrl().contains("/attempts/"), driver.getCurrentUrl());

      Quiz quiz = module().quiz().orElseThrow();
      var keys = new org.openqa.selenium.interactions.Actions(driver);
      // no click anywhere: focus starts at the top of the freshly loaded page, as for a keyboard user
      for (Quiz.Question q : quiz.questions()) {
        String group = "q." + q.id();
        if (q.type().singleAnswer()) {
          tabUntil(driver, group);  // focus enters the radio group on its first option
          int right = 0;
          while (!q.options().get(right).correct()) {
            right++;
          }
          if (right == 0) {
            keys.sendKeys(Keys.SPACE).perform();
          }
          for (int i = 0; i < right; i++) {
            keys.sendKeys(Keys.ARROW_DOWN).perform();  // arrows move and select within the group
          }
        } else {
          for (int i = 0; i < q.options().size(); i++) {
            tabUntil(driver, group);
            if (q.options().get(i).correct()) {
              keys.sendKeys(Keys.SPACE).perform();
            }
            if (i < q.options().size() - 1) {
              keys.sendKeys(Keys.TAB).perform();
            }
          }
        }
        keys.sendKeys(Keys.TAB).perform();
      }
      WebElement focused = driver.switchTo().activeElement();
      assertEquals("submit", focused.getAttribute("type"), "after the last question, Tab reaches the submit button");
      navigate(driver, () -> keys.sendKeys(Keys.ENTER).perform());
      assertTrue(driver.findElement(By.className("score")).getText().contains("100"), "missed: "
          + driver.findElements(By.cssSelector(".verdict.wrong, .verdict.partial")).stream().map(WebElement::getText).toList());
      chrome.screenshot("keyboard-quiz-passed");
    }
  }

  /** Presses Tab until an option of {@code group} has the focus (at most 40 times). */
  private static void tabUntil(WebDriver driver, String group) {
    for (int i = 0; i < 40; i++) {
      WebElement focused = driver.switchTo().activeElement();
      if (group.equals(focused.getAttribute("name"))) {
        return;
      }
      new org.openqa.selenium.interactions.Actions(driver).sendKeys(Keys.TAB).perform();
    }
    throw new AssertionError("Tab never reached " + group + "; focus is on " + driver.switchTo().activeElement().getAttribute("outerHTML"));
  }
}
