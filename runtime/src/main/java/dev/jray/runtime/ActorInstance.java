package dev.jray.runtime;

import dev.jray.api.exception.RayActorException;
import dev.jray.api.id.ActorId;
import dev.jray.gcs.ActorState;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An actor hosted by this worker: its instance, its mailbox (fed by callers here and by the
 * link's reader for callers on other nodes), and up
 * to {@code maxConcurrency} calls running at once (one at a time, in arrival order, by default).
 * A single-threaded actor has a mailbox thread of its own, the only thread that runs it, which
 * waits for calls by spinning (as long as its last wait, when that was short: {@link
 * AdaptiveSpin}) then parking: a call costs at most one direct unpark, no pool handoff.
 * Concurrent actors run their calls on the worker's threads. Thread-safe: the mailbox is guarded
 * by this object's lock.
 */
final class ActorInstance {
  private static final Logger LOG = Logger.getLogger(ActorInstance.class.getName());

  /** Thrown by {@code Ray.exitActor()} to unwind the actor's method; never seen by users. */
  static final class ExitSignal extends Error {
    ExitSignal() {
      super("Ray.exitActor()", null, false, false);
    }
  }

  private final CoreWorker worker;
  private final TaskSpec creation;
  private final ActorId actorId;
  private volatile Object instance;
  private volatile boolean restarted;
  private final ClassLoader loader;
  private final String namespace;
  private final int maxConcurrency;
  private final ArrayDeque<TaskSpec> mailbox = new ArrayDeque<>();
  /** The mailbox's size, readable without the lock by a mailbox thread waiting for calls. */
  private volatile int queued;
  private final Map<TaskSpec, Thread> running = new IdentityHashMap<>();
  /** Calls running on pool threads, for a concurrent actor. */
  private int active;
  private volatile boolean dead;
  /** The thread that runs a single-threaded actor; null for a concurrent one. */
  private final Thread mailboxThread;
  /** The mailbox thread's: a sync caller's next call comes one round trip after the last. */
  private final AdaptiveSpin idleSpin = new AdaptiveSpin();
  private final BooleanSupplier callOrDeath = () -> queued != 0 || dead;
  private volatile boolean mailboxParked;

  /** @param restarted whether this instance replaces one that died with its node */
  /** The task that created it: its resources (a placement group's, say) are held while it lives. */
  TaskSpec creation() {
    return creation;
  }

  ActorInstance(CoreWorker worker, TaskSpec creation, Object instance, ClassLoader loader,
      String namespace, boolean restarted) {
    this.restarted = restarted;
    this.worker = worker;
    this.creation = creation;
    this.actorId = creation.actor().actorId();
    this.instance = instance;
    this.loader = loader;
    this.namespace = namespace;
    this.maxConcurrency = creation.actor().maxConcurrency();
    if (maxConcurrency == 1) {
      mailboxThread = new Thread(this::serve, "jray-actor-" + actorId.toHex().substring(0, 8));
      mailboxThread.setDaemon(true);
    } else {
      mailboxThread = null;
    }
  }

  /** Opens the mailbox. */
  void start() {
    if (mailboxThread != null) {
      mailboxThread.start();
    }
  }

  /** Ends the actor, or restarts it, on a worker thread. Never blocks. */
  void kill(KillActor kill) {
    worker.executor.execute(() -> {
      if (kill.noRestart()) {
        die(kill.cause(), null, true);
      } else {
        restart(kill.cause());
      }
    });
  }

  /** Queues a call; from a link's reader, or directly from a caller in this JVM. Never blocks. */
  void accept(TaskSpec spec) {
    boolean runHere = false;
    boolean rejected;
    synchronized (this) {
      rejected = dead;
      if (!rejected) {
        mailbox.add(spec);
        queued = mailbox.size();
        runHere = mailboxThread == null && active < maxConcurrency;
        if (runHere) {
          active++;
        }
      }
    }
    if (rejected) {
      worker.deliverError(spec, new RayActorException(actorId, "the actor is dead"));
    } else if (mailboxThread != null) {
      if (mailboxParked) {
        LockSupport.unpark(mailboxThread);
      }
    } else if (runHere) {
      worker.executor.execute(this::drain);
    }
  }

  /** The mailbox thread of a single-threaded actor: runs its calls until it dies. */
  private void serve() {
    while (!dead) {
      TaskSpec spec = next();
      if (spec == null) {
        awaitCall();
      } else if (runCall(spec)) {
        return;
      }
    }
  }

  /** Waits until a call is queued or the actor dies: spins, then parks. */
  private void awaitCall() {
    worker.flushSends(); // the results of the calls it ran leave before it waits
    if (idleSpin.spinUntil(callOrDeath)) {
      return;
    }
    mailboxParked = true;
    while (queued == 0 && !dead) {
      Thread.interrupted(); // a kill aimed at the last call must not keep park from blocking
      LockSupport.park(this);
    }
    mailboxParked = false;
    idleSpin.ended();
  }

  /** Runs calls from the mailbox on this pool thread until it is empty (concurrent actors). */
  private void drain() {
    while (true) {
      TaskSpec spec;
      synchronized (this) {
        spec = next();
        if (spec == null) {
          active--;
        }
      }
      if (spec == null) {
        worker.flushSends();
        return;
      }
      if (runCall(spec)) {
        return;
      }
    }
  }

  /** Takes the next call and marks it running on this thread; null if none, or dead. */
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
    if (exit) {
      die("it exited via Ray.exitActor()", null, false);
    }
    return exit;
  }

  /** @return true if the method called {@code Ray.exitActor()} */
  private boolean run(TaskSpec spec) {
    TaskContext ctx = TaskContext.of(spec.jobId(), spec.taskId(), actorId, namespace, loader,
        TaskKind.ACTOR_TASK, false, restarted);
    CoreWorker.Outcome outcome = worker.invoke(spec, ctx, instance);
    if (outcome.thrown() instanceof ExitSignal) {
      worker.deliverError(spec, new RayActorException(actorId, "the actor exited via Ray.exitActor()"));
      return true;
    }
    if (Thread.interrupted() && isDead()) {
      return false; // killed while running: its caller already got RayActorException
    }
    worker.deliver(spec, outcome);
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
      running.forEach((spec, thread) -> {
        toFail.add(spec);
        thread.interrupt();
      });
      running.clear();
    }
    RayActorException failure = new RayActorException(actorId, "the actor restarted: " + cause);
    toFail.forEach(spec -> worker.deliverError(spec, failure));
    TaskContext ctx = TaskContext.of(creation.jobId(), creation.taskId(), actorId, namespace,
        loader, TaskKind.ACTOR_CREATION, false, true);
    CoreWorker.Outcome outcome = worker.invoke(creation, ctx, null);
    if (outcome.thrown() != null) {
      die("its constructor threw on restart: " + outcome.thrown(), null, false);
      return;
    }
    instance = outcome.value();
    restarted = true;
    worker.gcs.actors().update(actorId, r -> r.state() == ActorState.DEAD ? r : r.restarted(worker.nodeId()));
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
      for (Map.Entry<TaskSpec, Thread> e : running.entrySet()) {
        toFail.add(e.getKey());
        if (interrupt && e.getValue() != Thread.currentThread()) {
          e.getValue().interrupt();
        }
      }
    }
    if (mailboxThread != null) {
      LockSupport.unpark(mailboxThread); // it sees the death and ends
    }
    RayActorException death = new RayActorException(actorId, "the actor is dead: " + cause);
    for (TaskSpec spec : toFail) {
      worker.deliverError(spec, death);
    }
    try {
      worker.markActorDead(actorId, cause, error);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not record the death of actor " + actorId, e);
    }
    worker.onHostedActorDied(this, creation);
  }
}
