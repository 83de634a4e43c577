package org.pillars.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.config.AppConfig;
import org.pillars.support.Accounts;
import org.pillars.support.Cohorts;
import org.pillars.support.Multipart;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * Uploads that never end: each is closed once it has sent nothing for PILLARS_BODY_IDLE_SECONDS, its temporary
 * file deleted; no more than PILLARS_MAX_UPLOADS are open at once; and a multipart body is stored only for a
 * signed-in request to a route that takes an upload. Each server here has its own data directory, so its
 * uploads directory holds only this test's files.
 */
@ExtendWith(TestPostgres.class)
class StalledUploadTest {

  private static final Duration BOUND = Duration.ofSeconds(15);
  private static final String ROSTER = "name,service number,rank,unit\nAmina Diallo,GH-100,Captain,1st Battalion\n";

  /** Closes an upload that sends nothing for one second. */
  private static Server impatient;
  /** Waits a minute for a silent upload, and takes two at once. */
  private static Server patient;

  private record Server(TestApp app, Path uploads, String coordinatorName, String coordinator, String importPage) {

    static Server start(Map<String, String> env) {
      try {
        Path data = Files.createTempDirectory("pillars-uploads");
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put(AppConfig.DATA, data.toString());
        all.put(AppConfig.DATABASE_URL, TestPostgres.newDatabase());
        all.put(AppConfig.JWT_KEY_FILE, TestApp.keyFile().toString());
        TestApp app = TestApp.start(all);
        long org = Cohorts.organisation(app, "Uploads");
        String name = Accounts.create(app, "coordinator", org);
        return new Server(app, data.resolve("uploads"), name, Accounts.token(app, name),
            "/cohorts/" + Cohorts.cohort(app, org, "Uploads") + "/import");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    long files() {
      if (!Files.isDirectory(uploads)) {
        return 0;
      }
      try (Stream<Path> list = Files.list(uploads)) {
        return list.count();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Opens a multipart upload that sends its head and the start of a file part, then nothing more. */
    Stalled stall(String path, String... headers) {
      return new Stalled(app.port(), path, headers);
    }

    Stalled stallImport() {
      return stall(importPage, "Authorization", "Bearer " + coordinator);
    }
  }

  /** A raw connection: what a hostile client sends, and what, if anything, the server answers. */
  private static final class Stalled implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    Stalled(int port, String path, String... headers) {
      try {
        socket = new Socket("localhost", port);
        socket.setSoTimeout((int) BOUND.toMillis());
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n"
            + "Content-Type: " + Multipart.TYPE + "\r\nContent-Length: 500000\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
          head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        String body = new Multipart().field("note", "first part").file("roster", "roster.csv", ROSTER + "x".repeat(8000)).open();
        socket.getOutputStream().write((head + "\r\n" + body).getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        in = socket.getInputStream();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The status line and headers of the answer; fails the test if none comes within the bound. */
    String answer() {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      try {
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) {
            throw new AssertionError("the connection closed without an answer; got: " + head);
          }
          head.write(b);
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer within " + BOUND.toSeconds() + " s; got: '" + head + "'");
      } catch (IOException e) {
        throw new AssertionError("the connection failed without an answer: " + e + "; got: " + head);
      }
      return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** True once the server has closed the connection: end of stream or a reset, within the bound. */
    boolean closedByServer() {
      try {
        while (in.read() >= 0) {
          continue;  // whatever the server says before closing
        }
        return true;
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException e) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @BeforeAll
  static void start() {
    impatient = Server.start(Map.of(AppConfig.BODY_IDLE, "1"));
    patient = Server.start(Map.of(AppConfig.BODY_IDLE, "60", AppConfig.MAX_UPLOADS, "2"));
  }

  @AfterAll
  static void stop() {
    impatient.app().close();
    patient.app().close();
  }

  @Test
  @DisplayName("an upload that stalls is closed once it has sent nothing for the idle timeout, and its temporary file is deleted")
  void stalledUploadIsClosed() throws IOException {
    try (Stalled upload = impatient.stallImport()) {
      await().atMost(BOUND).until(() -> impatient.files() == 1);
      long stalled = System.nanoTime();
      assertTrue(upload.closedByServer(), "the server kept the stalled upload open for " + BOUND.toSeconds() + " s");
      long seconds = (System.nanoTime() - stalled) / 1_000_000_000;
      assertTrue(seconds < 5, "closed only after " + seconds + " s with a 1 s idle timeout");
      await().atMost(BOUND).until(() -> impatient.files() == 0);
    }
  }

  @Test
  @DisplayName("past the cap of open uploads, one more gets 503 with Retry-After at once; a slot freed is used again")
  void uploadsAreCapped() throws IOException {
    List<Stalled> open = new ArrayList<>();
    try {
      open.add(patient.stallImport());
      open.add(patient.stallImport());
      await().atMost(BOUND).until(() -> patient.files() == 2);
      try (Stalled extra = patient.stallImport()) {
        String answer = extra.answer();
        assertTrue(answer.startsWith("HTTP/1.1 503 "), answer);
        assertTrue(answer.toLowerCase().contains("\r\nretry-after: "), answer);
        assertEquals(2, patient.files(), "the refused upload stored nothing");
      }
    } finally {
      for (Stalled s : open) {
        s.close();
      }
    }
    await().atMost(BOUND).until(() -> patient.files() == 0);
    await().atMost(BOUND).untilAsserted(() -> {
      HttpResponse<Buffer> r = patient.app().send(HttpMethod.POST, patient.importPage(),
          new Multipart().file("roster", "roster.csv", ROSTER).close(),
          "Content-Type", Multipart.TYPE, "Authorization", "Bearer " + patient.coordinator());
      assertEquals(200, r.statusCode(), r.bodyAsString());
    });
  }

  @Test
  @DisplayName("a multipart body sent anonymously, or to a route that takes no upload, is answered at once and leaves no temporary file")
  void unwantedMultipartIsNotStored() throws IOException {
    String[][] cases = {
        {"/login", "415"},
        {"/api/auth/token", "415"},
        {patient.importPage().replace("/import", "/edit"), "415", "Authorization", "Bearer " + patient.coordinator()},
        {"/api" + patient.importPage(), "415", "Authorization", "Bearer " + patient.coordinator()},
        {patient.importPage(), "303"},
    };
    for (String[] c : cases) {
      String[] headers = java.util.Arrays.copyOfRange(c, 2, c.length);
      try (Stalled unwanted = patient.stall(c[0], headers)) {
        String answer = unwanted.answer();
        assertTrue(answer.startsWith("HTTP/1.1 " + c[1] + " "), c[0] + ": " + answer);
        assertEquals(0, patient.files(), c[0] + ": a temporary file was written for a body nobody will read");
      }
    }
  }

  @Test
  @DisplayName("the browser's import form (session cookie, CSRF token inside the multipart body) imports; without the token it is refused")
  void browserImportChecksTheTokenInTheBody() {
    Accounts.Browser browser = Accounts.browser(impatient.app(), impatient.coordinatorName());
    HttpResponse<Buffer> forged = impatient.app().send(HttpMethod.POST, impatient.importPage(),
        new Multipart().file("roster", "roster.csv", ROSTER).close(), "Content-Type", Multipart.TYPE, "Cookie", browser.cookie());
    assertEquals(403, forged.statusCode(), forged.bodyAsString());
    HttpResponse<Buffer> r = impatient.app().send(HttpMethod.POST, impatient.importPage(),
        new Multipart().field("_csrf", browser.csrf()).file("roster", "roster.csv", ROSTER).close(),
        "Content-Type", Multipart.TYPE, "Cookie", browser.cookie());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    await().atMost(BOUND).until(() -> impatient.files() == 0);
  }

  @Test
  @DisplayName("a whole roster uploaded by a signed-in coordinator is imported, and its temporary file deleted after the answer")
  void wholeUploadIsImported() {
    HttpResponse<Buffer> r = impatient.app().send(HttpMethod.POST, impatient.importPage(),
        new Multipart().file("roster", "roster.csv", ROSTER).close(),
        "Content-Type", Multipart.TYPE, "Authorization", "Bearer " + impatient.coordinator());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertNotNull(r.bodyAsString());
    assertTrue(r.bodyAsString().contains("GH-100"), r.bodyAsString());
    await().atMost(BOUND).until(() -> impatient.files() == 0);
  }
}
