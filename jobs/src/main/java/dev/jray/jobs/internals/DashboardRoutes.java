package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import dev.jray.gcs.time.Time;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/**
 * The dashboard: its single page at {@code /} and its assets under {@link
 * DashboardAccess#ASSETS} (from the jar's {@code dashboard/} resources, uPlot from its webjar),
 * which hold no cluster data, and the data only it reads: {@code GET /api/cluster_status} ({@link
 * ClusterStatus}) and {@code GET /api/cluster_history} ({@link ClusterHistory}). The page reads
 * everything else from the state and Jobs APIs.
 *
 * <p>Threading: handlers run on the HTTP verticle's event loop; the GCS read goes to {@code
 * answer}, which runs it off it.
 */
public final class DashboardRoutes {
  /** uPlot's files in its webjar: the version jobs/pom.xml declares. */
  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist";
  /** The page loads only its own scripts and styles and talks only to this service. */
  private static final String POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline';"
      + " img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'";

  private DashboardRoutes() {}

  /**
   * Mounts the routes.
   *
   * @param answer runs a request's work off the event loop and answers with its JSON
   */
  public static void mount(Router router, Gcs gcs, Time time, ClusterHistory history,
      BiConsumer<RoutingContext, Callable<Object>> answer) {
    router.get("/").handler(ctx -> ctx.reroute(DashboardAccess.ASSETS + "index.html"));
    router.get(DashboardAccess.ASSETS + "*").handler(DashboardRoutes::secureHeaders);
    router.get(DashboardAccess.ASSETS + "uplot/*").handler(StaticHandler.create(UPLOT));
    router.get(DashboardAccess.ASSETS + "*").handler(StaticHandler.create("dashboard"));
    router.get("/api/cluster_status").handler(ctx -> answer.accept(ctx,
        () -> ClusterStatus.read(gcs, time.milliseconds())));
    router.get("/api/cluster_history").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(history.toJson().encode()));
  }

  private static void secureHeaders(RoutingContext ctx) {
    ctx.response().putHeader("Content-Security-Policy", POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
    ctx.next();
  }
}
