package dev.jray.runtime;

import dev.jray.api.ObjectRef;
import dev.jray.api.exception.RayWorkerException;
import dev.jray.api.function.RayFunc;
import dev.jray.api.id.JobId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.options.CallOptions;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.resources.ResourceSet;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits this worker's normal tasks, as Ray's normal task submitter: describes the function,
 * prepares the arguments, and once they are resolved asks the local scheduler for the task's
 * resources; a task that fits at once starts lazily on the worker pool (the caller may soon run
 * it itself), one that waited for its arguments or resources is dispatched. A task lost with its
 * node is submitted again while it has retries left, else fails.
 *
 * <p>Threading: thread-safe, never blocks (a submission whose arguments are pending continues
 * on the thread that resolves the last one). Keeps no state of its own: pending tasks are the
 * {@link TaskManager}'s.
 */
final class NormalTaskSubmitter {
  private static final Logger LOG = LoggerFactory.getLogger(NormalTaskSubmitter.class);
  /** What a task asks for when its options name no resources. */
  private static final ResourceSet ONE_CPU = ResourceSet.of(ResourceSet.CPU, 1);

  private final Owners owners;
  private final JobRegistry jobs;
  private final FunctionResolver functions;
  private final ReferenceCounter refs;
  private final ValueCodec codec;
  private final ObjectReader reader;
  private final TaskManager taskManager;
  private final TaskExecutor tasks;

  NormalTaskSubmitter(Owners owners, JobRegistry jobs, FunctionResolver functions,
      ReferenceCounter refs, ValueCodec codec, ObjectReader reader, TaskManager taskManager,
      TaskExecutor tasks) {
    this.owners = Objects.requireNonNull(owners, "owners");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.functions = Objects.requireNonNull(functions, "functions");
    this.refs = Objects.requireNonNull(refs, "refs");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.reader = Objects.requireNonNull(reader, "reader");
    this.taskManager = Objects.requireNonNull(taskManager, "taskManager");
    this.tasks = Objects.requireNonNull(tasks, "tasks");
  }

  ObjectRef<?> submitTask(RayFunc func, Object[] args, CallOptions options) {
    TaskContext ctx = jobs.context();
    FunctionDescriptor fd = functions.describe(func);
    ResourceSet resources = options.resources.isEmpty() ? ONE_CPU : ResourceSet.of(options.resources);
    if (!options.resources.containsKey(ResourceSet.CPU) && resources != ONE_CPU) {
      resources = resources.plus(ONE_CPU);
    }
    if (options.group != null) {
      resources = PlacementGroupClient.demand(options.group, options.bundleIndex, resources);
    }
    TaskId taskId = IdFactory.newTaskId(ctx.jobId());
    ObjectId returnId = IdFactory.objectId(taskId, 1);
    PreparedArgs prepared = PreparedArgs.prepare(args, reader, refs, codec, false);
    ObjectRefImpl<?> ref = refs.expectResult(returnId, prepared, null);
    ResourceSet shape = resources;
    if (prepared.resolved().isDone()) {
      sendTask(taskId, ctx, fd, prepared, shape, returnId, options, true);
    } else {
      prepared.resolved().thenRun(
          () -> sendTask(taskId, ctx, fd, prepared, shape, returnId, options, false));
    }
    return ref;
  }

  /**
   * Submits a normal task whose arguments are resolved.
   *
   * @param ctx the submitter's: the task's job, and the runtime env it inherits
   * @param bySubmitter whether the thread that submitted it sends it, so it may soon get the
   *     result and run the task itself (it starts lazily then)
   */
  private void sendTask(TaskId taskId, TaskContext ctx, FunctionDescriptor fd,
      PreparedArgs prepared, ResourceSet shape, ObjectId returnId, CallOptions options,
      boolean bySubmitter) {
    JobId job = ctx.jobId();
    TaskSpec spec;
    try {
      spec = new TaskSpec(taskId, job, TaskKind.NORMAL, options.name, fd, prepared.toTaskArgs(),
          shape, owners.self(), returnId, options.maxRetries, 0, null, null, 0, null,
          jobs.envJars().uploaded(RuntimeEnvImpl.inherit(ctx.runtimeEnv(),
              RuntimeEnvImpl.serialized(options.runtimeEnv)), job));
    } catch (PreparedArgs.DependencyFailedException e) {
      taskManager.failDependency(returnId, job, fd, e);
      return;
    }
    taskManager.addPending(spec);
    TaskSpec now = tasks.scheduler().submit(spec);
    if (now == null) {
      return;
    }
    if (bySubmitter) {
      tasks.startSoon(now);
    } else {
      tasks.dispatch(now);
    }
  }

  /** Asks the scheduler for a task's resources; dispatches it if they are free now. */
  void submitToScheduler(TaskSpec spec) {
    TaskSpec now = tasks.scheduler().submit(spec);
    if (now != null) {
      tasks.dispatch(now);
    }
  }

  /** A node died: this worker's tasks that ran there are retried elsewhere, or fail. */
  void onNodeDied(UniqueId node) {
    retryOrFail(taskManager.takeTasksOnDeadNode(node), "node " + node + " died while running it");
  }

  /**
   * The link to a node that still lives broke: this worker's tasks that were there then (up to
   * location {@code upTo}) may have been lost on the way there or back, and are retried, or fail.
   */
  void onLinkLost(UniqueId node, long upTo) {
    retryOrFail(taskManager.takeTasksOn(node, upTo), "the link to node " + node
        + " broke while it ran there");
  }

  /** The worker process that ran a task this worker owns died: it is retried, or fails. */
  void onWorkerDied(ObjectId returnId, String why) {
    TaskSpec spec = taskManager.takePending(returnId);
    if (spec != null) {
      retryOrFail(List.of(spec), "the worker process running it died (" + why + ")");
    }
  }

  private void retryOrFail(List<TaskSpec> lost, String why) {
    for (TaskSpec spec : lost) {
      if (spec.maxRetries() < 0 || spec.attempt() < spec.maxRetries()) {
        LOG.info("retrying task " + spec + " (attempt " + (spec.attempt() + 1) + "): " + why);
        TaskSpec retry = spec.retried();
        taskManager.addPending(retry); // so that a retry lost again counts this attempt
        submitToScheduler(retry);
      } else {
        taskManager.failCall(spec.returnId(), new RayWorkerException("task " + spec + " failed: "
            + why + ", and its " + spec.maxRetries() + " retries are used up"));
      }
    }
  }
}
