package org.pillars.authoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pillars.support.Accounts;
import org.pillars.support.Multipart;
import org.pillars.support.Pictures;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.support.Trees;

/**
 * Files uploaded into a draft (Markdown, images, zips) and images in lessons, through the real server; by an admin, as
 * alpha is for every organisation (ScopeTest has what trainers may change).
 */
@ExtendWith(TestPostgres.class)
class UploadTest {

  @TempDir
  Path courses;

  static byte[] pngWithMetadata() throws Exception {
    return Pictures.png();
  }

  private static byte[] zip(String[]... entries) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (String[] e : entries) {
        zip.putNextEntry(new ZipEntry(e[0]));
        zip.write(e[1].getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  private static HttpResponse<Buffer> upload(TestApp app, Accounts.Browser b, int revision, Multipart.Part... files) {
    Multipart form = new Multipart().field("_csrf", b.csrf()).field("revision", String.valueOf(revision));
    for (Multipart.Part f : files) {
      form.file("files", f.name(), f.type(), f.bytes());
    }
    return app.send(HttpMethod.POST, "/workspace/modules/alpha/draft/upload", form.body(), "Cookie", b.cookie(),
        "Content-Type", form.contentType());
  }

  private TestApp start() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    return TestApp.startOn(TestPostgres.newDatabase(), courses);
  }

  /** A trainer's browser, after it opened a draft of alpha (revision 1). */
  private static Accounts.Browser draftOpenedBy(TestApp app) {
    Accounts.Browser trainer = Accounts.browser(app, Accounts.create(app, "admin"));
    app.send(HttpMethod.POST, "/workspace/modules/alpha/draft", Accounts.form("_csrf", trainer.csrf()), "Cookie", trainer.cookie(),
        "Content-Type", "application/x-www-form-urlencoded");
    return trainer;
  }

  @Test
  @DisplayName("an image uploaded with a lesson that shows it: stored without its metadata, shown in the preview and, once published, to learners")
  void imageInALesson() throws Exception {
    try (TestApp app = start()) {
      Accounts.Browser trainer = draftOpenedBy(app);
      byte[] png = pngWithMetadata();
      String lesson = Files.readString(Path.of(TestApp.GOOD_COURSES, "alpha/01-first.md")) + "\n![A map of the sector](map.png)\n";
      HttpResponse<Buffer> r = upload(app, trainer, 1, new Multipart.Part("map.png", "image/png", png),
          new Multipart.Part("01-first.md", "text/markdown", lesson.getBytes(StandardCharsets.UTF_8)));
      assertEquals(303, r.statusCode(), r.bodyAsString());
      byte[] stored = app.app().database().pool().query("SELECT bytes FROM module_draft_files WHERE path = 'map.png'").execute().await()
          .iterator().next().getBuffer(0).getBytes();
      assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains("GPS 12.34N"), "the metadata is gone");
      assertTrue(new String(png, StandardCharsets.ISO_8859_1).contains("GPS 12.34N"), "it was there");
      assertEquals(40, ImageIO.read(new java.io.ByteArrayInputStream(stored)).getWidth(), "still the picture");

      String preview = app.get("/workspace/modules/alpha/draft/preview/first", "Cookie", trainer.cookie()).bodyAsString();
      // the sanitizer writes '=' in an attribute as &#61;, which the browser reads back as '='
      Matcher img = Pattern.compile("<img src=\"/modules/alpha/files/map\\.png\\?v(?:=|&#61;)([0-9a-f]{16})\" alt=\"A map of the sector\"").matcher(preview);
      assertTrue(img.find(), preview);
      String src = "/modules/alpha/files/map.png?v=" + img.group(1);
      assertEquals(404, app.get(src).statusCode(), "a draft's image is for those who may change the module, not for anyone");
      HttpResponse<Buffer> image = app.get(src, "Cookie", trainer.cookie());
      assertEquals(200, image.statusCode());
      assertEquals("image/png", image.getHeader("Content-Type"));
      assertEquals("private, max-age=31536000, immutable", image.getHeader("Cache-Control"));
      assertEquals(404, app.get("/modules/alpha/files/map.png?v=0000000000000000").statusCode(), "only at its own address");
      assertEquals(404, app.get("/modules/alpha/files/01-first.md?v=0000000000000000").statusCode(), "images only");

      assertEquals(303, app.send(HttpMethod.POST, "/workspace/modules/alpha/draft/publish", Accounts.form("_csrf", trainer.csrf()),
          "Cookie", trainer.cookie(), "Content-Type", "application/x-www-form-urlencoded").statusCode());
      String learners = app.get("/modules/alpha/first").bodyAsString();
      assertTrue(learners.contains(img.group()), learners);
      assertEquals(200, app.get(src).statusCode(), "served from the published version");
    }
  }

