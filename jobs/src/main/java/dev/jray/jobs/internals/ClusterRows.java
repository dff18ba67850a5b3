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
  /**
   * The rows; how many the nodes had before their per-node caps ({@code total}, at least {@code
   * rows.size()}); if some node did not answer, a warning naming it; and the nodes' own warnings
   * (rows they left out: a cap reached, task events overwritten), as Ray's {@code warnings}.
   */
  record Gathered(List<JsonObject> rows, int total, String warning, List<String> warnings) {}

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

  /** The cluster's tasks, one row each, newest first; each node waited for up to {@code timeout}. Blocks. */
  Gathered tasks(Duration timeout) {
    Gathered g = gather(WorkerPoolVerticle.TASK_EVENTS, "tasks", timeout);
    List<JsonObject> merged = TaskRows.merge(g.rows());
    // the rows the nodes left out are tasks the merge never saw
    return new Gathered(merged, merged.size() + g.total() - g.rows().size(), g.warning(),
        g.warnings());
  }

  /**
   * The cluster's object references, one row per holder, by object id, with the holder's {@code
   * ip} and {@code type} (DRIVER or WORKER) from its node record. Blocks.
   */
  Gathered objects(Duration timeout) {
    Map<String, NodeRecord> nodes = gcs.nodes().snapshot().values().stream()
        .collect(Collectors.toMap(n -> n.nodeId().toHex(), n -> n));
    Gathered g = gather(WorkerPoolVerticle.OBJECTS, "objects", timeout);
    for (JsonObject row : g.rows()) {
      NodeRecord n = nodes.get(row.getString("node_id"));
      row.put("ip", n == null || n.address() == null ? null
          : n.address().replaceFirst(":\\d+$", ""))
          .put("type", n != null && "driver".equals(n.role()) ? "DRIVER" : "WORKER");
    }
    g.rows().sort(Comparator.comparing(r -> r.getString("object_id")));
    return g;
  }

  /**
   * Every live node's process, by node id: its {@code pid} and {@code host_node_id} (the node a
   * worker process serves, else itself), from its worker pool's stats; a node that does not answer
   * within {@code timeout} is left out. Blocks.
   */
  Map<String, JsonObject> processes(Duration timeout) {
    List<NodeRecord> nodes = gcs.nodes().snapshot().values().stream()
        .filter(NodeRecord::alive).toList();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    List<Future<Message<Object>>> replies = new ArrayList<>();
    for (NodeRecord n : nodes) {
      replies.add(vertx.eventBus().request(WorkerPoolVerticle.statsAddress(n.nodeId()),
          new JsonObject(), options));
    }
    Map<String, JsonObject> processes = new java.util.HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      try {
        Message<Object> m = replies.get(i).toCompletionStage().toCompletableFuture()
            .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        if (m.body() instanceof JsonObject stats && stats.getValue("pid") != null) {
          processes.put(nodes.get(i).nodeId().toHex(), stats);
        }
      } catch (ExecutionException | TimeoutException e) {
        // no pid for it: the rows say null, as for a process not known
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while asking the nodes for their pids", e);
      }
    }
    return processes;
  }

  /** Asks every live node for its rows of {@code key}. */
  private Gathered gather(String key, String what, Duration timeout) {
    List<NodeRecord> nodes = gcs.nodes().snapshot().values().stream()
        .filter(NodeRecord::alive).toList();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    JsonObject ask = new JsonObject().put(key, WorkerPoolVerticle.MAX_ROWS);
    List<Future<Message<Object>>> replies = new ArrayList<>();
    for (NodeRecord n : nodes) {
      replies.add(vertx.eventBus().request(WorkerPoolVerticle.statsAddress(n.nodeId()), ask,
          options));
    }
    List<JsonObject> rows = new ArrayList<>();
    List<String> silent = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    int total = 0;
    for (int i = 0; i < nodes.size(); i++) {
      try {
        Message<Object> m = replies.get(i).toCompletionStage().toCompletableFuture()
            .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        JsonObject body = (JsonObject) m.body();
        JsonArray got = body.getJsonArray("rows");
        got.forEach(r -> rows.add((JsonObject) r));
        total += Math.max(got.size(), body.getInteger("total", got.size()));
        String left = body.getString("warning");
        if (left != null && !left.isEmpty()) {
          warnings.add("node " + nodes.get(i).nodeId().toHex() + ": " + left);
        }
      } catch (ExecutionException | TimeoutException | ClassCastException e) {
        silent.add(nodes.get(i).nodeId().toHex());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while gathering " + what, e);
      }
    }
    String warning = silent.isEmpty() ? "" : silent.size() + " of " + nodes.size()
        + " nodes did not answer within " + timeout.toSeconds() + " s; their " + what
        + " are missing: " + silent;
    return new Gathered(rows, total, warning, warnings);
  }
}
