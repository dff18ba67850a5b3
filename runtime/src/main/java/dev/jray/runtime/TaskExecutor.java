package dev.jray.runtime;

import dev.jray.api.exception.RayException;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.serialization.SerializationException;
import dev.jray.gcs.time.Time;
import dev.jray.resources.BundleResources;
import dev.jray.scheduler.ResourceScheduler;
import dev.jray.task.ObjectValue;
import dev.jray.task.TaskArg;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import io.vertx.core.Context;
import dev.jray.resources.ResourceSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's worker pool, as Ray's task receiver and executor: starts a task whose resources the
 * scheduler reserved on a pool thread (or lazily, or on the thread of a caller about to block on
 * it, through {@link TaskStarts}), runs it in its job's context and delivers its outcome to its
 * owner (directly when local, else over the link), then takes the next runnable task from the
 * scheduler, as Ray reuses a worker lease. Actor creations go to {@link HostedActors}; actor
 * calls are run by their {@link ActorInstance} through {@link #invoke} and {@link #deliver}.
 *
 * <p>Threading: thread-safe, never blocks except to run a task on the caller's thread. Tasks run
 * on pool threads or on callers in {@code get}; the scheduler is set once by {@link #start}
 * (volatile). The running placement-group tasks are in a concurrent map; each {@link GroupTask}'s
 * lock orders its end against its group's removal.
 */
final class TaskExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(TaskExecutor.class);

  /** The outcome of running one function: a value, or the exception it threw. */
  record Outcome(Object value, Throwable thrown) {}

  /** A running task of a placement group; its lock orders its end against its group's removal. */
  private static final class GroupTask {
    final TaskSpec spec;
    final Thread thread;
    /** Guarded by this. */
    boolean ended;

    GroupTask(TaskSpec spec, Thread thread) {
      this.spec = spec;
      this.thread = thread;
    }
  }

  private final UniqueId nodeId;
  private final Owners owners;
  private final ExecutorService pool;
  private final FunctionResolver functions;
  private final JobRegistry jobs;
  private final ValueCodec codec;
  private final ObjectCopies copies;
  private final TaskManager taskManager;
  private final Consumer<TaskSpec> createActor;
  private final TaskStarts starts;
  private final RecentArgValues recentArgs = new RecentArgValues();
  /** Tasks of placement groups running here, so that removing a group can end them; concurrent. */
  private final ConcurrentHashMap<TaskId, GroupTask> groupTasks = new ConcurrentHashMap<>();
  /** Reserves resources and hands out the next runnable task; set once by start. */
  private volatile ResourceScheduler scheduler;
  /** Set once, on first use (see {@link #gpuIds()}). */
  private volatile GpuIds gpuIds;
  /** Whether it said once that it runs work on threads that asked for a process. */
  private volatile boolean warnedNoProcesses;
  /** Runs work in worker processes; null (the default, and embedded nodes): threads only. */
  private volatile WorkerProcessWork processWork;

  /**
   * @param pool runs tasks and actor calls (threads are created as needed; resources bound how
   *     many tasks run at once)
   * @param createActor hosts the actor of an actor-creation task whose resources are reserved;
   *     never blocks
   */
  TaskExecutor(UniqueId nodeId, Owners owners, ExecutorService pool, FunctionResolver functions,
      JobRegistry jobs, ValueCodec codec, ObjectCopies copies, TaskManager taskManager,
      Consumer<TaskSpec> createActor, Time time) {
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.owners = Objects.requireNonNull(owners, "owners");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.functions = Objects.requireNonNull(functions, "functions");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.copies = Objects.requireNonNull(copies, "copies");
    this.taskManager = Objects.requireNonNull(taskManager, "taskManager");
    this.createActor = Objects.requireNonNull(createActor, "createActor");
    this.starts = new TaskStarts(pool, this::runFrom, time);
  }

  void start(ResourceScheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /** Stops the lazy starter; tasks waiting for it go to the pool. */
  void stop() {
    starts.close();
  }

  ResourceScheduler scheduler() {
    return scheduler;
  }

  /** From now on, work that wants a worker process goes to one. Set once, at the node's start. */
  void useWorkerProcesses(WorkerProcessWork work) {
    this.processWork = Objects.requireNonNull(work, "work");
  }

  /** Runs {@code spec} in a worker process if it wants one; false: it runs on a thread. */
  private boolean inProcess(TaskSpec spec) {
    WorkerProcessWork w = processWork;
    if (w == null) {
      if (spec.runtimeEnv() != null && !warnedNoProcesses
          && !ProcessEnv.of(spec.runtimeEnv()).isDefault()) {
        warnedNoProcesses = true;
        LOG.warn("{} asks for a JVM of its own (runtime env {}), but this node runs no worker"
            + " processes (an embedded one): it runs on a thread here, without its JVM options,"
            + " jars or environment variables", spec, spec.runtimeEnv());
      }
      return false;
    }
    return w.tryRun(spec);
  }

  private boolean wantsProcess(TaskSpec spec) {
    WorkerProcessWork w = processWork;
    return w != null && w.wants(spec);
  }

  /** The node's GPUs and who holds them; made on first use, from the node's GPU resource. */
  GpuIds gpuIds() {
    GpuIds g = gpuIds;
    if (g == null) {
      synchronized (this) {
        g = gpuIds;
        if (g == null) {
          g = new GpuIds((int) scheduler.total().get(ResourceSet.GPU));
          gpuIds = g;
        }
      }
    }
    return g;
  }

  /** Runs {@code work} on the pool. */
  void execute(Runnable work) {
    pool.execute(work);
  }

  /**
   * Starts a task whose resources are reserved on a worker thread, which then keeps taking the
   * next runnable task from the scheduler.
   */
  void dispatch(TaskSpec spec) {
    if (inProcess(spec)) {
      return;
    }
    if (isOwnNormal(spec)) {
      starts.startNow(spec); // its owner may block on it before a pool thread wakes up
    } else if (spec.kind() == TaskKind.ACTOR_CREATION) {
      createActor.accept(spec);
    } else {
      pool.execute(() -> runFrom(spec));
    }
  }

  /** Starts lazily an own task the calling thread just submitted: it may soon run it itself. */
  void startSoon(TaskSpec spec) {
    if (inProcess(spec)) {
      return;
    }
    starts.startSoon(spec);
  }

  private boolean isOwnNormal(TaskSpec spec) {
    return spec.kind() == TaskKind.NORMAL && owners.isSelf(spec.ownerAddress());
  }

  private void runFrom(TaskSpec first) {
    TaskSpec spec = first;
    try {
      while (spec != null) {
        if (inProcess(spec)) {
          return; // its process gives its resources back when it ends
        }
        if (spec.kind() == TaskKind.ACTOR_CREATION) {
          createActor.accept(spec); // its resources stay reserved while the actor lives
          return;
        }
        runReleasing(spec);
        spec = scheduler.releaseAndNext(spec.taskId());
      }
    } finally {
      flushSends(); // the results this thread sent, before it idles
    }
  }

  /**
   * Runs on this thread an own task whose resources are reserved but that no worker thread has
   * started, as a caller about to block on its result: no thread wake-up on either side. While
   * {@code awaited} is not done, it goes on with the next own task the scheduler reserves, as a
   * pool thread would. Never on an event loop.
   */
  void runIfUnstarted(ObjectId returnId, CompletableFuture<?> awaited) {
    if (Context.isOnEventLoopThread()) {
      return;
    }
    TaskSpec spec = starts.claim(returnId);
    while (spec != null) {
      runReleasing(spec);
      TaskSpec next = scheduler.releaseAndNext(spec.taskId());
      spec = null;
      if (next != null) {
        if (!awaited.isDone() && isOwnNormal(next) && !wantsProcess(next)) {
          spec = next;
        } else {
          dispatch(next);
        }
      }
    }
  }

  /** The calling thread is about to block: what it submitted or sent leaves now. */
  void flushCurrentThread() {
    starts.flushCurrentThread(); // a task this thread submitted must not wait for it
    flushSends(); // nor a call or task it sent to another node
  }

  /** Writes what this thread sent to other nodes and left waiting; before it blocks or idles. */
  void flushSends() {
    owners.links().flushCurrentThread();
  }

  /** A normal task blocks in get or wait (lends its CPU back), or stops blocking. */
  void blocked(TaskId taskId, boolean blocked) {
    scheduler.blocked(taskId, blocked);
  }

  /**
   * Runs a normal task; whatever goes wrong fails that task only, so its thread goes on to
   * release its resources and take the next task.
   */
  private void runReleasing(TaskSpec spec) {
    try {
      runNormal(spec);
    } catch (RuntimeException e) {
      failUndelivered(spec, e);
    }
  }

  /** Runs a normal task whose resources are reserved on this thread and delivers its result. */
  private void runNormal(TaskSpec spec) {
    double gpuDemand = GpuIds.demand(spec.resources());
    if (gpuDemand <= 0) {
      runNormalWith(spec, List.of(), null);
      return;
    }
    List<Long> gpus = gpuIds().acquire(gpuDemand);
    try {
      runNormalWith(spec, gpus, null);
    } finally {
      gpuIds().release(gpus, gpuDemand);
    }
  }

  /**
   * Runs a normal task holding {@code gpus} (in a worker process: those its node assigned).
   *
   * @param beforeDelivery run once the task ran, before its result leaves; null for none
   */
  void runNormalWith(TaskSpec spec, List<Long> gpus, Runnable beforeDelivery) {
    ClassLoader loader;
    try {
      loader = jobs.loaderOf(spec.jobId());
    } catch (JobRegistry.UnknownJobException e) {
      deliver(spec, new Outcome(null, e));
      return;
    }
    runNormal(spec, loader, gpus, beforeDelivery);
  }

  private void runNormal(TaskSpec spec, ClassLoader loader, List<Long> gpus,
      Runnable beforeDelivery) {
    TaskContext ctx = TaskContext.of(spec.jobId(), spec.taskId(), ActorId.NIL,
        jobs.namespaceOf(spec.jobId()), loader, TaskKind.NORMAL, false, false, spec.runtimeEnv(),
        gpus, gpus.isEmpty() ? 0 : GpuIds.demand(spec.resources())); // most tasks hold no GPU
    if (spec.hops() == 0) {
      taskManager.locate(spec, nodeId); // (a forwarded task's owner heard where it went from the forwarder)
    }
    GroupTask groupTask = null;
    if (BundleResources.inAnyGroup(spec.resources())) {
      groupTask = new GroupTask(spec, Thread.currentThread());
      groupTasks.put(spec.taskId(), groupTask);
    }
    Outcome outcome = invoke(spec, ctx, null);
    if (groupTask != null) {
      boolean failedByRemoval;
      synchronized (groupTask) {
        groupTask.ended = true;
        failedByRemoval = groupTasks.remove(spec.taskId()) == null;
      }
      Thread.interrupted(); // an interrupt aimed at this task must not hit what the thread does next
      if (failedByRemoval) {
        return;
      }
    }
    if (beforeDelivery != null) {
      beforeDelivery.run();
    }
    deliver(spec, outcome);
  }

  /**
   * Runs the spec's function on this thread in {@code ctx}, then restores the thread's own
   * context (a caller may run a task inline); user exceptions are returned.
   *
   * @param target the actor instance of an actor call, else null
   */
  Outcome invoke(TaskSpec spec, TaskContext ctx, Object target) {
    WorkerThreadContext thread = WorkerThreadContext.current();
    TaskContext outer = thread.task;
    ClassLoader outerLoader = ctx.enter(thread);
    TaskEvents events = taskManager.events();
    events.running(thread, spec);
    Outcome outcome;
    try {
      FunctionResolver.Invocable f = functions.resolve(spec.function(), ctx.loader());
      Object[] args = new Object[spec.args().size()];
      for (int i = 0; i < args.length; i++) {
        TaskArg a = spec.args().get(i);
        args[i] = decodeArg(a, ctx.loader());
      }
      outcome = new Outcome(f.invoke(target, args), null);
    } catch (Throwable t) {
      outcome = new Outcome(null, t);
    } finally {
      TaskContext.restore(thread, outer, outerLoader);
    }
    events.ended(thread, spec, outcome.thrown());
    return outcome;
  }

  /** An argument's value; an ObjectRef's small immutable value is decoded once for many calls. */
  private Object decodeArg(TaskArg a, ClassLoader loader) {
    byte[] shared = a.objectId() != null && a.value().isInline() ? a.value().data() : null;
    Object value = shared == null ? null : recentArgs.get(shared);
    if (value == null) {
      value = codec.decodeValue(a.objectId(), a.owner(), a.value(), loader);
      if (shared != null) {
        recentArgs.remember(shared, value);
      }
    }
    return value;
  }

  /**
   * Sends the outcome of a task or actor call to its owner. Never throws: a result that cannot be
   * serialized or stored (the store full, a spill failing) reaches the owner as the call's error,
   * so the caller, the worker thread and the actor all go on.
   */
  void deliver(TaskSpec spec, Outcome outcome) {
    try {
      if (outcome.thrown() != null) {
        Throwable t = outcome.thrown();
        deliverError(spec, new RayTaskException(describe(spec) + " failed on node " + nodeId
            + ": " + t, t));
      } else {
        deliverValue(spec, outcome.value());
      }
    } catch (RuntimeException e) {
      failUndelivered(spec, e);
    }
  }

  private void deliverValue(TaskSpec spec, Object value) {
    ObjectValue stored;
    List<RefId> contained = List.of();
    try {
      // a large byte-array result goes into the store without a serialized copy
      stored = codec.storeLargeArray(spec.returnId(), value);
      if (stored == null) {
        ValueCodec.Encoded e = codec.encode(value, spec.ownerAddress()); // the owner keeps it
        contained = e.contained();
        stored = codec.storeValue(spec.returnId(), e.bytes());
      }
    } catch (SerializationException ex) {
      deliverError(spec, new RayTaskException("the return value of " + spec.function()
          + " cannot be serialized: " + ex.getMessage(), ex));
      return;
    } catch (RuntimeException ex) {
      codec.release(contained, spec.ownerAddress()); // the value that held them is not kept
      deliverError(spec, new RayTaskException("the result of " + describe(spec) + " could not be"
          + " stored on node " + nodeId + ": " + ex.getMessage(), ex));
      return;
    }
    deliver(spec, stored, contained);
  }

  private static String describe(TaskSpec spec) {
    String what = spec.kind() == TaskKind.ACTOR_TASK ? "actor method " : "task ";
    return what + spec.function().className() + "." + spec.function().methodName();
  }

  /** Delivering a call's outcome failed unexpectedly: its caller gets that as the error. */
  private void failUndelivered(TaskSpec spec, RuntimeException e) {
    LOG.warn("delivering the outcome of " + spec + " failed", e);
    try {
      deliverError(spec, new RayTaskException("the outcome of " + describe(spec) + " could not be"
          + " delivered from node " + nodeId + ": " + e, e));
    } catch (RuntimeException again) {
      LOG.warn("failing " + spec + " failed too; its caller is not told", again);
    }
  }

  /** Sends a result to the owner of the spec's return object. */
  void deliver(TaskSpec spec, ObjectValue value, List<RefId> contained) {
    if (owners.isSelf(spec.ownerAddress()) && spec.kind() == TaskKind.ACTOR_TASK) {
      taskManager.onLocalActorCallResult(spec.returnId(), value, contained);
    } else if (owners.isSelf(spec.ownerAddress())) {
      taskManager.onTaskResult(spec.returnId(), value, contained);
    } else {
      if (!value.isInline()) {
        // before the result leaves: the owner's FreeObject may come right after it
        copies.keepCopyOf(spec.returnId(), spec.ownerAddress());
      }
      owners.send(spec.ownerAddress(), new TaskResult(spec.returnId(), value, contained));
    }
  }

  void deliverError(TaskSpec spec, RayException error) {
    deliver(spec, codec.errorValue(error), List.of());
  }

  /** Whether a task of the group runs here. */
  boolean runsAnyOf(PlacementGroupId group) {
    return groupTasks.values().stream().anyMatch(t -> BundleResources.belongsTo(t.spec.resources(), group));
  }

  /** Fails at once the group's tasks running here (their threads are interrupted). */
  void endGroupTasks(PlacementGroupId group, String why) {
    for (GroupTask t : groupTasks.values()) {
      if (!BundleResources.belongsTo(t.spec.resources(), group)) {
        continue;
      }
      synchronized (t) {
        if (t.ended || groupTasks.remove(t.spec.taskId()) == null) {
          continue;
        }
        t.thread.interrupt();
      }
      deliverError(t.spec, new RayTaskException("task " + t.spec + " was ended: " + why, null));
    }
  }
}
