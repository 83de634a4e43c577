package org.pillars.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pillars.App;
import org.pillars.auth.SigningKeys;
import org.pillars.config.AppConfig;

/** The real server on a free port against a real database, and a client for it. */
public final class TestApp implements AutoCloseable {

  public static final String GOOD_COURSES = "src/test/resources/courses/good";

  private final App app;
  private final WebClient client;
  private final String ownDatabase;

  private TestApp(App app, String ownDatabase) {
    this.app = app;
    this.ownDatabase = ownDatabase;
    this.client = WebClient.create(app.vertx(), new WebClientOptions()
        .setDefaultHost("localhost").setDefaultPort(app.port())
        .setFollowRedirects(false).setDecompressionSupported(false)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS));
  }

  /**
   * A response that stalls this long fails the test instead of hanging the build. The mutation profile makes it
   * short: a mutant that never answers then fails its test, rather than timing out and costing PIT a new JVM.
   */
  private static final int IDLE_TIMEOUT_SECONDS = Integer.getInteger("pillars.test.idleTimeoutSeconds", 60);

  /** Starts against a fresh database with the good fixture modules; {@code env} overrides any key. */
  public static TestApp start(Map<String, String> env) {
    Map<String, String> all = new HashMap<>();
    all.put(AppConfig.PORT, "0");
    all.put(AppConfig.HTTP_INSTANCES, "1");
    all.put(AppConfig.COURSES, GOOD_COURSES);
    all.put(AppConfig.SEED, "false");
    all.put(AppConfig.RELOAD, "false");
    all.put(AppConfig.ACCESS_LOG, "false");
    all.put(AppConfig.CHECK_RESPONSES, "true");
    String ownDatabase = null;
    if (!env.containsKey(AppConfig.DATABASE_URL) && !env.containsKey(AppConfig.DATA)) {
      ownDatabase = TestPostgres.newDatabase();
      all.put(AppConfig.DATABASE_URL, ownDatabase);
      all.put(AppConfig.JWT_KEY_FILE, keyFile().toString());
      all.put(AppConfig.LTI_KEY_FILE, ltiKeyFile().toString());
    }
    // the shared key folder, unless the test brings its own or runs the embedded set-up (which keeps them in its data)
    if (!env.containsKey(AppConfig.DATA) || env.containsKey(AppConfig.DATABASE_URL)) {
      all.put(AppConfig.ISSUER_KEYS, issuerKeys().toString());
    }
    all.putAll(env);
    all.values().removeIf(v -> v == null);
    AppConfig config = AppConfig.from(all, key -> null);
    return new TestApp(App.start(config).await(), ownDatabase);
  }

  /** Starts on {@code database} (which an earlier server may have used: a restart) serving {@code courses}. */
  public static TestApp startOn(String database, Path courses) {
    return start(Map.of(AppConfig.COURSES, courses.toString(), AppConfig.DATABASE_URL, database,
        AppConfig.JWT_KEY_FILE, keyFile().toString()));
  }

  /**
   * The good fixture copied into {@code courses} and published by a first start on a database of its own, which is
   * closed again: that database, for the restarts a test makes with {@link #startOn}.
   */
  public static String publishedOnce(Path courses) throws IOException {
    Trees.copy(Path.of(GOOD_COURSES), courses);
    String database = TestPostgres.newDatabase();
    try (TestApp app = startOn(database, courses)) {
      int served = app.app().content().get().module("alpha").orElseThrow().version();
      if (served != 3) {
        throw new AssertionError("the fixture's alpha is published at version " + served + ", not 3");
      }
    }
    return database;
  }

  private static Path keyFile;

  /** One signing key for the test run, shared like a key shared by several servers. */
  public static synchronized Path keyFile() {
    if (keyFile == null) {
      try {
        Path dir = Files.createTempDirectory("pillars-test-key");
        keyFile = dir.resolve("jwt.pem");
        SigningKeys.generate(keyFile);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return keyFile;
  }

  private static Path ltiKeyFile;

  /** One LTI tool key for the test run. */
  public static synchronized Path ltiKeyFile() {
    if (ltiKeyFile == null) {
      try {
        ltiKeyFile = Files.createTempDirectory("pillars-test-lti-key").resolve("lti.pem");
        org.pillars.lti.ToolKeys.generate(ltiKeyFile);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return ltiKeyFile;
  }

  private static Path issuerKeys;

  /** One folder of certificate signing keys for the test run (a test that rotates keys brings its own). */
  public static synchronized Path issuerKeys() {
    if (issuerKeys == null) {
      try {
        issuerKeys = Files.createTempDirectory("pillars-test-issuer-keys");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return issuerKeys;
  }

  public static TestApp start() {
    return start(Map.of());
  }

  public App app() {
    return app;
  }

  public int port() {
    return app.port();
  }

  public WebClient client() {
    return client;
  }

  public HttpResponse<Buffer> get(String path, String... headers) {
    return send(HttpMethod.GET, path, null, headers);
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, Buffer body, String... headers) {
    var request = client.request(method, path);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return (body == null ? request.send() : request.sendBuffer(body)).await();
  }

  /**
   * Stops the server and drops the database it was started with, if this made it (a long PIT run makes thousands);
   * then fails if any JSON answer it gave broke the schema that openapi.yaml documents for it, so every test that
   * talks to the API also checks the API description against real responses.
   */
  @Override
  public void close() {
    List<String> violations = app.contract().violations();
    client.close();
    app.stop().await();
    if (ownDatabase != null) {
      TestPostgres.dropDatabase(ownDatabase);
    }
    if (!violations.isEmpty()) {
      throw new AssertionError("responses that do not match openapi.yaml:\n" + String.join("\n", violations));
    }
  }
}
