package org.pillars.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through Debian's chromedriver, with the paths given explicitly so that
 * Selenium never tries to download a browser or a driver. One per test class; close it at the end.
 */
public final class Chrome implements AutoCloseable {

  public static final String DRIVER = "/usr/bin/chromedriver";
  public static final String BINARY = "/usr/bin/chromium";
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;
  private final Path profile;

  private Chrome(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** A phone-sized (or wider) window; {@code javascript} false runs the pages as a browser with JS off. */
  public static Chrome start(String language, boolean javascript, int width, int height) {
    try {
      Path profile = Files.createTempDirectory("pillars-chrome");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(BINARY);
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
          "--no-first-run", "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--lang=" + language);
      options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language,
          "profile.managed_default_content_settings.javascript", javascript ? 1 : 2));
      ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
          .usingAnyFreePort().build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
      return new Chrome(driver, profile);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Chrome phone(String language) {
    return start(language, true, 412, 915);
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Files the browser downloads from now on land in {@code folder}, without a prompt. */
  public void downloadTo(Path folder) {
    driver.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow",
        "downloadPath", folder.toAbsolutePath().toString(), "eventsEnabled", false));
  }

  /** Runs the vendored axe-core engine on the current page; returns its serious and critical violations. */
  public java.util.List<String> seriousViolations() {
    String axe = AXE.get();
    Object json = driver.executeAsyncScript(axe + "\n;var done = arguments[arguments.length - 1];"
        + "axe.run(document, {resultTypes: ['violations']}).then(function (r) {"
        + "  done(JSON.stringify(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })"
        + "    .map(function (v) { return v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', '); })));"
        + "}).catch(function (e) { done(JSON.stringify(['axe failed: ' + e])); });");
    return new io.vertx.core.json.JsonArray(String.valueOf(json)).stream().map(String::valueOf).toList();
  }

  private static final java.util.function.Supplier<String> AXE = new java.util.function.Supplier<>() {
    private String source;

    @Override
    public synchronized String get() {
      if (source == null) {
        try (var in = Chrome.class.getResourceAsStream("/axe/axe.min.js")) {
          source = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
          throw new IllegalStateException("axe.min.js is missing: run src/test/resources/axe/vendor.sh", e);
        }
      }
      return source;
    }
  };

  /** Saves what the browser shows now as target/screenshots/NAME.png. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary profile is harmless
    }
  }
}
