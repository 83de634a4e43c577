package org.pillars.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.pillars.support.Accounts;
import org.pillars.support.Browse;
import org.pillars.support.Chrome;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.support.Trees;

/**
 * A trainer at a national training centre builds a module in the browser (plain forms: DraftTest drives the same ones
 * without a browser) on one server; a learner's
 * server next to it (same database) serves what is published and nothing else.
 */
@ExtendWith(TestPostgres.class)
class WorkspaceJourneyTest {

  @TempDir
  Path courses;

  private static final String QUIZ_WITH_A_MISTAKE = """
      ---
      pass_mark: 50
      max_attempts: 3
      ---
      Check the field guide.

      ## Question: first-step
      Type: single

      What comes first at a checkpoint?

      - [ ] Shouting
      - [ ] Running
      """;

  private static final String QUIZ = QUIZ_WITH_A_MISTAKE.replace("- [ ] Running", "- [x] Greeting and explaining the check")
      + "\nExplanation: A calm greeting sets the tone.\nSource: Field guide, 2026\n";

  private static String main(WebDriver driver) {
    return driver.findElement(By.tagName("main")).getText();
  }

  private static void assertAccessible(Chrome chrome, String page) {
    List<String> violations = chrome.seriousViolations();
    assertTrue(violations.isEmpty(), page + " has serious or critical accessibility violations: " + violations);
  }

  /** Types a whole file into the editor's text area, as a trainer pasting it does, and saves. */
  private static void saveFile(WebDriver driver, String text) {
    WebElement area = driver.findElement(By.id("text"));
    area.clear();
    area.sendKeys(text);
    Browse.click(driver, By.xpath("//button[normalize-space()='Save']"));
  }

  @Test
  @DisplayName("create a module, save a quiz with a mistake, see it at its line, fix it, preview in English and French, publish: the learners' server serves it within 2 s; a broken draft never reaches learners; roll back")
  void trainerPublishesFromTheBrowser() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    String database = TestPostgres.newDatabase();
    try (TestApp authoring = TestApp.startOn(database, courses); TestApp learners = TestApp.startOn(database, courses);
         Chrome chrome = Chrome.start("en", true, 1280, 900)) {
      String trainer = Accounts.create(authoring, "trainer");
      long organisation = authoring.app().database().pool().preparedQuery("SELECT organisation_id FROM accounts WHERE username = $1")
          .execute(io.vertx.sqlclient.Tuple.of(trainer)).await().iterator().next().getLong(0);
      // the module will be for the trainer's organisation: a learner of it reads it on the other server
      String[] learner = {"Authorization", "Bearer " + Accounts.token(learners, Accounts.create(learners, "learner", organisation))};
      WebDriver driver = chrome.driver();
      String at = "http://localhost:" + authoring.port();
      driver.get(at + "/login");
      driver.findElement(By.id("username")).sendKeys(trainer);
      driver.findElement(By.id("password")).sendKeys(Accounts.PASSPHRASE);
      Browse.click(driver, By.cssSelector("form[action='/login'] button"));
      Browse.click(driver, By.linkText("Workspace"));
      assertTrue(main(driver).contains("alpha"), main(driver));
      assertAccessible(chrome, "the workspace");

      driver.findElement(By.id("new-id")).sendKeys("field-guide");
      driver.findElement(By.id("new-title")).sendKeys("Field guide");
      Browse.click(driver, By.xpath("//button[normalize-space()='Create it as a draft']"));
      assertTrue(driver.getCurrentUrl().endsWith("/workspace/modules/field-guide/draft"), driver.getCurrentUrl());
      assertTrue(main(driver).contains("No problems"), main(driver));
      assertAccessible(chrome, "the draft");

      Path map = courses.resolve("map.png");
      java.nio.file.Files.write(map, org.pillars.support.Pictures.png());
      driver.findElement(By.id("upload-files")).sendKeys(map.toAbsolutePath().toString());
      Browse.click(driver, By.xpath("//button[normalize-space()='Upload']"));
      assertTrue(main(driver).contains("Uploaded (revision 2)."), main(driver));
      Browse.click(driver, By.linkText("01-introduction.md"));
      saveFile(driver, driver.findElement(By.id("text")).getAttribute("value") + "\n![A map of the sector](map.png)\n");
      Browse.click(driver, By.linkText("Draft · field-guide"));

      Browse.click(driver, By.linkText("Add a file"));
      driver.findElement(By.id("path")).sendKeys("quiz.md");
      saveFile(driver, QUIZ_WITH_A_MISTAKE);
      assertTrue(main(driver).contains("Saved (revision 4)."), main(driver));
      List<WebElement> marked = driver.findElements(By.cssSelector("ol.source li.problem"));
      assertEquals(1, marked.size(), "one line marked: " + main(driver));
      int line = Integer.parseInt(marked.get(0).getAttribute("id").substring("line-".length()));
      String problem = driver.findElement(By.cssSelector("ul.problems li")).getText();
      assertTrue(problem.startsWith("quiz.md:" + line + ": "), "the problem names the marked line: " + problem);
      chrome.screenshot("workspace-0-problem");
      assertAccessible(chrome, "the file editor with a problem");

      saveFile(driver, QUIZ);
      assertTrue(driver.findElements(By.cssSelector("ol.source li.problem")).isEmpty(), main(driver));
      Browse.click(driver, By.linkText("Draft · field-guide"));
      assertTrue(main(driver).contains("No problems"), main(driver));

      Browse.click(driver, By.linkText("English"));
      assertEquals("Introduction", driver.findElement(By.tagName("h1")).getText());
      WebElement picture = driver.findElement(By.cssSelector("article img[alt='A map of the sector']"));
      await("the image to load").atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(40).equals(
          chrome.driver().executeScript("return arguments[0].complete ? arguments[0].naturalWidth : -1", picture)));
      assertTrue(main(driver).contains("Preview of the draft"), main(driver));
      Browse.click(driver, By.cssSelector("nav.langs a[lang=fr]"));  // the header's language switch, as on any page
      assertEquals("fr", driver.findElement(By.tagName("html")).getAttribute("lang"), "the preview in French");
      assertTrue(main(driver).contains("Aperçu du brouillon"), main(driver));
      driver.get(at + "/workspace/modules/field-guide/draft/preview/quiz");
      assertTrue(main(driver).contains("What comes first at a checkpoint?"), main(driver));
      driver.get(at + "/lang/en?next=/workspace/modules/field-guide/draft");
      assertEquals(404, learners.get("/modules/field-guide", learner).statusCode(), "nothing published yet");

