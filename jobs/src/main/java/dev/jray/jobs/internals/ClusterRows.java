package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.time.Time;
import dev.jray.node.WorkerPoolVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The state API's kinds that live on the nodes, gathered on demand as Ray's state API does: every
 * live node answers on its worker pool's stats address with its own rows (tasks from its task
 * events, objects from its reference counter and store). A node that does not answer in time is
 * named in the answer's {@code partial_failure_warning}.
 *
 * <p>Threading: {@link #tasks} and {@link #objects} block (never call them on an event loop).
 */
public final class ClusterRows {
  /** How long a node has to answer. */
  static final Duration NODE_TIMEOUT = Duration.ofSeconds(5);

  /** The rows and, if some node did not answer, a warning naming it. */
  record Gathered(List<JsonObject> rows, String warning) {}

  private final Vertx vertx;
  private final Gcs gcs;
  /** The clock of a running task's end in the timeline. */
  private final Time time;

  public ClusterRows(Vertx vertx, Gcs gcs, Time time) {
    this.vertx = vertx;
    this.gcs = gcs;
    this.time = time;
  }

  /** Wall-clock milliseconds now. */
  long nowMs() {
    return time.milliseconds();
  }

  /** The cluster's tasks, one row each, newest first. Blocks. */
  Gathered tasks() {
    Gathered g = gather(WorkerPoolVerticle.TASK_EVENTS, "tasks");
    return new Gathered(TaskRows.merge(g.rows()), g.warning());
  }

  /**
   * The cluster's object references, one row per holder, by object id, with the holder's {@code
   * ip} and {@code type} (DRIVER or WORKER) from its node record. Blocks.
   */
  Gathered objects() {
    Map<String, NodeRecord> nodes = gcs.nodes().snapshot().values().stream()
        .collect(Collectors.toMap(n -> n.nodeId().toHex(), n -> n));
    Gathered g = gather(WorkerPoolVerticle.OBJECTS, "objects");
    for (JsonObject row : g.rows()) {
      NodeRecord n = nodes.get(row.getString("node_id"));
      row.put("ip", n == null || n.address() == null ? null
          : n.address().replaceFirst(":\\d+$", ""))
          .put("type", n != null && "driver".equals(n.role()) ? "DRIVER" : "WORKER");
    }
    g.rows().sort(Comparator.comparing(r -> r.getString("object_id")));
    return g;
  }

  /** Asks every live node for its rows of {@code key}. */
  private Gathered gather(String key, String what) {
    List<NodeRecord> nodes = gcs.nodes().snapshot().values().stream()
        .filter(NodeRecord::alive).toList();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(NODE_TIMEOUT.toMillis());
    JsonObject ask = new JsonObject().put(key, WorkerPoolVerticle.MAX_ROWS);
    List<Future<Message<Object>>> replies = new ArrayList<>();
    for (NodeRecord n : nodes) {
      replies.add(vertx.eventBus().request(WorkerPoolVerticle.statsAddress(n.nodeId()), ask,
          options));
    }
    List<JsonObject> rows = new ArrayList<>();
    List<String> silent = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      try {
        Message<Object> m = replies.get(i).toCompletionStage().toCompletableFuture()
            .get(NODE_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        JsonArray got = ((JsonObject) m.body()).getJsonArray("rows");
        got.forEach(r -> rows.add((JsonObject) r));
      } catch (ExecutionException | TimeoutException | ClassCastException e) {
        silent.add(nodes.get(i).nodeId().toHex());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while gathering " + what, e);
      }
    }
    String warning = silent.isEmpty() ? "" : silent.size() + " of " + nodes.size()
        + " nodes did not answer within " + NODE_TIMEOUT.toSeconds() + " s; their " + what
        + " are missing: " + silent;
    return new Gathered(rows, warning);
  }
}
