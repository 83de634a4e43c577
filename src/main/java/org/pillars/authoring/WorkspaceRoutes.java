package org.pillars.authoring;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pillars.content.ModuleVersionRepository;
import org.pillars.core.Access;
import org.pillars.core.Role;
import org.pillars.core.Routes;
import org.pillars.http.Json;
import org.pillars.http.Language;
import org.pillars.http.Pages;

/** The trainers' workspace: its pages and their JSON twins, each one {@link AuthoringService} call; trainers and admins. */
public final class WorkspaceRoutes implements Routes {

  private final AuthoringService authoring;
  private final Pages pages;

  public WorkspaceRoutes(AuthoringService authoring, Pages pages) {
    this.authoring = authoring;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    var authors = Access.roles(Role.TRAINER, Role.ADMIN);
    router.get("/workspace").handler(authors).handler(this::workspacePage);
    router.get("/api/workspace").handler(authors).handler(this::workspaceApi);
    router.get("/workspace/modules/:moduleId").handler(authors).handler(this::historyPage);
    router.get("/api/workspace/modules/:moduleId").handler(authors).handler(this::historyApi);
    router.get("/workspace/modules/:moduleId/versions/:version/zip").handler(authors).handler(this::export);
  }

  private static String when(OffsetDateTime at, String lang) {
    return at == null ? null : at.atZoneSameInstant(ZoneOffset.UTC).format(
        DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT).withLocale(Locale.forLanguageTag(lang))) + " UTC";
  }

  private void workspacePage(RoutingContext ctx) {
    String lang = Language.of(ctx);
    authoring.workspace(lang).onSuccess(modules -> {
      Map<String, Object> model = pages.model(ctx, pages.messages().get(lang, "workspace.title"));
      List<Map<String, Object>> rows = new ArrayList<>();
      for (AuthoringService.ModuleStatus m : modules) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", m.id());
        row.put("title", m.title());
        row.put("href", m.id() == null ? null : "/workspace/modules/" + m.id());
        row.put("version", m.version());
        row.put("publishedAt", when(m.publishedAt(), lang));
        row.put("folder", m.folder());
        row.put("problems", m.problems());
        row.put("frenchMissing", m.frenchMissing().isEmpty() ? null : String.join(", ", m.frenchMissing()));
        row.put("frenchOlder", m.frenchOlder().isEmpty() ? null : String.join(", ", m.frenchOlder()));
        row.put("frenchComplete", m.id() != null && m.frenchMissing().isEmpty() && m.frenchOlder().isEmpty());
        rows.add(row);
      }
      model.put("modules", rows);
      pages.send(ctx, "workspace", model);
    }).onFailure(ctx::fail);
  }

  private void workspaceApi(RoutingContext ctx) {
    authoring.workspace(Language.of(ctx)).onSuccess(modules -> {
      JsonArray list = new JsonArray();
      modules.forEach(m -> list.add(new JsonObject().put("id", m.id()).put("title", m.title()).put("version", m.version())
          .put("publishedAt", m.publishedAt() == null ? null : m.publishedAt().toInstant().toString()).put("folder", m.folder())
          .put("problems", new JsonArray(m.problems())).put("frenchMissing", new JsonArray(m.frenchMissing()))
          .put("frenchOlder", new JsonArray(m.frenchOlder()))));
      Json.send(ctx, 200, new JsonObject().put("modules", list));
    }).onFailure(ctx::fail);
  }

  private void historyPage(RoutingContext ctx) {
    String lang = Language.of(ctx);
    authoring.history(ctx.pathParam("moduleId")).onSuccess(h -> {
      Map<String, Object> model = pages.model(ctx, h.module().title().in(lang) + " · " + pages.messages().get(lang, "workspace.versions"));
      model.put("module", Map.of("id", h.module().id(), "title", h.module().title().in(lang), "href", "/modules/" + h.module().id()));
      model.put("hasQuiz", h.module().quiz().isPresent());
      List<Map<String, Object>> rows = new ArrayList<>();
      for (ModuleVersionRepository.VersionInfo v : h.versions()) {
        Map<String, Object> row = new HashMap<>();
        row.put("version", v.version());
        row.put("createdAt", when(v.createdAt(), lang));
        row.put("origin", v.origin());
        row.put("folder", v.folder());
        row.put("files", v.files());
        row.put("digest", v.digest().substring(0, 12));
        row.put("published", v.published());
        row.put("zip", "/workspace/modules/" + h.module().id() + "/versions/" + v.version() + "/zip");
        rows.add(row);
      }
      model.put("versions", rows);
      pages.send(ctx, "workspace-module", model);
    }).onFailure(ctx::fail);
  }

  private void historyApi(RoutingContext ctx) {
    authoring.history(ctx.pathParam("moduleId")).onSuccess(h -> {
      JsonArray list = new JsonArray();
      h.versions().forEach(v -> list.add(new JsonObject().put("version", v.version()).put("createdAt", v.createdAt().toInstant().toString())
          .put("origin", v.origin()).put("folder", v.folder()).put("files", v.files()).put("digest", v.digest())
          .put("published", v.published())));
      Json.send(ctx, 200, new JsonObject().put("module", h.module().id()).put("published", h.module().version()).put("versions", list));
    }).onFailure(ctx::fail);
  }

  private void export(RoutingContext ctx) {
    String module = ctx.pathParam("moduleId");
    String version = ctx.pathParam("version");
    authoring.export(module, version).onSuccess(zip -> ctx.response()
        .putHeader("Content-Type", "application/zip")
        .putHeader("Content-Disposition", "attachment; filename=\"" + module + "-v" + version + ".zip\"")
        .putHeader("Cache-Control", "private, no-store")
        .end(zip)).onFailure(ctx::fail);
  }
}
