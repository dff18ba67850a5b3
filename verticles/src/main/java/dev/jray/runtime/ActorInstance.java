package dev.jray.runtime;

import dev.jray.api.exception.RayActorException;
import dev.jray.api.id.ActorId;
import dev.jray.gcs.ActorState;
import dev.jray.scheduler.TaskKind;
import dev.jray.scheduler.TaskSpec;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An actor hosted by this worker: its instance, its mailbox at {@link #address(ActorId)}, and up
 * to {@code maxConcurrency} calls running at once on the worker's threads (one at a time, in
 * arrival order, by default). Thread-safe: the mailbox is guarded by this object's lock.
 */
final class ActorInstance {
  private static final Logger LOG = Logger.getLogger(ActorInstance.class.getName());
  /**
   * How long a mailbox thread that ran out of calls waits for the next one before it leaves: a
   * caller's next call usually comes sooner than a parked thread wakes up (~20-50 µs here).
   */
  private static final long IDLE_SPIN_NANOS = 50_000;

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
  private int active;
  private boolean dead;
  private MessageConsumer<Object> consumer;

  /** @param restarted whether this instance replaces one that died with its node */
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
  }

  static String address(ActorId actorId) {
    return "jray.actor." + actorId;
  }

  /** Opens the mailbox; blocks until the address is registered. Not on an event loop. */
  void start() {
    consumer = worker.vertx.eventBus().consumer(address(actorId), msg -> {
      Object body = msg.body();
      if (body instanceof TaskSpec spec) {
        accept(spec);
      } else if (body instanceof KillActor kill) {
        worker.executor.execute(() -> {
          if (kill.noRestart()) {
            die(kill.cause(), null, true);
          } else {
            restart(kill.cause());
          }
        });
      }
    });
    consumer.completion().toCompletionStage().toCompletableFuture().join();
  }

  /** Queues a call; from the event bus, or directly from a caller in this JVM. Never blocks. */
  void accept(TaskSpec spec) {
    boolean runHere = false;
    boolean rejected;
    synchronized (this) {
      rejected = dead;
      if (!rejected) {
        mailbox.add(spec);
        queued = mailbox.size();
        runHere = active < maxConcurrency;
        if (runHere) {
          active++;
        }
      }
    }
    if (rejected) {
      worker.deliverError(spec, new RayActorException(actorId, "the actor is dead"));
    } else if (runHere) {
      worker.executor.execute(this::drain);
    }
  }

  /**
   * Runs calls from the mailbox on this thread until it stays empty for {@link #IDLE_SPIN_NANOS}.
   */
  private void drain() {
    boolean waited = false;
    while (true) {
      TaskSpec spec;
      synchronized (this) {
        spec = dead ? null : mailbox.poll();
        queued = mailbox.size();
        if (spec == null && (waited || dead)) {
          active--;
          return;
        }
        if (spec != null) {
          running.put(spec, Thread.currentThread());
        }
      }
      if (spec == null) {
        waited = !awaitCall();
        continue;
      }
      waited = false;
      boolean exit = run(spec);
      synchronized (this) {
        running.remove(spec);
      }
      if (exit) {
        die("it exited via Ray.exitActor()", null, false);
      }
    }
  }

  /** Spins until a call is queued or {@link #IDLE_SPIN_NANOS} pass; true if one was queued. */
  private boolean awaitCall() {
    long deadline = System.nanoTime() + IDLE_SPIN_NANOS;
    do {
      if (queued > 0) {
        return true;
      }
      Thread.onSpinWait();
    } while (System.nanoTime() < deadline);
    return queued > 0;
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
    if (consumer != null) {
      consumer.unregister();
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
