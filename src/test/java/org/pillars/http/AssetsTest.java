package org.pillars.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** webroot/ files are served with their type, and a web root too big to hold in memory stops the start. */
@ExtendWith(VertxExtension.class)
class AssetsTest {

  /** The first bytes of each kind of file, as the real ones start. */
  private static final Map<String, byte[]> FILES = Map.of(
      "photo.jpg", bytes(0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'),
      "photo.jpeg", bytes(0xFF, 0xD8, 0xFF, 0xDB, 0, 0x43),
      "map.webp", "RIFF\u0004\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1),
      "anim.gif", "GIF89a\u0001\0\u0001\0".getBytes(StandardCharsets.ISO_8859_1),
      "img/logo.png", bytes(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'),
      "icon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8),
      "favicon.ico", bytes(0, 0, 1, 0, 1, 0),
      "fonts/text.woff2", "wOF2\0\u0001\0\0".getBytes(StandardCharsets.ISO_8859_1));

  private static final Map<String, String> TYPES = Map.of("photo.jpg", "image/jpeg", "photo.jpeg", "image/jpeg",
      "map.webp", "image/webp", "anim.gif", "image/gif", "img/logo.png", "image/png", "icon.svg", "image/svg+xml",
      "favicon.ico", "image/x-icon", "fonts/text.woff2", "font/woff2");

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  @DisplayName("jpg, jpeg, webp, gif, png, svg, ico and woff2 files are served with their Content-Type; compressed images are not gzipped again")
  void servesImagesWithTheirType(Vertx vertx, @TempDir Path root) throws IOException {
    for (Map.Entry<String, byte[]> f : FILES.entrySet()) {
      Files.createDirectories(root.resolve(f.getKey()).getParent());
      Files.write(root.resolve(f.getKey()), f.getValue());
    }
    Router router = Router.router(vertx);
    Assets.load(root).mount(router);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).await();
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDecompressionSupported(false));
    try {
      for (String name : FILES.keySet()) {
        HttpResponse<Buffer> r = client.get(server.actualPort(), "localhost", "/static/" + name)
            .putHeader("Accept-Encoding", "gzip").send().await();
        assertEquals(200, r.statusCode(), name);
        assertEquals(TYPES.get(name), r.getHeader("Content-Type"), name);
        if (name.endsWith(".svg") || name.endsWith(".ico")) {
          assertEquals("gzip", r.getHeader("Content-Encoding"), name);
        } else {
          assertNull(r.getHeader("Content-Encoding"), name + " is compressed already");
          assertArrayEquals(FILES.get(name), r.bodyAsBuffer().getBytes(), name);
        }
      }
    } finally {
      client.close();
      server.close().await();
    }
  }

  @Test
  @DisplayName("a web root of more files than the limit stops the start with an error naming the folder and the limit")
  void tooManyFiles(@TempDir Path root) throws IOException {
    for (int i = 0; i <= Assets.MAX_FILES; i++) {
      Files.writeString(root.resolve("f" + i + ".txt"), "x");
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Assets.load(root));
    assertTrue(e.getMessage().contains(root.toString()) && e.getMessage().contains("more than " + Assets.MAX_FILES + " files"),
        e.getMessage());
  }

  @Test
  @DisplayName("files to serve that weigh more than the limit stop the start with an error naming the folder and the limit")
  void tooManyBytes(@TempDir Path root) throws IOException {
    Files.writeString(root.resolve("app.css"), "body{}");
    try (RandomAccessFile huge = new RandomAccessFile(root.resolve("huge.png").toFile(), "rw")) {
      huge.setLength(Assets.MAX_BYTES);  // sparse: costs no disk
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Assets.load(root));
    assertTrue(e.getMessage().contains(root.toString()) && e.getMessage().contains("more than 64 MiB"), e.getMessage());
  }

  @Test
  @DisplayName("the service worker imports store.js at its fingerprint, so a changed store.js makes a new worker URL")
  void workerImportsArePinned(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("js"));
    Files.writeString(root.resolve("js/sw.js"), "importScripts('/static/js/store.js');\nself.x = 1;\n");
    Files.writeString(root.resolve("js/store.js"), "var PillarsStore = 1;\n");
    Assets before = Assets.load(root);
    String store = before.url("/static/js/store.js");
    assertTrue(store.matches("/static/js/store\\.js\\?v=[0-9a-f]{12}"), store);

    Files.writeString(root.resolve("js/store.js"), "var PillarsStore = 2;\n");
    Assets after = Assets.load(root);
    assertTrue(!after.url("/static/js/store.js").equals(store), "store.js changed");
    assertTrue(!after.url(Assets.WORKER).equals(before.url(Assets.WORKER)), "so the worker's URL changed with it, its own file unchanged");
  }

  @Test
  @DisplayName("the worker served imports the pinned URL")
  void workerServedPinned(Vertx vertx, @TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("js"));
    Files.writeString(root.resolve("js/sw.js"), "importScripts('/static/js/store.js');\n");
    Files.writeString(root.resolve("js/store.js"), "var PillarsStore = 1;\n");
    Assets assets = Assets.load(root);
    Router router = Router.router(vertx);
    assets.mount(router);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).await();
    WebClient client = WebClient.create(vertx);
    try {
      HttpResponse<Buffer> r = client.get(server.actualPort(), "localhost", assets.url(Assets.WORKER)).send().await();
      assertEquals(200, r.statusCode());
      assertEquals("importScripts('" + assets.url("/static/js/store.js") + "');\n", r.bodyAsString());
      assertEquals("public, max-age=31536000, immutable", r.getHeader("Cache-Control"), "the fingerprint is of what is served");
    } finally {
      client.close();
      server.close().await();
    }
  }
}
