package dev.jray.jobs.internals;

import dev.jray.jobs.EntrypointHostVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's calls to the nodes' {@link EntrypointHostVerticle}s, over the event bus. Only
 * {@link #log} and {@link #knows} block (never call them on an event loop); the others return at once.
 */
public final class EntrypointHosts {
  private static final Logger LOG = LoggerFactory.getLogger(EntrypointHosts.class);
  /** Setting up a runtime_env (unpacking a working_dir) may take a while. */
  private static final long START_TIMEOUT_MS = 120_000;
  private static final long CALL_TIMEOUT_MS = 10_000;

  /** A host that refused a start, or did not answer it. */
  public static final class Refused extends Exception {
    private final int code;

    Refused(int code, String message) {
      super(message);
      this.code = code;
    }

    /** {@link EntrypointHostVerticle#NO_ROOM}, {@code RUNTIME_ENV_FAILED} or {@code START_FAILED}. */
    public int code() {
      return code;
    }
  }

  private final Vertx vertx;

  public EntrypointHosts(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Starts the job's entrypoint on {@code node}.
   *
   * @return its process id; fails with {@link Refused}
   */
  public CompletableFuture<Long> start(String node, JobSubmission job) {
    CompletableFuture<Long> pid = new CompletableFuture<>();
    vertx.eventBus().<JsonObject>request(EntrypointHostVerticle.address(node, "start"), job.json(),
        new DeliveryOptions().setSendTimeout(START_TIMEOUT_MS)).onComplete(r -> {
          if (r.succeeded()) {
            pid.complete(r.result().body().getLong("pid"));
          } else {
            pid.completeExceptionally(refusal(node, r.cause()));
          }
        });
    return pid;
  }

  private static Refused refusal(String node, Throwable e) {
    if (e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return new Refused(r.failureCode(), r.getMessage());
    }
    return new Refused(EntrypointHostVerticle.START_FAILED, "node " + node + " did not answer: "
        + e.getMessage());
  }

  /** SIGTERM to the entrypoint's process tree on {@code node}, SIGKILL after {@code grace}. */
  public void stop(String node, String id, Duration grace) {
    send(node, "stop", new JsonObject().put("submission_id", id).put("grace_ms", grace.toMillis()));
  }

  /** Deletes the files of an entrypoint that exited on {@code node}. */
  public void forget(String node, String id) {
    send(node, "forget", new JsonObject().put("submission_id", id));
  }

  private void send(String node, String verb, JsonObject body) {
    vertx.eventBus().request(EntrypointHostVerticle.address(node, verb), body,
        new DeliveryOptions().setSendTimeout(CALL_TIMEOUT_MS)).onFailure(e -> LOG.debug(
            "entrypoint host of node {}: {} {} failed", node, verb, body, e));
  }

  /**
   * Whether {@code node}'s host has the entrypoint of job {@code id} (running, or exited and not
   * forgotten): false only if it answers that it never ran it; true if it does not answer, so
   * that a job whose start may have gone through is not started twice. Blocks.
   */
  public boolean knows(String node, String id) {
    try {
      log(node, id, 0, 0);
      return true;
    } catch (IOException e) {
      return !(e.getCause() instanceof ReplyException r
          && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
          && r.failureCode() == EntrypointHostVerticle.NOT_FOUND);
    }
  }

  /**
   * Up to {@code max} bytes of the entrypoint's log on {@code node} from {@code offset}. Blocks.
   *
   * @throws IOException if the host does not answer or did not run it
   */
  public EntrypointProcesses.LogChunk log(String node, String id, long offset, int max)
      throws IOException {
    JsonObject ask = new JsonObject().put("submission_id", id).put("offset", offset)
        .put("max_bytes", max);
    try {
      Message<JsonObject> answer = vertx.eventBus().<JsonObject>request(
          EntrypointHostVerticle.address(node, "log"), ask,
          new DeliveryOptions().setSendTimeout(CALL_TIMEOUT_MS))
          .toCompletionStage().toCompletableFuture().get(CALL_TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS);
      JsonObject b = answer.body();
      byte[] data = b.getBinary("data");
      if (data == null || data.length > max) {
        throw new IOException("node " + node + " answered a log chunk of "
            + (data == null ? "no" : data.length) + " bytes for at most " + max);
      }
      return new EntrypointProcesses.LogChunk(data, b.getLong("size", 0L),
          b.getBoolean("running", false));
    } catch (ExecutionException e) {
      throw new IOException("the log of job '" + id + "' on node " + node + " cannot be read: "
          + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("node " + node + " did not send the log of job '" + id + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the log of job '" + id + "'", e);
    }
  }
}
