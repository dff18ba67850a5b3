package dev.jray.node;

import dev.jray.gcs.time.Time;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Fencing: a node that the cluster may have declared dead while it still ran (its JVM paused
 * longer than the cluster's failure detection: SIGSTOP, a long GC pause) stops before it acts on
 * its stale view. By then the others have marked it dead, ignore what it still sends, retried its
 * tasks and restarted its actors elsewhere; were it to go on, its actors would answer a second
 * time, and seeing every other member leave it would restart their actors too.
 *
 * <p>A watchdog thread ticks every {@link #TICK_NANOS} on the node's {@link Time}; a gap between
 * two ticks longer than {@link #PAUSE_LIMIT_NANOS} means the JVM was paused that long. Whoever
 * is about to act on a membership change asks {@link #paused} first, which also counts the time
 * since the last tick, so a node that resumes fences before its watchdog has run again. Fenced,
 * it runs its {@code onFenced} action once (a node started by {@code jray start} halts with
 * {@link #FENCED_EXIT}, and its launcher starts it again as a new node).
 *
 * <p>Threading: thread-safe; the last tick and the fenced flag are volatile, the action runs
 * once (on the watchdog or on the thread that asked).
 */
public final class NodeFence implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(NodeFence.class.getName());
  /** The exit code of a node JVM that fenced itself. */
  public static final int FENCED_EXIT = 75;
  /**
   * Longer than a heartbeat interval (1 s) short of the failure detection's 5 s: a pause this long
   * may have had the node declared dead.
   */
  static final long PAUSE_LIMIT_NANOS = 4_000_000_000L;
  static final long TICK_NANOS = 250_000_000L;

  private final Time time;
  private final Runnable onFenced;
  private volatile long lastTick;
  private volatile boolean fenced;
  private volatile boolean closed;
  private Thread watchdog;

  /**
   * A fence not yet watching: {@link #start} starts its watchdog.
   *
   * @param onFenced what the node does once fenced; runs once
   */
  NodeFence(Time time, Runnable onFenced) {
    this.time = Objects.requireNonNull(time, "time");
    this.onFenced = Objects.requireNonNull(onFenced, "onFenced");
    this.lastTick = time.nanoseconds();
  }

  /** Starts the watchdog thread. */
  NodeFence start() {
    watchdog = new Thread(() -> {
      while (!closed && !fenced) {
        time.park(TICK_NANOS);
        tick();
      }
    }, "jray-fence");
    watchdog.setDaemon(true);
    watchdog.start();
    return this;
  }

  /** One tick of the watchdog: fences if the time since the last one shows a pause. */
  void tick() {
    paused();
    lastTick = time.nanoseconds();
  }

  /**
   * Whether this node is fenced: now, if it was paused longer than the limit since the watchdog
   * last ticked (then the action runs).
   */
  public boolean paused() {
    if (fenced) {
      return true;
    }
    long gap = time.nanoseconds() - lastTick;
    if (gap <= PAUSE_LIMIT_NANOS || closed) {
      return false;
    }
    fence("this JVM was paused for " + gap / 1_000_000 + " ms, longer than the cluster's failure"
        + " detection: the cluster may have declared this node dead");
    return true;
  }

  private void fence(String why) {
    synchronized (this) {
      if (fenced) {
        return;
      }
      fenced = true;
    }
    LOG.severe("jray node fenced: " + why);
    onFenced.run();
  }

  @Override
  public void close() {
    closed = true;
  }
}
