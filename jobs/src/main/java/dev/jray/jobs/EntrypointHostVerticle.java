package dev.jray.jobs;

import dev.jray.gcs.Gcs;
import dev.jray.jobs.internals.EntrypointLauncher;
import dev.jray.jobs.internals.EntrypointProcesses;
import dev.jray.jobs.internals.JobSubmission;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs' entrypoints on this node for the job supervisor ({@link JobsHttpVerticle}), which
 * picks the node ({@link EntrypointPlacement}): every node deploys one. An entrypoint holds its
 * entrypoint_* resources here ({@link EntrypointResources}) while it runs.
 *
 * <p>Event-bus contract, JSON bodies, on node {@code <id>} ({@link #address}):
 *
 * <ul>
 *   <li>{@code jray.node.<id>.entrypoints.start}: a submission as {@code POST /api/jobs/} takes it
 *       → {@code {pid}}; fails with {@link #NO_ROOM} (its resources are not free here now),
 *       {@link #RUNTIME_ENV_FAILED} or {@link #START_FAILED}, and why.
 *   <li>{@code ...stop}: {@code {submission_id, grace_ms}} → {@code {stopping}}: SIGTERM to its
 *       process tree, SIGKILL when the grace period has passed.
 *   <li>{@code ...log}: {@code {submission_id, offset, max_bytes}} → {@code {data} (base64, at
 *       most {@link #MAX_LOG_CHUNK} bytes), {size}, {running}}; fails with {@link #NOT_FOUND} for
 *       an entrypoint that did not run here.
 *   <li>{@code ...forget}: {@code {submission_id}} → {@code {}}: its files go once it has exited.
 *   <li>When an entrypoint exits, this node sends {@link #EXITED_ADDRESS} {@code {submission_id,
 *       node_id, exit_code}}, again every second until the supervisor answers.
 * </ul>
 *
 * <p>Threading: handlers run on this verticle's event loop and hand process and file work to
 * executeBlocking; {@link EntrypointProcesses} is thread-safe. {@code processes} and {@code timer}
 * are set once, on the event loop, while it starts.
 */
public final class EntrypointHostVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EntrypointHostVerticle.class);
  /** Where hosts report an entrypoint's exit; the supervisor answers once it has taken it. */
  public static final String EXITED_ADDRESS = "jray.jobs.entrypoint-exited";
  /** A start's failure code: the entrypoint's resources are not free on this node now. */
  public static final int NO_ROOM = 1;
  /** A start's failure code: the runtime_env could not be set up. */
  public static final int RUNTIME_ENV_FAILED = 2;
  /** A start's failure code: the command could not be started. */
  public static final int START_FAILED = 3;
  /** A log or stop failure code: no entrypoint of that id ran on this node. */
  public static final int NOT_FOUND = 4;
  /** The most bytes of a log one {@code log} request returns. */
  public static final int MAX_LOG_CHUNK = 1 << 20;
  private static final long TICK_MS = 1_000;

  private final EntrypointHostOptions options;
  private final Gcs gcs;
  private final EntrypointResources resources;
  private EntrypointProcesses processes;
  private long timer = -1;

  public EntrypointHostVerticle(EntrypointHostOptions options, Gcs gcs,
      EntrypointResources resources) {
    this.options = options;
    this.gcs = gcs;
    this.resources = resources;
  }

  /** Deploys the host into {@code vertx}; completes once it answers. */
  public static Future<EntrypointHostVerticle> deploy(Vertx vertx, EntrypointHostOptions options,
      Gcs gcs, EntrypointResources resources) {
    EntrypointHostVerticle verticle = new EntrypointHostVerticle(options, gcs, resources);
    return vertx.deployVerticle(verticle).map(id -> verticle);
  }

  /** The address of {@code verb} (start, stop, log, forget) of node {@code nodeId}'s host. */
  public static String address(String nodeId, String verb) {
    return "jray.node." + nodeId + ".entrypoints." + verb;
  }

  @Override
  public Future<?> start() {
    processes = new EntrypointProcesses(options.jobsDir().resolve("entrypoints"),
        new EntrypointLauncher(gcs, options.clusterAddress(), options.tokenFile(), this::driverEnv),
        resources, options.time(), this::report);
    List<Future<Void>> registered = new ArrayList<>();
    registered.add(consume("start", m -> {
      long pid = processes.start(JobSubmission.parse(m.body()));
      return new JsonObject().put("pid", pid);
    }));
    registered.add(consume("stop", m -> new JsonObject().put("stopping", processes.stop(
        m.body().getString("submission_id"), Duration.ofMillis(m.body().getLong("grace_ms", 0L))))));
    registered.add(consume("log", m -> {
      int max = (int) Math.max(0, Math.min(MAX_LOG_CHUNK, m.body().getLong("max_bytes", 0L)));
      EntrypointProcesses.LogChunk chunk = processes.log(m.body().getString("submission_id"),
          Math.max(0, m.body().getLong("offset", 0L)), max);
      if (chunk == null) {
        throw new NotHere(m.body().getString("submission_id"));
      }
      return new JsonObject().put("data", chunk.bytes()).put("size", chunk.size())
          .put("running", chunk.running());
    }));
    registered.add(consume("forget", m -> {
      processes.forget(m.body().getString("submission_id"));
      return new JsonObject();
    }));
    timer = vertx.setPeriodic(TICK_MS, t -> vertx.executeBlocking(() -> {
      processes.tick();
      processes.unacknowledgedExits().forEach(this::report);
      return null;
    }, false));
    return Future.all(registered);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return vertx.executeBlocking(() -> {
      processes.close();
      return null;
    });
  }

  /** What every entrypoint gets beside its address and token: TLS settings, this node's jar. */
  private Map<String, String> driverEnv() {
    Map<String, String> env = new HashMap<>(options.driverEnv().get());
    if (options.tls() != null) {
      env.putAll(options.tls().environment());
    }
    return env;
  }

  /** Tells the supervisor that an entrypoint exited; it is told again until it answers. */
  private void report(String id, int exitCode) {
    JsonObject exit = new JsonObject().put("submission_id", id).put("node_id", options.nodeId())
        .put("exit_code", exitCode);
    vertx.eventBus().request(EXITED_ADDRESS, exit, new DeliveryOptions().setSendTimeout(10_000))
        .onSuccess(r -> processes.acknowledged(id));
  }

  /** An entrypoint that did not run on this node. */
  private static final class NotHere extends Exception {
    NotHere(String id) {
      super("no entrypoint of job '" + id + "' ran on this node");
    }
  }

  private interface Handler {
    JsonObject handle(Message<JsonObject> m) throws Exception;
  }

  /** Registers {@code verb}'s consumer; its work runs in executeBlocking, failures answered. */
  private Future<Void> consume(String verb, Handler handler) {
    MessageConsumer<JsonObject> c = vertx.eventBus().consumer(address(options.nodeId(), verb),
        m -> vertx.executeBlocking((Callable<JsonObject>) () -> handler.handle(m), false)
            .onComplete(r -> {
              if (r.succeeded()) {
                m.reply(r.result());
              } else {
                m.fail(failureCode(r.cause()), String.valueOf(r.cause().getMessage()));
              }
            }));
    return c.completion();
  }

  private static int failureCode(Throwable e) {
    if (e instanceof EntrypointProcesses.StartRefused refused) {
      return switch (refused.refusal()) {
        case NO_ROOM -> NO_ROOM;
        case RUNTIME_ENV -> RUNTIME_ENV_FAILED;
        case START -> START_FAILED;
      };
    }
    if (e instanceof NotHere) {
      return NOT_FOUND;
    }
    LOG.warn("entrypoint host: a request failed", e);
    return START_FAILED;
  }
}
