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
import io.vertx.core.Future;
import org.pillars.content.ModuleVersionRepository;
import org.pillars.core.Access;
import org.pillars.core.Role;
import org.pillars.core.Routes;
import org.pillars.http.Json;
import org.pillars.http.Language;
import org.pillars.http.Pages;

/** The trainers' workspace: its pages and their JSON twins, each one {@link AuthoringService} call; trainers and admins. */
public final class WorkspaceRoutes implements Routes {

  /** A module's quiz as the learners' form shows it (learning renders it). */
  @FunctionalInterface
  public interface QuizForm {
    List<Map<String, Object>> questions(org.pillars.content.Module module, String lang);
  }

  private final AuthoringService authoring;
  private final Pages pages;
  private final QuizForm quizForm;

  public WorkspaceRoutes(AuthoringService authoring, Pages pages, QuizForm quizForm) {
    this.authoring = authoring;
    this.pages = pages;
    this.quizForm = quizForm;
  }

  @Override
  public void mount(Router router) {
    var authors = Access.roles(Role.TRAINER, Role.ADMIN);
    router.get("/modules/:moduleId/files/:name").handler(Access.anyone()).handler(this::media);
    router.get("/workspace").handler(authors).handler(this::workspacePage);
    router.get("/api/workspace").handler(authors).handler(this::workspaceApi);
    router.post("/workspace/modules").handler(authors).handler(this::createForm);
    router.post("/api/workspace/modules").handler(authors).handler(this::createApi);
    router.get("/workspace/modules/:moduleId").handler(authors).handler(this::historyPage);
    router.get("/api/workspace/modules/:moduleId").handler(authors).handler(this::historyApi);
    router.get("/workspace/modules/:moduleId/versions/:version/zip").handler(authors).handler(this::export);
    router.get("/workspace/modules/:moduleId/compare").handler(authors).handler(this::comparePage);
    router.get("/api/workspace/modules/:moduleId/compare").handler(authors).handler(this::compareApi);
    router.post("/workspace/modules/:moduleId/draft").handler(authors).handler(this::openDraftForm);
    router.get("/workspace/modules/:moduleId/draft").handler(authors).handler(this::draftPage);
    router.get("/workspace/modules/:moduleId/draft/file").handler(authors).handler(this::filePage);
    router.post("/workspace/modules/:moduleId/draft/file").handler(authors).handler(this::saveForm);
    router.post("/workspace/modules/:moduleId/draft/upload").handler(authors).handler(this::uploadForm);
    router.post("/workspace/modules/:moduleId/draft/publish").handler(authors).handler(this::publishForm);
    router.post("/workspace/modules/:moduleId/draft/discard").handler(authors).handler(this::discardForm);
    router.post("/workspace/modules/:moduleId/draft/approve").handler(authors).handler(this::approveForm);
    router.post("/api/workspace/modules/:moduleId/draft/approve").handler(authors).handler(this::approveApi);
    router.post("/api/workspace/modules/:moduleId/draft").handler(authors).handler(this::openDraftApi);
    router.get("/api/workspace/modules/:moduleId/draft").handler(authors).handler(this::draftApi);
    router.delete("/api/workspace/modules/:moduleId/draft").handler(authors).handler(this::discardApi);
    router.post("/api/workspace/modules/:moduleId/draft/files").handler(authors).handler(this::saveApi);
    router.post("/api/workspace/modules/:moduleId/draft/publish").handler(authors).handler(this::publishApi);
    router.post("/workspace/modules/:moduleId/versions/:version/publish").handler(authors).handler(this::republishForm);
    router.get("/workspace/modules/:moduleId/draft/preview").handler(authors).handler(ctx -> preview(ctx, null));
    router.get("/workspace/modules/:moduleId/draft/preview/:lessonId").handler(authors)
        .handler(ctx -> preview(ctx, ctx.pathParam("lessonId")));
    router.post("/api/workspace/modules/:moduleId/versions/:version/publish").handler(authors).handler(this::republishApi);
    router.post("/workspace/modules/:moduleId/scope").handler(Access.roles(Role.ADMIN)).handler(this::scopeForm);
    router.post("/api/workspace/modules/:moduleId/scope").handler(Access.roles(Role.ADMIN)).handler(this::scopeApi);
  }

