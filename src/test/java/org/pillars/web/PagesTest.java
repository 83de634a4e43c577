package org.pillars.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pillars.config.AppConfig;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.http.Language;

@ExtendWith(TestPostgres.class)
class PagesTest {

  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start(Map.of(AppConfig.MAX_BODY, "4096"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String describe(HttpResponse<Buffer> r) {
    return r.statusCode() + " " + r.headers() + "\n" + r.bodyAsString();
  }

  @Test
  @DisplayName("the catalogue lists every module with its summary and links")
  void catalogue() {
    HttpResponse<Buffer> r = server.get("/");
    String html = r.bodyAsString();
    assertEquals(200, r.statusCode(), describe(r));
    assertEquals("text/html; charset=utf-8", r.getHeader("Content-Type"));
    assertTrue(html.contains("<html lang=\"en\">"), html);
    assertTrue(html.contains("<a href=\"/modules/alpha\">Alpha module</a>"), html);
    assertTrue(html.contains("A second fixture module."), html);
    assertTrue(html.contains("2 lessons"), html);
    // alpha's second lesson has no French: it is offered in English only, whatever its French overview
    assertTrue(html.matches("(?s).*2 lessons · [^<]* · in English only.*"), html);
  }

  @Test
  @DisplayName("a module page shows objectives, lessons with times, sources and a start link")
  void modulePage() {
    HttpResponse<Buffer> r = server.get("/modules/alpha");
    String html = r.bodyAsString();
    assertEquals(200, r.statusCode(), describe(r));
    assertTrue(html.contains("<li>Read the first lesson</li>"), html);
    assertTrue(html.contains("<a href=\"/modules/alpha/first\" lang=\"en\">The first lesson</a> <span class=\"meta\">5 min</span>"), html);
    assertTrue(html.contains("<li>Fixture source document, 2015</li>"), html);
    assertTrue(html.contains("class=\"button\" href=\"/modules/alpha/first\""), html);
    assertTrue(html.contains("12 min"), html);
  }

  @Test
  @DisplayName("a lesson page has breadcrumbs, its position, previous and next")
  void lessonPage() {
    String first = server.get("/modules/alpha/first").bodyAsString();
    assertTrue(first.contains("<a href=\"/\">Modules</a> › <a href=\"/modules/alpha\" lang=\"en\">Alpha module</a>"), first);
    assertTrue(first.contains("Lesson 1 of 2"), first);
    assertTrue(first.contains("rel=\"next\" href=\"/modules/alpha/second\""), first);
    assertFalse(first.contains("rel=\"prev\""), first);

    String second = server.get("/modules/alpha/second").bodyAsString();
    assertTrue(second.contains("rel=\"prev\" href=\"/modules/alpha/first\""), second);
    assertTrue(second.contains("Back to"), "the last lesson leads back to its module: " + second);
  }

  @Test
  @DisplayName("French readers get French pages, with English lessons marked as such when untranslated")
  void frenchAndFallback() {
    HttpResponse<Buffer> fr = server.get("/modules/alpha/first", "Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5");
    String html = fr.bodyAsString();
    assertTrue(html.contains("<html lang=\"fr\">"), html);
    assertTrue(html.contains("La première leçon"), html);
    assertTrue(html.contains("Leçon 1 sur 2"), html);
    assertEquals("fr", fr.getHeader("Content-Language"));

    String fallback = server.get("/modules/alpha/second", "Accept-Language", "fr").bodyAsString();
    assertTrue(fallback.contains("<article lang=\"en\">"), fallback);
    assertTrue(fallback.contains("n’est pas encore disponible en français"), fallback);
    assertTrue(fallback.contains("The second lesson"), fallback);
  }

  @Test
  @DisplayName("the language switch is remembered in a cookie and returns to the page")
  void languageSwitch() {
    HttpResponse<Buffer> r = server.get("/lang/fr?next=/modules/alpha");
    assertEquals(303, r.statusCode(), describe(r));
    assertEquals("/modules/alpha", r.getHeader("Location"));
    String cookie = r.cookies().get(0);
    assertTrue(cookie.startsWith("lang=fr"), cookie);
    assertTrue(cookie.toLowerCase().contains("httponly") && cookie.contains("SameSite=Lax"), cookie);

    String html = server.get("/modules/alpha", "Cookie", "lang=fr", "Accept-Language", "en").bodyAsString();
    assertTrue(html.contains("<html lang=\"fr\">"), "the cookie beats Accept-Language: " + html);
  }

  @ParameterizedTest(name = "next={0} is not followed off the site")
  @ValueSource(strings = {"https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "%2F%2Fevil.example"})
  @DisplayName("the language switch is no open redirect")
  void noOpenRedirect(String next) {
    HttpResponse<Buffer> r = server.get("/lang/en?next=" + next);
    assertEquals(303, r.statusCode());
    assertEquals("/", r.getHeader("Location"), describe(r));
  }

  @Test
  @DisplayName("an unknown language is a 404, not a cookie")
  void unknownLanguage() {
    HttpResponse<Buffer> r = server.get("/lang/xx");
    assertEquals(404, r.statusCode());
    assertTrue(r.cookies().isEmpty());
  }

  @ParameterizedTest(name = "{0} is a 404 page")
  @ValueSource(strings = {"/nowhere", "/modules/nope", "/modules/alpha/nope", "/modules/alpha/first/extra"})
  @DisplayName("unknown addresses get a real 404 page")
  void notFound(String path) {
    HttpResponse<Buffer> r = server.get(path);
    assertEquals(404, r.statusCode(), describe(r));
    assertTrue(r.getHeader("Content-Type").startsWith("text/html"), describe(r));
    assertTrue(r.bodyAsString().contains("<h1>Page not found</h1>") || r.bodyAsString().contains("There is no module")
        || r.bodyAsString().contains("no lesson at this address"), r.bodyAsString());
    assertTrue(r.bodyAsString().contains("href=\"/\""), "the 404 page leads back home");
  }

  @Test
  @DisplayName("API clients get errors as JSON")
  void jsonErrors() {
    HttpResponse<Buffer> r = server.get("/api/nothing-here");
    assertEquals(404, r.statusCode());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals("not_found", body.getString("error"));
    assertNotNull(body.getString("message"));
  }

  @Test
  @DisplayName("a body over the configured limit gets 413 with a reason")
  void bodyTooLarge() {
    HttpResponse<Buffer> r = server.send(HttpMethod.POST, "/api/anything", Buffer.buffer(new byte[10_000]),
        "Content-Type", "application/octet-stream");
    assertEquals(413, r.statusCode(), describe(r));
    assertEquals("too_large", r.bodyAsJsonObject().getString("error"));
    assertTrue(r.bodyAsJsonObject().getString("message").contains("4096"), describe(r));
  }

  @Test
  @DisplayName("every response carries the security headers, with no inline script allowed")
  void securityHeaders() {
    for (String path : List.of("/", "/modules/alpha/first", "/nowhere", "/static/css/app.css", "/health")) {
      HttpResponse<Buffer> r = server.get(path);
      String csp = r.getHeader("Content-Security-Policy");
      assertNotNull(csp, path + " has no CSP");
      assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
      assertTrue(csp.contains("frame-ancestors 'none'"), csp);
      assertEquals("nosniff", r.getHeader("X-Content-Type-Options"), path);
      assertEquals("same-origin", r.getHeader("Referrer-Policy"), path);
    }
  }

  @Test
  @DisplayName("every page has a description for search engines, a module's own summary on its pages")
  void descriptions() {
    String summary = com.github.jknack.handlebars.Handlebars.Utils.escapeExpression(
        server.app().content().get().module("alpha").orElseThrow().summary().in("en")).toString();
    for (String path : List.of("/", "/login", "/nowhere", "/modules/alpha", "/modules/alpha/first")) {
      String page = server.get(path, "Accept-Language", "en").bodyAsString();
      var m = java.util.regex.Pattern.compile("<meta name=\"description\" content=\"([^\"]+)\">").matcher(page);
      assertTrue(m.find(), path + " has no description");
      assertTrue(m.group(1).strip().length() >= 50, path + ": " + m.group(1));
      assertEquals(path.startsWith("/modules/"), m.group(1).equals(summary), path + ": " + m.group(1));
    }
  }

  @Test
  @DisplayName("a page already held by the browser is answered 304 without a body")
  void conditionalGet() {
    HttpResponse<Buffer> first = server.get("/modules/alpha/first");
    String etag = first.getHeader("ETag");
    assertNotNull(etag);
    HttpResponse<Buffer> again = server.get("/modules/alpha/first", "If-None-Match", etag);
    assertEquals(304, again.statusCode());
    assertTrue(again.body() == null || again.body().length() == 0);
  }

  @Test
  @DisplayName("static files are cached for a year under their fingerprint URL, briefly otherwise")
  void staticCaching() {
    String page = server.get("/").bodyAsString();
    var m = java.util.regex.Pattern.compile("href=\"(/static/favicon\\.svg\\?v(?:=|&#x3D;)[0-9a-f]+)\"").matcher(page);
    assertTrue(m.find(), page);
    String url = m.group(1).replace("&#x3D;", "=");
    HttpResponse<Buffer> pinned = server.get(url);
    assertEquals(200, pinned.statusCode());
    assertEquals("public, max-age=31536000, immutable", pinned.getHeader("Cache-Control"));
    assertTrue(pinned.getHeader("Content-Type").startsWith("image/svg+xml"));
    assertEquals("public, max-age=3600", server.get("/static/favicon.svg").getHeader("Cache-Control"));
    assertEquals(404, server.get("/static/../pom.xml").statusCode());
    assertEquals(404, server.get("/static/%2e%2e/pom.xml").statusCode());
  }
}
