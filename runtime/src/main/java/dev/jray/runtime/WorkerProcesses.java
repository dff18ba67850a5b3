package dev.jray.runtime;

import dev.jray.api.id.UniqueId;
import dev.jray.task.TaskSpec;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a node runs work in worker JVMs of its own, as Ray's worker pool: the node reserves the
 * work's resources as for a thread, then hands it here. Implemented by the node's worker-process
 * pool; a node without one ({@link #NONE}) runs everything on threads.
 *
 * <p>Threading: thread-safe; never blocks.
 */
public interface WorkerProcesses {
  /** Whether {@code spec} runs in a worker process on this node (its runtime env asks for one). */
  boolean wants(TaskSpec spec);

  /**
   * Runs {@code spec}, whose resources are reserved here, in a worker process.
   *
   * @param gpuIds the GPUs it holds: the process sees them as {@code CUDA_VISIBLE_DEVICES}
   * @return completes with null when a task ended there (it delivered its own result), or when an
   *     actor's process exits after creating it; with the reason when the process died first
   */
  CompletableFuture<String> run(TaskSpec spec, List<Long> gpuIds);

  /** A worker process sent its node a {@link WorkerReady} or a {@link WorkerTaskDone}. */
  void onMessage(UniqueId from, Object message);

  /** Ends every worker process; the node stops. */
  void close();

  /** No worker processes: everything runs on threads. */
  WorkerProcesses NONE = new WorkerProcesses() {
    @Override
    public boolean wants(TaskSpec spec) {
      return false;
    }

    @Override
    public CompletableFuture<String> run(TaskSpec spec, List<Long> gpuIds) {
      throw new IllegalStateException("this node runs no worker processes");
    }

    @Override
    public void onMessage(UniqueId from, Object message) {}

    @Override
    public void close() {}
  };
}
