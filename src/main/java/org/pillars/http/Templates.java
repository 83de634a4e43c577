package org.pillars.http;

import com.github.jknack.handlebars.Context;
import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.Helper;
import com.github.jknack.handlebars.Template;
import com.github.jknack.handlebars.context.MapValueResolver;
import com.github.jknack.handlebars.io.ClassPathTemplateLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one Handlebars engine. Every template under templates/pages is compiled once at start-up and
 * rendered inside templates/layouts/main. Models are plain maps; {@code {{t "key"}}} looks up a message
 * in the model's {@code lang}.
 */
public final class Templates {

  public static final List<String> PAGES = List.of("catalog", "module", "lesson", "error", "login", "password",
      "home", "quiz", "attempt", "result", "certificate", "verify", "cohorts", "cohort", "import", "setup", "analysis", "learner", "readiness", "readiness-org", "blank",
      "workspace", "workspace-module", "workspace-draft", "workspace-file", "workspace-compare",
      "offline", "bulk", "slips", "audit", "admin", "admin-organisation", "locked-out",
      "certificates", "verify-check", "issuer-keys", "exercise", "track", "lti-deep-link", "lti-return", "admin-lti", "admin-lti-platform", "lti-course", "lti-registered");

  private final Map<String, Template> pages = new HashMap<>();
  private final Template layout;

  public Templates(Messages messages) {
    Handlebars handlebars = new Handlebars(new ClassPathTemplateLoader("/templates", ".hbs"))
        .prettyPrint(false)
        .infiniteLoops(false);
    handlebars.registerHelper("t", (Helper<String>) (key, options) -> {
      String lang = options.get("lang");
      return messages.get(lang == null ? "en" : lang, key, options.params);
    });
    handlebars.registerHelper("eq", (Helper<Object>) (a, options) ->
        a != null && a.equals(options.param(0)) ? options.fn() : options.inverse());
    try {
      for (String page : PAGES) {
        pages.put(page, handlebars.compile("pages/" + page));
      }
      layout = handlebars.compile("layouts/main");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compile templates: " + e.getMessage(), e);
    }
  }

  /** Renders {@code page} with {@code model}, then the layout around it; the model must hold lang and title. */
  public String render(String page, Map<String, Object> model) {
    Template template = pages.get(page);
    if (template == null) {
      throw new IllegalArgumentException("no page template " + page);
    }
    try {
      Map<String, Object> withBody = new HashMap<>(model);
      withBody.put("body", new Handlebars.SafeString(template.apply(context(model))));
      return layout.apply(context(withBody));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Context context(Map<String, Object> model) {
    return Context.newBuilder(model).resolver(MapValueResolver.INSTANCE).build();
  }
}
