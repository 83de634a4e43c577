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
import org.pillars.content.Exercise;
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
    assertEquals(7, modules.size(), "the seven modules of the curriculum: " + server.app().content().get().problems());
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
  @DisplayName("every module reads wholly in French: the overview, no lesson falling back to English, the quiz")
  void french() {
    try (Chrome chrome = Chrome.phone("fr")) {
      for (Module module : server.app().content().get().modules()) {
        String id = module.id();
        chrome.driver().get(url("/modules/" + id));
        assertEquals(module.title().in("fr"), chrome.driver().findElement(By.tagName("h1")).getText(), id);
        assertEquals(module.summary().in("fr"), chrome.driver().findElement(By.className("lead")).getText(), id + " overview not in French");
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
        assertFalse(chrome.driver().findElement(By.tagName("main")).getText().contains("in English"), id + "'s quiz page");
        chrome.screenshot("curriculum-" + id + "-quiz-fr");
      }
    }
  }

  /**
   * Every exercise, in English and in French, with JavaScript off: from the start, every choice of every passage is
   * clicked, along every path that does not come back to a passage already on it (a choice that does come back is
   * clicked too, and its page checked, without going round again), down to every ending and its debrief.
   */
  @Test
  @DisplayName("every path of every exercise plays by links alone, in English and in French, each ending with its debrief")
  void exercisePaths() {
    int endings = 0;
    for (String lang : List.of("en", "fr")) {
      try (Chrome chrome = Chrome.start(lang, false, 412, 915)) {
        for (Module module : server.app().content().get().modules()) {
          for (Exercise e : module.exercises()) {
            String base = url("/modules/" + module.id() + "/exercises/" + e.id());
            chrome.driver().get(base);
            assertEquals(e.title().in(lang), chrome.driver().findElement(By.tagName("h1")).getText(), e.id());
            endings += walk(chrome, e, lang, base, List.of(), java.util.Set.of(e.start().id()));
            chrome.screenshot("exercise-" + e.id() + "-" + lang);
          }
        }
      }
    }
    assertTrue(endings >= 2 * 7 * 3, "only " + endings + " endings reached");
  }

  /** On the page of {@code path}: checks it against the exercise, then takes each choice; answers the endings reached. */
  private static int walk(Chrome chrome, Exercise e, String lang, String base, List<Integer> path, java.util.Set<String> onPath) {
    String where = e.id() + "?path=" + Exercise.pathText(path) + " (" + lang + ")";
    Exercise.Passage here = e.walk(path).orElseThrow().current();
    assertEquals(lang, chrome.driver().findElement(By.tagName("article")).getAttribute("lang"), where);
    assertEquals(text(here.html().in(lang)), chrome.driver().findElement(By.cssSelector(".passage")).getText().replaceAll("\\s+", " ").strip(),
        where + " shows another passage");
    List<WebElement> links = chrome.driver().findElements(By.cssSelector("ol.choices a"));
    assertEquals(here.choices().size(), links.size(), where);
    if (here.ending()) {
      assertFalse(chrome.driver().findElement(By.cssSelector(".debrief")).getText().isBlank(), where + " has no debrief");
      assertTrue(chrome.driver().findElements(By.cssSelector(".facilitator")).isEmpty(), where + " shows the facilitator notes");
      return 1;
    }
    int endings = 0;
    for (int c = 0; c < here.choices().size(); c++) {
      Exercise.Choice choice = here.choices().get(c);
      WebElement link = chrome.driver().findElements(By.cssSelector("ol.choices a")).get(c);
      assertEquals(text(choice.html().in(lang)), link.getText().replaceAll("\\s+", " ").strip(), where);
      link.click();
      List<Integer> next = new java.util.ArrayList<>(path);
      next.add(c + 1);
      assertEquals(base + "?path=" + Exercise.pathText(next) + "&v=" + e.shape(), chrome.driver().getCurrentUrl(), where);
      if (onPath.contains(choice.target())) {
        // back to a passage on this path: the page is checked, and the walk does not go round the loop again
        assertEquals(text(e.passage(choice.target()).orElseThrow().html().in(lang)),
            chrome.driver().findElement(By.cssSelector(".passage")).getText().replaceAll("\\s+", " ").strip(), where);
      } else {
        java.util.Set<String> further = new java.util.HashSet<>(onPath);
        further.add(choice.target());
        endings += walk(chrome, e, lang, base, next, further);
      }
      chrome.driver().get(path.isEmpty() ? base : base + "?path=" + Exercise.pathText(path) + "&v=" + e.shape());
    }
    return endings;
  }

  /** Rendered HTML as a browser shows its text: tags out, entities read, white space joined. */
  private static String text(String html) {
    String t = html.replaceAll("<[^>]+>", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"");
    t = java.util.regex.Pattern.compile("&#(x?)([0-9a-fA-F]+);").matcher(t).replaceAll(m ->
        java.util.regex.Matcher.quoteReplacement(Character.toString(Integer.parseInt(m.group(2), m.group(1).isEmpty() ? 10 : 16))));
    return t.replace("&amp;", "&").replaceAll("\\s+", " ").strip();
  }
}
