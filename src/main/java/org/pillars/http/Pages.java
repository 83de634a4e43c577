package org.pillars.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pillars.content.CourseLoader;
import org.pillars.core.Access;

/** Renders pages into the layout and sends them with the headers every page needs. */
public final class Pages {

  /** Where the request's signed-in user (name, role, CSRF token) waits for the page model. */
  public static final String USER_KEY = "pillars.user";

  private final Templates templates;
  private final Messages messages;
  /**
   * The style sheet stays a file of its own, not inline: under its fingerprint URL a browser keeps it for a year, so
   * only the first page pays for it, while inline it would cost every page 2.5 KB more on the wire and halve the
   * gzipped page rate (bench/RESULTS.md, issue 11).
   */
  private final String cssUrl;
  private final String iconUrl;
  /** The offline layer (webroot/js): deferred, fingerprinted, and nothing a page needs to work. */
  private final String storeJsUrl;
  private final String appJsUrl;
  private final String verifyJsUrl;
  private final String workerUrl;
  private final String manifestUrl;
  /** Per language, the texts the scripts show (the js.* messages), as JSON safe inside a data block. */
  private final Map<String, String> scriptTexts = new HashMap<>();

  public Pages(Templates templates, Messages messages, Assets assets) {
    this.templates = templates;
    this.messages = messages;
    this.cssUrl = assets.url("/static/css/app.css");
    this.iconUrl = assets.url("/static/favicon.svg");
    this.storeJsUrl = assets.url("/static/js/store.js");
    this.appJsUrl = assets.url("/static/js/app.js");
    this.verifyJsUrl = assets.url("/static/js/verify.js");
    this.workerUrl = assets.url("/static/js/sw.js");
    this.manifestUrl = assets.url("/static/manifest.webmanifest");
    for (String lang : CourseLoader.LANGUAGES) {
      io.vertx.core.json.JsonObject texts = new io.vertx.core.json.JsonObject();
      messages.keys("en").stream().filter(k -> k.startsWith("js.")).sorted().forEach(k -> texts.put(k, messages.get(lang, k)));
      // a data block ends at the first "</script": no '<' survives in it
      scriptTexts.put(lang, texts.encode().replace("<", "\\u003c"));
    }
  }

  /**
   * A service's view record as a template reads it: the same names and values the JSON rendering of the record
   * has (Jackson), so that the page and the API show one record.
   */
  public static Map<String, Object> record(Record view) {
    return io.vertx.core.json.JsonObject.mapFrom(view).getMap();
  }

  public Messages messages() {
    return messages;
  }

  /**
   * The model every page starts from: language, its switch links, the page title, and the site's description for
   * search engines (a page with a better one, a module's summary, puts its own under "description").
   */
  public Map<String, Object> model(RoutingContext ctx, String title) {
    String lang = Language.of(ctx);
    Map<String, Object> model = new HashMap<>();
    model.put("lang", lang);
    model.put("title", title);
    model.put("description", messages.get(lang, "site.description"));
    model.put("cssUrl", cssUrl);
    model.put("iconUrl", iconUrl);
    model.put("storeJsUrl", storeJsUrl);
    model.put("appJsUrl", appJsUrl);
    model.put("verifyJsUrl", verifyJsUrl);
    model.put("workerUrl", workerUrl);
    model.put("manifestUrl", manifestUrl);
    model.put("scriptTexts", new com.github.jknack.handlebars.Handlebars.SafeString(scriptTexts.get(lang)));
    String here = ctx.request().path();
    List<Map<String, Object>> switches = new ArrayList<>();
    for (String other : CourseLoader.LANGUAGES) {
      switches.add(Map.of(
          "code", other,
          "name", messages.get(other, "language.name"),
          "current", other.equals(lang),
          "href", "/lang/" + other + "?next=" + URLEncoder.encode(here, StandardCharsets.UTF_8)));
    }
    model.put("languages", switches);
    model.put("user", ctx.get(USER_KEY));
    return model;
  }

  public void send(RoutingContext ctx, String page, Map<String, Object> model) {
    send(ctx, 200, page, model);
  }

  /**
   * Sends a rendered page. A page rendered for a signed-in user holds personal data (names, service numbers,
   * scores, a CSRF token) and is never stored, not even by the browser: a shared computer keeps nothing.
   * A public page read anonymously carries a validator so that a phone on a slow link that already has the
   * page gets a 304 with no body.
   */
  public void send(RoutingContext ctx, int status, String page, Map<String, Object> model) {
    send(ctx, status, page, model, Access.current(ctx).isPresent());
  }

  /**
   * Sends a page that holds someone's personal data even to an anonymous reader (a set-up page reached by a
   * one-time code, a certificate's verification): never stored either.
   */
  public void sendPersonal(RoutingContext ctx, int status, String page, Map<String, Object> model) {
    send(ctx, status, page, model, true);
  }

  private void send(RoutingContext ctx, int status, String page, Map<String, Object> model, boolean personal) {
    byte[] html;
    try {
      html = templates.render(page, model).getBytes(StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      // called from a future's success handler, a throw would be lost and the request left hanging: fail it instead
      ctx.fail(e);
      return;
    }
    var response = ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, personal ? "no-store" : "no-cache")
        .putHeader(HttpHeaders.VARY, "Accept-Encoding, Accept-Language, Cookie")
        .putHeader(HttpHeaders.CONTENT_LANGUAGE, String.valueOf(model.get("lang")));
    if (status == 200 && !personal) {
      String etag = "W/\"" + digest(html) + "\"";
      response.putHeader(HttpHeaders.ETAG, etag);
      if (etag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
        response.setStatusCode(304).end();
        return;
      }
    }
    Buffer body;
    if (Gzip.accepted(ctx.request())) {
      response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
      body = Gzip.compress(html);
    } else {
      body = Buffer.buffer(html);
    }
    response.setStatusCode(status).end(body);
  }

  /** 303 See Other to {@code location}, never stored: where a form goes once it was handled. */
  public static void seeOther(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, location)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
  }

  private static String digest(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(bytes)).substring(0, 22);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
