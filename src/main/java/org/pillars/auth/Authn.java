package org.pillars.auth;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.pillars.core.Access;
import org.pillars.core.Forbidden;
import org.pillars.core.Unauthenticated;
import org.pillars.core.Principal;
import org.pillars.core.Role;

/**
 * Runs before every route: finds the token (an Authorization bearer header, else the HttpOnly cookie),
 * checks it and its session, and puts the {@link Principal} on the request. Then, once the body is read
 * ({@link #refuseForgeries}), for any request that could change state, refuses cross-site origins and, when
 * the cookie authenticates it, a missing or wrong CSRF token.
 */
public final class Authn implements Handler<RoutingContext> {

  public static final String COOKIE = "pillars_token";
  /** The session cookie of an LTI launch, sent from inside the platform's frame ({@link #embeddedSession}). */
  public static final String EMBEDDED_COOKIE = "pillars_embedded";
  private static final String EMBEDDED = "pillars.embeddedSession";
  public static final String CSRF_FIELD = "_csrf";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Authn.class.getName());
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final AuthService auth;
  private final Csrf csrf;
  private final boolean secureCookies;
  private final Set<String> trustedProxies;

  public Authn(AuthService auth, Csrf csrf, boolean secureCookies) {
    this(auth, csrf, secureCookies, Set.of());
  }

  public Authn(AuthService auth, Csrf csrf, boolean secureCookies, Set<String> trustedProxies) {
    this.auth = auth;
    this.csrf = csrf;
    this.secureCookies = secureCookies;
    this.trustedProxies = Set.copyOf(trustedProxies);
  }

  /**
   * The client's address, for login throttling. X-Forwarded-For is believed only when the peer is one of
   * PILLARS_TRUSTED_PROXIES, and then read from the right, skipping our own proxies: the left part is
   * whatever the client chose to send.
   */
  public String clientAddress(RoutingContext ctx) {
    var remote = ctx.request().remoteAddress();
    String peer = remote == null ? "unknown" : remote.hostAddress();
    String forwarded = ctx.request().getHeader("X-Forwarded-For");
    if (!trustedProxies.contains(peer) || forwarded == null) {
      return peer;
    }
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].strip();
      if (!hop.matches("[0-9a-fA-F:.]{2,45}")) {
        return peer;  // not an address: a proxy of ours would not write that
      }
      if (!trustedProxies.contains(hop)) {
        return hop;
      }
    }
    return peer;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if ((cookie == null || cookie.getValue().isEmpty()) && ctx.request().getCookie(EMBEDDED_COOKIE) != null) {
      cookie = ctx.request().getCookie(EMBEDDED_COOKIE);
      ctx.put(EMBEDDED, true);
    }
    if (header != null) {
      if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        ctx.fail(new Unauthenticated("unauthenticated", "use 'Authorization: Bearer <token>'"));
        return;
      }
      auth.authenticate(header.substring(7).strip(), false)
          .onSuccess(p -> signedIn(ctx, p))
          // only a token found wanting is a 401: anything else (the database, say) must not log anyone out
          .onFailure(e -> ctx.fail(e instanceof Tokens.InvalidToken refused ? unauthenticated(refused) : e));
    } else if (cookie != null && !cookie.getValue().isEmpty()) {
      auth.authenticate(cookie.getValue(), true)
          .onSuccess(p -> {
            renewIfOld(ctx, p);
            signedIn(ctx, p);
          })
          .onFailure(e -> {
            if (!(e instanceof Tokens.InvalidToken)) {
              ctx.fail(e);  // the session may be fine: keep the cookie, answer 503 (or 500)
              return;
            }
            setSession(ctx, "", 0);
            ctx.next();
          });
    } else {
      ctx.next();
    }
  }

  /**
   * Runs after the body is read, since a form carries its CSRF token in the body: refuses a state-changing
   * request from another site, or authenticated by the cookie without the right token.
   */
  public void refuseForgeries(RoutingContext ctx) {
    checkUnsafe(ctx, Access.current(ctx).orElse(null));
  }

  /** The reason sent is the token's fixed one; what the library said, if anything, stays in the log. */
  private static Unauthenticated unauthenticated(Tokens.InvalidToken refused) {
    LOG.fine(() -> "bearer token refused: " + refused.getMessage() + " (" + refused.detail() + ")");
    return new Unauthenticated("unauthenticated", refused.getMessage());
  }

  /**
   * The header with which a phone fetches the copy of a page it keeps offline: a module for one organisation is
   * fetched signed in (nobody else may read it), and rendered as for a reader not signed in all the same, so that
   * the copy holds no name, no CSRF token and no progress of whoever kept it.
   */
  public static final String KEPT_COPY = "X-Pillars-Copy";

  private void signedIn(RoutingContext ctx, Principal p) {
    Access.signIn(ctx, p);
    if ("kept".equals(ctx.request().getHeader(KEPT_COPY))) {
      ctx.next();
      return;
    }
    ctx.put(org.pillars.http.Pages.USER_KEY, Map.of("name", p.displayName(), "role", p.role().code(), "csrf", csrf.token(p.sessionId()),
        "staff", p.role() == Role.COORDINATOR || p.role() == Role.ADMIN, "author", p.role() == Role.TRAINER || p.role() == Role.ADMIN,
        "admin", p.role() == Role.ADMIN, "account", p.accountId()));
    ctx.next();
  }

  private void checkUnsafe(RoutingContext ctx, Principal p) {
    if (SAFE.contains(ctx.request().method())) {
      ctx.next();
      return;
    }
    if (p == null || p.viaCookie()) {
      if (!sameOrigin(ctx)) {
        ctx.fail(new Forbidden("cross_origin", "cross-site requests are refused"));
        return;
      }
    }
    if (p != null && p.viaCookie()) {
      String token = ctx.request().getHeader(CSRF_HEADER);
      if (token == null) {
        token = ctx.request().getFormAttribute(CSRF_FIELD);
      }
      if (!csrf.matches(p.sessionId(), token)) {
        ctx.fail(new Forbidden("csrf", "the form has expired or did not come from this site; reload the page and try again"));
        return;
      }
    }
    ctx.next();
  }

  /** Origin (or, without it, Referer) must name this very host when a browser sends one. */
  private static boolean sameOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    if (origin == null) {
      origin = ctx.request().getHeader(HttpHeaders.REFERER);
    }
    if (origin == null) {
      return true;
    }
    String host = ctx.request().getHeader(HttpHeaders.HOST);
    try {
      URI uri = URI.create(origin.strip());
      String authority = uri.getRawAuthority();
      return host != null && authority != null && authority.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void renewIfOld(RoutingContext ctx, Principal p) {
    long age = System.currentTimeMillis() / 1000 - p.issuedAtSeconds();
    if (age > auth.tokens().minutes() * 60L / 3) {
      setSession(ctx, auth.renew(p), auth.tokens().minutes() * 60L);
    }
  }

  /** The session cookie renewed or cleared as it came: the embedded one stays embedded. */
  private void setSession(RoutingContext ctx, String token, long maxAgeSeconds) {
    if (Boolean.TRUE.equals(ctx.get(EMBEDDED))) {
      embeddedSession(ctx, token, maxAgeSeconds);
    } else {
      ctx.response().addCookie(cookie(ctx, token, maxAgeSeconds));
    }
  }

  /**
   * The session of a user who arrived by an LTI launch, inside the platform's page (a frame on another site): sent
   * with requests from that frame, so SameSite=None and, outside development, Secure and Partitioned (kept for that
   * platform's site only, as browsers that block third-party cookies allow). CSRF tokens and the origin check guard
   * its forms as they guard every other session's.
   */
  public void embeddedSession(RoutingContext ctx, String token, long maxAgeSeconds) {
    Cookie c = Cookie.cookie(EMBEDDED_COOKIE, token).setPath("/").setHttpOnly(true).setMaxAge(maxAgeSeconds);
    String header = secureCookies ? c.setSecure(true).setSameSite(CookieSameSite.NONE).encode() + "; Partitioned"
        : c.setSameSite(CookieSameSite.LAX).encode();
    ctx.response().headers().add(HttpHeaders.SET_COOKIE, header);
  }

  /** The session cookie: HttpOnly, SameSite=Lax, Secure outside development; {@code maxAge} 0 deletes it. */
  public Cookie cookie(RoutingContext ctx, String token, long maxAgeSeconds) {
    return cookie(COOKIE, token, maxAgeSeconds);
  }

  /** The {@link DeviceCookies device cookie}, made like the session cookie but kept for a year. */
  public Cookie deviceCookie(String value) {
    return cookie(DeviceCookies.COOKIE, value, DeviceCookies.MAX_AGE_SECONDS);
  }

  private Cookie cookie(String name, String value, long maxAgeSeconds) {
    return Cookie.cookie(name, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.LAX)
        .setSecure(secureCookies).setMaxAge(maxAgeSeconds);
  }
}
