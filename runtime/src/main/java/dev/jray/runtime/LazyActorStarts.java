package dev.jray.runtime;

import dev.jray.gcs.time.Time;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Actor calls started lazily, as {@link TaskStarts} does for tasks: a caller in this JVM that
 * schedules an idle actor's mailbox leaves it here, and it goes to a runner only when that
 * caller schedules again, blocks ({@link #flushCurrentThread}) or after {@link
 * #LAZY_START_NANOS}; a caller that waits for the result first claims it and runs it itself, so
 * a sync call wakes no thread.
 *
 * <p>Threading: each caller thread owns its latest lazy schedule (a thread local); the queue of
 * schedules is concurrent, and each {@link Deferred} is handed on at most once (its flag, set by
 * compare-and-set). One daemon starter thread, started on the first lazy schedule, hands on the
 * due ones; it parks while there are none. Nothing here blocks a caller; {@code submit} is called
 * on the caller's or the starter's thread.
 */
final class LazyActorStarts {
  /** How long a serial scheduled lazily waits for its caller before it goes to a runner. */
  static final long LAZY_START_NANOS = 100_000;

  /** A serial scheduled lazily and not yet handed to a runner; true once handed or claimed. */
  private static final class Deferred extends AtomicBoolean {
    final ActorRunners.Serial serial;
    final long since;

    Deferred(ActorRunners.Serial serial, long since) {
      this.serial = serial;
      this.since = since;
    }
  }

  private final Time time;
  private final String starterName;
  /** Hands a serial to a runner; never blocks. */
  private final Consumer<ActorRunners.Serial> submit;
  /** Each caller thread's latest lazy schedule; owned by that thread. */
  private final ThreadLocal<Deferred> latestDeferred = new ThreadLocal<>();
  /** Lazy schedules in order, for the starter to hand on once due; concurrent. */
  private final ConcurrentLinkedQueue<Deferred> deferred = new ConcurrentLinkedQueue<>();
  /** Guards starting the starter once, and {@link #closed} against it. */
  private final Object lock = new Object();
  /** Hands on lazy schedules their callers left; started on the first; written under {@link #lock}. */
  private volatile Thread starter;
  /** Whether the starter parked with nothing queued; written by the starter. */
  private volatile boolean starterParked;
  /** Set once by {@link #close}, under {@link #lock}. */
  private volatile boolean closed;

  LazyActorStarts(Time time, String starterName, Consumer<ActorRunners.Serial> submit) {
    this.time = time;
    this.starterName = starterName;
    this.submit = submit;
  }

  /** Leaves {@code serial} to start lazily; what this thread scheduled before goes now. */
  void defer(ActorRunners.Serial serial) {
    flushCurrentThread();
    Deferred d = new Deferred(serial, time.nanoseconds());
    latestDeferred.set(d);
    deferred.add(d);
    Thread s = starter;
    if (s == null) {
      startStarter();
    } else if (starterParked) {
      LockSupport.unpark(s);
    }
  }

  /** Hands this thread's lazy schedule of {@code serial}, if that is its latest, to a runner. */
  void startDeferred(ActorRunners.Serial serial) {
    Deferred d = latestDeferred.get();
    if (d != null && d.serial == serial) {
      flushCurrentThread();
    }
  }

  /** The calling thread claimed {@code serial} to run it: its lazy schedule is void. */
  void dropDeferred(ActorRunners.Serial serial) {
    Deferred d = latestDeferred.get();
    if (d != null && d.serial == serial) {
      latestDeferred.set(null); // cheaper than remove(): the entry stays for the next
      d.set(true);
    }
  }

  /** Hands what this thread scheduled lazily to a runner: before it blocks or goes idle. */
  void flushCurrentThread() {
    Deferred d = latestDeferred.get();
    if (d != null) {
      latestDeferred.set(null); // cheaper than remove(): the entry stays for the next
      if (d.compareAndSet(false, true)) {
        submit.accept(d.serial);
      }
    }
  }

  /** Ends the starter; lazy schedules left are dropped with the runners. */
  void close() {
    Thread s;
    synchronized (lock) {
      closed = true;
      s = starter;
    }
    if (s != null) {
      LockSupport.unpark(s);
    }
  }

  private void startStarter() {
    synchronized (lock) {
      if (starter != null || closed) {
        return;
      }
      Thread s = new Thread(this::starterLoop, starterName);
      s.setDaemon(true);
      starter = s;
      s.start();
    }
  }

  /** Hands on lazy schedules whose callers neither blocked nor scheduled again in time. */
  private void starterLoop() {
    while (!closed) {
      Deferred d = deferred.peek();
      if (d == null) {
        starterParked = true;
        if (deferred.isEmpty()) {
          LockSupport.park(this);
        }
        starterParked = false;
      } else if (d.get()) {
        deferred.remove(d);
      } else {
        long wait = d.since + LAZY_START_NANOS - time.nanoseconds();
        if (wait > 0) {
          time.park(wait);
        } else {
          deferred.remove(d);
          if (d.compareAndSet(false, true)) {
            submit.accept(d.serial);
          }
        }
      }
    }
  }
}
