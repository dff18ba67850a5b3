package dev.jray.runtime;

import dev.jray.api.id.UniqueId;
import dev.jray.task.TaskSpec;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A core worker's part in worker processes: on a node, the {@link WorkerProcesses} it hands work
 * to; in a worker process, the node it serves. Routes the messages between the two and reports a
 * dead process's task to its owner.
 *
 * <p>Threading: thread-safe; the fields are set once, at the worker's start (volatile), and read
 * by link reader threads; never blocks.
 */
final class WorkerProcessRole {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerProcessRole.class);

  private final UniqueId nodeId;
  private final TaskExecutor tasks;
  private final TaskManager taskManager;
  private final HostedActors hosted;
  private final Owners owners;
  private final NormalTaskSubmitter normalTasks;
  /** Whether objects live in this JVM that would be lost with it. */
  private final BooleanSupplier holdsObjects;
  /** The node this worker's process belongs to, if it is a worker process; else null. */
  private volatile UniqueId parent;
  /** Where work that wants a JVM of its own runs; NONE until {@link #useProcesses}. */
  private volatile WorkerProcesses processes = WorkerProcesses.NONE;
  /** Either side of worker processes; null until one of the two is taken. */
  private volatile WorkerProcessWork work;

  WorkerProcessRole(UniqueId nodeId, TaskExecutor tasks, TaskManager taskManager,
      HostedActors hosted, Owners owners, NormalTaskSubmitter normalTasks,
      BooleanSupplier holdsObjects) {
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.tasks = Objects.requireNonNull(tasks, "tasks");
    this.taskManager = Objects.requireNonNull(taskManager, "taskManager");
    this.hosted = Objects.requireNonNull(hosted, "hosted");
    this.owners = Objects.requireNonNull(owners, "owners");
    this.normalTasks = Objects.requireNonNull(normalTasks, "normalTasks");
    this.holdsObjects = Objects.requireNonNull(holdsObjects, "holdsObjects");
  }

  /** On a node: work that wants a process goes to {@code p} from now on. Once. */
  void useProcesses(WorkerProcesses p) {
    processes = Objects.requireNonNull(p, "processes");
    WorkerProcessWork w = newWork(p);
    work = w;
    tasks.useWorkerProcesses(w);
  }

  /** In a worker process: serves {@code node}, exits once its actor is gone, says it is ready. */
  void serve(UniqueId node, Runnable exit) {
    parent = node;
    work = newWork(WorkerProcesses.NONE);
    hosted.whenLastActorGone(exit);
    owners.links().send(node, new WorkerReady(ProcessHandle.current().pid()));
    owners.links().flushCurrentThread();
  }

  private WorkerProcessWork newWork(WorkerProcesses p) {
    return new WorkerProcessWork(tasks, taskManager, hosted, owners, p, this::onWorkerDied,
        holdsObjects);
  }

  /** The node the running code is on: in a worker process its node's, else this worker's. */
  UniqueId hostNodeId() {
    UniqueId node = parent;
    return node != null ? node : nodeId;
  }

  /** In a worker process: whether it may end now (it holds no objects). */
  boolean mayRetire() {
    WorkerProcessWork w = work;
    return w != null && w.mayRetire();
  }

  /** A message between a node and its worker processes, on a link's reader thread. */
  void onMessage(UniqueId from, Object message) {
    if (message instanceof RunInWorker run) {
      WorkerProcessWork w = work;
      if (w == null) {
        LOG.warn("node " + from + " handed " + run.spec() + " to a worker that is no worker process");
        return;
      }
      w.runForParent(from, run);
    } else if (message instanceof WorkerDied died) {
      normalTasks.onWorkerDied(died.returnId(), died.why());
    } else {
      processes.onMessage(from, message);
    }
  }

  /** The worker process that ran {@code spec} died: its owner retries it or fails it. */
  private void onWorkerDied(TaskSpec spec, String why) {
    if (owners.isSelf(spec.ownerAddress())) {
      normalTasks.onWorkerDied(spec.returnId(), why);
    } else {
      owners.send(spec.ownerAddress(), new WorkerDied(spec.returnId(), why));
    }
  }

  /** The node stops: its processes end. */
  void close() {
    processes.close();
  }
}
