package dev.jray.runtime;

import dev.jray.api.id.UniqueId;
import dev.jray.scheduler.TaskSpec;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import java.util.Objects;

/**
 * A node's worker pool: receives the tasks its scheduler dispatched (resources already reserved)
 * and runs them on the worker's threads, in-process. The event loop only hands work over.
 */
public final class WorkerPoolVerticle extends AbstractVerticle {
  private final CoreWorker worker;

  public WorkerPoolVerticle(CoreWorker worker) {
    this.worker = Objects.requireNonNull(worker, "worker");
  }

  public static String address(UniqueId nodeId) {
    return "jray.node." + nodeId + ".workers";
  }

  @Override
  public void start(Promise<Void> started) {
    vertx.eventBus().<TaskSpec>consumer(address(worker.nodeId()),
            msg -> worker.executor.execute(() -> worker.execute(msg.body())))
        .completion().onComplete(started);
  }
}