  /** An admin makes the module one for every organisation, or for one organisation and its units. */
  private void scopeForm(RoutingContext ctx) {
    String id = ctx.pathParam("moduleId");
    authoring.scope(Access.principal(ctx), id, ctx.request().getFormAttribute("organisation"))
        .onSuccess(v -> Pages.seeOther(ctx, "/workspace/modules/" + id + "?scoped=1")).onFailure(ctx::fail);
  }

  private void scopeApi(RoutingContext ctx) {
    Object raw = Json.body(ctx).getValue("organisation");
    authoring.scope(Access.principal(ctx), ctx.pathParam("moduleId"), raw == null ? null : String.valueOf(raw))
        .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  /**
   * The draft as learners will see it, in the reader's language (switched like any page): a lesson with the lesson
   * page, the quiz ("quiz" or none given: its first lesson, else the quiz) with the quiz form, which sends nothing.
   */
  private void preview(RoutingContext ctx, String lessonId) {
    String id = ctx.pathParam("moduleId");
    String lang = Language.of(ctx);
    authoring.draft(Access.principal(ctx), id).onSuccess(view -> {
      org.pillars.content.Module m = view.module().orElseThrow(() -> new org.pillars.core.Conflict("draft_has_problems",
          pages.messages().get(lang, "preview.problems")));
      String base = draftUrl(id) + "/preview";
      var lesson = lessonId == null ? m.lessons().stream().findFirst() : m.lesson(lessonId);
      if (lesson.isPresent() && !"quiz".equals(lessonId)) {
        Map<String, Object> model = org.pillars.http.LessonView.lesson(
            pages.model(ctx, lesson.get().title().in(lang) + " · " + pages.messages().get(lang, "preview.title")), m, lesson.get(), lang, base);
        model.put("preview", draftUrl(id));
        pages.send(ctx, "lesson", model);
      } else if ("quiz".equals(lessonId) && m.quiz().isPresent()) {
        Map<String, Object> model = pages.model(ctx, pages.messages().get(lang, "quiz.title") + " · " + pages.messages().get(lang, "preview.title"));
        model.put("module", org.pillars.http.LessonView.module(m, lang, base));
        model.put("questions", quizForm.questions(m, lang));
        model.put("action", draftUrl(id));
        model.put("preview", draftUrl(id));
        pages.send(ctx, "attempt", model);
      } else {
        ctx.fail(new org.pillars.core.NotFound(pages.messages().get(lang, "error.lesson.missing")));
      }
    }).onFailure(ctx::fail);
  }

  private void republishForm(RoutingContext ctx) {
    String id = ctx.pathParam("moduleId");
    String version = ctx.pathParam("version");
    boolean confirmed = "yes".equals(ctx.request().getFormAttribute("confirm"));
    authoring.republish(Access.principal(ctx), id, version, confirmed).onSuccess(p -> {
      if (p.version() != null) {
        Pages.seeOther(ctx, "/workspace/modules/" + id + "?published=" + p.version());
      } else {
        authoring.history(Access.principal(ctx), id).onSuccess(h -> {
          Map<String, Object> model = historyModel(ctx, h);
          model.put("changes", changesModel(p.changes()));
          model.put("confirmHref", "/workspace/modules/" + id + "/versions/" + version + "/publish");
          model.put("confirmVersion", version);
          pages.send(ctx, "workspace-module", model);
        }).onFailure(ctx::fail);
      }
    }).onFailure(ctx::fail);
  }

  private void republishApi(RoutingContext ctx) {
    boolean confirmed = Boolean.TRUE.equals(Json.body(ctx).getValue("confirm"));
    authoring.republish(Access.principal(ctx), ctx.pathParam("moduleId"), ctx.pathParam("version"), confirmed)
        .onSuccess(p -> Json.send(ctx, 200, publicationJson(p))).onFailure(ctx::fail);
  }

  private static JsonObject publicationJson(AuthoringService.Publication p) {
    AuthoringService.Changes c = p.changes();
    return new JsonObject().put("published", p.version()).put("mustConfirm", p.version() == null)
        .put("changes", new JsonObject().put("lessonsAdded", new JsonArray(c.lessonsAdded()))
            .put("lessonsRemoved", new JsonArray(c.lessonsRemoved())).put("readersOfRemoved", c.readersOfRemoved())
            .put("questionsRemoved", new JsonArray(c.questionsRemoved())).put("keysChanged", new JsonArray(c.keysChanged())));
  }

  private static Map<String, Object> changesModel(AuthoringService.Changes changes) {
    return Map.of("lessonsAdded", String.join(", ", changes.lessonsAdded()),
        "lessonsRemoved", String.join(", ", changes.lessonsRemoved()), "readers", changes.readersOfRemoved(),
        "questionsRemoved", String.join(", ", changes.questionsRemoved()), "keysChanged", String.join(", ", changes.keysChanged()));
  }

  private static final Map<String, String> IMAGE_TYPES = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg",
      "webp", "image/webp");

