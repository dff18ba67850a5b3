package dev.jray.node;

import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeLoad;
import dev.jray.gcs.time.Time;
import dev.jray.runtime.TaskEvents;
import dev.jray.scheduler.SchedulerMessages;
import dev.jray.store.ObjectStore;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a node's load in the GCS every second ({@link NodeLoad}: resources, the demands its
 * scheduler waits on, its store, the machine), which {@code jray status}, the dashboard and a
 * driver's first view read. Nodes that run tasks and drivers record one; worker processes hold
 * no resources and place nothing.
 *
 * <p>Threading: the timer runs on the event loop and hands the GCS write to a worker thread.
 */
final class NodeLoadRecorder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLoadRecorder.class);

  private final Vertx vertx;
  private final NodeVerticle node;
  private final Gcs gcs;
  private final Time time;
  private final long timer;

  private NodeLoadRecorder(Vertx vertx, NodeVerticle node, Gcs gcs, Time time) {
    this.vertx = vertx;
    this.node = node;
    this.gcs = gcs;
    this.time = time;
    this.timer = vertx.setPeriodic(1_000, t -> record());
  }

  /** Starts recording {@code node}'s load if its role records one; else null. */
  static NodeLoadRecorder startFor(Vertx vertx, NodeVerticle node, Gcs gcs, Time time) {
    NodeOptions options = node.options();
    return options.runsTasks() || NodeOptions.DRIVER.equals(options.role())
        ? new NodeLoadRecorder(vertx, node, gcs, time) : null;
  }

  private void record() {
    SchedulerMessages.ResourceReport r = node.scheduler().report();
    ObjectStore.Stats store = node.store().stats();
    TaskEvents.Counts tasks = node.worker().taskEvents().counts();
    byte[] load = new NodeLoad(r.nodeId(), r.total(), r.available(),
        r.demands(), store.usedBytes(), store.capacity(), store.objectCount(),
        time.milliseconds(), MachineLoad.cpuUtilization(), MachineLoad.memoryUsedBytes(),
        MachineLoad.memoryTotalBytes(), tasks.finished(), tasks.failed()).toBytes();
    vertx.executeBlocking(() -> {
      gcs.kv().put(NodeLoad.KEY_PREFIX + node.options().nodeId().toHex(), load);
      return null;
    }).onFailure(e -> LOG.debug("recording this node's load", e));
  }

  /** Stops recording and removes the last load. Blocks on the GCS. */
  @Override
  public void close() {
    vertx.cancelTimer(timer);
    gcs.kv().remove(NodeLoad.KEY_PREFIX + node.options().nodeId().toHex());
  }
}
