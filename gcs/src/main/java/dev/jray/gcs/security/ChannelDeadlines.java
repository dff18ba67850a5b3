package dev.jray.gcs.security;

import dev.jray.gcs.time.Time;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Closes connections that outlive their deadline: a blocked read or write on a channel has no
 * timeout of its own, and closing the channel is what ends it (a handshake that never finishes, a
 * pull whose peer stops reading).
 *
 * <p>Threading: thread-safe. One daemon thread, started with the first deadline, checks the
 * deadlines every {@link #CHECK_NANOS} of real time while any is set and parks while none is; it
 * reads the injected {@link Time}, so a test moves a {@link dev.jray.gcs.time.ManualTime} past a
 * deadline and sees the channel closed within a check.
 */
public final class ChannelDeadlines implements AutoCloseable {
  static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** One channel's deadline; {@link #close} it once the guarded step is over. */
  public final class Deadline implements AutoCloseable {
    private final Closeable channel;
    private volatile long dueNanos;
    private volatile boolean expired;

    private Deadline(Closeable channel, long dueNanos) {
      this.channel = channel;
      this.dueNanos = dueNanos;
    }

    /** Whether the deadline passed and the channel was closed for it. */
    public boolean expired() {
      return expired;
    }

    /** Moves the deadline to {@code after} from now: the step made progress. */
    public void extend(Duration after) {
      dueNanos = time.nanoseconds() + after.toNanos();
    }

    /** The step ended in time: the channel stays open. */
    @Override
    public void close() {
      deadlines.remove(this);
    }

    private void expire() {
      expired = true;
      try {
        channel.close();
      } catch (IOException e) {
        // closing is all that is left to do; a failure to close changes nothing
      }
    }
  }

  private final Time time;
  private final String threadName;
  private final Set<Deadline> deadlines = ConcurrentHashMap.newKeySet();
  /** The checking thread, started by the first deadline; guarded by this. */
  private Thread thread;
  private volatile boolean closed;

  /** @param threadName the name of its thread ("jray-link-deadlines") */
  public ChannelDeadlines(Time time, String threadName) {
    this.time = Objects.requireNonNull(time, "time");
    this.threadName = Objects.requireNonNull(threadName, "threadName");
  }

  /** Closes {@code channel} once {@code after} passes on this clock, unless cancelled first. */
  public Deadline closeAfter(Duration after, Closeable channel) {
    Deadline d = new Deadline(Objects.requireNonNull(channel, "channel"),
        time.nanoseconds() + after.toNanos());
    deadlines.add(d);
    Thread t = started();
    LockSupport.unpark(t);
    return d;
  }

  private synchronized Thread started() {
    if (thread == null) {
      thread = new Thread(this::run, threadName);
      thread.setDaemon(true);
      thread.start();
    }
    return thread;
  }

  private void run() {
    while (!closed) {
      if (deadlines.isEmpty()) {
        LockSupport.park(this); // closeAfter unparks
        continue;
      }
      long now = time.nanoseconds();
      for (Deadline d : deadlines) {
        if (now - d.dueNanos >= 0) {
          deadlines.remove(d);
          d.expire();
        }
      }
      LockSupport.parkNanos(this, CHECK_NANOS);
    }
  }

  /** Stops the thread; channels still guarded stay open (their owner closes them). */
  @Override
  public void close() {
    closed = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    LockSupport.unpark(t);
  }
}
