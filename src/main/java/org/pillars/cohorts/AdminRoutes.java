package org.pillars.cohorts;

import com.github.jknack.handlebars.Handlebars;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pillars.auth.AuthRepository;
import org.pillars.auth.AuthService;
import org.pillars.core.Access;
import org.pillars.core.Invalid;
import org.pillars.core.NotFound;
import org.pillars.core.Principal;
import org.pillars.core.Role;
import org.pillars.core.Routes;
import org.pillars.http.Language;
import org.pillars.http.Pages;
import org.pillars.http.QrCodes;

/**
 * The admin's pages for what the admin API does: the organisations as a tree (a country, its units), creating one,
 * and each organisation's accounts: create one (its set-up code shown once, with a QR code), change a role,
 * disable or enable (confirmed), issue a new set-up code. The same service calls as the API.
 */
public final class AdminRoutes implements Routes {

  private final CohortService cohorts;
  private final AuthService auth;
  private final Pages pages;

  public AdminRoutes(CohortService cohorts, AuthService auth, Pages pages) {
    this.cohorts = cohorts;
    this.auth = auth;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    var admin = Access.roles(Role.ADMIN);
    router.get("/admin").handler(admin).handler(this::tree);
    router.post("/admin/organisations").handler(admin).handler(this::createOrganisation);
    router.get("/admin/organisations/:organisationId").handler(admin).handler(ctx -> organisation(ctx, null));
    router.post("/admin/organisations/:organisationId/accounts").handler(admin).handler(this::createAccount);
    router.post("/admin/organisations/:organisationId/accounts/:accountId/role").handler(admin).handler(this::role);
    router.post("/admin/organisations/:organisationId/accounts/:accountId/disable").handler(admin).handler(ctx -> disabled(ctx, true));
    router.post("/admin/organisations/:organisationId/accounts/:accountId/enable").handler(admin).handler(ctx -> disabled(ctx, false));
    router.post("/admin/organisations/:organisationId/accounts/:accountId/setup-code").handler(admin).handler(this::setupCode);
  }

  private String t(RoutingContext ctx, String key, Object... args) {
    return pages.messages().get(Language.of(ctx), key, args);
  }

