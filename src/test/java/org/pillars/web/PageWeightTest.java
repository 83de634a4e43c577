package org.pillars.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.config.AppConfig;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.http.Language;

/** The budget for a phone on a slow link, measured on the longest lesson of the real courses. */
@ExtendWith(TestPostgres.class)
class PageWeightTest {

  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start(java.util.Map.of(AppConfig.COURSES, "courses"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("every lesson's HTML is at most 14 KB gzipped, and with its CSS at most 50 KB transferred")
  void lessonsFitTheBudget() throws Exception {
    int css = gzipped("/static/css/app.css");
    var catalog = server.app().content().get();
    assertTrue(catalog.lessonCount() > 0);
    for (var module : catalog.modules()) {
      for (var lesson : module.lessons()) {
        for (String lang : new String[] {"en", "fr"}) {
          String path = "/modules/" + module.id() + "/" + lesson.id();
          int html = gzipped(path, "Accept-Language", lang);
          assertTrue(html <= 14 * 1024, path + " (" + lang + ") is " + html + " bytes gzipped");
          assertTrue(html + css <= 50 * 1024, path + " with CSS is " + (html + css) + " bytes");
        }
      }
    }
  }

  @Test
  @DisplayName("the offline layer (the page scripts and the service worker) is at most 10 KB gzipped, and served with a scope for the whole site")
  void scriptsFitTheBudget() throws Exception {
    int total = 0;
    for (String script : new String[] {"/static/js/store.js", "/static/js/app.js", "/static/js/sw.js"}) {
      total += gzipped(script);
    }
    assertTrue(total <= 10 * 1024, "the scripts are " + total + " bytes gzipped");
    assertEquals("/", server.get("/static/js/sw.js").getHeader("Service-Worker-Allowed"));
    String page = server.get("/").bodyAsString();
    assertTrue(page.contains("<script src=\"/static/js/app.js?v&#x3D;"), "the page loads the scripts by fingerprint: " + page);
    assertTrue(page.contains("<link rel=\"manifest\" href=\"/static/manifest.webmanifest?v&#x3D;"), page);
  }

  private static int gzipped(String path, String... headers) throws Exception {
    String[] all = new String[headers.length + 2];
    all[0] = "Accept-Encoding";
    all[1] = "gzip";
    System.arraycopy(headers, 0, all, 2, headers.length);
    HttpResponse<Buffer> r = server.get(path, all);
    assertEquals(200, r.statusCode(), path);
    assertEquals("gzip", r.getHeader("Content-Encoding"), path + " is not compressed");
    try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(r.body().getBytes()))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      assertTrue(out.size() > r.body().length(), "the body really is gzip");
    }
    return r.body().length();
  }
}
