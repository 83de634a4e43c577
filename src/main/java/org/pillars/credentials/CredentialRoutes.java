package org.pillars.credentials;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.pillars.content.Catalog;
import org.pillars.core.Access;
import org.pillars.core.NotFound;
import org.pillars.core.Principal;
import org.pillars.core.Role;
import org.pillars.core.Routes;
import org.pillars.credentials.CredentialRepository.Certificate;
import org.pillars.credentials.CredentialService.Issued;
import org.pillars.credentials.CredentialService.Verdict;
import org.pillars.http.Language;
import org.pillars.http.Pages;
import org.pillars.http.QrCodes;

/**
 * The pages of certificates: the learner's list and each certificate with its QR code and downloads; public
 * verification by code, by a pasted credential, and offline (verify.js, with the keys and the list published here);
 * revocation by staff; the issuer keys for admins. The API renders the same service calls ({@link CredentialApi}).
 */
public final class CredentialRoutes implements Routes {

  private static final java.util.Set<String> OFFLINE_LABELS = java.util.Set.of("verify.notValid", "verify.name",
      "verify.organisation", "certificate.serviceNumber", "verify.module", "certificate.date", "certificate.score",
      "certificate.code");

  private final CredentialService credentials;
  private final Supplier<Catalog> catalog;
  private final Pages pages;

  public CredentialRoutes(CredentialService credentials, Supplier<Catalog> catalog, Pages pages) {
    this.credentials = credentials;
    this.catalog = catalog;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    router.get("/certificates").handler(Access.signedIn()).handler(this::mine);
    router.get("/certificates/:code").handler(Access.signedIn()).handler(this::certificate);
    router.get("/certificates/:code/credential.jwt").handler(Access.signedIn()).handler(this::credentialJwt);
    router.get("/certificates/:code/credential.json").handler(Access.signedIn()).handler(this::credentialJson);
    router.get("/certificates/:code/certificate.pdf").handler(Access.signedIn()).handler(this::pdf);
    router.post("/certificates/:code/revoke").handler(Access.roles(Role.ADMIN, Role.COORDINATOR)).handler(this::revoke);
    router.get("/verify").handler(Access.anyone()).handler(this::checkPage);
    router.post("/verify").handler(Access.anyone()).handler(this::check);
    router.get("/verify/:code").handler(Access.anyone()).handler(this::verify);
    router.get("/admin/issuer-keys").handler(Access.roles(Role.ADMIN)).handler(this::keys);
    router.post("/admin/issuer-keys/rotate").handler(Access.roles(Role.ADMIN)).handler(this::rotate);
    router.get("/.well-known/jwks.json").handler(Access.anyone()).handler(this::jwks);
    router.get("/.well-known/revocations.jwt").handler(Access.anyone()).handler(this::revocations);
    router.get("/.well-known/jwks/:kid").handler(Access.anyone()).handler(this::jwk);
  }

  private String t(RoutingContext ctx, String key, Object... args) {
    return pages.messages().get(Language.of(ctx), key, args);
  }

  private void mine(RoutingContext ctx) {
    String lang = Language.of(ctx);
    credentials.mine(Access.principal(ctx)).onSuccess(list -> {
      Map<String, Object> model = pages.model(ctx, t(ctx, "certificates.title"));
      model.put("certificates", list.stream().map(c -> {
        Map<String, Object> m = facts(c, lang);
        m.put("href", "/certificates/" + c.code());
        return m;
      }).toList());
      pages.send(ctx, "certificates", model);
    }).onFailure(ctx::fail);
  }

