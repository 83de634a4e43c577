package org.pillars.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A module a trainer makes in the workspace, through the JSON API as any client would: for the trainer's own
 * organisation (or the one an admin names), with the fixture alpha's quiz, published as version 1.
 */
public final class OwnModules {

  private OwnModules() { }

  /** Creates module {@code id} as the holder of {@code token}, adds a quiz and publishes it; fails unless all of it works. */
  public static void publish(TestApp app, String token, String id, Long organisation) {
    JsonObject create = new JsonObject().put("id", id).put("title", "Module " + id);
    if (organisation != null) {
      create.put("organisation", organisation);
    }
    JsonObject draft = expect(201, send(app, token, HttpMethod.POST, "/api/workspace/modules", create));
    String quiz;
    try {
      quiz = Files.readString(Path.of(TestApp.GOOD_COURSES, "alpha", "quiz.md"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    expect(200, send(app, token, HttpMethod.POST, "/api/workspace/modules/" + id + "/draft/files",
        new JsonObject().put("path", "quiz.md").put("text", quiz).put("revision", draft.getInteger("revision"))));
    JsonObject published = expect(200, send(app, token, HttpMethod.POST, "/api/workspace/modules/" + id + "/draft/publish",
        new JsonObject()));
    if (published.getInteger("published") == null || published.getInteger("published") != 1) {
      throw new AssertionError("module " + id + " was not published as version 1: " + published);
    }
  }

  private static HttpResponse<Buffer> send(TestApp app, String token, HttpMethod method, String path, JsonObject body) {
    return app.send(method, path, body.toBuffer(), "Authorization", "Bearer " + token, "Content-Type", "application/json");
  }

  private static JsonObject expect(int status, HttpResponse<Buffer> r) {
    if (r.statusCode() != status) {
      throw new AssertionError("expected " + status + ", got " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }
}
