package org.pillars.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.pillars.config.AppConfig;
import org.pillars.content.Lesson;
import org.pillars.content.Module;
import org.pillars.support.Chrome;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * Every lesson of the real curriculum, opened in Chromium on a phone-sized screen as a learner would: the page
 * shows the lesson, nothing runs off the side of the screen, and the French modules are French throughout.
 */
@ExtendWith(TestPostgres.class)
class CurriculumBrowserTest {

  private static final List<String> FULLY_FRENCH = List.of("protection-of-civilians", "gender-based-violence");
  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start(Map.of(AppConfig.COURSES, "courses"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String url(String path) {
    return "http://localhost:" + server.app().port() + path;
  }

  private static void assertFitsTheScreen(Chrome chrome, String what) {
    Number overflow = (Number) chrome.driver().executeScript(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    assertTrue(overflow.intValue() <= 0, what + " is " + overflow + " px wider than the screen");
  }

  @Test
  @DisplayName("every module and lesson reads on a 412 px phone screen in English, each lesson leading to the next, none with a serious accessibility violation")
  void english() {
    List<Module> modules = server.app().content().get().modules();
    assertEquals(6, modules.size(), "the six modules of the curriculum: " + server.app().content().get().problems());
    try (Chrome chrome = Chrome.phone("en")) {
      for (Module module : modules) {
        chrome.driver().get(url("/modules/" + module.id()));
        assertEquals(module.title().in("en"), chrome.driver().findElement(By.tagName("h1")).getText());
        assertTrue(chrome.driver().findElement(By.className("sources")).findElements(By.tagName("li")).size() >= 3, module.id());
        assertFitsTheScreen(chrome, module.id());
        chrome.screenshot("curriculum-" + module.id());
        List<Lesson> lessons = module.lessons();
        chrome.driver().get(url("/modules/" + module.id() + "/" + lessons.get(0).id()));
        for (int i = 0; i < lessons.size(); i++) {
          Lesson lesson = lessons.get(i);
          String where = module.id() + "/" + lesson.id();
          assertEquals(url("/modules/" + where), chrome.driver().getCurrentUrl(), "the 'next' link of the lesson before");
          assertEquals(lesson.title().in("en"), chrome.driver().findElement(By.tagName("h1")).getText(), where);
          assertTrue(chrome.driver().findElement(By.className("prose")).getText().length() > 800, where + " is nearly empty");
          assertFitsTheScreen(chrome, where);
          List<String> violations = chrome.seriousViolations();
          assertTrue(violations.isEmpty(), where + " has serious or critical accessibility violations: " + violations);
          if (i == 0) {
            chrome.screenshot("curriculum-" + module.id() + "-lesson-1");
          }
          List<WebElement> next = chrome.driver().findElements(By.cssSelector("a[rel=next]"));
          assertEquals(i < lessons.size() - 1, !next.isEmpty(), where);
          if (!next.isEmpty()) {
            next.get(0).click();
          }
        }
      }
    }
  }

  @Test
  @DisplayName("modules 1 and 2 read wholly in French: no lesson falls back to English")
  void french() {
    try (Chrome chrome = Chrome.phone("fr")) {
      for (String id : FULLY_FRENCH) {
        Module module = server.app().content().get().module(id).orElseThrow();
        for (Lesson lesson : module.lessons()) {
          String where = id + "/" + lesson.id();
          chrome.driver().get(url("/modules/" + where));
          assertEquals("fr", chrome.driver().findElement(By.tagName("html")).getAttribute("lang"), where);
          assertEquals("fr", chrome.driver().findElement(By.tagName("article")).getAttribute("lang"), where);
          assertEquals(lesson.title().in("fr"), chrome.driver().findElement(By.tagName("h1")).getText(), where);
          assertFalse(chrome.driver().findElements(By.cssSelector("article .notice")).stream().anyMatch(WebElement::isDisplayed),
              where + " shows the 'not translated' notice");
          assertFitsTheScreen(chrome, where + " (fr)");
        }
        chrome.driver().get(url("/modules/" + id + "/quiz"));
        assertEquals("fr", chrome.driver().findElement(By.tagName("html")).getAttribute("lang"));
        chrome.screenshot("curriculum-" + id + "-quiz-fr");
      }
    }
  }
}
