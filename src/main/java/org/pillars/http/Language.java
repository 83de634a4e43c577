package org.pillars.http;

import io.vertx.core.http.Cookie;
import io.vertx.ext.web.LanguageHeader;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import org.pillars.content.CourseLoader;

/** The reader's language: the one they chose (cookie), else the first of their browser's we speak. */
public final class Language {

  public static final String COOKIE = "lang";
  private static final String KEY = "pillars.lang";

  private Language() {
  }

  public static String of(RoutingContext ctx) {
    String cached = ctx.get(KEY);
    if (cached != null) {
      return cached;
    }
    String lang = choose(ctx);
    ctx.put(KEY, lang);
    return lang;
  }

  public static boolean supported(String lang) {
    return CourseLoader.LANGUAGES.contains(lang);
  }

  private static String choose(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (cookie != null && supported(cookie.getValue())) {
      return cookie.getValue();
    }
    List<LanguageHeader> accepted = ctx.acceptableLanguages();
    for (LanguageHeader header : accepted) {
      if (header.weight() <= 0) {
        continue;
      }
      String primary = header.tag().toLowerCase(Locale.ROOT);
      if (supported(primary)) {
        return primary;
      }
    }
    return "en";
  }
}
