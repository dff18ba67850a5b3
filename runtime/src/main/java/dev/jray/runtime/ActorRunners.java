package dev.jray.runtime;

import dev.jray.gcs.time.Time;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's actor runners: a bounded pool of threads that run actors' mailboxes, so an idle
 * actor holds no thread. A {@link Serial} (an actor's mailbox, or one piece of lifecycle work)
 * is scheduled when work arrives for it and runs on one runner at a time: the {@code scheduled}
 * flag it carries is set by the producer that finds it clear and cleared by the runner only
 * after the serial's queue was seen empty, then re-checked, so no work is lost and no serial
 * runs on two runners. A runner waiting for work spins briefly, then parks; a new serial is
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
  private static final Logger LOG = Logger.getLogger(ActorRunners.class.getName());

  /**
   * Work that runs on one runner at a time: an actor's mailbox. Producers queue work in it, then
   * call {@link #schedule}.
   */
  abstract static class Serial {
    private final ActorRunners runners;
    private final AtomicBoolean scheduled = new AtomicBoolean();

    Serial(ActorRunners runners) {
      this.runners = runners;
    }

    /** Runs queued work on the calling runner until there is none; may spin for more first. */
    protected abstract void runQueued();

    /** Whether work is queued; read by the runner after it cleared the scheduled flag. */
    protected abstract boolean hasQueued();

    /** Makes sure a runner will run the queued work: after queueing it. Never blocks. */
    final void schedule() {
      if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
        runners.submit(this);
      }
    }

    /** Ends a run: true if work came in meanwhile and this runner took the serial again. */
    private boolean release() {
      scheduled.set(false);
      return hasQueued() && scheduled.compareAndSet(false, true);
    }
  }

  /** A piece of work that runs once on a runner: an actor's creation, its kill or restart. */
  static void runOnce(ActorRunners runners, Runnable work) {
    new Serial(runners) {
      private boolean ran;

      @Override
      protected void runQueued() {
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
      t = new Thread(this::runnerLoop, namePrefix + started++);
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
      }
      try {
        serial.runQueued();
      } catch (RuntimeException | Error e) {
        // a serial handles its own failures; one that escapes must not end the runner
        LOG.log(Level.WARNING, "an actor runner's work failed", e);
      }
      Thread.interrupted(); // an interrupt aimed at the serial's last call ends with it
      if (!serial.release()) {
        serial = null;
      } else if (othersReady()) {
        Serial again = serial;
        serial = null;
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
        monitor = new Thread(this::monitorLoop, namePrefix + "monitor");
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