  /**
   * An image of a module, at the address that names its content, to whoever may read the module: cached for a year
   * (it never changes), by the reader's browser only, as a module may be for one organisation.
   */
  private void media(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    authoring.media(Access.current(ctx), ctx.pathParam("moduleId"), name, ctx.request().getParam("v")).onSuccess(found -> {
      if (found.isEmpty()) {
        ctx.fail(new org.pillars.core.NotFound(pages.messages().get(Language.of(ctx), "error.404.reason")));
        return;
      }
      String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
      ctx.response().putHeader("Content-Type", IMAGE_TYPES.get(ext))
          .putHeader("Cache-Control", "private, max-age=31536000, immutable")
          .putHeader("Content-Disposition", "inline")
          .end(io.vertx.core.buffer.Buffer.buffer(found.get()));
    }).onFailure(ctx::fail);
  }

  private void createForm(RoutingContext ctx) {
    String id = ctx.request().getFormAttribute("id");
    authoring.create(Access.principal(ctx), id == null ? null : id.strip(), ctx.request().getFormAttribute("title"),
        ctx.request().getFormAttribute("organisation"))
        .onSuccess(d -> Pages.seeOther(ctx, draftUrl(d.moduleId()))).onFailure(ctx::fail);
  }

  private void createApi(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    authoring.create(Access.principal(ctx), body.getString("id"), body.getString("title"),
        body.getValue("organisation") == null ? null : String.valueOf(body.getValue("organisation")))
        .compose(d -> authoring.draft(Access.principal(ctx), d.moduleId()))
        .onSuccess(view -> Json.send(ctx, 201, draftJson(view))).onFailure(ctx::fail);
  }

  /** The draft's upload form (the path as mounted above, written out so the route tables can be read off the source). */
  @Override
  public List<String> uploads() {
    return List.of("/workspace/modules/:moduleId/draft/upload");
  }

