package org.pillars.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.awaitility.Awaitility;
import org.pillars.support.Accounts;
import org.pillars.support.Chrome;
import org.pillars.support.LtiPlatform;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * In Chromium, as a learner on the platform's course page: the activity embedded in a frame, the whole LTI 1.3 flow
 * (login, the platform's authorisation, the launch) run inside it by the browser, and the module shown signed in.
 * Another site that frames the same page gets nothing.
 */
@ExtendWith(TestPostgres.class)
class LtiFrameTest {

  private static TestApp server;
  private static LtiPlatform platform;
  private static HttpServer stranger;

  @BeforeAll
  static void start() {
    server = TestApp.start();
    platform = new LtiPlatform(server.app().vertx()).start("http://localhost:" + server.port() + "/lti/jwks");
    long organisation = server.app().database().pool().query(
        "INSERT INTO organisations (name, country) VALUES ('Framed battalion', 'Testland') RETURNING id")
        .execute().await().iterator().next().getLong(0);
    String admin = Accounts.token(server, Accounts.create(server, "admin"));
    JsonObject registration = platform.registration(organisation);
    assertEquals(201, server.send(io.vertx.core.http.HttpMethod.POST, "/api/admin/lti/platforms", registration.toBuffer(),
        "Authorization", "Bearer " + admin, "Content-Type", "application/json").statusCode());
    // a site of no platform's: 127.0.0.1 is another origin than localhost
    stranger = server.app().vertx().createHttpServer().requestHandler(req -> req.response().putHeader("Content-Type", "text/html")
        .end("<!doctype html><title>Elsewhere</title><iframe id=\"tool\" width=\"900\" height=\"700\" src=\"http://localhost:"
            + server.port() + "/modules/alpha\"></iframe>")).listen(0, "127.0.0.1").await();
  }

  @AfterAll
  static void stop() {
    stranger.close().await();
    platform.close();
    server.close();
  }

  @Test
  @DisplayName("the activity embedded in the platform's course page: launched inside the frame, the module shown signed in")
  void embeddedLaunch() {
    String hint = platform.expect(LtiPlatform.Launch.learner("framed-1", "alpha"));
    try (Chrome chrome = Chrome.start("en", true, 1200, 900)) {
      WebDriver driver = chrome.driver();
      driver.get(platform.url("/course/" + hint));
      driver.switchTo().frame("tool");
      // the frame's own address (getCurrentUrl is the top page's)
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(((org.openqa.selenium.JavascriptExecutor) driver)
          .executeScript("return document.location.href")).endsWith("/modules/alpha"));
      String page = driver.findElement(By.tagName("body")).getText();
      assertTrue(page.contains("Learner framed-1") || driver.getPageSource().contains("action=\"/logout\""),
          "the framed module is not signed in: " + page);
      assertFalse(driver.findElements(By.tagName("h1")).isEmpty(), "no module page in the frame");
      driver.get("http://localhost:" + server.port() + "/home");
      assertTrue(driver.findElement(By.tagName("body")).getText().contains("Learner framed-1"),
          "the launched session is not kept: " + driver.findElement(By.tagName("body")).getText());
    }
  }

  @Test
  @DisplayName("a site that is no registered platform's may not frame our pages")
  void strangerRefused() {
    try (Chrome chrome = Chrome.start("en", true, 1200, 900)) {
      WebDriver driver = chrome.driver();
      driver.get("http://127.0.0.1:" + stranger.actualPort() + "/");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.id("tool")).isEmpty());
      driver.switchTo().frame("tool");
      String source = driver.getPageSource();
      assertFalse(source.contains("action=\"/login\"") || source.contains("href=\"/modules/alpha/"),
          "our page was shown in a stranger's frame: " + source);
    }
  }
}
