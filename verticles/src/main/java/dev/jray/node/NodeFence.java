package dev.jray.node;

import dev.jray.gcs.FailureDetection;
import dev.jray.gcs.time.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fencing: a node that the cluster declared dead while it still ran (its JVM paused longer than
 * the cluster's failure detection: SIGSTOP, a long GC pause) stops before it acts on its stale
 * view. By then the others have marked it dead, ignore what it still sends, retried its tasks and
 * restarted its actors elsewhere; were it to go on, its actors would answer a second time, and
 * seeing every other member leave it would restart their actors too.
 *
 * <p>A watchdog thread ticks every {@link #TICK_NANOS} on the node's {@link Time}; a gap longer
 * than {@link #PAUSE_LIMIT_NANOS} means the JVM was paused that long. The node is then suspect:
 * for {@link #SUSPICION_NANOS} it holds back the membership changes it sees (its view may be
 * stale: every other member seems to leave) and asks, once a tick, whether the cluster declared
 * it dead (its GCS record). Declared dead, or no answer within {@link #CHECK_TIMEOUT_NANOS}, it
 * fences: its {@code onFenced} action runs once (a node started by {@code jray start} halts with
 * {@link #FENCED_EXIT}). Still alive at the end of the suspicion (the whole machine stalled, say,
 * and nobody declared anyone dead), it acts on the changes it held back. Whoever is about to act
 * on a membership change asks {@link #holdsBack} first, which also counts the time since the last
 * tick, so a node that resumes holds back before its watchdog has run again. Whatever its state,
 * a node that learns it was split off the cluster ({@link #splitOff}) fences: the others removed
 * it, so its node was declared dead. (Its own GCS read can be stale till then: split off, a member
 * reads its own copies of the records.)
 *
 * <p>Threading: thread-safe; the held-back actions and the state are guarded by this object's
 * lock, the last tick is volatile. The watchdog runs the check on a thread of its own (it may
 * block on the GCS) and the actions outside the lock.
 */
public final class NodeFence implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeFence.class);
  /** The exit code of a node JVM that fenced itself. */
  public static final int FENCED_EXIT = 75;
  /**
   * A heartbeat interval (1 s) short of the failure detection: a pause this long may have had the
   * node declared dead.
   */
  static final long PAUSE_LIMIT_NANOS = FailureDetection.TIMEOUT.minusSeconds(1).toNanos();
  static final long TICK_NANOS = 250_000_000L;
  /** How long after a pause the node looks for its death before it trusts its view again. */
  static final long SUSPICION_NANOS = 10_000_000_000L;
  /** A check that gets no answer this long counts as a death: the node cannot reach the cluster. */
  static final long CHECK_TIMEOUT_NANOS = 10_000_000_000L;

  private enum State { TRUSTED, SUSPECT, FENCED }

  private final Time time;
  private final BooleanSupplier declaredDead;
  private final Runnable onFenced;
  private final ExecutorService checker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "jray-fence-check");
    t.setDaemon(true);
    return t;
  });
  private volatile long lastTick;
  private volatile boolean closed;
  /** Guarded by this. */
  private State state = State.TRUSTED;
  /** When the suspicion began; guarded by this. */
  private long suspectSince;
  /** The membership changes held back while suspect; guarded by this. */
  private final List<Runnable> heldBack = new ArrayList<>();
  /** The check running, or null; guarded by this. */
  private CompletableFuture<Boolean> check;
  /** When the running check began; guarded by this. */
  private long checkSince;

  /**
   * A fence not yet watching: {@link #start} starts its watchdog.
   *
   * @param declaredDead whether the cluster declared this node dead; may block
   * @param onFenced what the node does once fenced; runs once
   */
  NodeFence(Time time, BooleanSupplier declaredDead, Runnable onFenced) {
    this.time = Objects.requireNonNull(time, "time");
    this.declaredDead = Objects.requireNonNull(declaredDead, "declaredDead");
    this.onFenced = Objects.requireNonNull(onFenced, "onFenced");
    this.lastTick = time.nanoseconds();
  }

  /** Starts the watchdog thread. */
  NodeFence start() {
    Thread watchdog = new Thread(() -> {
      while (!closed && !fenced()) {
        time.park(TICK_NANOS);
        tick();
      }
    }, "jray-fence");
    watchdog.setDaemon(true);
    watchdog.start();
    return this;
  }

  /**
   * One tick of the watchdog: a pause since the last one makes the node suspect; while suspect,
   * it checks for its death, then fences or trusts its view again.
   */
  void tick() {
    sawPause();
    lastTick = time.nanoseconds();
    List<Runnable> release = List.of();
    boolean fence = false;
    synchronized (this) {
      if (state != State.SUSPECT || closed) {
        return;
      }
      long now = time.nanoseconds();
      if (check == null) {
        check = CompletableFuture.supplyAsync(declaredDead::getAsBoolean, checker);
        checkSince = now;
      }
      if (check.isDone()) {
        fence = check.isCompletedExceptionally() || check.join();
        check = null;
        if (!fence && now - suspectSince > SUSPICION_NANOS) {
          state = State.TRUSTED;
          release = new ArrayList<>(heldBack);
          heldBack.clear();
        }
      } else if (now - checkSince > CHECK_TIMEOUT_NANOS) {
        fence = true;
      }
    }
    if (fence) {
      fence("the cluster declared it dead, or could not be asked, after a pause");
    }
    for (Runnable r : release) {
      r.run();
    }
  }

  /**
   * Whoever is about to act on a membership change asks this first: while the node is suspect the
   * change is held back (run later, if the node is not fenced), and once it is fenced dropped.
   *
   * @return whether it was held back or dropped; false: act on it now
   */
  public boolean holdsBack(Runnable change) {
    sawPause();
    synchronized (this) {
      switch (state) {
        case SUSPECT:
          heldBack.add(change);
          return true;
        case FENCED:
          return true;
        default:
          return false;
      }
    }
  }

  /**
   * The node was split off the cluster and is merging back into it as a new member: it fences,
   * however long ago its pause was (the merge may come after the suspicion has passed).
   */
  public void splitOff() {
    if (!closed) {
      fence("it was split off the cluster, which declared it dead");
    }
  }

  /** Whether the node may act on its own view now: no pause suspected, not fenced. */
  public boolean trusted() {
    sawPause();
    synchronized (this) {
      return state == State.TRUSTED;
    }
  }

  /** Becomes suspect if the time since the last tick shows a pause. */
  private void sawPause() {
    long gap = time.nanoseconds() - lastTick;
    if (gap <= PAUSE_LIMIT_NANOS || closed) {
      return;
    }
    synchronized (this) {
      if (state == State.TRUSTED) {
        state = State.SUSPECT;
        suspectSince = time.nanoseconds();
        LOG.warn("this JVM was paused for " + gap / 1_000_000 + " ms, longer than the cluster's"
            + " failure detection: it holds back membership changes until it knows whether the"
            + " cluster declared it dead");
      }
    }
  }

  synchronized boolean fenced() {
    return state == State.FENCED;
  }

  synchronized boolean suspect() {
    return state == State.SUSPECT;
  }

  private void fence(String why) {
    synchronized (this) {
      if (state == State.FENCED) {
        return;
      }
      state = State.FENCED;
      heldBack.clear();
    }
    LOG.error("jray node fenced: " + why);
    try {
      onFenced.run();
    } catch (RuntimeException e) {
      LOG.error("the fenced node's action failed", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    checker.shutdownNow();
  }
}
