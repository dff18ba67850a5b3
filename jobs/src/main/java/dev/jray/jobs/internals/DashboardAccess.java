package dev.jray.jobs.internals;

import dev.jray.gcs.security.BearerAuthorization;
import dev.jray.gcs.security.ClusterToken;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may use the head's HTTP service: a request with {@code Authorization: Bearer <cluster
 * token>} (the CLI, REST clients), or one carrying the cookie of a dashboard session (a browser,
 * WebSockets included). The dashboard's page and assets hold no cluster data and are served to
 * anyone, as are {@code POST /api/login} (a JSON {@code {"token"}}: the right token opens a
 * session and sets its HttpOnly, SameSite=Strict cookie; a wrong one is 401) and {@code POST
 * /api/logout} (ends the session and clears the cookie). Tokens compare in constant time.
 *
 * <p>Threading: every handler runs on the HTTP verticle's event loop, which owns the sessions.
 */
public final class DashboardAccess {
  /** The session cookie's name. */
  public static final String COOKIE = "jray_session";
  /** The page and its assets: served without the token. */
  public static final String ASSETS = "/dashboard/";
  private static final int MAX_LOGIN_BYTES = 4096;

  private final byte[] token;
  private final BearerAuthorization bearer;
  private final DashboardSessions sessions;
  /** Whether the service runs HTTPS: the cookie is then sent over HTTPS only. */
  private final boolean secure;

  public DashboardAccess(ClusterToken token, DashboardSessions sessions, boolean secure) {
    this.token = token.reveal().getBytes(StandardCharsets.UTF_8);
    this.bearer = new BearerAuthorization(token);
    this.sessions = sessions;
    this.secure = secure;
  }

  /** Mounts the check before every route, then the login and logout routes. */
  public void mount(Router router) {
    router.route().handler(this::authorize);
    router.post("/api/login").handler(BodyHandler.create(false).setBodyLimit(MAX_LOGIN_BYTES));
    router.post("/api/login").handler(this::login);
    router.post("/api/logout").handler(this::logout);
  }

  private void authorize(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    boolean open = path.equals("/") || path.startsWith(ASSETS) || path.equals("/api/login")
        || path.equals("/api/logout");
    String given = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    Cookie session = ctx.request().getCookie(COOKIE);
    String refusal = bearer.refusal(given);
    if (open || refusal == null
        || (given == null && session != null && sessions.isValid(session.getValue()))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    unauthorized(ctx, given == null && session != null ? "the dashboard session has ended"
        + " (expired or logged out): log in again" : refusal);
  }

  private void login(RoutingContext ctx) {
    String given;
    try {
      Object body = ctx.body().isEmpty() ? null : Json.decodeValue(ctx.body().buffer());
      given = body instanceof JsonObject o && o.getValue("token") instanceof String s ? s : null;
    } catch (DecodeException e) {
      given = null;
    }
    if (given == null) {
      ctx.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(new JsonObject().put("error", "send a JSON object {\"token\": \"<the cluster token>\"}")
              .put("field", "token").encode());
      return;
    }
    if (!MessageDigest.isEqual(bytes(given.strip()), token)) {
      unauthorized(ctx, "wrong cluster token");
      return;
    }
    ctx.response().addCookie(cookie(sessions.open())
        .setMaxAge(DashboardSessions.LIFETIME.toSeconds()));
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("logged_in", true).encode());
  }

  private void logout(RoutingContext ctx) {
    Cookie session = ctx.request().getCookie(COOKIE);
    if (session != null) {
      sessions.close(session.getValue());
    }
    ctx.response().addCookie(cookie("").setMaxAge(0));
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("logged_in", false).encode());
  }

  private Cookie cookie(String value) {
    return Cookie.cookie(COOKIE, value).setPath("/").setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT).setSecure(secure);
  }

  private static void unauthorized(RoutingContext ctx, String why) {
    ctx.response().setStatusCode(401).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("error", why).encode());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
