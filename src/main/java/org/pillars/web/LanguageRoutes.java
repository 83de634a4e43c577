package org.pillars.web;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;
import org.pillars.core.NotFound;
import org.pillars.http.Language;

/** The language switch: remembers the choice in a cookie and returns to the page. Open to everyone. */
public final class LanguageRoutes {

  /** Only a path on this site: no scheme, no "//host", no backslash tricks, no control characters. */
  private static final Pattern LOCAL_PATH = Pattern.compile("/(?![/\\\\])[^\\\\\\p{Cntrl}\\s]{0,500}");

  public void mount(Router router) {
    router.get("/lang/:code").handler(org.pillars.core.Access.anyone()).handler(this::switchLanguage);
  }

  private void switchLanguage(RoutingContext ctx) {
    String code = ctx.pathParam("code");
    if (!Language.supported(code)) {
      throw new NotFound("No such language: " + code);
    }
    String next = ctx.request().getParam("next");
    if (next == null || !LOCAL_PATH.matcher(next).matches()) {
      next = "/";
    }
    ctx.response()
        .addCookie(Cookie.cookie(Language.COOKIE, code).setPath("/").setMaxAge(365L * 24 * 3600)
            .setHttpOnly(true).setSameSite(CookieSameSite.LAX))
        .putHeader(HttpHeaders.LOCATION, next)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .setStatusCode(303)
        .end();
  }
}
