package dev.jray.runtime;

import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.id.ActorId;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * An actor hosted by this worker: its instance, its mailbox (fed by callers here and by the
 * link's reader for callers on other nodes), and up to {@code maxConcurrency} calls running at
 * once (one at a time, in arrival order, by default), or as many as its concurrency groups allow
 * ({@link ActorConcurrencyGroups}).
 *
 * <p>Threading: the mailbox, {@link #running} and the groups' lanes are guarded by this object's
 * lock, never held while a call runs; {@link #accept} never blocks. A single-threaded actor
 * holds no thread: its mailbox is a {@link ActorRunners.Serial} that one of the node's actor
 * runners drains when calls are queued, one call at a time, so its state is only ever touched by
 * one thread at a time; once the mailbox is empty that runner spins a little for the next call
 * (as long as the last gap between calls, when that was short: {@link AdaptiveSpin}; never while
 * other actors wait for a runner), so a busy actor's call costs no thread handoff. Actors that
 * run calls at once run them on the worker's pool, each group's lane drained by up to its limit
 * of pool threads. Creation, kill and restart run on the runners.
 */
final class ActorInstance {
  /** Thrown by {@code Ray.exitActor()} to unwind the actor's method; never seen by users. */
  static final class ExitSignal extends Error {
    ExitSignal() {
      super("Ray.exitActor()", null, false, false);
    }
  }

  private final HostedActors hosts;
  private final TaskExecutor tasks;
  private final TaskSpec creation;
  private final ActorId actorId;
  private volatile Object instance;
  private volatile boolean restarted;
  private final ClassLoader loader;
  private final String namespace;
  private final ActorRunners runners;
  private final ArrayDeque<TaskSpec> mailbox = new ArrayDeque<>();
  /** The mailbox's size, readable without the lock by a runner spinning for calls. */
  private volatile int queued;
  /** The calls running and their threads (to interrupt on a kill); guarded by this. */
  private final Map<TaskSpec, Thread> running = new IdentityHashMap<>();
  /** The GPUs it holds while it lives. */
  private final List<Long> gpuIds;
  /** The GPUs its creation asked for, computed once: every call's context carries it. */
  private final double gpuAmount;
  /** Where calls run if more than one may run at once; null for a single-threaded actor. */
  private final ActorConcurrencyGroups groups;
  private volatile boolean dead;
  /** The mailbox a runner drains, for a single-threaded actor; null for a concurrent one. */
  private final ActorRunners.Serial serial;
  /** Owned by the runner draining {@link #serial}: a sync caller's next call comes one round trip after the last. */
  private final AdaptiveSpin idleSpin = new AdaptiveSpin();
  /** Owned by that runner: the last spin gave up, so the next run measures the gap it missed. */
  private boolean spinGaveUp;
  private final BooleanSupplier callDeathOrOthers;

  /** @param restarted whether this instance replaces one that died with its node */
  /** The task that created it: its resources (a placement group's, say) are held while it lives. */
  TaskSpec creation() {
    return creation;
  }

  List<Long> gpuIds() {
    return gpuIds;
  }

  ActorInstance(HostedActors hosts, TaskExecutor tasks, ActorRunners runners, TaskSpec creation,
      Object instance, ClassLoader loader, String namespace, boolean restarted,
      ActorConcurrencyGroups groups, List<Long> gpuIds) {
    this.gpuIds = gpuIds;
    this.gpuAmount = GpuIds.demand(creation.resources());
    this.restarted = restarted;
    this.hosts = hosts;
    this.tasks = tasks;
    this.runners = runners;
    this.creation = creation;
    this.actorId = creation.actor().actorId();
    this.instance = instance;
    this.loader = loader;
    this.namespace = namespace;
    this.groups = groups;
    this.callDeathOrOthers = () -> queued != 0 || dead || runners.othersReady();
    this.serial = groups != null ? null : new ActorRunners.Serial(runners) {
      @Override
      protected void runQueued(boolean spinForMore) {
        drainOnRunner(spinForMore);
      }

      @Override
      protected boolean hasQueued() {
        return queued != 0 && !dead;
      }
    };
  }

  /** Ends the actor, or restarts it, on a runner. Never blocks. */
  void kill(KillActor kill) {
    ActorRunners.runOnce(runners, () -> {
      if (kill.noRestart()) {
        die(kill.cause(), null, true);
      } else {
        restart(kill.cause());
      }
    });
  }

  /**
   * Queues a call; from a link's reader, or directly from a caller in this JVM, which may wait
   * for the result next ({@code callerMayWait}: a runner starts the call lazily, see {@link
   * ActorRunners.Serial#scheduleLazily}). Never blocks.
   */
  void accept(TaskSpec spec, boolean callerMayWait) {
    if (groups != null) {
      acceptInLane(spec);
      return;
    }
    boolean rejected;
    synchronized (this) {
      rejected = dead;
      if (!rejected) {
        mailbox.add(spec);
        queued = mailbox.size();
      }
    }
    if (rejected) {
      tasks.deliverError(spec, new RayActorException(actorId, "the actor is dead", null));
    } else if (callerMayWait) {
      serial.scheduleLazily();
    } else {
      serial.schedule();
    }
  }

  /** Queues a call in its group's lane, and starts a pool thread on the lane if it has room. */
  private void acceptInLane(TaskSpec spec) {
    ActorConcurrencyGroups.Lane lane = null;
    boolean runHere = false;
    boolean rejected;
    IllegalArgumentException badGroup = null;
    synchronized (this) {
      rejected = dead;
      if (!rejected) {
        try {
          lane = groups.laneOf(spec);
          lane.queue.add(spec);
          runHere = lane.active < lane.max;
          if (runHere) {
            lane.active++;
          }
        } catch (IllegalArgumentException e) {
          badGroup = e;
        }
      }
    }
    if (rejected) {
      tasks.deliverError(spec, new RayActorException(actorId, "the actor is dead", null));
    } else if (badGroup != null) {
      tasks.deliverError(spec, new RayTaskException("actor " + actorId + " cannot run "
          + spec.function() + ": " + badGroup.getMessage(), badGroup));
    } else if (runHere) {
      ActorConcurrencyGroups.Lane started = lane;
      tasks.execute(() -> drain(started));
    }
  }

  /**
   * Runs the queued calls of a single-threaded actor on the calling thread, which waits for one
   * of their results, if no runner has taken them yet (in order, one thread at a time as on a
   * runner): a sync call then wakes no thread. Never waits.
   *
   * @return whether they ran here
   */
  boolean runHereIfQueued() {
    return serial != null && serial.runHereIfQueued();
  }

  /** On a runner (or a waiting caller): runs a single-threaded actor's calls until none comes for a while. */
  private void drainOnRunner(boolean spinForMore) {
    if (spinForMore && spinGaveUp) {
      spinGaveUp = false;
      idleSpin.ended(); // the gap since the spin began: how long the next spin may wait
    }
    while (true) {
      TaskSpec spec = next();
      if (spec == null) {
        if (!spinForMore) {
          tasks.flushSends(); // results for other nodes leave before the caller goes on
          return;
        }
        if (!awaitCall()) {
          return;
        }
      } else if (runCall(spec)) {
        return;
      }
    }
  }

  /** Spins for the next call: false if none came, the actor died or other actors wait. */
  private boolean awaitCall() {
    tasks.flushSends(); // the results of the calls it ran leave before it waits
    boolean came = idleSpin.spinUntil(callDeathOrOthers) && queued != 0 && !dead;
    spinGaveUp = !came;
    return came;
  }

  /** Runs a lane's calls on this pool thread until the lane is empty. */
  private void drain(ActorConcurrencyGroups.Lane lane) {
    while (true) {
      TaskSpec spec;
      synchronized (this) {
        spec = dead ? null : lane.queue.poll();
        if (spec == null) {
          lane.active--;
        } else {
          running.put(spec, Thread.currentThread());
        }
      }
      if (spec == null) {
        tasks.flushSends();
        return;
      }
      if (runCall(spec)) {
        return;
      }
    }
  }

  /** Takes the next call of a single-threaded actor and marks it running; null if none, or dead. */
  private synchronized TaskSpec next() {
    TaskSpec spec = dead ? null : mailbox.poll();
    queued = mailbox.size();
    if (spec != null) {
      running.put(spec, Thread.currentThread());
    }
    return spec;
  }

  /** @return true if the call made the actor exit */
  private boolean runCall(TaskSpec spec) {
    boolean exit = run(spec);
    synchronized (this) {
      running.remove(spec);
    }
    Thread.interrupted(); // a kill aimed at this call must not hit the thread's next one
    if (exit) {
      die("it exited via Ray.exitActor()", null, false);
    }
    return exit;
  }

  /** @return true if the method called {@code Ray.exitActor()} */
  private boolean run(TaskSpec spec) {
    TaskContext ctx = TaskContext.of(spec.jobId(), spec.taskId(), actorId, namespace, loader,
        TaskKind.ACTOR_TASK, false, restarted, creation.runtimeEnv(), gpuIds,
        gpuAmount);
    TaskExecutor.Outcome outcome = tasks.invoke(spec, ctx, instance);
    if (outcome.thrown() instanceof ExitSignal) {
      tasks.deliverError(spec,
          new RayActorException(actorId, "the actor exited via Ray.exitActor()", null));
      return true;
    }
    if (Thread.interrupted() && isDead()) {
      return false; // killed while running: its caller already got RayActorException
    }
    tasks.deliver(spec, outcome);
    return false;
  }

  private synchronized boolean isDead() {
    return dead;
  }

  /** Fails the calls in progress and queued, then runs the constructor again. */
  private void restart(String cause) {
    List<TaskSpec> toFail = new ArrayList<>();
    synchronized (this) {
      if (dead) {
        return;
      }
      toFail.addAll(mailbox);
      mailbox.clear();
      queued = 0;
      if (groups != null) {
        toFail.addAll(groups.takeQueued());
      }
      running.forEach((spec, thread) -> {
        toFail.add(spec);
        thread.interrupt();
      });
      running.clear();
    }
    RayActorException failure =
        new RayActorException(actorId, "the actor restarted: " + cause, null);
    toFail.forEach(spec -> tasks.deliverError(spec, failure));
    TaskContext ctx = TaskContext.of(creation.jobId(), creation.taskId(), actorId, namespace,
        loader, TaskKind.ACTOR_CREATION, false, true, creation.runtimeEnv(), gpuIds,
        gpuAmount);
    TaskExecutor.Outcome outcome = tasks.invoke(creation, ctx, null);
    if (outcome.thrown() != null) {
      die("its constructor threw on restart: " + outcome.thrown(), null, false);
      return;
    }
    instance = outcome.value();
    restarted = true;
    hosts.markRestarted(actorId);
  }

  /**
   * Ends the actor: fails queued and running calls, interrupts running methods, records the
   * death in the GCS and gives its resources back. Idempotent. Not on an event loop.
   */
  void die(String cause, byte[] error, boolean interrupt) {
    List<TaskSpec> toFail = new ArrayList<>();
    synchronized (this) {
      if (dead) {
        return;
      }
      dead = true;
      toFail.addAll(mailbox);
      mailbox.clear();
      queued = 0;
      if (groups != null) {
        toFail.addAll(groups.takeQueued());
      }
      for (Map.Entry<TaskSpec, Thread> e : running.entrySet()) {
        toFail.add(e.getKey());
        if (interrupt && e.getValue() != Thread.currentThread()) {
          e.getValue().interrupt();
        }
      }
    }
    RayActorException death = new RayActorException(actorId, "the actor is dead: " + cause, null);
    for (TaskSpec spec : toFail) {
      tasks.deliverError(spec, death);
    }
    hosts.markDead(this, cause, error);
  }
}
