package org.pillars.http;

import com.github.jknack.handlebars.Handlebars;
import java.util.HashMap;
import java.util.Map;
import org.pillars.content.Lesson;
import org.pillars.content.Module;

/**
 * How a module and a lesson are shown: one model for the learners' lesson page and for a trainer's preview of a draft,
 * which differ only in where their links lead ({@code base}: "/modules/alpha" for learners).
 */
public final class LessonView {

  private LessonView() {
  }

  public static Map<String, Object> module(Module m, String lang, String base) {
    Map<String, Object> model = new HashMap<>();
    model.put("id", m.id());
    model.put("href", base);
    model.put("title", m.title().in(lang));
    model.put("titleLang", m.title().languageFor(lang));
    model.put("minutes", m.minutes());
    model.put("version", m.version());
    return model;
  }

  public static Map<String, Object> link(Lesson l, String lang, String base) {
    Map<String, Object> model = new HashMap<>();
    model.put("id", l.id());
    model.put("href", base + "/" + l.id());
    model.put("number", l.number());
    model.put("title", l.title().in(lang));
    model.put("titleLang", l.title().languageFor(lang));
    model.put("minutes", l.minutes());
    return model;
  }

  /** The lesson page's model, added to {@code model}: the lesson in {@code lang}, its place, the pages around it. */
  public static Map<String, Object> lesson(Map<String, Object> model, Module m, Lesson lesson, String lang, String base) {
    model.put("description", m.summary().in(lang));
    model.put("module", module(m, lang, base));
    model.put("lesson", link(lesson, lang, base));
    model.put("total", m.lessons().size());
    model.put("html", new Handlebars.SafeString(lesson.html().in(lang)));
    String contentLang = lesson.html().languageFor(lang);
    model.put("contentLang", contentLang);
    model.put("untranslated", !contentLang.equals(lang));
    int index = lesson.number() - 1;
    if (index > 0) {
      model.put("previous", link(m.lessons().get(index - 1), lang, base));
    }
    if (index + 1 < m.lessons().size()) {
      model.put("next", link(m.lessons().get(index + 1), lang, base));
    }
    return model;
  }
}
