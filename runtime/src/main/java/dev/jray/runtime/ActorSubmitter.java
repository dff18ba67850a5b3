package dev.jray.runtime;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.exception.RayActorException;
import dev.jray.api.function.RayFunc;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.options.ActorCreationOptions;
import dev.jray.api.options.ActorLifetime;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.serialization.Serializer;
import dev.jray.resources.ResourceSet;
import dev.jray.task.ActorSpec;
import dev.jray.task.ConcurrencyGroupSpec;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskArg;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything this worker sends to actors, as Ray's actor task submitter: creates actors (the
 * record in the directory, then the creation task to the scheduler), sends calls through one
 * {@link ActorCallQueue} per actor (in order; queued until ALIVE, failed when DEAD, in-flight
 * ones failed when it restarts), straight into the mailbox when this JVM hosts the actor, else
 * over the link to the node its ALIVE record names, and kills actors.
 *
 * <p>Threading: thread-safe. The queues are in a concurrent map; each queue has its own lock.
 * Calls never block; creating, looking up and killing an actor block on the GCS. Actor state
 * changes arrive on the GCS's listener thread.
 */
final class ActorSubmitter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ActorSubmitter.class);

  private final Owners owners;
  private final JobRegistry jobs;
  private final FunctionResolver functions;
  private final ReferenceCounter refs;
  private final ValueCodec codec;
  private final ObjectReader reader;
  private final TaskManager taskManager;
  private final NormalTaskSubmitter normalTasks;
  private final ActorDirectory directory;
  private final HostedActors hosted;
  private final Serializer serializer;
  /** This worker's call queue to each actor it called; concurrent. */
  private final ConcurrentHashMap<ActorId, ActorCallQueue> queues = new ConcurrentHashMap<>();
  private final AutoCloseable actorTableSubscription;

  ActorSubmitter(Owners owners, JobRegistry jobs, FunctionResolver functions, ReferenceCounter refs,
      ValueCodec codec, ObjectReader reader, TaskManager taskManager, NormalTaskSubmitter normalTasks,
      ActorDirectory directory, HostedActors hosted) {
    this.owners = Objects.requireNonNull(owners, "owners");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.functions = Objects.requireNonNull(functions, "functions");
    this.refs = Objects.requireNonNull(refs, "refs");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.reader = Objects.requireNonNull(reader, "reader");
    this.taskManager = Objects.requireNonNull(taskManager, "taskManager");
    this.normalTasks = Objects.requireNonNull(normalTasks, "normalTasks");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.hosted = Objects.requireNonNull(hosted, "hosted");
    this.serializer = codec.serializer();
    this.actorTableSubscription = directory.listen((id, record) -> {
      ActorCallQueue q = queues.get(id);
      if (q != null && record != null) {
        q.onActorState(record);
      }
    });
  }

  @Override
  public void close() {
    try {
      actorTableSubscription.close();
    } catch (Exception e) {
      LOG.debug("closing the actor table subscription", e);
    }
  }

  <A> ActorHandle<A> createActor(RayFunc factory, Object[] args, ActorCreationOptions options) {
    TaskContext ctx = jobs.context();
    FunctionDescriptor fd = functions.describe(factory);
    List<ConcurrencyGroupSpec> groups = ConcurrencyGroupImpl.specs(options.concurrencyGroups);
    // setJvmOptions is the actor's jvm_options, as in Ray: both start its worker process
    String runtimeEnv = jobs.envJars().uploaded(ProcessEnv.withJvmOptions(
        RuntimeEnvImpl.inherit(ctx.runtimeEnv(), RuntimeEnvImpl.serialized(options.runtimeEnv)),
        options.jvmOptions), ctx.jobId());
    ResourceSet resources = options.group == null ? ResourceSet.of(options.resources)
        : PlacementGroupClient.demand(options.group, options.bundleIndex,
            ResourceSet.of(options.resources));
    ActorId actorId = IdFactory.newActorId(ctx.jobId());
    String namespace = options.namespace != null ? options.namespace : ctx.namespace();
    boolean detached = options.lifetime == ActorLifetime.DETACHED;
    directory.register(new ActorRecord(actorId, ctx.jobId(), fd.className(), options.name,
        namespace, detached, options.maxRestarts, options.maxTaskRetries,
        ActorState.PENDING_CREATION, null, 0, null, null));
    PreparedArgs prepared = PreparedArgs.prepare(args, reader, refs, codec, true);
    queueFor(actorId);
    TaskId creationTask = IdFactory.newTaskId(actorId);
    ObjectId creationReturn = IdFactory.objectId(creationTask, 1);
    refs.expectResult(creationReturn, prepared, null);
    ActorSpec actor = new ActorSpec(actorId, options.maxConcurrency, options.maxRestarts,
        options.maxTaskRetries, groups);
    Runnable send = () -> {
      try {
        TaskSpec spec = new TaskSpec(creationTask, ctx.jobId(), TaskKind.ACTOR_CREATION,
            options.name, fd, prepared.toTaskArgs(), resources,
            owners.self(), creationReturn, 0, 0, actor, null, 0, null, runtimeEnv);
        if (options.maxRestarts != 0) {
          directory.keepCreationSpec(actorId, spec);
        }
        taskManager.events().submitted(spec);
        normalTasks.submitToScheduler(spec);
      } catch (PreparedArgs.DependencyFailedException e) {
        taskManager.failDependency(creationReturn, ctx.jobId(), fd, e);
        directory.markDead(actorId, "an argument of its constructor failed: " + e.getCause(), null);
      }
    };
    if (prepared.resolved().isDone()) {
      send.run();
    } else {
      prepared.resolved().thenRun(send);
    }
    return new ActorHandleImpl<>(actorId, options.maxPendingCalls);
  }

  /** A concurrency group of actor methods, described now. */
  ConcurrencyGroupImpl concurrencyGroup(String name, int maxConcurrency, List<RayFunc> methods) {
    return ConcurrencyGroupImpl.of(name, maxConcurrency, methods, functions);
  }

  /**
   * This worker's call queue to an actor. Reads the actor's state from the GCS once, when
   * created; later changes arrive through the actor table's listener, so calls stay off the GCS.
   */
  private ActorCallQueue queueFor(ActorId actorId) {
    ActorCallQueue q = queues.get(actorId);
    if (q != null) {
      return q;
    }
    ActorCallQueue created = new ActorCallQueue(this, taskManager, serializer, actorId);
    q = queues.putIfAbsent(actorId, created);
    if (q != null) {
      return q;
    }
    ActorRecord r = directory.get(actorId);
    // a handle's actor was recorded before the handle existed: no record means a pruned dead one
    created.onActorState(r != null ? r : ActorRecord.forgotten(actorId));
    return created;
  }

  /** @param concurrencyGroup the group the caller picked, or null for its method's */
  ObjectRef<?> callActor(ActorHandle<?> handle, RayFunc func, Object[] args,
      String concurrencyGroup) {
    ActorHandleImpl<?> h = (ActorHandleImpl<?>) handle;
    WorkerThreadContext thread = WorkerThreadContext.current();
    TaskContext ctx = jobs.context(thread);
    FunctionDescriptor fd = functions.describe(func);
    ActorCallQueue queue = queueFor(h.getId());
    TaskId counted = queue.reserveSlot(h.maxPendingCalls(), ctx.taskId());
    TaskId taskId = IdFactory.newTaskId(h.getId());
    ObjectId returnId = IdFactory.objectId(taskId, 1);
    PreparedArgs prepared;
    try {
      prepared = PreparedArgs.prepare(args, reader, refs, codec, true);
    } catch (RuntimeException e) {
      queue.releaseSlot(null, counted);
      throw e;
    }
    ObjectRefImpl<?> ref = refs.expectResult(returnId, prepared,
        () -> queue.releaseSlot(returnId, counted));
    taskManager.events().submittedActorCall(thread, taskId, fd); // its actor and job: in the id
    queue.enqueue(new ActorCallQueue.Call(taskId, ctx.jobId(), fd, concurrencyGroup, prepared,
        returnId, 0));
    return ref;
  }

  /** The actor call's spec once its arguments are resolved. */
  TaskSpec callSpec(ActorCallQueue.Call call, ActorId actorId, List<TaskArg> args) {
    return new TaskSpec(call.taskId(), call.jobId(), TaskKind.ACTOR_TASK, null, call.function(),
        args, ResourceSet.EMPTY, owners.self(), call.returnId(), 0, call.attempt(), null, actorId, 0,
        call.concurrencyGroup(), null);
  }

  /**
   * Sends a call to the actor on {@code node}: straight into its mailbox if this JVM hosts it,
   * else over the link to its node.
   */
  void sendToActor(ActorId actorId, UniqueId node, TaskSpec spec) {
    if (!hosted.tryAccept(spec)) {
      owners.links().send(node, spec);
    }
  }

  /** The calls this worker sent to actors last heard alive on {@code node} and not answered. */
  List<ObjectId> callsInFlightTo(UniqueId node) {
    List<ObjectId> calls = new ArrayList<>();
    for (ActorCallQueue q : queues.values()) {
      calls.addAll(q.inFlightOn(node));
    }
    return calls;
  }

  /**
   * The link to the node of these calls' actors broke and they are still unanswered: they fail,
   * as they may or may not have run (a result that comes later is ignored).
   */
  void failLostCalls(UniqueId node, List<ObjectId> calls) {
    for (ObjectId call : calls) {
      ActorId actor = call.getTaskId().getActorId();
      taskManager.failCall(call, new RayActorException(actor, "the link to node " + node
          + ", where the actor runs, broke while the call was in flight; it may or may not have"
          + " run", null));
    }
  }

  /** Kills an actor whose job's driver is gone (non-detached actors die with their driver). */
  void killActor(ActorId actorId, String cause) {
    directory.markDead(actorId, cause, null);
    sendKill(directory.get(actorId), new KillActor(actorId, true, cause));
  }

  /** {@code ActorHandle.kill()}: ends the actor, or restarts it if it may and noRestart is false. */
  void killActor(ActorId actorId, boolean noRestart) {
    ActorRecord r = directory.get(actorId);
    if (r == null) {
      throw new IllegalArgumentException("no actor " + actorId);
    }
    if (r.state() == ActorState.DEAD) {
      return;
    }
    String cause = "it was killed by ActorHandle.kill()";
    boolean restart = !noRestart && r.canRestart() && r.state() == ActorState.ALIVE;
    if (restart) {
      directory.markRestarting(actorId);
    } else {
      directory.markDead(actorId, cause, null);
    }
    sendKill(r, new KillActor(actorId, !restart, cause));
  }

  /** Sends a kill to the node an actor's record names (nowhere if it has none yet). */
  private void sendKill(ActorRecord record, KillActor kill) {
    if (record == null || record.nodeId() == null) {
      return;
    }
    if (record.nodeId().equals(owners.selfNode())) {
      hosted.acceptKill(kill);
    } else {
      owners.links().send(record.nodeId(), kill);
    }
  }
}
