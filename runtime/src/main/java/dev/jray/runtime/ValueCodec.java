package dev.jray.runtime;

import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayException;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.exception.RayTimeoutException;
import dev.jray.api.exception.UnreconstructableException;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.serialization.Serializer;
import dev.jray.gcs.time.Time;
import dev.jray.store.ObjectStore;
import dev.jray.store.ObjectWriter;
import dev.jray.store.StoredObject;
import dev.jray.store.transfer.HeapDestination;
import dev.jray.task.ObjectValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns user values into objects and back: serializes them (counting the ObjectRefs inside),
 * keeps small ones inline and writes large ones into this node's store (a large {@code byte[]}
 * with one copy, framed as the serializer would), and decodes an object's value or error in a
 * job's class loader. A value stored on another node is read from there straight into the heap
 * for a get, and pulled into this node's store first for a task's argument.
 *
 * <p>Threading: thread-safe. Encoding and decoding run on the caller's thread; a decode of an
 * object stored elsewhere blocks until it is fetched (not on an event loop), and a large store
 * write may first wait up to {@link #RECLAIM_WAIT_NANOS} (on {@link Time}) for collected refs to
 * free memory, under this object's lock, which guards the reclaim fields. The array framing is
 * learned once (volatile, a benign race).
 */
final class ValueCodec {
  /** Values up to this size travel with tasks and results; larger ones live in the object store. */
  static final int INLINE_LIMIT = 100 * 1024;
  /** The largest object read straight into the heap: the largest Java array. */
  private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;
  /**
   * From this size on, a remote read's array is allocated by the waiting caller while the transfer
   * connects: zeroing 256 MB takes 9-15 ms here, as long as the connection and the request.
   */
  private static final long ALLOCATE_AHEAD_BYTES = 1 << 20;
  /** How long a put waits for collected ObjectRefs to free store memory after a GC. */
  static final long RECLAIM_WAIT_NANOS = 100_000_000;
  /** Values this large may trigger a GC to get a kept store mapping back instead of fresh memory. */
  private static final long RECLAIM_MIN_BYTES = 64L << 20;
  /** How often a put waiting for memory looks at the store again. */
  private static final long RECLAIM_POLL_NANOS = 500_000;

  /** Serialized value and the ObjectRefs found inside it (each counted once more until released). */
  record Encoded(byte[] bytes, List<RefId> contained) {}

  private final UniqueId nodeId;
  private final Serializer serializer;
  private final ObjectStore store;
  private final ReferenceCounter refs;
  private final ObjectCopies copies;
  private final Time time;
  /** How the serializer frames byte arrays, learned on the first large one; see storeArray. */
  private volatile ByteArrayFraming arrayFraming;
  private volatile boolean arrayFramingUnknown;
  /** Bytes of large values stored since the last reclaiming GC; guarded by this. */
  private long largeSinceReclaim;
  /** Whether the last reclaiming GC freed store memory; guarded by this. */
  private boolean lastReclaimFreed = true;
  /** The store's used bytes after the last reclaiming GC; guarded by this. */
  private long usedAfterReclaim;

  ValueCodec(UniqueId nodeId, Serializer serializer, ObjectStore store, ReferenceCounter refs,
      ObjectCopies copies, Time time) {
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.serializer = Objects.requireNonNull(serializer, "serializer");
    this.store = Objects.requireNonNull(store, "store");
    this.refs = Objects.requireNonNull(refs, "refs");
    this.copies = Objects.requireNonNull(copies, "copies");
    this.time = Objects.requireNonNull(time, "time");
  }

  Serializer serializer() {
    return serializer;
  }

  /** Serializes a value; the refs inside it are counted (wherever their owners are). */
  Encoded encode(Object value) {
    return encode(value, null);
  }

  /**
   * Serializes a value that the worker of owner address {@code holder} keeps (null: this
   * worker); the refs inside it are counted as held by that worker, which gives them back.
   */
  Encoded encode(Object value, String holder) {
    if (value instanceof byte[] array) {
      ByteArrayFraming framing = arrayFraming();
      if (framing != null) {
        return new Encoded(framing.frame(array), List.of()); // as the serializer frames it
      }
    }
    if (value == null || isImmutableJdkValue(value)) {
      return new Encoded(serializer.serialize(value), List.of());
    }
    ContainedRefs.begin();
    byte[] bytes;
    List<RefId> contained;
    try {
      bytes = serializer.serialize(value);
    } finally {
      contained = ContainedRefs.end();
    }
    if (!contained.isEmpty()) {
      for (RefId ref : contained) {
        refs.count(ref, holder); // the value keeps them alive, wherever their owners are
      }
    }
    return new Encoded(bytes, contained);
  }

  /**
   * Gives back the counts {@link #encode(Object, String)} took for {@code holder} on the refs
   * inside a value that is not kept.
   */
  void release(List<RefId> contained, String holder) {
    for (RefId ref : contained) {
      refs.uncount(ref, holder);
    }
  }

  /**
   * A value of a final, immutable JDK class: it holds no ObjectRef (no need to look for refs in
   * it), and one decoded copy may serve many readers, in any class loader.
   */
  static boolean isImmutableJdkValue(Object value) {
    return value instanceof String || value instanceof Integer || value instanceof Long
        || value instanceof Double || value instanceof Boolean;
  }

  /** The object of serialized bytes: inline if small, else written into this node's store. */
  ObjectValue storeValue(ObjectId id, byte[] bytes) {
    if (bytes.length <= INLINE_LIMIT) {
      return ObjectValue.inline(bytes);
    }
    reclaimStoreMemory(bytes.length);
    store.put(id, bytes, true);
    return ObjectValue.inStore(nodeId, bytes.length);
  }

  /**
   * Stores a large byte array as the serializer would, with one copy and no serialized copy on
   * the heap; null if {@code value} is no large byte[] or the serializer frames arrays in a way
   * this does not know.
   */
  ObjectValue storeLargeArray(ObjectId id, Object value) {
    if (!(value instanceof byte[] array) || array.length <= INLINE_LIMIT) {
      return null;
    }
    ByteArrayFraming framing = arrayFraming();
    if (framing == null) {
      return null;
    }
    byte[] header = framing.header(array.length);
    long size = (long) header.length + array.length;
    reclaimStoreMemory(size);
    ObjectWriter writer = store.create(id, size, true);
    try {
      writer.write(ByteBuffer.wrap(header));
      writer.write(ByteBuffer.wrap(array));
      writer.seal();
    } finally {
      writer.abort(); // a no-op once sealed
    }
    return ObjectValue.inStore(nodeId, size);
  }

  /** How the serializer frames a byte[], learned once; null if in a way this does not know. */
  private ByteArrayFraming arrayFraming() {
    ByteArrayFraming framing = arrayFraming;
    if (framing == null && !arrayFramingUnknown) {
      framing = ByteArrayFraming.learn(serializer);
      arrayFramingUnknown = framing == null;
      arrayFraming = framing;
    }
    return framing;
  }

  /**
   * Lets unreachable ObjectRefs free their objects before a large value needs memory the store
   * does not have, or fresh memory when a kept mapping might come back: refs are counted down by
   * the RefTracker, which sees them only after a GC, and a loop of large puts makes little heap
   * garbage. As NIO does for direct memory. A GC that freed nothing makes the next wait for a
   * quarter of the store's capacity in new large objects.
   */
  private synchronized void reclaimStoreMemory(long size) {
    long used = store.usedBytes();
    if (used < usedAfterReclaim) {
      lastReclaimFreed = true; // the RefTracker caught up after the last wait
    }
    boolean full = used + size > store.capacity();
    boolean reuseLikely = size >= RECLAIM_MIN_BYTES && largeSinceReclaim > 0
        && (lastReclaimFreed || largeSinceReclaim >= store.capacity() / 4)
        && !store.hasReusable(size);
    if (!full && !reuseLikely) {
      if (size >= RECLAIM_MIN_BYTES) {
        largeSinceReclaim += size;
      }
      return;
    }
    HeapKeepingGc.run();
    long deadline = time.nanoseconds() + RECLAIM_WAIT_NANOS;
    while (store.usedBytes() >= used && !store.hasReusable(size)
        && time.nanoseconds() - deadline < 0) {
      time.park(RECLAIM_POLL_NANOS);
    }
    usedAfterReclaim = store.usedBytes();
    lastReclaimFreed = usedAfterReclaim < used;
    largeSinceReclaim = size;
  }

  /** A failure as an object: the error serialized, or a copy of it that can be. */
  ObjectValue errorValue(RayException error) {
    try {
      return ObjectValue.failure(serializer.serialize(error));
    } catch (RuntimeException e) {
      // the user's exception holds something unserializable: keep its message and trace
      Throwable root = error.getCause() != null ? error.getCause() : error;
      RayException copy = new RayException(root.getMessage());
      copy.setStackTrace(root.getStackTrace());
      RayException outer = error instanceof RayActorException a
          ? new RayActorException(a.getActorId(), error.getMessage(), copy)
          : new RayTaskException(error.getMessage() + " (" + root.getClass().getName()
              + " could not be serialized: " + e.getMessage() + ")", copy);
      return ObjectValue.failure(serializer.serialize(outer));
    }
  }

  /**
   * The value of a completed object, decoded in {@code loader}, with no bound on fetching it.
   *
   * @throws RuntimeException the object's error, or why it cannot be had
   */
  <T> T decode(ObjectId id, String owner, CompletableFuture<ObjectValue> f, ClassLoader loader) {
    return decode(id, owner, f, loader, -1);
  }

  /**
   * As {@link #decode(ObjectId, String, CompletableFuture, ClassLoader)}, fetching a copy from
   * another node for at most {@code fetchNanos} (none if negative).
   *
   * @throws RayTimeoutException if the copy is not fetched in time
   */
  @SuppressWarnings("unchecked")
  <T> T decode(ObjectId id, String owner, CompletableFuture<ObjectValue> f, ClassLoader loader,
      long fetchNanos) {
    ObjectValue v;
    try {
      v = f.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new RayException("object " + id, e.getCause());
    }
    if (v.error()) {
      throw (RuntimeException) serializer.deserialize(v.data(), loader);
    }
    return (T) decodeValue(id, owner, v, loader, fetchNanos, false);
  }

  /**
   * A task argument's value (not an error), pulling its stored copy into this node's store first
   * if need be: the node's other tasks then read that copy instead of the network.
   */
  Object decodeValue(ObjectId id, String owner, ObjectValue v, ClassLoader loader) {
    return decodeValue(id, owner, v, loader, -1, true);
  }

  /**
   * An object's value (not an error), fetching its stored copy from another node for at most
   * {@code fetchNanos} (none if negative): into this node's store if {@code keepCopy}, else
   * straight into the heap, unless a copy is here already.
   */
  private Object decodeValue(ObjectId id, String owner, ObjectValue v, ClassLoader loader,
      long fetchNanos, boolean keepCopy) {
    if (v.isInline()) {
      byte[] data = v.data();
      ByteArrayFraming framing = arrayFraming();
      int header = framing == null ? -1 : framing.headerLength(data);
      // a small byte[] (a common result) is its bytes after the header: no serializer round
      return header < 0 ? serializer.deserialize(data, loader)
          : Arrays.copyOfRange(data, header, data.length);
    }
    if (!keepCopy && !nodeId.equals(v.storeNode()) && v.size() <= MAX_ARRAY_BYTES) {
      try (StoredObject stored = store.get(id)) {
        if (stored != null) {
          return readStored(stored, loader); // a copy pulled here before (an argument's)
        }
      }
      return readRemote(id, v, loader, fetchNanos);
    }
    long deadline = time.nanoseconds() + fetchNanos;
    // a pulled copy may be evicted before it is read: pull once more then
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        awaitFetch(copies.fetchIfRemote(id, owner, v), id, v,
            fetchNanos < 0 ? -1 : Math.max(0, deadline - time.nanoseconds()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RayException("interrupted while fetching object " + id, e);
      } catch (ExecutionException e) {
        throw new UnreconstructableException(id, "its copy on node " + v.storeNode()
            + " cannot be fetched: " + e.getCause().getMessage());
      }
      try (StoredObject stored = store.get(id)) {
        if (stored != null) {
          return readStored(stored, loader);
        }
      }
      if (nodeId.equals(v.storeNode())) {
        break;
      }
    }
    throw new UnreconstructableException(id, "its copy in the object store of node "
        + v.storeNode() + " is gone");
  }

  /**
   * Reads an object stored on another node straight into the heap (one copy after the socket's,
   * where a pull into the store and a read of that take three) and decodes it: a serialized
   * byte[] is read into the array returned, past its header.
   */
  private Object readRemote(ObjectId id, ObjectValue v, ClassLoader loader, long fetchNanos) {
    ByteArrayFraming framing = arrayFraming();
    // a large object of a byte[]'s exact size is likely one: its array is zeroed here meanwhile
    int likelyHeader = framing == null || v.size() < ALLOCATE_AHEAD_BYTES ? -1
        : framing.headerLengthForSize(v.size());
    CompletableFuture<byte[]> ahead = likelyHeader < 0 ? null : new CompletableFuture<>();
    Thread caller = Thread.currentThread();
    boolean[] isArray = new boolean[1]; // set on the transfer thread, before the read completes
    CompletableFuture<byte[]> read = copies.read(id, v, (size, head) -> {
      if (size != v.size()) {
        throw new IllegalArgumentException("its holder announced " + size
            + " bytes where its owner recorded " + v.size());
      }
      int header = framing == null ? -1 : framing.headerLength(head, size);
      isArray[0] = header >= 0;
      int skip = Math.max(header, 0);
      byte[] allocated = header == likelyHeader && ahead != null && caller != Thread.currentThread()
          ? ahead.join() : null;
      if (ahead != null) {
        ahead.obtrudeValue(null); // not kept twice if the guess was wrong
      }
      return new HeapDestination.Slot(allocated != null ? allocated
          : new byte[(int) (size - skip)], skip);
    });
    if (ahead != null) {
      byte[] array = null;
      try {
        array = new byte[(int) (v.size() - likelyHeader)];
      } catch (OutOfMemoryError e) {
        // none: the transfer thread tries once more, and says why if it fails too
      } finally {
        ahead.complete(array); // always, so the transfer thread never waits in vain
      }
    }
    try {
      awaitFetch(read, id, v, fetchNanos);
    } catch (InterruptedException e) {
      read.cancel(false);
      Thread.currentThread().interrupt();
      throw new RayException("interrupted while fetching object " + id, e);
    } catch (RayTimeoutException e) {
      read.cancel(false);
      throw e;
    } catch (ExecutionException e) {
      throw new UnreconstructableException(id, "its copy on node " + v.storeNode()
          + " cannot be fetched: " + e.getCause().getMessage());
    }
    byte[] bytes = read.join();
    return isArray[0] ? bytes : serializer.deserialize(bytes, loader);
  }

  /** Waits for a fetch for at most {@code nanos} (none if negative). */
  private void awaitFetch(CompletableFuture<?> fetch, ObjectId id, ObjectValue v, long nanos)
      throws InterruptedException, ExecutionException {
    if (nanos < 0) {
      fetch.get();
    } else if (!TimedWait.await(fetch, nanos, time)) {
      throw new RayTimeoutException("get timed out fetching object " + id + " from node "
          + v.storeNode());
    } else {
      fetch.get(); // done: its failure, if any
    }
  }

  /**
   * Reads a stored byte[] with one copy into a new array ({@link StoredObject#read} spares the
   * page faults of a mapping not yet mapped); anything else through the serializer.
   */
  private Object readStored(StoredObject stored, ClassLoader loader) {
    int header = arrayHeader(stored.buffer(), stored.size());
    if (header < 0) {
      return serializer.deserialize(stored.buffer(), loader);
    }
    byte[] array = new byte[(int) (stored.size() - header)];
    try {
      stored.read(header, array, 0, array.length);
    } catch (ClosedByInterruptException e) {
      throw new RayException("interrupted while reading object " + stored.id(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read object " + stored.id(), e);
    }
    return array;
  }

  /** The header length if {@code object} is a serialized top-level byte[], else -1. */
  private int arrayHeader(ByteBuffer object, long size) {
    ByteArrayFraming framing = arrayFraming();
    return framing == null ? -1 : framing.headerLength(object, size);
  }
}
