package org.pillars.credentials;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Supplier;
import org.pillars.content.Catalog;
import org.pillars.core.Access;
import org.pillars.core.Role;
import org.pillars.core.Routes;
import org.pillars.credentials.CredentialRepository.Certificate;
import org.pillars.credentials.CredentialService.Verdict;
import org.pillars.http.Json;
import org.pillars.http.Language;

/** The JSON renderings of {@link CredentialService}: the same calls as {@link CredentialRoutes}' pages. */
public final class CredentialApi implements Routes {

  private final CredentialService credentials;
  private final Supplier<Catalog> catalog;

  public CredentialApi(CredentialService credentials, Supplier<Catalog> catalog) {
    this.credentials = credentials;
    this.catalog = catalog;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/certificates").handler(Access.signedIn()).handler(this::mine);
    router.get("/api/certificates/:code/credential").handler(Access.signedIn()).handler(this::credential);
    router.post("/api/certificates/:code/revoke").handler(Access.roles(Role.ADMIN, Role.COORDINATOR)).handler(this::revoke);
    router.get("/api/verify/:code").handler(Access.anyone()).handler(this::verify);
    router.post("/api/verify").handler(Access.anyone()).handler(this::check);
    router.get("/api/admin/issuer-keys").handler(Access.roles(Role.ADMIN)).handler(this::keys);
    router.post("/api/admin/issuer-keys/rotate").handler(Access.roles(Role.ADMIN)).handler(this::rotate);
  }

  private void mine(RoutingContext ctx) {
    String lang = Language.of(ctx);
    credentials.mine(Access.principal(ctx)).onSuccess(list -> {
      JsonArray array = new JsonArray();
      list.forEach(c -> array.add(json(c, lang)));
      Json.send(ctx, 200, new JsonObject().put("certificates", array));
    }).onFailure(ctx::fail);
  }

  private void credential(RoutingContext ctx) {
    credentials.own(Access.principal(ctx), ctx.pathParam("code")).map(CredentialService.Issued::requireSigned)
        .onSuccess(issued -> Json.send(ctx, 200, new JsonObject().put("code", issued.certificate().code())
            .put("jwt", issued.certificate().credential()).put("qr", issued.qrUrl())
            .put("credential", issued.credentialJson())))
        .onFailure(ctx::fail);
  }

  private void verify(RoutingContext ctx) {
    String lang = Language.of(ctx);
    credentials.lookUp(ctx.pathParam("code")).onSuccess(c -> {
      JsonObject body = json(c, lang).put("valid", !c.revoked());
      if (c.revoked() && CredentialService.mayRevoke(Access.current(ctx), c)) {
        body.put("revokedReason", c.revokedReason());
      }
      Json.send(ctx, 200, body);
    }).onFailure(ctx::fail);
  }

  private void check(RoutingContext ctx) {
    String lang = Language.of(ctx);
    String presented = Json.text(Json.body(ctx), "credential", CredentialService.MAX_TOKEN * 2);
    credentials.check(presented).onSuccess(v -> Json.send(ctx, 200, verdict(v, lang)))
        .onFailure(ctx::fail);
  }

  private JsonObject verdict(Verdict v, String lang) {
    JsonObject body = new JsonObject().put("outcome", v.outcome().name().toLowerCase(java.util.Locale.ROOT))
        .put("valid", v.outcome() == CredentialService.Outcome.VALID);
    if (v.reason() != null) {
      body.put("reason", v.reason());
    }
    if (v.detail() != null) {
      body.put("detail", v.detail());
    }
    v.certificate().ifPresent(c -> body.put("certificate", json(c, lang)));
    return body;
  }

  private void revoke(RoutingContext ctx) {
    String lang = Language.of(ctx);
    Object reason = Json.body(ctx).getValue("reason");
    credentials.revoke(Access.principal(ctx), ctx.pathParam("code"), reason instanceof String s ? s : null)
        .onSuccess(c -> Json.send(ctx, 200, json(c, lang).put("revokedReason", c.revokedReason())))
        .onFailure(ctx::fail);
  }

  private void keys(RoutingContext ctx) {
    credentials.jwks().onSuccess(jwks -> Json.send(ctx, 200, jwks)).onFailure(ctx::fail);
  }

  private void rotate(RoutingContext ctx) {
    credentials.rotate(Access.principal(ctx)).compose(k -> credentials.jwks().map(jwks -> jwks.put("current", k.kid())))
        .onSuccess(body -> Json.send(ctx, 201, body)).onFailure(ctx::fail);
  }

  /** A certificate as the API tells it: never the whole service number. */
  private JsonObject json(Certificate c, String lang) {
    JsonObject body = new JsonObject().put("code", c.code()).put("name", c.name()).put("rank", c.rank())
        .put("organisation", Claims.organisation(c)).put("serviceNumber", Claims.masked(c.serviceNumber()))
        .put("module", c.moduleId())
        .put("moduleTitle", catalog.get().module(c.moduleId()).map(m -> m.title().in(lang)).orElse(c.moduleTitle()))
        .put("moduleVersion", c.moduleVersion()).put("score", c.score())
        .put("issuedOn", c.issuedAt().toLocalDate().toString());
    Optional.ofNullable(c.revokedAt()).ifPresent(at -> body.put("revokedOn", Claims.iso(at)));
    return body;
  }
}
