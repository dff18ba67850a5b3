package dev.jray.runtime;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Both sides of running work in worker processes. On a node: work whose resources are reserved
 * and that its {@link WorkerProcesses} wants goes to a process, holding its resources and GPUs
 * until the task ends there or the actor's process exits; a process that dies first fails the
 * task to its owner (which retries it, as after a node's death) or the actor's creation. In a
 * worker process: runs what its node hands it ({@link RunInWorker}) and says when it ended.
 *
 * <p>Threading: thread-safe; never blocks (the work runs on the worker's pool).
 */
final class WorkerProcessWork {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerProcessWork.class);

  private final TaskExecutor tasks;
  private final TaskManager taskManager;
  private final HostedActors hosted;
  private final Owners owners;
  private final WorkerProcesses processes;
  /** Told that the process running a task this JVM owns or not died: retry it or fail it. */
  private final BiConsumer<TaskSpec, String> workerDied;
  /** Whether this JVM keeps objects that would be lost with it (a worker process's). */
  private final BooleanSupplier holdsObjects;

  WorkerProcessWork(TaskExecutor tasks, TaskManager taskManager, HostedActors hosted,
      Owners owners, WorkerProcesses processes, BiConsumer<TaskSpec, String> workerDied,
      BooleanSupplier holdsObjects) {
    this.tasks = Objects.requireNonNull(tasks, "tasks");
    this.taskManager = Objects.requireNonNull(taskManager, "taskManager");
    this.hosted = Objects.requireNonNull(hosted, "hosted");
    this.owners = Objects.requireNonNull(owners, "owners");
    this.processes = Objects.requireNonNull(processes, "processes");
    this.workerDied = Objects.requireNonNull(workerDied, "workerDied");
    this.holdsObjects = Objects.requireNonNull(holdsObjects, "holdsObjects");
  }

  /** Whether {@code spec} runs in a worker process here. */
  boolean wants(TaskSpec spec) {
    return spec.kind() != TaskKind.ACTOR_TASK && processes.wants(spec);
  }

  /**
   * On a node: runs {@code spec}, whose resources are reserved, in a worker process if it wants
   * one. @return false if it runs on a thread instead
   */
  boolean tryRun(TaskSpec spec) {
    if (!wants(spec)) {
      return false;
    }
    if (spec.kind() == TaskKind.ACTOR_CREATION) {
      // its record as handed over, read off the caller's thread (it may be an event loop)
      tasks.execute(() -> hand(spec, hosted.record(spec.actor().actorId())));
    } else {
      hand(spec, null);
    }
    return true;
  }

  /** @param creating an actor creation's record when handed to a process, else null */
  private void hand(TaskSpec spec, ActorRecord creating) {
    double gpuDemand = GpuIds.demand(spec.resources());
    List<Long> gpus = gpuDemand > 0 ? tasks.gpuIds().acquire(gpuDemand) : List.of();
    if (spec.kind() == TaskKind.NORMAL && spec.hops() == 0) {
      taskManager.locate(spec, owners.nodeId()); // the owner retries it if this node dies
    }
    processes.run(spec.forwarded(), gpus).whenComplete((diedBecause, e) -> {
      tasks.gpuIds().release(gpus, gpuDemand);
      String why = e != null ? String.valueOf(e) : diedBecause;
      if (why != null) {
        if (spec.kind() == TaskKind.ACTOR_CREATION) {
          hosted.processDiedCreating(spec, creating,
              "its worker process died before it was created: " + why);
          return; // (which gave its resources back)
        }
        workerDied.accept(spec, why);
      }
      tasks.scheduler().release(spec.taskId());
    });
  }

  /** In a worker process: runs what its node handed it, then tells the node. */
  void runForParent(UniqueId parent, RunInWorker run) {
    TaskSpec spec = run.spec();
    if (spec.kind() == TaskKind.ACTOR_CREATION) {
      hosted.createFor(spec, run.gpuIds(), () -> tellParent(parent, spec));
      return;
    }
    LOG.debug("node {} hands this process {}", parent, spec);
    tasks.execute(() -> {
      boolean[] told = new boolean[1];
      Runnable tell = () -> {
        if (!told[0]) {
          told[0] = true;
          tellParent(parent, spec);
        }
      };
      try {
        tasks.runNormalWith(spec, run.gpuIds(), tell);
      } catch (RuntimeException e) {
        LOG.warn("running " + spec + " for node " + parent + " failed", e);
      } finally {
        tell.run();
        tasks.flushSends();
        LOG.debug("ran {}", spec);
      }
    });
  }

  /** Whether this process may end: it owns no objects and keeps no values in its store. */
  boolean mayRetire() {
    return !holdsObjects.getAsBoolean();
  }

  private void tellParent(UniqueId parent, TaskSpec spec) {
    owners.links().send(parent, new WorkerTaskDone(spec.taskId()));
    owners.links().flushCurrentThread(); // before the result leaves
  }
}
