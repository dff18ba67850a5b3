package dev.jray.runtime;

import dev.jray.gcs.time.Time;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's actor runners: a bounded pool of threads that run actors' mailboxes, so an idle
 * actor holds no thread. A {@link Serial} (an actor's mailbox, or one piece of lifecycle work)
 * is scheduled when work arrives for it and runs on one thread at a time: its state is set to
 * queued by the producer that finds it idle, claimed by one thread (a runner, or a caller waiting
 * for its result) and set idle again only after the serial's queue was seen empty, then
 * re-checked, so no work is lost and no serial runs on two threads. A runner waiting for work spins briefly, then parks; a new serial is
 * handed straight to a waiting runner. Runners beyond {@link #coreRunners} are added only when
 * ready serials have waited {@link #STARVATION_NANOS} with no runner taking any (every runner
 * busy in long or blocking calls: an actor waiting for another must not deadlock the node), and
 * retire after {@link #KEEP_ALIVE_NANOS} idle.
 *
 * <p>Threading: {@link #lock} guards {@link #ready}, {@link #idle}, {@link #live}, {@link
 * #taken}, {@link #armed}, {@link #monitor} and {@link #closed}; it is held only briefly, never
 * while a serial runs. {@link #submit} never blocks and may be called from any thread; serials
 * run on the runners ("jray-actor-runner-N", daemon threads), the starvation monitor on a thread
 * of its own started the first time every runner is busy.
 */
final class ActorRunners {
  /** How long ready serials wait with no runner taking any before one more runner starts. */
  static final long STARVATION_NANOS = 2_000_000;
  /** How long a runner beyond the core ones waits for work before it ends. */
  static final long KEEP_ALIVE_NANOS = 1_000_000_000L;
  /** How often a runner with nothing to run checks for a handoff before it parks (a few µs). */
  private static final int IDLE_SPINS = 200;
  private static final Logger LOG = LoggerFactory.getLogger(ActorRunners.class);

  /**
   * Work that runs on one thread at a time: an actor's mailbox. Producers queue work in it, then
   * call {@link #schedule}. Its state says who may run it: idle (no one: a producer that finds it
   * so submits it), queued (submitted: the first thread to claim it runs it, a runner or a caller
   * that waits for its result, {@link #runHereIfQueued}; a submission the caller claimed first
   * is skipped by the runner that takes it) or running.
   */
  abstract static class Serial {
    private static final int IDLE = 0;
    private static final int QUEUED = 1;
    private static final int RUNNING = 2;

    private final ActorRunners runners;
    private final AtomicInteger state = new AtomicInteger(IDLE);

    Serial(ActorRunners runners) {
      this.runners = runners;
    }

    /**
     * Runs queued work on the calling thread until there is none.
     *
     * @param spinForMore whether to spin a little for more work first (a runner does, a caller
     *     running it while it waits does not)
     */
    protected abstract void runQueued(boolean spinForMore);

    /** Whether work is queued; read by the thread that ran it after it set it idle. */
    protected abstract boolean hasQueued();

    /** Makes sure a runner will run the queued work: after queueing it. Never blocks. */
    final void schedule() {
      if (state.get() == IDLE && state.compareAndSet(IDLE, QUEUED)) {
        runners.submit(this);
      }
    }

    /**
     * As {@link #schedule}, for a caller that may wait for the result next: the serial goes to a
     * runner only when this thread schedules again (this serial or another), blocks, or after
     * {@link LazyActorStarts#LAZY_START_NANOS}; if it waits for the result first, it runs the serial itself
     * ({@link #runHereIfQueued}) and no thread wakes up. Never blocks.
     */
    final void scheduleLazily() {
      int now = state.get();
      if (now == IDLE && state.compareAndSet(IDLE, QUEUED)) {
        runners.lazyStarts.defer(this);
      } else if (now == QUEUED) {
        runners.lazyStarts.startDeferred(this); // it calls this actor again: no waiting for it to block
      }
    }

    /**
     * Runs the queued work on the calling thread, which waits for its result, if no runner has
     * started it yet: a sync call then costs no thread wake-up. Never waits for a runner.
     *
     * @return whether it ran here
     */
    final boolean runHereIfQueued() {
      if (state.get() != QUEUED || !state.compareAndSet(QUEUED, RUNNING)) {
        return false;
      }
      runners.lazyStarts.dropDeferred(this);
      try {
        runQueued(false);
      } finally {
        if (release()) {
          state.set(QUEUED); // work came in meanwhile: a runner takes it on
          runners.submit(this);
        }
      }
      return true;
    }

    /** Takes a submitted serial for the runner that took it off the queue: false if claimed. */
    private boolean claim() {
      return state.compareAndSet(QUEUED, RUNNING);
    }

    /** Ends a run: true if work came in meanwhile and this thread took the serial again. */
    private boolean release() {
      state.set(IDLE);
      return hasQueued() && state.compareAndSet(IDLE, RUNNING);
    }
  }

  /** A piece of work that runs once on a runner: an actor's creation, its kill or restart. */
  static void runOnce(ActorRunners runners, Runnable work) {
    new Serial(runners) {
      private boolean ran;

      @Override
      protected void runQueued(boolean spinForMore) {
        ran = true;
        work.run();
      }

      @Override
      protected boolean hasQueued() {
        return !ran;
      }
    }.schedule();
  }

  /** One runner thread and the serial handed to it while it waited. */
  private static final class Runner {
    final Thread thread;
    /** Set under the pool's lock when this runner was taken off {@link #idle}; read by it. */
    volatile Serial handoff;

    Runner(Thread thread) {
      this.thread = thread;
    }
  }

  private final Time time;
  private final int coreRunners;
  private final int maxRunners;
  private final String namePrefix;
  private final Object lock = new Object();
  /** Serials scheduled with no runner waiting; guarded by {@link #lock}. */
  private final ArrayDeque<Serial> ready = new ArrayDeque<>();
  /** Runners waiting for work, the latest last; guarded by {@link #lock}. */
  private final ArrayDeque<Runner> idle = new ArrayDeque<>();
  /** {@link #ready}'s size, read without the lock by spinning serials; written under it. */
  private volatile int readyCount;
  /** Runners started and not ended; guarded by {@link #lock}. */
  private int live;
  /** Serials taken from {@link #ready} so far, the monitor's sign of progress; guarded. */
  private long taken;
  /** Whether the monitor should look for starvation; guarded by {@link #lock}. */
  private boolean armed;
  private Thread monitor;
  private boolean closed;
  private int started;
  /** Lazy schedules not yet handed to a runner, and the thread that hands them on when due. */
  private final LazyActorStarts lazyStarts;

  /**
   * @param coreRunners runners kept while idle, at least 1
   * @param maxRunners the bound on runners, reached only while that many are busy at once
   */
  ActorRunners(Time time, int coreRunners, int maxRunners, String namePrefix) {
    if (coreRunners < 1 || maxRunners < coreRunners) {
      throw new IllegalArgumentException("core runners " + coreRunners + ", max " + maxRunners);
    }
    this.time = time;
    this.coreRunners = coreRunners;
    this.maxRunners = maxRunners;
    this.namePrefix = namePrefix;
    this.lazyStarts = new LazyActorStarts(time, namePrefix + "starter", this::submit);
  }

  /** As many core runners as cores (at least two): actors' calls are CPU work. */
  static ActorRunners forThisMachine(Time time) {
    int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
    return new ActorRunners(time, cores, 4096, "jray-actor-runner-");
  }

  /** Whether serials wait for a runner: a runner spinning on its serial then gives it up. */
  boolean othersReady() {
    return readyCount != 0;
  }

  /** Runner threads alive now. */
  int liveRunners() {
    synchronized (lock) {
      return live;
    }
  }

  /** Ends the runners once their current serials return; later submissions are dropped. */
  void close() {
    Runner[] waiting;
    synchronized (lock) {
      closed = true;
      waiting = idle.toArray(new Runner[0]);
      idle.clear();
      ready.clear();
      readyCount = 0;
      lock.notifyAll();
    }
    for (Runner r : waiting) {
      LockSupport.unpark(r.thread);
    }
    lazyStarts.close();
  }

  /**
   * Hands what this thread scheduled lazily to a runner: before it blocks or goes idle. Never
   * blocks.
   */
  void flushCurrentThread() {
    lazyStarts.flushCurrentThread();
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  private void submit(Serial serial) {
    Runner wake = null;
    boolean start = false;
    boolean arm = false;
    synchronized (lock) {
      if (closed) {
        return;
      }
      wake = idle.pollLast();
      if (wake != null) {
        wake.handoff = serial;
      } else {
        ready.add(serial);
        readyCount = ready.size();
        if (live < coreRunners) {
          live++;
          start = true;
        } else if (!armed) {
          armed = true;
          arm = true;
        }
      }
    }
    if (wake != null) {
      LockSupport.unpark(wake.thread);
    } else if (start) {
      startRunner();
    } else if (arm) {
      wakeMonitor();
    }
  }

  private void startRunner() {
    Thread t;
    synchronized (lock) {
      t = WorkerThreadContext.newThread(this::runnerLoop, namePrefix + started++);
    }
    t.setDaemon(true);
    t.start();
  }

  private void runnerLoop() {
    Runner me = new Runner(Thread.currentThread());
    Serial serial = null;
    while (true) {
      if (serial == null) {
        serial = take(me);
        if (serial == null) {
          return;
        }
        if (!serial.claim()) {
          serial = null; // a caller ran it while it waited
          continue;
        }
      }
      try {
        serial.runQueued(true);
      } catch (RuntimeException | Error e) {
        // a serial handles its own failures; one that escapes must not end the runner
        LOG.warn("an actor runner's work failed", e);
      }
      Thread.interrupted(); // an interrupt aimed at the serial's last call ends with it
      flushCurrentThread(); // calls its actor made to others go before it looks for work
      if (!serial.release()) {
        serial = null;
      } else if (othersReady()) {
        Serial again = serial;
        serial = null;
        again.state.set(Serial.QUEUED);
        submit(again); // to the back of the queue: others waited longer
      }
    }
  }

  /** The next serial for this runner: waits for one; null when the runner should end. */
  private Serial take(Runner me) {
    synchronized (lock) {
      Serial s = pollReady();
      if (s != null) {
        return s;
      }
      if (closed) {
        live--;
        return null;
      }
      me.handoff = null;
      idle.addLast(me);
    }
    for (int i = 0; i < IDLE_SPINS && me.handoff == null; i++) {
      Thread.onSpinWait();
    }
    long idleSince = time.nanoseconds();
    while (true) {
      Serial s = me.handoff;
      if (s != null) {
        return s;
      }
      boolean extra;
      synchronized (lock) {
        if (closed) {
          idle.remove(me);
          live--;
          return null;
        }
        extra = live > coreRunners;
        if (extra && time.nanoseconds() - idleSince >= KEEP_ALIVE_NANOS && idle.remove(me)) {
          live--;
          return null;
        }
      }
      Thread.interrupted(); // a stale interrupt must not turn the park into a spin
      if (extra) {
        time.park(KEEP_ALIVE_NANOS);
      } else {
        LockSupport.park(this);
      }
    }
  }

  /** Under the lock: the oldest ready serial, or null. */
  private Serial pollReady() {
    Serial s = ready.poll();
    if (s != null) {
      readyCount = ready.size();
      taken++;
    }
    return s;
  }

  private void wakeMonitor() {
    synchronized (lock) {
      if (monitor == null) {
        monitor = WorkerThreadContext.newThread(this::monitorLoop, namePrefix + "monitor");
        monitor.setDaemon(true);
        monitor.start();
      } else {
        lock.notifyAll();
      }
    }
  }

  /** Adds a runner while ready serials wait and no runner has taken one for a while. */
  private void monitorLoop() {
    while (true) {
      long mark;
      synchronized (lock) {
        while (!armed && !closed) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        mark = taken;
      }
      long deadline = time.nanoseconds() + STARVATION_NANOS;
      for (long left = STARVATION_NANOS; left > 0; left = deadline - time.nanoseconds()) {
        time.park(left);
      }
      boolean start = false;
      synchronized (lock) {
        if (ready.isEmpty()) {
          armed = false;
        } else if (taken == mark && live < maxRunners && !closed) {
          live++;
          start = true;
        }
      }
      if (start) {
        startRunner();
      }
    }
  }
}