  /** Every organisation, each under its parent, depth first and by name. */
  static List<Map<String, Object>> tree(List<CohortRepository.Organisation> all) {
    Map<Long, List<CohortRepository.Organisation>> children = new HashMap<>();
    List<CohortRepository.Organisation> roots = new ArrayList<>();
    java.util.Set<Long> ids = new java.util.HashSet<>();
    all.forEach(o -> ids.add(o.id()));
    for (CohortRepository.Organisation o : all) {
      if (o.parentId() == null || !ids.contains(o.parentId())) {
        roots.add(o);
      } else {
        children.computeIfAbsent(o.parentId(), k -> new ArrayList<>()).add(o);
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (CohortRepository.Organisation root : roots) {
      walk(root, 0, children, rows);
    }
    return rows;
  }

  private static void walk(CohortRepository.Organisation o, int depth, Map<Long, List<CohortRepository.Organisation>> children,
                           List<Map<String, Object>> rows) {
    if (depth > 16) {
      return; // a cycle made by hand in the table
    }
    rows.add(Map.of("id", o.id(), "name", o.name(), "country", o.country(), "depth", depth, "indent", "indent-" + Math.min(depth, 4),
        "href", "/admin/organisations/" + o.id()));
    for (CohortRepository.Organisation c : children.getOrDefault(o.id(), List.of())) {
      walk(c, depth + 1, children, rows);
    }
  }

  private void tree(RoutingContext ctx) {
    cohorts.organisations(Access.principal(ctx)).onSuccess(all -> {
      Map<String, Object> model = pages.model(ctx, t(ctx, "admin.title"));
      model.put("organisations", tree(all));
      pages.send(ctx, "admin", model);
    }).onFailure(ctx::fail);
  }

  private void createOrganisation(RoutingContext ctx) {
    MultiMap f = ctx.request().formAttributes();
    Long parent;
    try {
      parent = f.get("parent") == null || f.get("parent").isBlank() ? null : Long.parseLong(f.get("parent"));
    } catch (NumberFormatException e) {
      throw new Invalid("bad_parent", t(ctx, "admin.badParent"));
    }
    String name = Objects.toString(f.get("name"), "").strip();
    String country = Objects.toString(f.get("country"), "").strip();
    if (name.isEmpty() || name.length() > 200 || country.isEmpty() || country.length() > 100) {
      throw new Invalid("bad_organisation", t(ctx, "admin.badOrganisation"));
    }
    cohorts.createOrganisation(Access.principal(ctx), name, country, parent)
        .onSuccess(id -> Pages.seeOther(ctx, "/admin/organisations/" + id)).onFailure(ctx::fail);
  }

  private static long id(RoutingContext ctx, String param, String what) {
    try {
      return Long.parseLong(ctx.pathParam(param));
    } catch (NumberFormatException e) {
      throw new NotFound("there is no such " + what);
    }
  }

  /** One organisation: its units, its accounts (staff first; search by name), the forms. {@code issued}: a code just made. */
  private void organisation(RoutingContext ctx, Map<String, Object> issued) {
    Principal p = Access.principal(ctx);
    long orgId = id(ctx, "organisationId", "organisation");
    String q = ctx.request().getParam("q");
    cohorts.organisations(p).compose(all -> {
      CohortRepository.Organisation org = all.stream().filter(o -> o.id() == orgId).findFirst()
          .orElseThrow(() -> new NotFound("there is no such organisation"));
      return auth.accounts(orgId, q).map(accounts -> {
        String lang = Language.of(ctx);
        Map<String, Object> model = pages.model(ctx, org.name());
        model.put("organisation", Map.of("id", org.id(), "name", org.name(), "country", org.country()));
        all.stream().filter(o -> Objects.equals(o.id(), org.parentId())).findFirst()
            .ifPresent(parent -> model.put("parent", Map.of("name", parent.name(), "href", "/admin/organisations/" + parent.id())));
        model.put("units", all.stream().filter(o -> Objects.equals(o.parentId(), org.id()))
            .map(o -> Map.of("name", o.name(), "href", "/admin/organisations/" + o.id())).toList());
        model.put("accounts", accounts.stream().map(a -> line(org.id(), a, lang)).toList());
        model.put("q", Objects.toString(q, ""));
        model.put("roles", roles(lang, null));
        if (issued != null) {
          model.put("issued", issued);
        }
        return model;
      });
    }).onSuccess(model -> pages.send(ctx, "admin-organisation", model)).onFailure(ctx::fail);
  }

  private List<Map<String, Object>> roles(String lang, Role current) {
    return java.util.Arrays.stream(Role.values()).map(r -> Map.<String, Object>of("value", r.code(),
        "label", pages.messages().get(lang, "admin.role." + r.code()), "selected", r == current)).toList();
  }

  private Map<String, Object> line(long org, AuthRepository.AccountLine a, String lang) {
    String base = "/admin/organisations/" + org + "/accounts/" + a.id();
    Map<String, Object> m = new HashMap<>();
    m.put("id", a.id());
    m.put("username", a.username());
    m.put("name", a.displayName());
    m.put("roles", roles(lang, a.role()));
    m.put("disabled", a.disabled());
    m.put("activated", a.activated());
    m.put("base", base);
    return m;
  }

  /** The account is one of this organisation's (a path naming another organisation's account finds nothing). */
  private Future<AuthRepository.AccountLine> ofOrganisation(RoutingContext ctx) {
    long org = id(ctx, "organisationId", "organisation");
    long account = id(ctx, "accountId", "account");
    return auth.account(org, account).map(found -> found.orElseThrow(() -> new NotFound("there is no such account")));
  }

  private void back(RoutingContext ctx) {
    Pages.seeOther(ctx, "/admin/organisations/" + id(ctx, "organisationId", "organisation"));
  }

  private void createAccount(RoutingContext ctx) {
    MultiMap f = ctx.request().formAttributes();
    long org = id(ctx, "organisationId", "organisation");
    Role role = AuthService.role(f.get("role"));
    String username = Objects.toString(f.get("username"), "").strip().toLowerCase(java.util.Locale.ROOT);
    cohorts.organisations(Access.principal(ctx))
        .compose(all -> all.stream().anyMatch(o -> o.id() == org) ? Future.succeededFuture()
            : Future.failedFuture(new NotFound("there is no such organisation")))
        .compose(v -> auth.createAccount(Access.principal(ctx).accountId(), org, username, f.get("displayName"), role))
        .onSuccess(code -> organisation(ctx, issued(ctx, username, code))).onFailure(ctx::fail);
  }

  private Map<String, Object> issued(RoutingContext ctx, String username, String code) {
    String host = ctx.request().authority() == null ? "" : ctx.request().scheme() + "://" + ctx.request().authority();
    return Map.of("username", username, "code", BulkRoutes.grouped(code), "link", "/setup/" + code,
        "qr", new Handlebars.SafeString(QrCodes.svg(host + "/setup/" + code, t(ctx, "slips.qrLabel"))));
  }

  private void role(RoutingContext ctx) {
    Role role = AuthService.role(ctx.request().getFormAttribute("role"));
    ofOrganisation(ctx).compose(account -> auth.setRole(Access.principal(ctx).accountId(), account.id(), role))
        .onSuccess(v -> back(ctx)).onFailure(ctx::fail);
  }

  private void disabled(RoutingContext ctx, boolean disable) {
    if (disable && !"yes".equals(ctx.request().getFormAttribute("confirm"))) {
      throw new Invalid("unconfirmed", t(ctx, "admin.disableUnconfirmed"));
    }
    ofOrganisation(ctx).compose(account -> auth.setDisabled(Access.principal(ctx).accountId(), account.id(), disable))
        .onSuccess(v -> back(ctx)).onFailure(ctx::fail);
  }

  private void setupCode(RoutingContext ctx) {
    ofOrganisation(ctx).compose(account -> auth.reissueSetupCode(Access.principal(ctx).accountId(), account.id())
        .map(code -> issued(ctx, account.username(), code)))
        .onSuccess(issued -> organisation(ctx, issued)).onFailure(ctx::fail);
  }
}
