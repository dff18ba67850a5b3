package dev.jray.runtime;

import dev.jray.api.exception.RayActorException;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.time.Time;
import dev.jray.resources.BundleResources;
import dev.jray.task.ObjectValue;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actors this JVM hosts, as the actor side of Ray's core worker: creates one when its
 * creation task's resources are reserved here (runs its constructor, records it ALIVE), accepts
 * the calls sent to it (from callers here or a link's reader), passes kills on, and marks it
 * dead, giving its resources back to the scheduler.
 *
 * <p>Threading: thread-safe. The hosted actors are in a concurrent map; {@link #create},
 * {@link #acceptCall}, {@link #tryAccept} and {@link #acceptKill} never block (creations, kills
 * and restarts run on the {@link ActorRunners}, where they block on the GCS, as {@link
 * #markDead} does). Each {@link ActorInstance} guards its own mailbox.
 */
final class HostedActors {
  private static final Logger LOG = LoggerFactory.getLogger(HostedActors.class);

  private final UniqueId nodeId;
  private final JobRegistry jobs;
  private final ValueCodec codec;
  private final TaskExecutor tasks;
  private final ActorDirectory directory;
  /** Run hosted actors' mailboxes, creations, kills and restarts: idle actors hold no thread. */
  private final ActorRunners runners;
  /** Run when the last actor here is gone; null on nodes. */
  private volatile Runnable lastActorGone;
  /** The actors hosted here, by id; concurrent. */
  private final ConcurrentHashMap<ActorId, ActorInstance> actors = new ConcurrentHashMap<>();

  /** The actors hosted here now (live or being created). Any thread; never blocks. */
  int count() {
    return actors.size();
  }

  /** @param time the clock of the actor runners' waits */
  HostedActors(UniqueId nodeId, JobRegistry jobs, ValueCodec codec, TaskExecutor tasks,
      ActorDirectory directory, Time time) {
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.tasks = Objects.requireNonNull(tasks, "tasks");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.runners = ActorRunners.forThisMachine(time);
  }

  /**
   * Creates, on an actor runner, the actor of a creation task whose resources are reserved here;
   * its resources stay reserved while it lives. Its creator gets null, or the constructor's error.
   */
  void create(TaskSpec spec) {
    ActorRunners.runOnce(runners, () -> createNow(spec, null, null));
  }

  /**
   * In a worker process: creates the actor of a creation task its node reserved resources and
   * {@code gpus} for, running {@code created} once it lives, before its creator hears it (the
   * node must know the process hosts an actor before anyone can kill it). A process whose actor
   * could not be created has nothing left to do: it exits, as its last actor gone.
   */
  void createFor(TaskSpec spec, List<Long> gpus, Runnable created) {
    ActorRunners.runOnce(runners, () -> {
      boolean alive = false;
      try {
        alive = createNow(spec, gpus, created);
      } finally {
        Runnable exit = lastActorGone;
        if (!alive && exit != null && actors.isEmpty()) {
          exit.run();
        }
      }
    });
  }

  /** Called once when this process's last actor is gone (a worker process then exits). */
  void whenLastActorGone(Runnable exit) {
    this.lastActorGone = exit;
  }

  /**
   * @param given the GPUs a node assigned (in a worker process), else null: take them here
   * @param alive run once the actor lives, before its creator hears it; null for none
   * @return whether the actor lives
   */
  private boolean createNow(TaskSpec spec, List<Long> given, Runnable alive) {
    ActorId actorId = spec.actor().actorId();
    ActorRecord record = directory.get(actorId);
    if (record == null || record.state() == ActorState.DEAD) {
      tasks.deliver(spec, ObjectValue.inline(codec.serializer().serialize(null)), List.of());
      tasks.scheduler().release(spec.taskId());
      return false;
    }
    ClassLoader loader;
    try {
      loader = jobs.loaderOf(spec.jobId());
    } catch (JobRegistry.UnknownJobException e) {
      failCreation(spec, e.getMessage(), e);
      return false;
    }
    String namespace = jobs.namespaceOf(spec.jobId());
    double gpuDemand = GpuIds.demand(spec.resources());
    List<Long> gpus = given != null ? given
        : gpuDemand > 0 ? tasks.gpuIds().acquire(gpuDemand) : List.of();
    TaskContext ctx = TaskContext.of(spec.jobId(), spec.taskId(), actorId, namespace, loader,
        TaskKind.ACTOR_CREATION, false, record.numRestarts() > 0, spec.runtimeEnv(), gpus,
        gpuDemand);
    TaskExecutor.Outcome outcome = tasks.invoke(spec, ctx, null);
    if (outcome.thrown() != null) {
      tasks.gpuIds().release(gpus, gpuDemand);
      Throwable t = outcome.thrown();
      failCreation(spec, "its constructor " + spec.function() + " threw " + t, t);
      return false;
    }
    ActorConcurrencyGroups groups;
    try {
      groups = ActorConcurrencyGroups.of(outcome.value().getClass(), spec.actor());
    } catch (IllegalArgumentException e) {
      tasks.gpuIds().release(gpus, gpuDemand);
      failCreation(spec, e.getMessage(), e);
      return false;
    }
    ActorInstance actor = new ActorInstance(this, tasks, runners, spec, outcome.value(), loader,
        namespace, record.numRestarts() > 0, groups, gpus);
    actors.put(actorId, actor);
    ActorRecord now = directory.markAlive(actorId);
    if (alive != null) {
      alive.run();
    }
    tasks.deliver(spec, ObjectValue.inline(codec.serializer().serialize(null)), List.of());
    if (now == null || now.state() == ActorState.DEAD) {
      actor.die("it was killed while being created", null, false);
      return false;
    }
    return true;
  }

  /** The actor's record, or null. Blocks on the GCS. */
  ActorRecord record(ActorId actorId) {
    return directory.get(actorId);
  }

  /**
   * The node's side when an actor's process died before the node heard that the actor lives:
   * fails the creation only if its record is still as when the process was handed it. A record
   * that moved was the process's to write (it marked the actor ALIVE there, and the process's
   * death restarts or buries it) or someone else's (a kill, its constructor's failure); its
   * resources come back either way.
   *
   * @param handed the record when the process was handed the creation (null: it had none)
   */
  void processDiedCreating(TaskSpec spec, ActorRecord handed, String why) {
    ActorId actorId = spec.actor().actorId();
    RayActorException error = new RayActorException(actorId, why, null);
    if (directory.markDeadIf(actorId, handed, why, codec.errorValue(error).data())) {
      tasks.deliverError(spec, error);
    } else {
      LOG.debug("actor {}'s process died after its record moved on: {}", actorId, why);
    }
    tasks.scheduler().release(spec.taskId());
  }

  void failCreation(TaskSpec spec, String why, Throwable cause) {
    ActorId actorId = spec.actor().actorId();
    RayActorException error = new RayActorException(actorId, why, cause);
    directory.markDead(actorId, why, codec.errorValue(error).data());
    tasks.deliverError(spec, error);
    tasks.scheduler().release(spec.taskId());
  }

  /**
   * Puts a call from a caller in this JVM into the mailbox of the actor if it is hosted here
   * (started lazily: the caller may run it itself when it waits for the result); false if it is
   * not.
   */
  boolean tryAccept(TaskSpec spec) {
    return tryAccept(spec, true);
  }

  private boolean tryAccept(TaskSpec spec, boolean callerMayWait) {
    ActorInstance local = actors.get(spec.actorId());
    if (local == null) {
      return false;
    }
    local.accept(spec, callerMayWait);
    return true;
  }

  /**
   * A caller waits for the result {@code returnId} of a call: if the call is to an actor hosted
   * here whose queued calls no runner has taken yet, runs them on the caller's thread. Never
   * waits for a runner.
   */
  void runIfQueued(ObjectId returnId) {
    ActorInstance local = actors.get(returnId.getTaskId().getActorId());
    if (local != null) {
      local.runHereIfQueued();
    }
  }

  /** Hands the calls this thread made to actors here and left to start lazily to the runners. */
  void flushCurrentThread() {
    runners.flushCurrentThread();
  }

  /** A call to an actor that should be hosted here: into its mailbox, or failed if it is gone. */
  void acceptCall(TaskSpec spec) {
    if (!tryAccept(spec, false)) {
      tasks.deliverError(spec, new RayActorException(spec.actorId(),
          "the actor is dead: it is not on node " + nodeId, null));
    }
  }

  /** Ends or restarts an actor hosted here; an actor not here is gone already. */
  void acceptKill(KillActor kill) {
    ActorInstance local = actors.get(kill.actorId());
    if (local != null) {
      local.kill(kill);
    }
  }

  /** A hosted actor restarted in place: its record says so. */
  void markRestarted(ActorId actorId) {
    directory.markRestarted(actorId);
  }

  /**
   * A hosted actor died (its calls already failed): its death is recorded and its resources go
   * back to the scheduler.
   */
  void markDead(ActorInstance actor, String cause, byte[] error) {
    ActorId actorId = actor.creation().actor().actorId();
    try {
      directory.markDead(actorId, cause, error);
    } catch (RuntimeException e) {
      LOG.warn("could not record the death of actor " + actorId, e);
    }
    actors.remove(actorId, actor);
    tasks.gpuIds().release(actor.gpuIds(), GpuIds.demand(actor.creation().resources()));
    tasks.scheduler().release(actor.creation().taskId());
    Runnable exit = lastActorGone;
    if (exit != null && actors.isEmpty()) {
      exit.run();
    }
  }

  /** Whether an actor of the job lives here (it may outlive its job: a detached one). */
  boolean hostsAnyOf(JobId job) {
    return actors.values().stream().anyMatch(a -> a.creation().jobId().equals(job));
  }

  /** Whether an actor of the group lives here. */
  boolean hostsAnyOf(PlacementGroupId group) {
    return actors.values().stream()
        .anyMatch(a -> BundleResources.belongsTo(a.creation().resources(), group));
  }

  /** The group was removed: its actors here die for good, here and now. */
  void endGroup(PlacementGroupId group, String why) {
    for (ActorInstance actor : actors.values()) {
      if (BundleResources.belongsTo(actor.creation().resources(), group)) {
        directory.markDead(actor.creation().actor().actorId(), why, null);
        actor.die(why, null, true); // here and now: calls after the removal must fail
      }
    }
  }

  /** The node stops: every actor here dies, and the runners end. */
  void stop() {
    actors.values().forEach(a -> a.die("the node shut down", null, false));
    runners.close();
  }

  /** {@code Ray.exitActor()}: unwinds the calling actor method, which then ends the actor. */
  static void exitCurrent() {
    TaskContext ctx = TaskContext.current();
    if (ctx == null || ctx.actorId().isNil()) {
      throw new IllegalStateException("Ray.exitActor() may only be called inside an actor method");
    }
    throw new ActorInstance.ExitSignal();
  }
}