  /** Files (Markdown, images, or a zip of them) added to the draft at once, or none with every reason why. */
  private void uploadForm(RoutingContext ctx) {
    String id = ctx.pathParam("moduleId");
    int revision = revision(ctx.request().getFormAttribute("revision"));
    List<Future<AuthoringService.Upload>> read = new ArrayList<>();
    for (io.vertx.ext.web.FileUpload f : ctx.fileUploads()) {
      read.add(ctx.vertx().fileSystem().readFile(f.uploadedFileName()).map(b -> new AuthoringService.Upload(f.fileName(), b.getBytes())));
    }
    Future.all(read).compose(all -> authoring.upload(Access.principal(ctx), id, revision, all.<AuthoringService.Upload>list()))
        .onSuccess(next -> Pages.seeOther(ctx, draftUrl(id) + "?uploaded=" + next))
        .onFailure(e -> {
          if (e instanceof AuthoringService.UploadRefused refused) {
            authoring.draft(Access.principal(ctx), id).onSuccess(view -> {
              Map<String, Object> model = draftModel(ctx, view, null);
              model.put("uploadProblems", refused.reasons());
              pages.send(ctx, 400, "workspace-draft", model);
            }).onFailure(ctx::fail);
          } else {
            ctx.fail(e);
          }
        });
  }

  private static String draftUrl(String moduleId) {
    return "/workspace/modules/" + moduleId + "/draft";
  }


  private void openDraftForm(RoutingContext ctx) {
    String id = ctx.pathParam("moduleId");
    authoring.openDraft(Access.principal(ctx), id).onSuccess(d -> Pages.seeOther(ctx, draftUrl(id))).onFailure(ctx::fail);
  }

  private void openDraftApi(RoutingContext ctx) {
    String id = ctx.pathParam("moduleId");
    authoring.openDraft(Access.principal(ctx), id).compose(d -> authoring.draft(Access.principal(ctx), id))
        .onSuccess(view -> Json.send(ctx, 201, draftJson(view))).onFailure(ctx::fail);
  }

  private void draftApi(RoutingContext ctx) {
    authoring.draft(Access.principal(ctx), ctx.pathParam("moduleId")).onSuccess(view -> Json.send(ctx, 200, draftJson(view))).onFailure(ctx::fail);
  }

  private static JsonObject draftJson(AuthoringService.DraftView view) {
    AuthoringRepository.Draft d = view.draft();
    JsonArray files = new JsonArray();
    d.files().forEach((path, bytes) -> files.add(new JsonObject().put("path", path).put("bytes", bytes.length)));
    JsonArray problems = new JsonArray();
    view.problems().forEach(p -> problems.add(new JsonObject().put("path", p.path()).put("line", p.line()).put("message", p.message())));
    return new JsonObject().put("module", d.moduleId()).put("baseVersion", d.baseVersion()).put("revision", d.revision())
        .put("updatedBy", d.updatedBy()).put("updatedAt", d.updatedAt().toInstant().toString()).put("files", files)
        .put("problems", problems).put("publishable", view.problems().isEmpty()).put("approved", d.approved())
        .put("approvedBy", d.approved() ? d.approvedBy() : null);
  }

  private void draftPage(RoutingContext ctx) {
    String id = ctx.pathParam("moduleId");
    authoring.draft(Access.principal(ctx), id).onSuccess(view -> {
      Map<String, Object> model = draftModel(ctx, view, null);
      model.put("uploaded", ctx.request().getParam("uploaded"));
      pages.send(ctx, "workspace-draft", model);
    }).onFailure(ctx::fail);
  }

