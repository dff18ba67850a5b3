package dev.jray.attach;

import dev.jray.attach.AttachMessages.GcsChanged;
import dev.jray.gcs.Gcs;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GCS table's changes, relayed to the attached processes that subscribed to it: the host
 * listens to the table once, with the first subscription, for all of them, encodes each change
 * once, and queues it to each subscriber's {@link AttachedProcess} under one lock, so every
 * process gets the table's changes in the same order, the order the host saw them.
 *
 * <p>Threading: thread-safe. Subscribers are added and removed on link reader threads and by
 * {@link AttachRelay#processGone}; the host's listener runs on the host GCS's event thread and
 * never blocks (it only queues); registering that listener, which may block (Hazelcast), runs on
 * the executor. The monitor guards {@link #listening}, {@link #hostListener} and {@link #closed};
 * {@link #order} serializes the listener's pushes.
 */
final class RelayedTable {
  private static final Logger LOG = LoggerFactory.getLogger(RelayedTable.class);

  /** One subscription: the process and the id it gave it. */
  private record Subscriber(AttachedProcess process, long subscription) {}

  private final GcsTableName name;
  private final Gcs gcs;
  private final Executor executor;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  /** Held while a change is queued to every subscriber, so all see changes in one order. */
  private final Object order = new Object();
  /** Completes once the host listens to the table; null before the first subscription. */
  private CompletableFuture<Void> listening;
  private AutoCloseable hostListener;
  private boolean closed;

  RelayedTable(GcsTableName name, Gcs gcs, Executor executor) {
    this.name = Objects.requireNonNull(name, "name");
    this.gcs = Objects.requireNonNull(gcs, "gcs");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * Adds a subscriber: changes the host sees from now on are queued to it.
   *
   * @return completes once the host listens to the table (at once after the first time), or
   *     exceptionally if it could not
   */
  CompletableFuture<Void> subscribe(AttachedProcess process, long subscription) {
    subscribers.add(new Subscriber(process, subscription));
    return listening();
  }

  void unsubscribe(AttachedProcess process, long subscription) {
    subscribers.remove(new Subscriber(process, subscription));
  }

  private synchronized CompletableFuture<Void> listening() {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the relay is closed"));
    }
    if (listening == null || listening.isCompletedExceptionally()) {
      // a failed attempt is tried again by the next subscription
      try {
        listening = CompletableFuture.runAsync(this::listen, executor);
      } catch (RejectedExecutionException stopping) {
        return CompletableFuture.failedFuture(new IllegalStateException("the host is stopping"));
      }
    }
    return listening;
  }

  /** On the executor: the host's GCS may block while it registers the listener. */
  private void listen() {
    AutoCloseable l = name.of(gcs).listen(this::changed);
    boolean closeNow;
    synchronized (this) {
      closeNow = closed;
      if (!closed) {
        hostListener = l;
      }
    }
    if (closeNow) {
      closeQuietly(l);
    }
  }

  /** A change of the host's table; on its GCS's event thread. */
  private void changed(Object key, Object value) {
    if (subscribers.isEmpty()) {
      return;
    }
    byte[] k;
    byte[] v;
    try {
      k = GcsValueCodec.encode(key);
      v = GcsValueCodec.encode(value);
    } catch (IllegalArgumentException e) {
      LOG.warn("a change of GCS table {} cannot be relayed to attached processes: {}",
          name.label(), e.getMessage());
      return;
    }
    synchronized (order) {
      for (Subscriber s : subscribers) {
        s.process().push(new GcsChanged(s.subscription(), k, v));
      }
    }
  }

  /** Stops listening to the host's table; subscribers get nothing more. */
  void close() {
    AutoCloseable l;
    synchronized (this) {
      closed = true;
      l = hostListener;
      hostListener = null;
    }
    subscribers.clear();
    if (l != null) {
      closeQuietly(l);
    }
  }

  private void closeQuietly(AutoCloseable l) {
    try {
      l.close();
    } catch (Exception e) {
      LOG.debug("stopping to listen to GCS table {}: {}", name.label(), e.toString());
    }
  }

  /** Subscribers now, for tests. */
  int subscriberCount() {
    return subscribers.size();
  }
}
