package org.pillars.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/** Module alpha of the good fixture: lessons "first" and "second", and a quiz. */
@ExtendWith(TestPostgres.class)
class ReadMarksTest {

  private static final String READ_MARK = "<span class=\"read-mark\">";
  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String page(String path, Accounts.Browser b) {
    HttpResponse<Buffer> r = server.get(path, "Cookie", b.cookie());
    assertEquals(200, r.statusCode(), path + ": " + r.bodyAsString());
    return r.bodyAsString();
  }

  private static HttpResponse<Buffer> markRead(Accounts.Browser b, String lesson) {
    return server.send(HttpMethod.POST, "/modules/alpha/" + lesson + "/read", Accounts.form("_csrf", b.csrf()),
        "Cookie", b.cookie(), "Content-Type", "application/x-www-form-urlencoded");
  }

  @Test
  @DisplayName("the module page shows which lessons are read, and 'mark as read' is confirmed on the page after")
  void modulePageShowsReadLessons() {
    Accounts.Browser b = Accounts.browser(server, Accounts.create(server, "learner"));
    String before = page("/modules/alpha", b);
    assertTrue(before.contains("0 of 2 lessons marked as read"), before);
    assertFalse(before.contains(READ_MARK), before);

    HttpResponse<Buffer> marked = markRead(b, "first");
    assertEquals(303, marked.statusCode(), marked.bodyAsString());
    String next = marked.getHeader("Location");
    assertEquals("/modules/alpha/second?marked=first", next);
    String second = page(next, b);
    assertTrue(second.contains("Marked as read: <span lang=\"en\">The first lesson</span>"), second);
    assertFalse(second.contains(READ_MARK), "the second lesson is not read yet: " + second);

    String after = page("/modules/alpha", b);
    assertTrue(after.contains("1 of 2 lessons marked as read"), after);
    assertTrue(after.contains("href=\"/modules/alpha/first\" lang=\"en\">The first lesson</a> <span class=\"meta\">"), after);
    int first = after.indexOf("href=\"/modules/alpha/first\"");
    int secondLink = after.indexOf("href=\"/modules/alpha/second\"");
    int mark = after.indexOf(READ_MARK);
    assertTrue(first < mark && mark < secondLink, "the mark is on the first lesson's line: " + after);
    assertEquals(1, after.split(READ_MARK, -1).length - 1, after);

    assertEquals("/modules/alpha/quiz?marked=second", markRead(b, "second").getHeader("Location"));
    String quiz = page("/modules/alpha/quiz?marked=second", b);
    assertTrue(quiz.contains("All 2 lessons are marked as read."), quiz);
  }

  @Test
  @DisplayName("a link that claims a lesson was marked confirms nothing unless it is read; anonymous readers see no marks")
  void noFalseConfirmation() {
    Accounts.Browser b = Accounts.browser(server, Accounts.create(server, "learner"));
    assertFalse(page("/modules/alpha/first?marked=second", b).contains("Marked as read"));
    assertFalse(page("/modules/alpha?marked=first", b).contains("Marked as read"));
    assertFalse(page("/modules/alpha?marked=nosuch", b).contains("Marked as read"));
    String anonymous = server.get("/modules/alpha").bodyAsString();
    assertFalse(anonymous.contains("lessons marked as read"), anonymous);
    assertFalse(anonymous.contains(READ_MARK), anonymous);
  }

  @Test
  @DisplayName("in French, the marks and the confirmation are French")
  void french() {
    Accounts.Browser b = Accounts.browser(server, Accounts.create(server, "learner"));
    markRead(b, "first");
    HttpResponse<Buffer> r = server.get("/modules/alpha?marked=first", "Cookie", b.cookie(), "Accept-Language", "fr");
    String page = r.bodyAsString();
    assertTrue(page.contains("1 leçon sur 2 marquée comme lue"), page);
    assertTrue(page.contains("Marquée comme lue :"), page);
    assertTrue(page.contains("✓ lue"), page);
  }
}
