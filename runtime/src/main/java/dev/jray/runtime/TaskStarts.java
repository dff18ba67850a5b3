package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.gcs.time.Time;
import dev.jray.task.TaskSpec;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Starts this worker's own normal tasks, once their resources are reserved, on the worker pool,
 * unless a thread that blocks on a task's result claims it first and runs it itself.
 *
 * <p>Waking a parked pool thread costs the waker 10-30 µs here (the futex call, and often being
 * preempted by the woken thread), more than a short task takes. So the task a thread submitted
 * last is started lazily: it goes to the pool when that thread submits another task or blocks,
 * or after about {@link #DELAY_NANOS}, through a starter thread. A caller that gets the
 * result right after submitting the task claims it and runs it with no wake-up at all.
 *
 * <p>Threading: thread-safe, never blocks its callers. The unstarted tasks are in a concurrent
 * map, the lazy starts in a concurrent queue, each thread's latest start in a thread local. The
 * starter thread sleeps until the oldest lazy start is due, and parks while
 * there is none: a stream of submissions wakes it at most once per delay.
 */
final class TaskStarts implements AutoCloseable {
  /** How long a lazily started task waits for its submitter before it goes to the pool. */
  private static final long DELAY_NANOS = 100_000;

  /** A task waiting for a thread; {@code true} once handed to the pool. */
  private final class Start extends AtomicBoolean implements Runnable {
    final TaskSpec spec;
    final long since;

    Start(TaskSpec spec, long since) {
      this.spec = spec;
      this.since = since;
    }

    /** Hands the task to the pool, once, unless a thread claimed it meanwhile. */
    void toPool() {
      if (compareAndSet(false, true) && unstarted.get(spec.returnId()) == spec) {
        pool.execute(this);
      }
    }

    @Override
    public void run() {
      if (unstarted.remove(spec.returnId(), spec)) {
        runner.accept(spec);
      }
    }
  }

  private final ConcurrentHashMap<ObjectId, TaskSpec> unstarted = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Start> lazy = new ConcurrentLinkedQueue<>();
  private final ThreadLocal<Start> latest = new ThreadLocal<>();
  private final Executor pool;
  private final Consumer<TaskSpec> runner;
  private final Thread starter;
  /** The clock lazy starts are timed by. */
  private final Time time;
  private volatile boolean starterParked;
  private volatile boolean closed;

  /**
   * @param pool the worker pool
   * @param runner runs a task whose resources are reserved on a pool thread, and whatever that
   *     thread is given next
   * @param time the clock of the lazy starts' delay
   */
  TaskStarts(Executor pool, Consumer<TaskSpec> runner, Time time) {
    this.pool = pool;
    this.runner = runner;
    this.time = time;
    this.starter = new Thread(this::run, "jray-task-starter");
    starter.setDaemon(true);
    starter.start();
  }

  /** Starts the task on the pool now; until a pool thread takes it, a caller may claim it. */
  void startNow(TaskSpec spec) {
    Start s = new Start(spec, 0);
    unstarted.put(spec.returnId(), spec);
    s.toPool();
  }

  /**
   * Starts the task lazily: the calling thread submitted it and may claim it soon; the task it
   * submitted before goes to the pool now.
   */
  void startSoon(TaskSpec spec) {
    Start s = new Start(spec, time.nanoseconds());
    unstarted.put(spec.returnId(), spec);
    Start before = latest.get();
    latest.set(s);
    lazy.add(s);
    if (before != null) {
      before.toPool();
    }
    if (starterParked) {
      LockSupport.unpark(starter);
    }
  }

  /** Takes a task no thread has started, for the caller to run; null if there is none. */
  TaskSpec claim(ObjectId returnId) {
    return unstarted.isEmpty() ? null : unstarted.remove(returnId);
  }

  /** The calling thread is about to block: the task it submitted last goes to the pool now. */
  void flushCurrentThread() {
    Start s = latest.get();
    if (s != null) {
      latest.set(null); // cheaper than remove(): the entry stays for the next
      s.toPool();
    }
  }

  private void run() {
    while (!closed) {
      long now = time.nanoseconds();
      Start s;
      while ((s = lazy.peek()) != null && (s.get() || now - s.since >= DELAY_NANOS)) {
        lazy.poll();
        s.toPool();
      }
      if (s != null) {
        // later starts are due later: sleep until this one is, not a tick at a time
        LockSupport.parkNanos(this, s.since + DELAY_NANOS - now);
      } else {
        starterParked = true;
        if (lazy.isEmpty() && !closed) {
          LockSupport.park(this);
        }
        starterParked = false;
      }
    }
  }

  /** Stops the starter thread; tasks still waiting go to the pool. */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(starter);
    Start s;
    while ((s = lazy.poll()) != null) {
      s.toPool();
    }
  }
}