  private Map<String, Object> draftModel(RoutingContext ctx, AuthoringService.DraftView view, AuthoringService.Changes changes) {
    String lang = Language.of(ctx);
    AuthoringRepository.Draft d = view.draft();
    Map<String, Object> model = pages.model(ctx, pages.messages().get(lang, "draft.title") + " · " + d.moduleId());
    model.put("module", d.moduleId());
    model.put("baseVersion", d.baseVersion());
    model.put("revision", d.revision());
    model.put("updatedBy", d.updatedBy());
    model.put("updatedAt", when(d.updatedAt(), lang));
    List<Map<String, Object>> files = new ArrayList<>();
    d.files().forEach((path, bytes) -> {
      long problems = view.problems().stream().filter(p -> p.path().equals(path)).count();
      files.add(Map.of("path", path, "bytes", bytes.length, "problems", problems,
          "href", draftUrl(d.moduleId()) + "/file?path=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8)));
    });
    model.put("files", files);
    model.put("problems", view.problems().stream().map(p -> Map.of("text", p.toString(),
        "href", draftUrl(d.moduleId()) + "/file?path=" + java.net.URLEncoder.encode(p.path(), java.nio.charset.StandardCharsets.UTF_8)
            + "#line-" + p.line())).toList());
    boolean approved = d.approved();
    model.put("review", authoring.reviewed());
    model.put("approvedBy", approved ? d.approvedBy() : null);
    model.put("mayApprove", authoring.reviewed() && !approved && !d.authors().contains(Access.principal(ctx).accountId()));
    model.put("publishable", view.problems().isEmpty() && (!authoring.reviewed() || approved));
    model.put("hasQuiz", view.module().flatMap(org.pillars.content.Module::quiz).isPresent());
    if (changes != null) {
      model.put("changes", changesModel(changes));
    }
    return model;
  }

  private void filePage(RoutingContext ctx) {
    String id = ctx.pathParam("moduleId");
    String path = ctx.request().getParam("path");
    authoring.draft(Access.principal(ctx), id).onSuccess(view -> {
      byte[] bytes = path == null ? null : view.draft().files().get(path);
      String text = bytes == null ? "" : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
      Map<String, Object> model = fileModel(ctx, view, path == null ? "" : path, text, null);
      model.put("saved", ctx.request().getParam("saved") != null);
      pages.send(ctx, "workspace-file", model);
    }).onFailure(ctx::fail);
  }

  private Map<String, Object> fileModel(RoutingContext ctx, AuthoringService.DraftView view, String path, String text, String conflict) {
    String lang = Language.of(ctx);
    Map<String, Object> model = pages.model(ctx, (path.isEmpty() ? pages.messages().get(lang, "draft.newFile") : path) + " · " + view.draft().moduleId());
    model.put("module", view.draft().moduleId());
    model.put("draftHref", draftUrl(view.draft().moduleId()));
    model.put("path", path);
    model.put("exists", view.draft().files().containsKey(path));
    model.put("text", text);
    model.put("revision", view.draft().revision());
    model.put("conflict", conflict);
    List<AuthoringService.FileProblem> mine = view.problems().stream().filter(p -> p.path().equals(path)).toList();
    model.put("problems", mine.stream().map(AuthoringService.FileProblem::toString).toList());
    List<Map<String, Object>> lines = new ArrayList<>();
    String[] split = text.split("\n", -1);
    for (int i = 0; i < split.length; i++) {
      int number = i + 1;
      List<String> here = mine.stream().filter(p -> p.line() == number).map(AuthoringService.FileProblem::message).toList();
      lines.add(Map.of("number", number, "text", split[i], "problem", String.join("; ", here), "marked", !here.isEmpty()));
    }
    model.put("lines", lines);
    return model;
  }

  private void saveForm(RoutingContext ctx) {
    String id = ctx.pathParam("moduleId");
    var form = ctx.request().formAttributes();
    String path = form.get("path");
    boolean delete = "yes".equals(form.get("delete"));
    String text = delete ? null : form.get("text") == null ? "" : form.get("text");
    int revision = revision(form.get("revision"));
    authoring.save(Access.principal(ctx), id, revision, path, text)
        .onSuccess(next -> Pages.seeOther(ctx, delete ? draftUrl(id)
            : draftUrl(id) + "/file?saved=" + next + "&path=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8)))
        .onFailure(e -> {
          if (e instanceof org.pillars.core.Conflict conflict && text != null) {
            // the trainer's text is kept in the editor, with the saved file beside it to compare
            authoring.draft(Access.principal(ctx), id).onSuccess(view -> {
              Map<String, Object> model = fileModel(ctx, view, path, text, conflict.getMessage());
              byte[] saved = view.draft().files().get(path);
              model.put("savedText", saved == null ? "" : new String(saved, java.nio.charset.StandardCharsets.UTF_8));
              pages.send(ctx, 409, "workspace-file", model);
            }).onFailure(ctx::fail);
          } else {
            ctx.fail(e);
          }
        });
  }

  private static int revision(String raw) {
    try {
      return raw == null ? 0 : Integer.parseInt(raw.strip());
    } catch (NumberFormatException e) {
      throw new org.pillars.core.Invalid("bad_revision", "'revision' must be the draft's revision, a whole number");
    }
  }

  private void saveApi(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    Object revision = body.getValue("revision");
    if (!(revision instanceof Integer r)) {
      throw new org.pillars.core.Invalid("bad_revision", "'revision' must be the draft's revision, a whole number");
    }
    authoring.save(Access.principal(ctx), ctx.pathParam("moduleId"), r, body.getString("path"), body.getString("text"))
        .onSuccess(next -> Json.send(ctx, 200, new JsonObject().put("revision", next))).onFailure(ctx::fail);
  }

  private void publishForm(RoutingContext ctx) {
    String id = ctx.pathParam("moduleId");
    boolean confirmed = "yes".equals(ctx.request().getFormAttribute("confirm"));
    authoring.publish(Access.principal(ctx), id, confirmed).onSuccess(p -> {
      if (p.version() != null) {
        Pages.seeOther(ctx, "/workspace/modules/" + id + "?published=" + p.version());
      } else {
        authoring.draft(Access.principal(ctx), id).onSuccess(view -> pages.send(ctx, "workspace-draft", draftModel(ctx, view, p.changes()))).onFailure(ctx::fail);
      }
    }).onFailure(ctx::fail);
  }

  private void publishApi(RoutingContext ctx) {
    boolean confirmed = Boolean.TRUE.equals(Json.body(ctx).getValue("confirm"));
    authoring.publish(Access.principal(ctx), ctx.pathParam("moduleId"), confirmed)
        .onSuccess(p -> Json.send(ctx, 200, publicationJson(p))).onFailure(ctx::fail);
  }

  private void approveForm(RoutingContext ctx) {
    String id = ctx.pathParam("moduleId");
    authoring.approve(Access.principal(ctx), id, revision(ctx.request().getFormAttribute("revision")))
        .onSuccess(v -> Pages.seeOther(ctx, draftUrl(id))).onFailure(ctx::fail);
  }

  private void approveApi(RoutingContext ctx) {
    Object revision = Json.body(ctx).getValue("revision");
    if (!(revision instanceof Integer r)) {
      throw new org.pillars.core.Invalid("bad_revision", "'revision' must be the draft's revision, a whole number");
    }
    authoring.approve(Access.principal(ctx), ctx.pathParam("moduleId"), r).onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void discardForm(RoutingContext ctx) {
    String id = ctx.pathParam("moduleId");
    authoring.discard(Access.principal(ctx), id).onSuccess(v -> Pages.seeOther(ctx, "/workspace/modules/" + id)).onFailure(ctx::fail);
  }

  private void discardApi(RoutingContext ctx) {
    authoring.discard(Access.principal(ctx), ctx.pathParam("moduleId")).onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  private static String when(OffsetDateTime at, String lang) {
    return at == null ? null : at.atZoneSameInstant(ZoneOffset.UTC).format(
        DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT).withLocale(Locale.forLanguageTag(lang))) + " UTC";
  }

  private void workspacePage(RoutingContext ctx) {
    String lang = Language.of(ctx);
    authoring.workspace(Access.principal(ctx), lang).onSuccess(modules -> {
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
        row.put("frenchComplete", m.version() != null && m.frenchMissing().isEmpty() && m.frenchOlder().isEmpty());
        row.put("draftOpen", m.draftOpen());
        row.put("removed", m.removedLessons().isEmpty() ? null : String.join(", ", m.removedLessons()));
        row.put("readersOfRemoved", m.readersOfRemoved());
        row.put("scope", scopeText(m.scope(), lang));
        row.put("readOnly", !m.scope().editable());
        if (m.version() == null && m.draftOpen()) {
          row.put("href", draftUrl(m.id()));
        }
        rows.add(row);
      }
      model.put("modules", rows);
      if (Access.principal(ctx).role() != Role.ADMIN) {
        pages.send(ctx, "workspace", model);
        return;
      }
      authoring.organisations().onSuccess(orgs -> {
        model.put("organisations", organisationOptions(orgs, null));
        pages.send(ctx, "workspace", model);
      }).onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  /** Who a module is for, in words: every organisation, or one (and its units). */
  private String scopeText(AuthoringService.Scope scope, String lang) {
    return scope.organisationId() == null ? pages.messages().get(lang, "workspace.scopeAll")
        : pages.messages().get(lang, "workspace.scopeOne", scope.organisation());
  }

  private static List<Map<String, Object>> organisationOptions(Map<Long, String> orgs, Long selected) {
    List<Map<String, Object>> options = new ArrayList<>();
    orgs.forEach((id, name) -> options.add(Map.of("id", id, "name", name, "selected", id.equals(selected))));
    return options;
  }

  private static JsonObject scopeJson(AuthoringService.Scope scope) {
    return new JsonObject().put("organisation", scope.organisationId()).put("organisationName", scope.organisation())
        .put("editable", scope.editable());
  }

  private void workspaceApi(RoutingContext ctx) {
    authoring.workspace(Access.principal(ctx), Language.of(ctx)).onSuccess(modules -> {
      JsonArray list = new JsonArray();
      modules.forEach(m -> list.add(new JsonObject().put("id", m.id()).put("title", m.title()).put("version", m.version())
          .put("publishedAt", m.publishedAt() == null ? null : m.publishedAt().toInstant().toString()).put("folder", m.folder())
          .put("problems", new JsonArray(m.problems())).put("frenchMissing", new JsonArray(m.frenchMissing()))
          .put("frenchOlder", new JsonArray(m.frenchOlder())).put("draftOpen", m.draftOpen())
          .put("removedLessons", new JsonArray(m.removedLessons())).put("readersOfRemoved", m.readersOfRemoved())
          .put("scope", scopeJson(m.scope()))));
      Json.send(ctx, 200, new JsonObject().put("modules", list));
    }).onFailure(ctx::fail);
  }

  private void historyPage(RoutingContext ctx) {
    authoring.history(Access.principal(ctx), ctx.pathParam("moduleId")).compose(h -> {
      Map<String, Object> model = historyModel(ctx, h);
      if (Access.principal(ctx).role() != Role.ADMIN) {
        return io.vertx.core.Future.succeededFuture(model);
      }
      return authoring.organisations().map(orgs -> {
        model.put("organisations", organisationOptions(orgs, h.scope().organisationId()));
        model.put("scopeAction", "/workspace/modules/" + h.module().id() + "/scope");
        model.put("everyOrganisation", h.scope().organisationId() == null);
        return model;
      });
    }).onSuccess(model -> pages.send(ctx, "workspace-module", model)).onFailure(ctx::fail);
  }

  private Map<String, Object> historyModel(RoutingContext ctx, AuthoringService.History h) {
    String lang = Language.of(ctx);
    Map<String, Object> model = pages.model(ctx, h.module().title().in(lang) + " · " + pages.messages().get(lang, "workspace.versions"));
    model.put("module", Map.of("id", h.module().id(), "title", h.module().title().in(lang), "href", "/modules/" + h.module().id()));
    model.put("hasQuiz", h.module().quiz().isPresent());
    model.put("draftOpen", h.draftOpen());
    model.put("draftHref", draftUrl(h.module().id()));
    model.put("published", ctx.request().getParam("published"));
    model.put("scoped", ctx.request().getParam("scoped") != null);
    model.put("scope", scopeText(h.scope(), lang));
    model.put("editable", h.scope().editable());
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
      row.put("republish", "/workspace/modules/" + h.module().id() + "/versions/" + v.version() + "/publish");
      int at = h.versions().indexOf(v);
      if (at + 1 < h.versions().size()) {
        int previous = h.versions().get(at + 1).version();
        row.put("compare", "/workspace/modules/" + h.module().id() + "/compare?from=" + previous + "&to=" + v.version());
        row.put("previous", previous);
      }
      rows.add(row);
    }
    model.put("versions", rows);
    return model;
  }

  private void historyApi(RoutingContext ctx) {
    authoring.history(Access.principal(ctx), ctx.pathParam("moduleId")).onSuccess(h -> {
      JsonArray list = new JsonArray();
      h.versions().forEach(v -> list.add(new JsonObject().put("version", v.version()).put("createdAt", v.createdAt().toInstant().toString())
          .put("origin", v.origin()).put("folder", v.folder()).put("files", v.files()).put("digest", v.digest())
          .put("published", v.published())));
      Json.send(ctx, 200, new JsonObject().put("module", h.module().id()).put("published", h.module().version())
          .put("scope", scopeJson(h.scope())).put("versions", list));
    }).onFailure(ctx::fail);
  }

  private io.vertx.core.Future<AuthoringService.Comparison> comparison(RoutingContext ctx) {
    return authoring.compare(Access.principal(ctx), ctx.pathParam("moduleId"), ctx.request().getParam("from"), ctx.request().getParam("to"));
  }

  private void comparePage(RoutingContext ctx) {
    String lang = Language.of(ctx);
    comparison(ctx).onSuccess(c -> {
      Map<String, Object> model = pages.model(ctx, pages.messages().get(lang, "compare.title") + " · " + c.moduleId());
      model.put("module", c.moduleId());
      model.put("from", c.from());
      model.put("to", c.to());
      List<Map<String, Object>> files = new ArrayList<>();
      for (AuthoringService.FileDiff f : c.files()) {
        List<Map<String, Object>> lines = f.lines().stream().map(l -> Map.<String, Object>of("op", String.valueOf(l.op()),
            "text", l.text(), "kind", l.op() == '+' ? "added" : l.op() == '-' ? "removed" : l.op() == ' ' ? "kept" : "skipped")).toList();
        files.add(Map.of("path", f.path(), "status", f.status(), "statusText", pages.messages().get(lang, "compare." + f.status()),
            "lines", lines, "changed", !f.status().equals("same")));
      }
      model.put("files", files);
      pages.send(ctx, "workspace-compare", model);
    }).onFailure(ctx::fail);
  }

  private void compareApi(RoutingContext ctx) {
    comparison(ctx).onSuccess(c -> {
      JsonArray files = new JsonArray();
      c.files().forEach(f -> {
        JsonArray lines = new JsonArray();
        f.lines().forEach(l -> lines.add(new JsonObject().put("op", String.valueOf(l.op())).put("text", l.text())));
        files.add(new JsonObject().put("path", f.path()).put("status", f.status()).put("lines", lines));
      });
      Json.send(ctx, 200, new JsonObject().put("module", c.moduleId()).put("from", c.from()).put("to", c.to()).put("files", files));
    }).onFailure(ctx::fail);
  }

  private void export(RoutingContext ctx) {
    String module = ctx.pathParam("moduleId");
    String version = ctx.pathParam("version");
    authoring.export(Access.principal(ctx), module, version).onSuccess(zip -> ctx.response()
        .putHeader("Content-Type", "application/zip")
        .putHeader("Content-Disposition", "attachment; filename=\"" + module + "-v" + version + ".zip\"")
        .putHeader("Cache-Control", "private, no-store")
        .end(zip)).onFailure(ctx::fail);
  }
}