  @Test
  @DisplayName("bad uploads are refused with every reason and store nothing: SVG, a lying name, huge pixels, not UTF-8, a bad name, a zip escaping its folder, a zip bomb, too many entries, not a zip, another type")
  void badUploadsRefused() throws Exception {
    try (TestApp app = start()) {
      Accounts.Browser trainer = draftOpenedBy(app);
      byte[] hugePng = pngWithMetadata();
      hugePng[16] = 0;
      hugePng[17] = 0;
      hugePng[18] = (byte) 0x27;
      hugePng[19] = (byte) 0x10;  // the header now claims 10000 pixels wide
      ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
      ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "jpg", jpeg);
      ByteArrayOutputStream bomb = new ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(bomb)) {
        zip.putNextEntry(new ZipEntry("alpha/01-first.md"));
        zip.write(new byte[9 * 1024 * 1024]);
        zip.closeEntry();
      }
      assertTrue(bomb.size() < 64 * 1024, "a small file that unpacks huge: " + bomb.size());
      Object[][] cases = {
          {"drawing.svg", "image/svg+xml", "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".getBytes(StandardCharsets.UTF_8), "SVG images are refused"},
          {"photo.png", "image/png", jpeg.toByteArray(), "'photo.png' is not a PNG image (its bytes are JPEG)"},
          {"wide.png", "image/png", hugePng, "is 10000 x 30 pixels"},
          {"latin1.md", "text/markdown", "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1), "'latin1.md' is not UTF-8 text"},
          {"<script>.md", "text/markdown", "x".getBytes(StandardCharsets.UTF_8), "a file name is letters, digits"},
          {"escape.zip", "application/zip", zip(new String[] {"../../etc/cron.md", "x"}), "points outside the module folder"},
          {"bomb.zip", "application/zip", bomb.toByteArray(), "it unpacks to more than 8 MiB"},
          {"nested.zip", "application/zip", zip(new String[] {"alpha/images/a.md", "x"}, new String[] {"alpha/b.md", "y"}), "is in a sub-folder"},
          {"many.zip", "application/zip", zip(java.util.stream.IntStream.range(0, 201).mapToObj(i -> new String[] {"l" + i + ".md", "x"})
              .toArray(String[][]::new)), "more than 200 entries"},
          {"garbage.zip", "application/zip", "this is not a zip at all".getBytes(StandardCharsets.UTF_8), "the zip holds no file"},
          {"notes.txt", "text/plain", "x".getBytes(StandardCharsets.UTF_8), "is neither Markdown (.md) nor an image"},
      };
      for (Object[] c : cases) {
        HttpResponse<Buffer> r = upload(app, trainer, 1, new Multipart.Part((String) c[0], (String) c[1], (byte[]) c[2]));
        assertEquals(400, r.statusCode(), c[0] + ": " + r.bodyAsString());
        assertTrue(r.bodyAsString().contains(escape((String) c[3])), c[0] + " names the reason '" + c[3] + "': " + r.bodyAsString());
      }
      // 194 new files beside the draft's 7: one more than a module may hold
      HttpResponse<Buffer> full = upload(app, trainer, 1, new Multipart.Part("lots.zip", "application/zip",
          zip(java.util.stream.IntStream.range(0, 194).mapToObj(i -> new String[] {"l" + i + ".md", "x"}).toArray(String[][]::new))));
      assertEquals(400, full.statusCode());
      assertTrue(full.bodyAsString().contains("a module may hold at most 200 files"), full.bodyAsString());
      long files = app.app().database().pool().query("SELECT count(*) FROM module_draft_files").execute().await().iterator().next().getLong(0);
      assertEquals(9, files, "the draft still holds the 9 files of version 3 (its exercise included), nothing more");
      assertEquals(1, (int) app.app().database().pool().query("SELECT revision FROM module_drafts").execute().await().iterator().next().getInteger(0));
    }
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;");
  }

  @Test
  @DisplayName("in courses/ too: a lesson's image is a file of its module; an outside address or a missing file is a problem at its line")
  void imagesInCourses() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    Files.write(courses.resolve("alpha/map.png"), pngWithMetadata());
    Path lesson = courses.resolve("alpha/01-first.md");
    Files.writeString(lesson, Files.readString(lesson) + "\n![Map](map.png)\n");
    Path beta = courses.resolve("beta/01-only.md");
    Files.writeString(beta, Files.readString(beta) + "\n![Outside](https://example.org/a.png)\n\n![Missing](gone.png)\n");
    try (TestApp app = TestApp.startOn(TestPostgres.newDatabase(), courses)) {
      String page = app.get("/modules/alpha/first").bodyAsString();
      assertTrue(page.matches("(?s).*<img src=\"/modules/alpha/files/map\\.png\\?v(=|&#61;)[0-9a-f]{16}\" alt=\"Map\".*"), page);
      var problems = app.app().content().get().problems().stream().map(Object::toString).toList();
      assertTrue(problems.stream().anyMatch(p -> p.contains("01-only.md:") && p.contains("an image must be a file of the module")), problems.toString());
      assertTrue(problems.stream().anyMatch(p -> p.contains("01-only.md:") && p.contains("'gone.png' is not a file beside the lesson")), problems.toString());
    }
  }
}
