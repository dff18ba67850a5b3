package dev.jray.runtime;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@link TrackedRef#released()} for each tracked object the GC collected, on one daemon
 * thread that drains its queue in batches. Cheaper than a {@code Cleaner} per ref: no lambda and
 * no lock. Tracked refs stay reachable in chunks of slots, one chunk at a time per creating
 * thread: only that thread fills a chunk's slots; the tracker thread clears a collected ref's
 * slot, or any thread an unwatched one's.
 */
final class RefTracker {
  private static final Logger LOG = LoggerFactory.getLogger(RefTracker.class);
  static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();
  private static final int CHUNK_SLOTS = 1024;
  /** At most this many collected refs are released per round. */
  private static final int BATCH = 256;
  /** Chunks with a slot not yet released; a chunk leaves once all its slots are. */
  private static final Set<Chunk> LIVE = ConcurrentHashMap.newKeySet();
  private static final ThreadLocal<Chunk> CURRENT = ThreadLocal.withInitial(Chunk::create);

  /** Slots for tracked refs of one thread. */
  static final class Chunk {
    private final TrackedRef[] refs = new TrackedRef[CHUNK_SLOTS];
    /** Slots filled; written by the creating thread only. */
    private int used;
    /** Slots released, by the tracker thread or by a thread that unwatched one. */
    private final AtomicInteger released = new AtomicInteger();

    private static Chunk create() {
      Chunk c = new Chunk();
      LIVE.add(c);
      return c;
    }

    /** Called by the creating thread. @return the slot of {@code r} */
    int add(TrackedRef r) {
      refs[used] = r;
      return used++;
    }

    /** Frees the slot of {@code r}, once it was collected or unwatched (see {@link TrackedRef#claim}). */
    void release(TrackedRef r) {
      refs[r.slot] = null;
      if (released.incrementAndGet() == CHUNK_SLOTS) {
        LIVE.remove(this); // every slot was filled and released: nothing here to keep
      }
    }
  }

  static {
    Thread t = new Thread(RefTracker::drain, "jray-ref-tracker");
    t.setDaemon(true);
    t.start();
  }

  private RefTracker() {}

  /** The calling thread's chunk, with a free slot. */
  static Chunk chunkOfCurrentThread() {
    Chunk c = CURRENT.get();
    if (c.used == CHUNK_SLOTS) {
      c = Chunk.create();
      CURRENT.set(c);
    }
    return c;
  }

  private static void drain() {
    TrackedRef[] batch = new TrackedRef[BATCH];
    while (true) {
      int n = 0;
      try {
        batch[n++] = (TrackedRef) QUEUE.remove();
      } catch (InterruptedException e) {
        continue; // a daemon for the JVM's life: nothing asks it to stop
      }
      for (Reference<?> r; n < BATCH && (r = QUEUE.poll()) != null; ) {
        batch[n++] = (TrackedRef) r;
      }
      for (int i = 0; i < n; i++) {
        TrackedRef r = batch[i];
        batch[i] = null;
        if (!r.claim()) {
          continue; // unwatched after the GC found it
        }
        r.chunk.release(r);
        try {
          r.released();
        } catch (RuntimeException e) {
          LOG.warn("releasing a collected ObjectRef", e);
        }
      }
    }
  }
}
