package org.pillars.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of webroot/, read into memory once at start-up and served from there under /static/: they
 * are few and small, they are gzipped once at load, and no request ever touches the file system, so
 * no path can escape the folder. A URL carrying the file's fingerprint ({@code ?v=}) is cached for a year.
 */
public final class Assets {

  private record Asset(Buffer body, Buffer gzipped, String type, String version) { }

  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("svg", "image/svg+xml"), Map.entry("ico", "image/x-icon"),
      Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("woff2", "font/woff2"),
      Map.entry("webmanifest", "application/manifest+json"));
  /** The service worker lives under /static/ but serves the whole site, which its response must allow. */
  static final String WORKER = "/static/js/sw.js";
  /** Types that are compressed already: gzip would cost time and win nothing. */
  private static final Set<String> COMPRESSED = Set.of("image/png", "image/jpeg", "image/gif", "image/webp", "font/woff2");
  /** Bounds on what is held in memory; past either the start stops, naming the folder, rather than serve part of it. */
  static final int MAX_FILES = 2_000;
  static final long MAX_BYTES = 64L * 1024 * 1024;

  private final Map<String, Asset> byPath;

  private Assets(Map<String, Asset> byPath) {
    this.byPath = Map.copyOf(byPath);
  }

  /**
   * Reads every file of a known type under {@code root}. Blocking: call at start-up. A folder of more than
   * {@link #MAX_FILES} files, or of more than {@link #MAX_BYTES} to serve, stops the start.
   */
  public static Assets load(Path root) {
    Map<String, Asset> assets = new HashMap<>();
    if (!Files.isDirectory(root)) {
      return new Assets(assets);
    }
    try {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(root)) {
        files = walk.filter(Files::isRegularFile).limit(MAX_FILES + 1L).toList();
      }
      if (files.size() > MAX_FILES) {
        throw new IllegalStateException("the web root " + root + " holds more than " + MAX_FILES
            + " files; they are all read into memory at start-up, so keep there only what the pages use");
      }
      long total = 0;
      for (Path file : files) {
        String name = file.getFileName().toString();
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT));
        if (type == null || name.startsWith(".")) {
          continue;
        }
        total += Files.size(file);
        if (total > MAX_BYTES) {
          throw new IllegalStateException("the files to serve under the web root " + root + " weigh more than "
              + MAX_BYTES / (1024 * 1024) + " MiB; they are all read into memory at start-up, so keep there only what the pages use");
        }
        byte[] bytes = Files.readAllBytes(file);
        String key = "/static/" + root.relativize(file).toString().replace('\\', '/');
        Buffer gzipped = COMPRESSED.contains(type) ? null : Gzip.compress(bytes);
        assets.put(key, new Asset(Buffer.buffer(bytes), gzipped, type, fingerprint(bytes)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pinImports(assets);
    return new Assets(assets);
  }

  private static final Pattern IMPORT = Pattern.compile("importScripts\\('(/static/[^'?]+)'\\)");

  /**
   * The service worker's {@code importScripts('/static/...')} are served with their fingerprints, so the worker's
   * own fingerprint changes with any script it imports: a new store.js makes a new worker, never a worker that mixes
   * an old copy kept by the browser's cache with new pages.
   */
  private static void pinImports(Map<String, Asset> assets) {
    Asset worker = assets.get(WORKER);
    if (worker == null) {
      return;
    }
    var imports = IMPORT.matcher(worker.body().toString(StandardCharsets.UTF_8));
    StringBuilder pinned = new StringBuilder();
    while (imports.find()) {
      Asset imported = assets.get(imports.group(1));
      String url = imported == null ? imports.group(1) : imports.group(1) + "?v=" + imported.version();
      imports.appendReplacement(pinned, Matcher.quoteReplacement("importScripts('" + url + "')"));
    }
    imports.appendTail(pinned);
    byte[] bytes = pinned.toString().getBytes(StandardCharsets.UTF_8);
    assets.put(WORKER, new Asset(Buffer.buffer(bytes), Gzip.compress(bytes), worker.type(), fingerprint(bytes)));
  }

  /** The URL to put in a page: the path with the file's fingerprint, so a changed file gets a new URL. */
  public String url(String path) {
    Asset asset = byPath.get(path);
    return asset == null ? path : path + "?v=" + asset.version();
  }

  public void mount(Router router) {
    router.get("/static/*").handler(org.pillars.core.Access.anyone()).handler(this::serve);
    router.head("/static/*").handler(org.pillars.core.Access.anyone()).handler(this::serve);
  }

  private void serve(RoutingContext ctx) {
    Asset asset = byPath.get(ctx.request().path());
    if (asset == null) {
      ctx.next();
      return;
    }
    String etag = "\"" + asset.version() + "\"";
    boolean pinned = asset.version().equals(ctx.request().getParam("v"));
    var response = ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, asset.type())
        .putHeader(HttpHeaders.VARY, "Accept-Encoding")
        .putHeader(HttpHeaders.ETAG, etag)
        .putHeader(HttpHeaders.CACHE_CONTROL, pinned ? "public, max-age=31536000, immutable" : "public, max-age=3600");
    if (WORKER.equals(ctx.request().path())) {
      response.putHeader("Service-Worker-Allowed", "/");
    }
    if (etag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      response.setStatusCode(304).end();
    } else if (asset.gzipped() != null && Gzip.accepted(ctx.request())) {
      response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip").end(asset.gzipped());
    } else {
      response.end(asset.body());
    }
  }

  private static String fingerprint(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
