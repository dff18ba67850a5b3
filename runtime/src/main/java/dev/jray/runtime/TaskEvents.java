package dev.jray.runtime;

import dev.jray.api.exception.ActorUnavailableException;
import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayException;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.exception.RayTimeoutException;
import dev.jray.api.exception.RayWorkerException;
import dev.jray.api.exception.RuntimeEnvException;
import dev.jray.api.exception.UnreconstructableException;
import dev.jray.api.id.TaskId;
import dev.jray.gcs.time.Time;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * This node's recent task events, as Ray's task event buffer: bounded, kept in memory, read on
 * demand by the state API ({@link #latest}). Recording is on the hot path of every task, so each
 * thread writes its own {@link TaskEventRing} (no lock, no allocation, no shared cache line; a
 * small one, {@value #HOT_PER_THREAD} events, that copies into a larger archive when full) and
 * stamps events with a clock that a ticker thread refreshes every 10 ms while events come (reading
 * the system clock, 24 ns here, costs more than the rest of a recording; a 1 ms tick cost the
 * cross-node rows a fifth of their rate on two cores). When more threads
 * record than {@link #maxRings}, rings of threads that ended are dropped, then those threads share
 * one ring under a lock.
 *
 * <p>Threading: thread-safe. Each ring is written by its thread; the list of rings and the shared
 * ring are guarded by this; the coarse clock is written by the ticker (or by a recorder that finds
 * it asleep) and read by recorders.
 */
public final class TaskEvents implements AutoCloseable {
  /** The system property that sets the events each thread keeps; 0 turns recording off. */
  public static final String PER_THREAD_PROPERTY = "jray.task-events.per-thread";
  static final int DEFAULT_PER_THREAD = 1024;
  /**
   * The most events a thread's ring on the hot path holds; more per thread go to its archive
   * ({@link TaskEventRing}): 4 KiB, which stays in the core's cache.
   */
  static final int HOT_PER_THREAD = 128;
  /** Threads with a ring of their own, at most. */
  static final int DEFAULT_MAX_RINGS = 128;
  /** The ticker sleeps once no event came for this long. */
  private static final long IDLE_MS = 1_000;
  private static final long TICK_NANOS = 10_000_000;

  private final Time time;
  private final int perThread;
  private final int maxRings;
  /** Guarded by this. */
  private final List<TaskEventRing> rings = new ArrayList<>();
  /** The counts of rings dropped with their threads; guarded by this. */
  private final long[] droppedCounts = new long[TaskEventRing.FAILED_BY_OWNER + 1];
  /** Where threads beyond {@link #maxRings} record, under its own lock; null until needed. */
  private TaskEventRing shared;
  private final Thread ticker;
  /** The coarse clock; written by the ticker or a recorder, read by recorders. */
  private volatile long nowMs;
  /** When an event last came, by the coarse clock; written by recorders. */
  private volatile long lastEventMs;
  /** Whether the ticker refreshes {@link #nowMs}; a recorder that finds it false wakes it. */
  private volatile boolean ticking;
  private volatile boolean closed;

  /** A buffer sized by {@value #PER_THREAD_PROPERTY}, stamped by {@code time}. */
  public static TaskEvents create(Time time) {
    return new TaskEvents(time, Integer.getInteger(PER_THREAD_PROPERTY, DEFAULT_PER_THREAD),
        DEFAULT_MAX_RINGS);
  }

  /**
   * @param perThread events kept per thread, rounded up to a power of two; 0 records nothing
   * @param maxRings threads with a ring of their own
   */
  TaskEvents(Time time, int perThread, int maxRings) {
    if (perThread < 0 || maxRings < 1) {
      throw new IllegalArgumentException("perThread " + perThread + ", maxRings " + maxRings);
    }
    this.time = time;
    this.perThread = perThread == 0 || Integer.bitCount(perThread) == 1 ? perThread
        : Integer.highestOneBit(perThread) << 1;
    this.maxRings = maxRings;
    this.nowMs = time.milliseconds();
    this.ticker = new Thread(this::tick, "jray-task-events-clock");
    ticker.setDaemon(true);
    if (this.perThread > 0) {
      ticker.start();
    }
  }

  /** Whether events are recorded at all. */
  public boolean enabled() {
    return perThread > 0;
  }

  /** The owner submitted a task or an actor creation: it waits for a node. */
  void submitted(TaskSpec spec) {
    record(WorkerThreadContext.current(), spec, TaskEvent.State.PENDING_NODE_ASSIGNMENT, null,
        null);
  }

  /** The owner sent an actor call toward its actor's queue. */
  void submittedActorCall(WorkerThreadContext thread, TaskId taskId, FunctionDescriptor f) {
    record(thread, taskId, TaskKind.ACTOR_TASK, f, null, 0, TaskEvent.State.SUBMITTED_TO_WORKER, null,
        null);
  }

  /** This node starts running a task, an actor call or an actor's constructor on {@code thread}. */
  void running(WorkerThreadContext thread, TaskSpec spec) {
    record(thread, spec, TaskEvent.State.RUNNING, null, null);
  }

  /** What this node ran returned ({@code thrown} null) or threw. */
  void ended(WorkerThreadContext thread, TaskSpec spec, Throwable thrown) {
    if (thrown == null) {
      record(thread, spec, TaskEvent.State.FINISHED, null, null);
    } else {
      record(thread, spec, TaskEvent.State.FAILED, "TASK_EXECUTION_EXCEPTION",
          String.valueOf(thrown));
    }
  }

  /** The owner failed a task itself (its node died, an argument failed, the actor died). */
  void failedByOwner(TaskId taskId, int attempt, RayException error) {
    record(WorkerThreadContext.current(), taskId, null, null, null, attempt,
        TaskEvent.State.FAILED, errorType(error),
        error.getMessage());
  }

  /**
   * Ray's error type ({@code common.proto} ErrorType) for a failure its owner decided; one Ray
   * has no closer name for is the dependency (argument or object) the task could not have.
   */
  static String errorType(RayException error) {
    if (error instanceof ActorUnavailableException) {
      return "ACTOR_UNAVAILABLE";
    } else if (error instanceof RayActorException) {
      return "ACTOR_DIED";
    } else if (error instanceof RayWorkerException) {
      return "WORKER_DIED";
    } else if (error instanceof RayTaskException) {
      return "TASK_EXECUTION_EXCEPTION";
    } else if (error instanceof UnreconstructableException) {
      return "OBJECT_UNRECONSTRUCTABLE";
    } else if (error instanceof RuntimeEnvException) {
      return "RUNTIME_ENV_SETUP_FAILED";
    } else if (error instanceof RayTimeoutException) {
      return "OBJECT_FETCH_TIMED_OUT";
    }
    return "DEPENDENCY_RESOLUTION_FAILED";
  }

  private void record(WorkerThreadContext thread, TaskSpec spec, TaskEvent.State state,
      String errorType, String message) {
    record(thread, spec.taskId(), spec.kind(), spec.function(), spec.name(), spec.attempt(), state,
        errorType, message);
  }

  private void record(WorkerThreadContext thread, TaskId taskId, TaskKind kind, FunctionDescriptor function, String name,
      int attempt, TaskEvent.State state, String errorType, String message) {
    if (perThread == 0) {
      return;
    }
    long now = nowMs;
    if (!ticking) {
      now = wakeClock();
    } else if (now != lastEventMs) {
      lastEventMs = now; // written once per tick at most: the line stays shared
    }
    TaskEventRing ring = thread.ringOwner == this ? thread.ring : ringForThisThread(thread);
    if (ring == shared) {
      synchronized (ring) {
        ring.record(taskId, kind, function, name, attempt, state, now, errorType, message);
      }
    } else {
      ring.record(taskId, kind, function, name, attempt, state, now, errorType, message);
    }
  }

  private long wakeClock() {
    long now = time.milliseconds();
    nowMs = now;
    lastEventMs = now;
    ticking = true;
    LockSupport.unpark(ticker);
    return now;
  }

  /** The calling thread's ring here, made or found once per switch of buffer (tests run several). */
  private synchronized TaskEventRing ringForThisThread(WorkerThreadContext thread) {
    Thread me = Thread.currentThread();
    for (TaskEventRing r : rings) {
      if (r.owner == me) {
        return remember(thread, r);
      }
    }
    if (rings.size() >= maxRings) {
      rings.removeIf(r -> {
        if (r.owner.isAlive()) {
          return false;
        }
        r.addCountsTo(droppedCounts); // its thread ended: it writes no more
        return true;
      });
    }
    TaskEventRing ring;
    if (rings.size() < maxRings) {
      long base = nowMs;
      ring = perThread <= HOT_PER_THREAD ? new TaskEventRing(perThread, me, base)
          : new TaskEventRing(HOT_PER_THREAD, me, base, new TaskEventRing(perThread, me, base));
      rings.add(ring);
    } else {
      if (shared == null) {
        shared = new TaskEventRing(perThread, null, nowMs);
      }
      ring = shared;
    }
    return remember(thread, ring);
  }

  private TaskEventRing remember(WorkerThreadContext thread, TaskEventRing ring) {
    thread.ringOwner = this;
    thread.ring = ring;
    return ring;
  }

  /**
   * How many tasks this node's events counted since it started: submitted here (owned), started
   * here, and ended here, finished or failed (failures decided by owners included). A count may lag
   * a recording by a moment. Never blocks recorders.
   *
   * @param running started here and not ended yet
   */
  public record Counts(long submitted, long running, long finished, long failed) {}

  /** What this node's events counted so far. */
  public Counts counts() {
    long[] sum = countsByState();
    long started = sum[TaskEvent.State.RUNNING.ordinal()];
    long finished = sum[TaskEvent.State.FINISHED.ordinal()];
    long failedRunning = sum[TaskEvent.State.FAILED.ordinal()];
    return new Counts(sum[TaskEvent.State.PENDING_NODE_ASSIGNMENT.ordinal()]
        + sum[TaskEvent.State.SUBMITTED_TO_WORKER.ordinal()],
        Math.max(0, started - finished - failedRunning), finished,
        failedRunning + sum[TaskEventRing.FAILED_BY_OWNER]);
  }

  /**
   * How many events this node recorded since it started, kept or not: more than {@link #latest}
   * returns once rings overwrote or dropped some.
   */
  public long recorded() {
    long[] sum = countsByState();
    long total = 0;
    for (long n : sum) {
      total += n;
    }
    return total;
  }

  /** Events recorded so far by state (and owner-decided failures), rings' and dropped ones'. */
  private long[] countsByState() {
    long[] sum = new long[TaskEventRing.FAILED_BY_OWNER + 1];
    TaskEventRing sharedRing;
    synchronized (this) {
      System.arraycopy(droppedCounts, 0, sum, 0, sum.length);
      rings.forEach(r -> r.addCountsTo(sum));
      sharedRing = shared;
    }
    if (sharedRing != null) {
      synchronized (sharedRing) {
        sharedRing.addCountsTo(sum);
      }
    }
    return sum;
  }

  /**
   * The latest events this node recorded, oldest first, at most {@code max} of them (the newest).
   * Copies; never blocks recorders.
   */
  public List<TaskEvent> latest(int max) {
    List<TaskEventRing> all;
    TaskEventRing sharedRing;
    synchronized (this) {
      all = new ArrayList<>(rings);
      sharedRing = shared;
    }
    List<TaskEvent> events = new ArrayList<>();
    for (TaskEventRing r : all) {
      r.copyTo(events);
    }
    if (sharedRing != null) {
      synchronized (sharedRing) {
        sharedRing.copyTo(events);
      }
    }
    events.sort(Comparator.comparingLong(TaskEvent::timeMs));
    return events.size() <= max ? events
        : new ArrayList<>(events.subList(events.size() - max, events.size()));
  }

  /** Refreshes the coarse clock every 10 ms while events come; sleeps when they stop. */
  private void tick() {
    while (!closed) {
      if (ticking) {
        long now = time.milliseconds();
        nowMs = now;
        if (now - lastEventMs > IDLE_MS) {
          ticking = false; // a recorder that comes now reads the clock itself and wakes this
        }
        // real time, not time.park: a test's manual clock must not move by itself
        LockSupport.parkNanos(this, TICK_NANOS);
      } else {
        LockSupport.park(this);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(ticker);
  }
}
