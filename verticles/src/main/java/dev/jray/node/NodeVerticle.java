package dev.jray.node;

import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.bus.ForyMessageCodec;
import dev.jray.gcs.serialization.Serializers;
import dev.jray.runtime.CoreWorker;
import dev.jray.scheduler.ResourceScheduler;
import dev.jray.scheduler.ResourceSet;
import dev.jray.scheduler.SchedulerVerticle;
import dev.jray.store.ObjectStore;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One jray node, deployable into any Vert.x instance (clustered for a real cluster): its object
 * store, its scheduler (as a child verticle on the event bus), and its worker, which runs tasks
 * and actors on its own threads and owns the objects created here. Registers itself in the GCS.
 */
public final class NodeVerticle extends AbstractVerticle {
  private final NodeOptions options;
  private final Gcs gcs;
  private ExecutorService executor;
  private ObjectStore store;
  private CoreWorker worker;

  public NodeVerticle(NodeOptions options, Gcs gcs) {
    this.options = Objects.requireNonNull(options, "options");
    this.gcs = Objects.requireNonNull(gcs, "gcs");
  }

  @Override
  public void start(Promise<Void> started) {
    ForyMessageCodec.registerCodecs(vertx, CoreWorker.messageTypes().toArray(new Class<?>[0]));
    try {
      store = new ObjectStore(options.objectStoreBytes(), Files.createTempDirectory("jray-spill-"));
    } catch (IOException e) {
      started.fail(new IllegalStateException("cannot create the object store's spill directory", e));
      return;
    }
    AtomicInteger threads = new AtomicInteger();
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "jray-worker-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    worker = new CoreWorker(vertx, options.nodeId(), gcs, Serializers.fromSystemProperties(),
        store, executor);
    ResourceScheduler scheduler = new ResourceScheduler(options.nodeId(),
        ResourceSet.of(options.resources()), worker::dispatch);
    worker.start(scheduler, (id, from) -> CompletableFuture.failedFuture(
        new IllegalStateException("node " + from + " is not reachable: this node runs alone")));
    NodeRecord record = new NodeRecord(options.nodeId(), options.host(), hostname(), true,
        options.resources(), System.currentTimeMillis());
    vertx.deployVerticle(new SchedulerVerticle(scheduler))
        .compose(id -> vertx.executeBlocking(() -> {
          gcs.nodes().put(options.nodeId(), record); // the GCS may block: not on the event loop
          return null;
        }))
        .<Void>mapEmpty()
        .onComplete(started);
  }

  @Override
  public void stop(Promise<Void> stopped) {
    worker.stop();
    vertx.executeBlocking(() -> {
      gcs.nodes().update(options.nodeId(), NodeRecord::dead);
      executor.shutdownNow();
      store.close();
      return null;
    }).<Void>mapEmpty().onComplete(stopped);
  }

  /** The node's worker: the driver of an embedded cluster runs on it. Set once started. */
  public CoreWorker worker() {
    return worker;
  }

  public NodeOptions options() {
    return options;
  }

  /** Deploys a node and completes with it once it is registered. */
  public static Future<NodeVerticle> deploy(io.vertx.core.Vertx vertx, NodeOptions options, Gcs gcs) {
    NodeVerticle node = new NodeVerticle(options, gcs);
    return vertx.deployVerticle(node).map(id -> node);
  }

  private static String hostname() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
