package dev.jray.runtime;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.TaskId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.task.TaskKind;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the code on a thread is running for: the driver, or one task or actor call. Ids of objects
 * it puts derive from its task id. Set by the worker pool around each task; the driver's is the
 * default.
 *
 * @param kind NORMAL for the driver and normal tasks (which lend their CPU while blocked)
 * @param restarted whether the current actor was restarted
 * @param runtimeEnv the runtime env the task or actor was given, serialized; null if none
 * @param gpuIds the ids of the GPUs the task or actor holds ({@link GpuIds})
 * @param gpuAmount how many GPUs it asked for: below 1, the share of its one GPU id
 */
record TaskContext(JobId jobId, TaskId taskId, ActorId actorId, String namespace,
    ClassLoader loader, TaskKind kind, boolean isDriver, boolean restarted, String runtimeEnv,
    List<Long> gpuIds, double gpuAmount, AtomicInteger putIndex) {

  static TaskContext of(JobId jobId, TaskId taskId, ActorId actorId, String namespace,
      ClassLoader loader, TaskKind kind, boolean isDriver, boolean restarted, String runtimeEnv,
      List<Long> gpuIds, double gpuAmount) {
    // index 1 is the task's return value, puts follow it
    return new TaskContext(jobId, taskId, actorId, namespace, loader, kind, isDriver, restarted,
        runtimeEnv, gpuIds, gpuAmount, new AtomicInteger(1));
  }

  ObjectId nextPutId() {
    return IdFactory.objectId(taskId, putIndex.incrementAndGet());
  }

  /** The context of the calling thread, or null on a thread that runs no task. */
  static TaskContext current() {
    return WorkerThreadContext.current().task;
  }

  /**
   * Makes this the calling thread's context, and the job's class loader its context class loader
   * (serializers resolve and cache classes by it); log lines name its ids ({@link
   * TaskLogContext}).
   *
   * @param thread the calling thread's context
   * @return the thread's context class loader before, for {@link #restore}
   */
  ClassLoader enter(WorkerThreadContext thread) {
    thread.task = this;
    TaskLogContext.enter(this);
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    t.setContextClassLoader(loader);
    return before;
  }

  /** Gives the thread back the context ({@code null}: none) and class loader it had before. */
  static void restore(WorkerThreadContext thread, TaskContext outer, ClassLoader outerLoader) {
    thread.task = outer;
    TaskLogContext.restore(outer);
    Thread.currentThread().setContextClassLoader(outerLoader);
  }
}
