package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.store.ObjectStore;
import dev.jray.store.transfer.HeapDestination;
import dev.jray.task.ObjectValue;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The copies in this node's store of objects owned elsewhere, with each one's owner: the
 * primaries of results made here, deleted when their owner frees them ({@link FreeObject}), and
 * copies pulled from other nodes, left as a cache the store evicts when it needs the room. Both
 * are deleted when their owner dies: nobody can ask for them any more. Also deletes this node's
 * copy of an object this worker owned when it is freed, and tells the node holding its primary.
 *
 * <p>Threading: thread-safe, never blocks (large deletions go to the pool). The copy map is
 * concurrent; its pruning is serialized by {@link #pruning}; the fetcher is set once by {@link
 * #start} (volatile). Fetch callbacks run on the fetcher's transfer threads.
 */
final class ObjectCopies {
  /** The fewest copies noted before the map is first pruned of evicted ones. */
  private static final int MIN_PRUNE = 1024;

  private final UniqueId nodeId;
  private final ObjectStore store;
  private final Owners owners;
  private final Executor pool;
  /** Copies of others' objects here, by id, with the owner's node; concurrent. */
  private final ConcurrentHashMap<ObjectId, UniqueId> copies = new ConcurrentHashMap<>();
  /** The size of {@link #copies} at which it next drops copies the store evicted. */
  private volatile int prunedAt = MIN_PRUNE;
  /** Serializes pruning. */
  private final Object pruning = new Object();
  /** Pulls copies from other nodes' stores; set once by start. */
  private volatile ObjectFetcher fetcher;

  /** @param pool where large copies are deleted (unmapping takes a while) */
  ObjectCopies(UniqueId nodeId, ObjectStore store, Owners owners, Executor pool) {
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.store = Objects.requireNonNull(store, "store");
    this.owners = Objects.requireNonNull(owners, "owners");
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  void start(ObjectFetcher fetcher) {
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
  }

  /** Pulls a copy of an object stored on another node into this node's store, unless it is here. */
  CompletableFuture<Void> fetchIfRemote(ObjectId id, String owner, ObjectValue v) {
    if (v.isInline() || nodeId.equals(v.storeNode()) || store.contains(id)) {
      return CompletableFuture.completedFuture(null);
    }
    return fetcher.fetch(id, v.storeNode()).thenRun(() -> keepCopyOf(id, owner));
  }

  /**
   * Reads an object stored on another node straight into the heap array {@code into} chooses,
   * keeping no copy here; cancelling the future ends the read.
   */
  CompletableFuture<byte[]> read(ObjectId id, ObjectValue v, HeapDestination into) {
    return fetcher.read(id, v.storeNode(), into);
  }

  /** Notes a copy here of an object {@code owner} owns, unless that is this worker. */
  void keepCopyOf(ObjectId id, String owner) {
    if (owner == null || owners.isSelf(owner)) {
      return; // its freeing deletes this node's copy
    }
    copies.put(id, owners.nodeOf(owner));
    if (copies.size() >= prunedAt) {
      prune();
    }
  }

  /** Forgets the copies the store evicted; amortized over the copies noted since the last prune. */
  private void prune() {
    synchronized (pruning) {
      if (copies.size() < prunedAt) {
        return;
      }
      copies.keySet().removeIf(id -> !store.contains(id));
      prunedAt = Math.max(MIN_PRUNE, 2 * copies.size());
    }
  }

  /** How many copies of others' objects are noted (some may have been evicted since). */
  int size() {
    return copies.size();
  }

  /**
   * Deletes this node's copy of an object this worker owned and freed: the primary, or a copy
   * pulled from the node that holds it, whose memory the next pull of that size then reuses
   * instead of faulting in fresh; the holder of the primary is told.
   */
  void deleteFreed(ObjectId id, ObjectValue value) {
    if (!value.isInline()) {
      store.delete(id);
      if (!value.storeNode().equals(nodeId)) {
        owners.links().send(value.storeNode(), new FreeObject(id));
      }
    }
  }

  /** Deletes this node's copy of an object this worker owns, leaving the primary elsewhere. */
  void deleteLocalCopy(ObjectId id, ObjectValue value) {
    if (!value.isInline()) {
      store.delete(id);
    }
  }

  /** The owner of a result whose primary copy is here freed it. */
  void onFreeObject(ObjectId id) {
    if (copies.remove(id) != null) {
      try {
        pool.execute(() -> deleteQuietly(id)); // unmapping a large copy takes a while
      } catch (RejectedExecutionException stopping) {
        // the node is stopping: its store goes with it
      }
    }
  }

  /**
   * A node left the cluster: transfers from and to it end, and the copies here of what its worker
   * owned are deleted.
   */
  void onNodeLeft(UniqueId node) {
    ObjectFetcher f = fetcher;
    if (f != null) {
      f.onNodeLeft(node);
    }
    onOwnerDied(node);
  }

  /** The copies here of what a node's worker owned are deleted: nobody can ask for them. */
  private void onOwnerDied(UniqueId node) {
    copies.forEach((id, owner) -> {
      if (owner.equals(node) && copies.remove(id, owner)) {
        deleteQuietly(id);
      }
    });
  }

  private void deleteQuietly(ObjectId id) {
    try {
      store.delete(id);
    } catch (IllegalStateException closed) {
      // this node is stopping: its store went first
    }
  }
}