      Browse.click(driver, By.xpath("//button[normalize-space()='Publish as the next version']"));
      assertTrue(main(driver).contains("Published as version 1."), main(driver));
      await("the learners' server to serve it").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
          .until(() -> learners.get("/modules/field-guide/quiz", learner).statusCode() == 200);
      assertEquals(404, learners.get("/modules/field-guide/quiz").statusCode(), "a module for one organisation: not for anyone");
      chrome.screenshot("workspace-1-published");

      // a broken edit in a new draft: learners keep version 1
      Browse.click(driver, By.xpath("//button[normalize-space()='Edit in a draft']"));
      Browse.click(driver, By.linkText("quiz.md"));
      saveFile(driver, QUIZ_WITH_A_MISTAKE);
      Browse.click(driver, By.linkText("Draft · field-guide"));
      assertTrue(main(driver).contains("Fix these problems before publishing."), main(driver));
      assertTrue(driver.findElements(By.xpath("//button[normalize-space()='Publish as the next version']")).isEmpty(),
          "a draft with problems offers no publish button");
      assertTrue(learners.get("/modules/field-guide/quiz", learner).statusCode() == 200);
      Browse.click(driver, By.xpath("//button[normalize-space()='Discard the draft']"));

      // version 2, then back to version 1
      Browse.click(driver, By.xpath("//button[normalize-space()='Edit in a draft']"));
      Browse.click(driver, By.linkText("01-introduction.md"));
      String lesson = driver.findElement(By.id("text")).getAttribute("value");
      saveFile(driver, lesson.replace("title: Introduction", "title: Introduction, second edition"));
      Browse.click(driver, By.linkText("Draft · field-guide"));
      Browse.click(driver, By.xpath("//button[normalize-space()='Publish as the next version']"));
      assertTrue(main(driver).contains("Published as version 2."), main(driver));
      await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
          .until(() -> learners.get("/modules/field-guide/introduction", learner).bodyAsString().contains("second edition"));
      Browse.click(driver, By.xpath("//button[normalize-space()='Serve version 1 again']"));
      assertTrue(main(driver).contains("Published as version 1."), main(driver));
      await("the roll back on the learners' server").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
          .until(() -> !learners.get("/modules/field-guide/introduction", learner).bodyAsString().contains("second edition"));
      assertFalse(learners.get("/modules/field-guide/introduction", learner).bodyAsString().contains("second edition"));
      assertAccessible(chrome, "the module's versions");
    }
  }
}