  private void certificate(RoutingContext ctx) {
    String lang = Language.of(ctx);
    credentials.own(Access.principal(ctx), ctx.pathParam("code")).onSuccess(issued -> {
      Map<String, Object> model = pages.model(ctx, t(ctx, "certificate.title"));
      Certificate c = issued.certificate();
      model.put("certificate", facts(c, lang));
      model.put("verifyUrl", issued.verifyUrl());
      if (issued.qrUrl() != null) {
        model.put("qr", new com.github.jknack.handlebars.Handlebars.SafeString(QrCodes.svg(issued.qrUrl(), t(ctx, "certificate.qr"))));
      }
      model.put("jwt", "/certificates/" + c.code() + "/credential.jwt");
      model.put("json", "/certificates/" + c.code() + "/credential.json");
      model.put("pdf", "/certificates/" + c.code() + "/certificate.pdf");
      pages.send(ctx, "certificate", model);
    }).onFailure(ctx::fail);
  }

  private void credentialJwt(RoutingContext ctx) {
    credentials.own(Access.principal(ctx), ctx.pathParam("code")).map(Issued::requireSigned).onSuccess(issued ->
        download(ctx, "application/jwt", issued, ".jwt", issued.certificate().credential())).onFailure(ctx::fail);
  }

  private void credentialJson(RoutingContext ctx) {
    credentials.own(Access.principal(ctx), ctx.pathParam("code")).map(Issued::requireSigned).onSuccess(issued ->
        download(ctx, "application/json", issued, ".json", issued.credentialJson().encodePrettily())).onFailure(ctx::fail);
  }

  /** The printable A4 certificate, drawn off the event loop: the same bytes each time for the same certificate. */
  private void pdf(RoutingContext ctx) {
    String lang = Language.of(ctx);
    credentials.own(Access.principal(ctx), ctx.pathParam("code")).map(Issued::requireSigned).compose(issued -> {
      Certificate c = issued.certificate();
      CertificatePdf.Content content = new CertificatePdf.Content(c, facts(c, lang), issued.verifyUrl(), issued.qrUrl(),
          key -> pages.messages().get(lang, key), c.revoked() ? t(ctx, "verify.revokedOn", date(c.revokedAt(), lang)) : null);
      return ctx.vertx().executeBlocking(() -> CertificatePdf.render(content), false).map(bytes -> {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/pdf").putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
            .putHeader("Content-Disposition", "attachment; filename=\"pillars-" + c.moduleId() + "-" + c.code() + ".pdf\"")
            .end(io.vertx.core.buffer.Buffer.buffer(bytes));
        return bytes.length;
      });
    }).onFailure(ctx::fail);
  }

