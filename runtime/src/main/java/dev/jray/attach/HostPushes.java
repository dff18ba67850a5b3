package dev.jray.attach;

import dev.jray.api.id.UniqueId;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An attached process's side of what its host pushes ({@link AttachMessages.ToProcess}: GCS
 * changes, members leaving and joining): the process's link inbox hands them over, and one
 * listener thread of this class ({@code jray-host-listener}) runs their handlers, one at a time in
 * the order the host sent them. So {@link HostGcs}'s table listeners and {@link HostMembership}'s
 * listeners run there, never on the link's reader thread, and may block (read the GCS) while the
 * pushes after theirs wait.
 *
 * <p>At most {@link #MAX_QUEUED} pushes wait for the listener thread; past that a push is dropped
 * with an error logged (a listener that blocks for good must not grow the heap without bound).
 *
 * <p>Threading: thread-safe. {@link #onMessage} is called on the link's reader thread and never
 * blocks; handlers are set once each, by {@link HostGcs} and {@link HostMembership} when they are
 * built.
 */
public final class HostPushes implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostPushes.class);
  /** Pushes waiting for the listener thread at most. */
  static final int MAX_QUEUED = 1 << 16;
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** The node this process is attached to; changes when a movable process moves. */
  private volatile UniqueId host;
  /** Runs the handlers; its one thread is the listener thread. */
  private final ThreadPoolExecutor listenerThread;
  /** What handles each push type; set once per type, read by the reader thread. */
  private final ConcurrentHashMap<Class<?>, Consumer<Object>> handlers = new ConcurrentHashMap<>();

  /** @param host the node this process is attached to: pushes from any other node are ignored */
  public HostPushes(UniqueId host) {
    this.host = Objects.requireNonNull(host, "host");
    this.listenerThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
          Thread t = new Thread(r, "jray-host-listener-" + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** The node this process is attached to. */
  public UniqueId host() {
    return host;
  }

  /** From now on only {@code newHost}'s pushes are taken: the process moved to it. */
  public void moveTo(UniqueId newHost) {
    host = Objects.requireNonNull(newHost, "newHost");
  }

  /** Runs {@code task} on the listener thread, after the pushes queued before it. */
  public void runOnListenerThread(Runnable task) {
    try {
      listenerThread.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.warn("a task on the host listener thread failed", e);
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.debug("the host listener thread is stopped: a task dropped");
    }
  }

  /**
   * Takes a message the process's link received, if it is a push: chain it in the process's link
   * inbox. Called on the link's reader thread; never blocks.
   *
   * @return whether it was a push (handled or dropped here); false for any other message
   */
  public boolean onMessage(UniqueId from, Object message) {
    if (!(message instanceof AttachMessages.ToProcess)) {
      return false;
    }
    UniqueId current = host;
    if (!current.equals(from)) {
      LOG.warn("node {} pushed a {} to this attached process, whose host is node {}: ignored",
          from, message.getClass().getSimpleName(), current);
      return true;
    }
    Consumer<Object> handler = handlers.get(message.getClass());
    if (handler == null) {
      LOG.debug("nothing listens to {} from the host yet: dropped", message);
      return true;
    }
    try {
      listenerThread.execute(() -> run(handler, message));
    } catch (RejectedExecutionException e) {
      if (!listenerThread.isShutdown()) {
        LOG.error("{} pushes from the host wait for the listener thread, which seems stuck in a"
            + " listener: dropped a {}", MAX_QUEUED, message.getClass().getSimpleName());
      }
    }
    return true;
  }

  private static void run(Consumer<Object> handler, Object message) {
    try {
      handler.accept(message);
    } catch (RuntimeException e) {
      LOG.warn("a listener failed on " + message.getClass().getSimpleName() + " from the host", e);
    }
  }

  /**
   * Sets what handles pushes of {@code type}, on the listener thread.
   *
   * @throws IllegalStateException if the type has a handler already (one {@link HostGcs} and one
   *     {@link HostMembership} per process)
   */
  <T> void handle(Class<T> type, Consumer<? super T> handler) {
    Objects.requireNonNull(handler, "handler");
    if (handlers.putIfAbsent(type, m -> handler.accept(type.cast(m))) != null) {
      throw new IllegalStateException(type.getSimpleName() + " pushes have a handler already");
    }
  }

  /** Stops the listener thread: pushes still waiting are dropped. */
  @Override
  public void close() {
    listenerThread.shutdownNow();
  }
}
