package dev.jray.jobs;

import dev.jray.gcs.Gcs;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.jobs.internals.ApiError;
import dev.jray.jobs.internals.ClusterHistory;
import dev.jray.jobs.internals.ClusterRows;
import dev.jray.jobs.internals.DashboardAccess;
import dev.jray.jobs.internals.DashboardRoutes;
import dev.jray.jobs.internals.DashboardSessions;
import dev.jray.jobs.internals.EntrypointHosts;
import dev.jray.jobs.internals.JobLookup;
import dev.jray.jobs.internals.JobSubmission;
import dev.jray.jobs.internals.JobSupervisor;
import dev.jray.jobs.internals.LogTail;
import dev.jray.jobs.internals.NodeLogRoutes;
import dev.jray.jobs.internals.PackageRoutes;
import dev.jray.jobs.internals.StateRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The head's HTTP service on the dashboard port (8265): Ray's Jobs REST API, with Ray's paths,
 * JSON fields, statuses and codes, over a {@link JobSupervisor} that runs each job's entrypoint
 * on a node's {@link EntrypointHostVerticle} (and takes their exit reports); Ray's package upload, for working_dir and java_jars;
 * the state API; nodes' logs ({@link dev.jray.node.NodeLogVerticle}); and the dashboard at {@code /}. Every
 * request for data needs {@code Authorization: Bearer <cluster token>} or a dashboard session's
 * cookie ({@link DashboardAccess}: {@code POST /api/login}), else 401. Other services mount their
 * routes on {@link #router()} (behind the same check). With TLS on, it serves HTTPS with the
 * node's certificate.
 *
 * <p>Threading: handlers run on this verticle's event loop and hand every supervisor or GCS call
 * to executeBlocking; the supervisor is thread-safe. {@code supervisor}, {@code router} and {@code
 * server} are set once, on the event loop, while it starts.
 */
public final class JobsHttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JobsHttpVerticle.class);
  /** Ray's Jobs API version, which Ray's clients check. */
  static final String API_VERSION = "2";
  /** The Ray release reported as ray_version: Ray's SDK refuses a server older than it needs (2.8+). */
  static final String RAY_COMPATIBLE_VERSION = "2.40.0";
  private static final long TICK_MS = 100;
  private static final int MAX_JSON_BYTES = 1 << 20;

  private final JobsOptions options;
  private final Gcs gcs;
  private JobSupervisor supervisor;
  /** Resolves Ray's job_or_submission_id; set once, on the event loop, while it starts. */
  private JobLookup lookup;
  private Router router;
  private HttpServer server;
  /** Takes the hosts' exit reports; set once, on the event loop, while it starts. */
  private MessageConsumer<JsonObject> exits;
  /** The dashboard's charts; set once, on the event loop, while it starts. */
  private ClusterHistory history;

  public JobsHttpVerticle(JobsOptions options, Gcs gcs) {
    this.options = options;
    this.gcs = gcs;
  }

  /** Deploys the service into {@code vertx}; completes once it listens. */
  public static Future<JobsHttpVerticle> deploy(Vertx vertx, JobsOptions options, Gcs gcs) {
    JobsHttpVerticle verticle = new JobsHttpVerticle(options, gcs);
    return vertx.deployVerticle(verticle).map(id -> verticle);
  }

  /**
   * Takes the {@link JobsApiLease} (fails if another live node serves the API), then starts the
   * supervisor, which takes over the jobs the GCS holds (the last serving node died) or reads
   * this node's history, and serves.
   */
  @Override
  public Future<?> start() {
    EntrypointHosts hosts = new EntrypointHosts(vertx);
    // the lease and history are read from the GCS and disk: off the event loop
    return vertx.executeBlocking(() -> {
      JobsApiLease.Holder other = JobsApiLease.acquire(gcs, lease(options.port()));
      if (other != null) {
        throw new IllegalStateException("node " + other.nodeId() + " serves the Jobs API, at "
            + other.url());
      }
      try {
        return new JobSupervisor(options.time(), gcs, options.jobsDir(), options.placement(),
            hosts, options.queues(), options.stopGrace(), options.retention());
      } catch (RuntimeException e) {
        JobsApiLease.release(gcs, options.nodeId());
        throw e;
      }
    }).compose(this::serve).compose(s -> options.port() != 0 ? Future.succeededFuture(s)
        : vertx.executeBlocking(() -> JobsApiLease.acquire(gcs, lease(s.actualPort()))));
  }

  /** This node's record as the API's holder, on {@code port}. */
  private JobsApiLease.Holder lease(int port) {
    return new JobsApiLease.Holder(options.nodeId(), url(options.tls(), options.host(), port),
        options.queues(), options.retention());
  }

  /**
   * Node {@code nodeId} left the cluster: the jobs whose entrypoints ran there fail. Never blocks.
   */
  public void nodeLeft(String nodeId) {
    vertx.executeBlocking(() -> {
      supervisor.nodeLeft(nodeId);
      return null;
    }, false);
  }

  private Future<HttpServer> serve(JobSupervisor jobs) {
    supervisor = jobs;
    lookup = new JobLookup(gcs, jobs);
    router = Router.router(vertx);
    new DashboardAccess(options.token(), new DashboardSessions(options.time()),
        options.tls() != null).mount(router);
    router.route().failureHandler(ctx -> {
      if (ctx.failure() != null) {
        fail(ctx, ctx.failure());
      } else {
        json(ctx, ctx.statusCode(), new JsonObject().put("error", ctx.statusCode() == 413
            ? "the request body is too large" : "HTTP " + ctx.statusCode()));
      }
    });
    router.get("/api/version").handler(ctx -> json(ctx, 200, new JsonObject()
        .put("version", API_VERSION).put("ray_version", RAY_COMPATIBLE_VERSION)
        .put("ray_commit", "jray").put("session_name", (String) null)
        .put("jray_version", jrayVersion())));
    router.post("/api/jobs").handler(BodyHandler.create(false).setBodyLimit(MAX_JSON_BYTES));
    router.post("/api/jobs").handler(ctx -> blocking(ctx, 200, () -> supervisor.submit(
        JobSubmission.parse(bodyObject(ctx)))));
    router.post("/api/jobs/").handler(BodyHandler.create(false).setBodyLimit(MAX_JSON_BYTES));
    router.post("/api/jobs/").handler(ctx -> blocking(ctx, 200, () -> supervisor.submit(
        JobSubmission.parse(bodyObject(ctx)))));
    router.get("/api/jobs/").handler(ctx -> blocking(ctx, 200, this::listJobs));
    router.get("/api/jobs").handler(ctx -> blocking(ctx, 200, this::listJobs));
    router.get("/api/jobs/:id").handler(ctx -> blocking(ctx, 200,
        () -> lookup.find(ctx.pathParam("id")).details()));
    router.get("/api/jobs/:id/logs").handler(ctx -> blocking(ctx, 200, () -> new JsonObject()
        .put("logs", supervisor.logs(lookup.submission(ctx.pathParam("id"), JobLookup.LOGS_OF_DRIVER)))));
    router.get("/api/jobs/:id/logs/tail").handler(this::tailLogs);
    router.post("/api/jobs/:id/stop").handler(ctx -> blocking(ctx, 200, () -> new JsonObject()
        .put("stopped", supervisor.stop(lookup.submission(ctx.pathParam("id"), JobLookup.STOP_OF_DRIVER)))));
    router.delete("/api/jobs/:id").handler(ctx -> blocking(ctx, 200, () -> new JsonObject()
        .put("deleted", supervisor.delete(lookup.submission(ctx.pathParam("id"), JobLookup.DELETE_OF_DRIVER)))));
    PackageRoutes.mount(router, vertx, gcs);
    StateRoutes.mount(router, gcs, new ClusterRows(vertx, gcs, options.time()), this::listJobs,
        (ctx, work) -> blocking(ctx, 200, work));
    NodeLogRoutes.mount(router, vertx, gcs, options.nodeId(), JobsHttpVerticle::fail);
    history = new ClusterHistory(vertx, gcs, options.time());
    history.start();
    DashboardRoutes.mount(router, gcs, options.time(), history, (ctx, work) -> blocking(ctx, 200, work));
    exits = vertx.eventBus().<JsonObject>consumer(EntrypointHostVerticle.EXITED_ADDRESS,
        m -> vertx.executeBlocking(() -> {
          JsonObject exit = m.body();
          supervisor.exited(exit.getString("submission_id"), exit.getString("node_id"),
              exit.getInteger("exit_code"));
          return null;
        }, false).onComplete(r -> {
          if (r.succeeded()) {
            m.reply(new JsonObject());
          } else {
            m.fail(500, String.valueOf(r.cause().getMessage()));
          }
        }));
    long tick = vertx.setPeriodic(TICK_MS, t -> vertx.executeBlocking(() -> {
      supervisor.tick();
      return null;
    }));
    HttpServerOptions http = new HttpServerOptions().setHost(options.host()).setPort(options.port());
    if (options.tls() != null) {
      // the token authenticates the client: a browser or curl needs no certificate of its own
      http.setSsl(true).setKeyCertOptions(options.tls().keyCertOptions());
    }
    return vertx.createHttpServer(http)
        .requestHandler(router).listen()
        .onSuccess(s -> server = s)
        .onFailure(e -> {
          vertx.cancelTimer(tick);
          history.stop();
          vertx.executeBlocking(() -> {
            supervisor.close();
            JobsApiLease.release(gcs, options.nodeId());
            return null;
          });
        });
  }

  @Override
  public Future<?> stop() {
    exits.unregister();
    history.stop();
    return vertx.executeBlocking(() -> {
      supervisor.close();
      JobsApiLease.release(gcs, options.nodeId()); // the next node need not wait for this one's death
      return null;
    });
  }

  /** The routes, for other head services (dashboard, metrics) to add theirs behind the token check. */
  public Router router() {
    return router;
  }

  /** The port it listens on. */
  public int port() {
    return server.actualPort();
  }

  /** {@code http://host:port} ({@code https} with TLS), what {@code jray job --address} takes. */
  public String url() {
    return url(options.tls(), options.host(), port());
  }

  /** The URL of a Jobs API on {@code host:port}: https when {@code tls} is not null. */
  public static String url(TlsSettings tls, String host, int port) {
    return (tls == null ? "http" : "https") + "://" + (host.contains(":") ? "[" + host + "]" : host)
        + ":" + port;
  }

  private JsonArray listJobs() {
    return lookup.list();
  }

  /**
   * Answers 404 (400 for a DRIVER job) before the upgrade, as Ray's; the request is paused while
   * the job is looked up, so it can still be upgraded after.
   */
  private void tailLogs(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    ctx.request().pause();
    vertx.executeBlocking(() -> lookup.submission(id, JobLookup.LOGS_OF_DRIVER), false)
        .onComplete(found -> {
          if (found.failed()) {
            ctx.request().resume();
            fail(ctx, found.cause());
            return;
          }
          ctx.request().toWebSocket()
              .onSuccess(ws -> new LogTail(vertx, supervisor, found.result(), ws).start())
              .onFailure(e -> fail(ctx, ApiError.badRequest("GET /api/jobs/" + id
                  + "/logs/tail is a WebSocket: " + e.getMessage())));
        });
  }

  private static JsonObject bodyObject(RoutingContext ctx) {
    if (ctx.body().isEmpty()) {
      throw ApiError.badRequest("the request has no body: send a JSON object");
    }
    try {
      Object value = io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
      if (!(value instanceof JsonObject o)) {
        throw ApiError.badRequest("the body must be a JSON object");
      }
      return o;
    } catch (DecodeException e) {
      throw ApiError.badRequest("the body is not valid JSON: " + firstLine(e.getMessage()));
    }
  }

  private void blocking(RoutingContext ctx, int status, Callable<Object> work) {
    vertx.executeBlocking(work, false).onComplete(r -> {
      if (r.failed()) {
        fail(ctx, r.cause());
      } else if (r.result() instanceof JsonArray a) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(a.encode());
      } else {
        json(ctx, status, (JsonObject) r.result());
      }
    });
  }

  static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof ApiError api) {
      json(ctx, api.status(), ctx.request().path().startsWith("/api/v0/") ? api.rayBody()
          : api.body());
      return;
    }
    LOG.warn("jobs API: " + ctx.request().method() + " " + ctx.request().path(), e);
    json(ctx, 500, new JsonObject().put("error", "internal error: " + firstLine(String.valueOf(e.getMessage()))));
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String jrayVersion() {
    String v = JobsHttpVerticle.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }
}