  private static void download(RoutingContext ctx, String type, Issued issued, String extension, String body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type + (type.endsWith("json") ? "; charset=utf-8" : ""))
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("Content-Disposition", "attachment; filename=\"pillars-" + issued.certificate().moduleId() + "-"
            + issued.certificate().code() + extension + "\"")
        .end(body);
  }

  private void verify(RoutingContext ctx) {
    verifyPage(ctx, null, null, 200);
  }

  /** The verify page; for staff whose revocation was refused, with the reason as they typed it and what is wrong. */
  private void verifyPage(RoutingContext ctx, String typedReason, String problem, int status) {
    String lang = Language.of(ctx);
    String raw = ctx.pathParam("code");
    Optional<Principal> who = Access.current(ctx);
    String missing = CredentialService.wellFormedCode(raw).isPresent() ? "verify.notFound" : "verify.malformed";
    credentials.lookUp(raw).recover(e -> io.vertx.core.Future.failedFuture(
        e instanceof NotFound ? new NotFound(t(ctx, missing)) : e)).onSuccess(c -> {
      Map<String, Object> model = pages.model(ctx, t(ctx, "verify.title"));
      model.put("certificate", facts(c, lang));
      if (c.revoked()) {
        model.put("revoked", t(ctx, "verify.revokedOn", date(c.revokedAt(), lang)));
      }
      if (CredentialService.mayRevoke(who, c)) {
        Map<String, Object> staff = new HashMap<>(Map.of("reason", c.revokedReason() == null ? "" : c.revokedReason(),
            "by", c.revokedBy() == null ? "" : c.revokedBy(), "action", "/certificates/" + c.code() + "/revoke"));
        staff.put("typed", typedReason);
        staff.put("problem", problem);
        model.put("staff", staff);
      }
      model.put("offline", offlineModel(lang));
      pages.sendPersonal(ctx, status, "verify", model);
    }).onFailure(ctx::fail);
  }

  private void checkPage(RoutingContext ctx) {
    String code = ctx.request().getParam("code");
    if (code != null) {
      // the form for a printed code: its address is the certificate's, as the QR code's path gives it
      Optional<String> wellFormed = CredentialService.wellFormedCode(code);
      Pages.seeOther(ctx, "/verify/" + wellFormed.orElse(java.net.URLEncoder.encode(code.strip(),
          java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")));
      return;
    }
    Map<String, Object> model = pages.model(ctx, t(ctx, "verify.check.title"));
    model.put("offline", offlineModel(Language.of(ctx)));
    pages.send(ctx, "verify-check", model);
  }

  private void check(RoutingContext ctx) {
    String lang = Language.of(ctx);
    String presented = ctx.request().getFormAttribute("credential");
    // a printed code, or the verify address printed under it, pasted here: that certificate's page
    Optional<String> printed = credentials.printedCode(presented);
    if (printed.isPresent()) {
      Pages.seeOther(ctx, "/verify/" + printed.get());
      return;
    }
    credentials.check(presented).onSuccess(verdict -> {
      Map<String, Object> model = pages.model(ctx, t(ctx, "verify.check.title"));
      model.put("offline", offlineModel(lang));
      model.put("verdict", verdictModel(ctx, verdict, lang));
      pages.sendPersonal(ctx, verdict.outcome() == CredentialService.Outcome.INVALID ? 422 : 200, "verify-check", model);
    }).onFailure(ctx::fail);
  }

  private Map<String, Object> verdictModel(RoutingContext ctx, Verdict v, String lang) {
    Map<String, Object> m = new HashMap<>();
    m.put("valid", v.outcome() == CredentialService.Outcome.VALID);
    m.put("revoked", v.outcome() == CredentialService.Outcome.REVOKED);
    m.put("message", switch (v.outcome()) {
      case VALID -> t(ctx, "verify.valid");
      case REVOKED -> t(ctx, "verify.revokedOn", date(v.certificate().orElseThrow().revokedAt(), lang));
      case INVALID -> t(ctx, "verify.notValid", t(ctx, "verify.why." + v.reason(), v.detail() == null ? "" : v.detail()));
    });
    v.certificate().ifPresent(c -> {
      m.put("certificate", facts(c, lang));
      m.put("href", "/verify/" + c.code());
    });
    return m;
  }

  private void revoke(RoutingContext ctx) {
    String code = ctx.pathParam("code");
    String reason = ctx.request().getFormAttribute("reason");
    credentials.revoke(Access.principal(ctx), code, reason)
        .onSuccess(c -> Pages.seeOther(ctx, "/verify/" + c.code() + "?revoked=1")).onFailure(e -> {
          if (e instanceof org.pillars.core.Invalid i && "reason".equals(i.field())) {
            // the form again, as typed (a long one cut to what the field takes), with what is wrong by it
            String typed = reason == null ? "" : reason.substring(0, Math.min(reason.length(), CredentialService.MAX_REASON * 2));
            verifyPage(ctx, typed, pages.messages().reason(Language.of(ctx), i), 400);
          } else {
            ctx.fail(e);
          }
        });
  }

  private void keys(RoutingContext ctx) {
    String lang = Language.of(ctx);
    credentials.publishedKeys().onSuccess(list -> {
      Map<String, Object> model = pages.model(ctx, t(ctx, "keys.title"));
      model.put("keys", list.stream().map(k -> Map.of("kid", k.kid(), "created", date(k.createdAt(), lang),
          "retired", k.retiredAt() == null ? "" : date(k.retiredAt(), lang))).toList());
      model.put("rotated", ctx.request().getParam("rotated") != null);
      pages.send(ctx, "issuer-keys", model);
    }).onFailure(ctx::fail);
  }

  private void rotate(RoutingContext ctx) {
    credentials.rotate(Access.principal(ctx)).onSuccess(k -> Pages.seeOther(ctx, "/admin/issuer-keys?rotated=" + k.kid()))
        .onFailure(ctx::fail);
  }

  private void jwks(RoutingContext ctx) {
    credentials.jwks().onSuccess(jwks -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/jwk-set+json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=300").putHeader("Access-Control-Allow-Origin", "*")
        .end(jwks.encode())).onFailure(ctx::fail);
  }

  private void jwk(RoutingContext ctx) {
    credentials.jwk(ctx.pathParam("kid")).onSuccess(jwk -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/jwk+json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=300").putHeader("Access-Control-Allow-Origin", "*")
        .end(jwk.encode())).onFailure(ctx::fail);
  }

  private void revocations(RoutingContext ctx) {
    credentials.revocationList().onSuccess(token -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/jwt")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=" + CredentialService.REVOCATIONS_SECONDS)
        .putHeader("Access-Control-Allow-Origin", "*").end(token)).onFailure(ctx::fail);
  }

  /** The offline check's texts by language: the messages do not change while the server runs. */
  private final Map<String, List<Map<String, String>>> offlineTexts = new java.util.concurrent.ConcurrentHashMap<>();
  /** The module titles by language, as JSON, for the catalogue they were made from (a reload makes a new one). */
  private volatile Catalog titlesOf;
  private final Map<String, String> offlineTitles = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * What the offline check needs beyond the keys and the list: each module's title in this language, by id, and the
   * texts as patterns; made once per language (and per catalogue for the titles), not on each view of a verify page.
   */
  private Map<String, Object> offlineModel(String lang) {
    Catalog current = catalog.get();
    if (current != titlesOf) {
      offlineTitles.clear();
      titlesOf = current;
    }
    String titles = offlineTitles.computeIfAbsent(lang, l -> {
      io.vertx.core.json.JsonObject byId = new io.vertx.core.json.JsonObject();
      current.modules(Optional.empty()).forEach(m -> byId.put(m.id(), m.title().in(l)));
      return byId.encode();
    });
    // the texts as patterns ({0} filled by the script), from the same messages the server's verdicts use
    List<Map<String, String>> texts = offlineTexts.computeIfAbsent(lang, l -> pages.messages().keys("en").stream()
        .filter(k -> k.startsWith("verify.why.") || k.startsWith("verify.offline.") || OFFLINE_LABELS.contains(k)).sorted()
        .map(k -> Map.of("key", k, "text", pages.messages().get(l, k))).toList());
    return Map.of("titles", titles, "jwks", Claims.JWKS_PATH, "revocations", Claims.REVOCATIONS_PATH, "texts", texts);
  }

  /** What a certificate says, for the pages: the title in the reader's language while the module is served. */
  private Map<String, Object> facts(Certificate c, String lang) {
    Map<String, Object> model = new HashMap<>();
    model.put("code", c.code());
    model.put("name", c.name());
    model.put("rank", c.rank());
    model.put("organisation", Claims.organisation(c));
    model.put("serviceNumber", Claims.masked(c.serviceNumber()));
    model.put("module", catalog.get().module(c.moduleId()).map(m -> m.title().in(lang)).orElse(c.moduleTitle()));
    model.put("score", c.score());
    model.put("version", c.moduleVersion());
    model.put("date", date(c.issuedAt(), lang));
    model.put("isoDate", c.issuedAt().toLocalDate().toString());
    model.put("revoked", c.revoked());
    model.put("revokedOn", c.revoked() ? date(c.revokedAt(), lang) : null);
    return model;
  }

  static String date(OffsetDateTime at, String lang) {
    return org.pillars.http.Dates.day(at.toLocalDate(), lang);
  }
}
