package dev.jray.store;

import dev.jray.api.id.ObjectId;
import dev.jray.store.Entry.State;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The node's object store, like Ray's plasma store: holds objects too large to inline, off the
 * Java heap, within a fixed capacity.
 *
 * <p>Each object lives in its own file, created in a per-store directory under {@code /dev/shm}
 * (tmpfs, i.e. RAM) and deleted right after it is opened and mapped; when {@code /dev/shm} is
 * missing, not writable or smaller than the capacity, under {@code java.io.tmpdir} instead. The
 * memory therefore counts against neither {@code -Xmx} nor {@code -XX:MaxDirectMemorySize}, and it
 * is returned to the OS as soon as an object is deleted and unpinned, except that objects' files
 * of at least {@value #REUSE_MIN_BYTES} bytes are kept, up to half the capacity, for the
 * next object of the same size: fresh memory costs a page fault per page, far more than copying
 * into pages already there (20-50 times more on VMs), as plasma keeps its arena. Kept files count
 * towards the capacity and are the first to go when room is needed. Readers see the mapping
 * ({@link StoredObject#buffer()}); bulk copies in and out go through the open file ({@link
 * ObjectWriter#write}, {@link StoredObject#transferTo}), which spares the page faults of touching
 * a fresh mapping. Each object in memory holds two file descriptors (the second for reads
 * on callers' threads, whose interrupts close the channel they use).
 *
 * <p>When an object does not fit, the store first evicts unpinned secondary copies (cached copies
 * of objects whose primary lives on another node), least recently used first, then spills
 * unpinned primary copies, least recently used first, to files in a per-store subdirectory of the
 * spill directory. Both directories are named after this process, and a new store removes those
 * of processes that died without closing theirs. A spilled object stays in the store and is
 * restored into memory by {@link #get}. If that still leaves too little room, {@link
 * ObjectStoreFullException} is thrown.
 *
 * <p>Thread-safe: one lock guards the bookkeeping; object bytes are copied in and read without it.
 * Evicting, spilling and restoring happen under the lock, so they delay other callers. Once
 * closed, every method except the size accessors, {@link #stats()} and {@link #close()} throws
 * {@link IllegalStateException}.
 */
public final class ObjectStore implements AutoCloseable {
  /** A consistent snapshot of the store's size counters. */
  public record Stats(
      long capacity, long usedBytes, int objectCount, long spilledBytes, int spilledCount) {}

  /**
   * One sealed object, for the state API.
   *
   * @param primary whether this is the object's primary copy (else a cached one)
   * @param pins readers holding it now
   */
  public record Listing(ObjectId id, long size, boolean primary, boolean spilled, int pins) {}

  private final Object lock = new Object();
  private final long capacity;
  private final Path memoryDirectory;
  private final Path spillDirectory;
  // Sealed objects, in memory or spilled; access-ordered, so iteration starts at the LRU one.
  private final LinkedHashMap<ObjectId, Entry> sealed = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<ObjectId, Entry> writing = new HashMap<>();
  private long usedBytes;
  private int objectCount;
  private long spilledBytes;
  private int spilledCount;
  /** Mappings at least this large are kept for reuse once their object is gone. */
  static final long REUSE_MIN_BYTES = ReusableMemory.MIN_BYTES;
  /** Memory of deleted objects kept for reuse; guarded by {@link #lock}. */
  private final ReusableMemory idle;
  private boolean closed;

  /**
   * @param capacityBytes most bytes of object memory held at once
   * @param spillDirectory where spill files go, in a subdirectory this store creates and deletes
   * @throws UncheckedIOException if the store's directories cannot be created
   */
  public ObjectStore(long capacityBytes, Path spillDirectory) {
    Objects.requireNonNull(spillDirectory, "spillDirectory");
    if (capacityBytes <= 0) {
      throw new IllegalArgumentException(
          "object store capacity must be positive, got " + capacityBytes);
    }
    this.capacity = capacityBytes;
    this.idle = new ReusableMemory(capacityBytes);
    try {
      this.memoryDirectory = StoreDirectories.create(StoreDirectories.memoryBase(capacityBytes), "jray-store-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the object store's memory directory", e);
    }
    try {
      Files.createDirectories(spillDirectory);
      this.spillDirectory = StoreDirectories.create(spillDirectory, "jray-spill-");
    } catch (IOException e) {
      StoreDirectories.delete(memoryDirectory);
      throw new UncheckedIOException("cannot create a spill directory in " + spillDirectory, e);
    }
  }

  /**
   * Stores a copy of {@code data}.
   *
   * @param primary true for the owner's copy (spilled under memory pressure), false for a cached
   *     copy of an object whose primary lives elsewhere (evicted under memory pressure)
   * @throws IllegalStateException if the id is already stored or being written
   * @throws ObjectStoreFullException if no room can be made
   */
  public void put(ObjectId id, byte[] data, boolean primary) {
    Objects.requireNonNull(data, "data");
    ObjectWriter writer = create(id, data.length, primary);
    try {
      writer.write(ByteBuffer.wrap(data));
      writer.seal();
    } finally {
      // Releases the memory if writing failed; a no-op once sealed.
      writer.abort();
    }
  }

  /**
   * Reserves {@code size} bytes for an object whose bytes are written through the returned writer.
   * The object is not visible until sealed.
   *
   * @throws IllegalArgumentException if {@code size} is negative or above {@link
   *     Integer#MAX_VALUE}
   * @throws IllegalStateException if the id is already stored or being written
   * @throws ObjectStoreFullException if no room can be made
   */
  public ObjectWriter create(ObjectId id, long size, boolean primary) {
    Objects.requireNonNull(id, "id");
    if (size < 0 || size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "object "
              + id
              + " has size "
              + size
              + " bytes; the object store holds objects of 0 to "
              + Integer.MAX_VALUE
              + " bytes");
    }
    synchronized (lock) {
      ensureOpen();
      if (sealed.containsKey(id) || writing.containsKey(id)) {
        throw new IllegalStateException("object " + id + " already exists in the object store");
      }
      makeRoom(id, size);
      boolean reused = idle.has(size);
      Entry entry = new Entry(id, size, primary, allocate(id, size), reused);
      entry.pins = 1; // the writer's pin
      writing.put(id, entry);
      return new ObjectWriter(this, entry);
    }
  }

  /**
   * Pins and returns a sealed object, restoring it into memory first if it was spilled, or
   * returns null if the store does not hold it. Counts as a use for eviction order.
   *
   * @throws ObjectStoreFullException if a spilled object cannot be restored for lack of room
   */
  public StoredObject get(ObjectId id) {
    Objects.requireNonNull(id, "id");
    synchronized (lock) {
      ensureOpen();
      Entry entry = sealed.get(id);
      if (entry == null) {
        return null;
      }
      if (entry.state == State.SPILLED) {
        restore(entry);
      }
      entry.pins++;
      return new StoredObject(this, entry, readable(entry.memory));
    }
  }

  /** Whether the object is sealed here, in memory or spilled. */
  public boolean contains(ObjectId id) {
    Objects.requireNonNull(id, "id");
    synchronized (lock) {
      ensureOpen();
      return sealed.containsKey(id);
    }
  }

  /**
   * Removes the object: a spilled object's file is deleted now, an object's memory once it is
   * neither pinned nor being written. An object being written is discarded when sealed. Does
   * nothing if the store does not hold the id.
   */
  public void delete(ObjectId id) {
    Objects.requireNonNull(id, "id");
    synchronized (lock) {
      ensureOpen();
      Entry entry = sealed.remove(id);
      if (entry == null) {
        entry = writing.remove(id);
      }
      if (entry != null) {
        discard(entry);
      }
    }
  }

  public long capacity() {
    return capacity;
  }

  /** Reused memory is read through the mapping it was written through: its pages are mapped there. */
  private static ByteBuffer readable(MappedMemory.Region memory) {
    return (memory.writable() != null ? memory.writable() : memory.mapping()).asReadOnlyBuffer();
  }

    /** Whether kept memory would take an object of {@code size} bytes without fresh memory. */
  public boolean hasReusable(long size) {
    synchronized (lock) {
      return idle.has(size);
    }
  }

  /** Bytes of memory held: sealed, being written, and deleted but still pinned objects. */
  public long usedBytes() {
    synchronized (lock) {
      return usedBytes;
    }
  }

  /** Objects holding memory, counted as {@link #usedBytes()} counts them. */
  public int objectCount() {
    synchronized (lock) {
      return objectCount;
    }
  }

  /** Bytes of objects that are only in spill files. */
  public long spilledBytes() {
    synchronized (lock) {
      return spilledBytes;
    }
  }

  public int spilledCount() {
    synchronized (lock) {
      return spilledCount;
    }
  }

  /** How many sealed objects there are, in memory or spilled: what {@link #list} could list. */
  public int sealedCount() {
    synchronized (lock) {
      return sealed.size();
    }
  }

  /** Up to {@code max} of the sealed objects, in memory or spilled, least recently used first. */
  public List<Listing> list(int max) {
    List<Listing> listed = new ArrayList<>();
    synchronized (lock) {
      for (Entry e : sealed.values()) {
        if (listed.size() >= max) {
          break;
        }
        listed.add(new Listing(e.id, e.size, e.primary, e.state == Entry.State.SPILLED, e.pins));
      }
    }
    return listed;
  }

  public Stats stats() {
    synchronized (lock) {
      return new Stats(capacity, usedBytes, objectCount, spilledBytes, spilledCount);
    }
  }

  /**
   * Frees all memory not pinned, deletes all spill files and both directories. Pinned objects and
   * objects being written are freed when their last {@link StoredObject} closes or their writer
   * finishes. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      idle.drop();
      sealed.values().forEach(this::discard);
      writing.values().forEach(this::discard);
      sealed.clear();
      writing.clear();
      StoreDirectories.delete(memoryDirectory);
      StoreDirectories.delete(spillDirectory);
    }
  }

  /** The per-store directory holding (briefly) the files behind object memory. */
  Path memoryDirectory() {
    return memoryDirectory;
  }

  /** The per-store directory holding spill files. */
  Path spillDirectory() {
    return spillDirectory;
  }

  /**
   * Maps reused memory for writing, once per memory: after the first object written through it,
   * its pages stay mapped, so later objects are written with plain memory copies.
   */
  ByteBuffer mapForWriting(Entry entry) {
    synchronized (lock) {
      try {
        entry.memory = MappedMemory.writable(entry.memory);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot map object " + entry.id + " for writing", e);
      }
      return entry.memory.writable();
    }
  }

  void seal(Entry entry) {
    synchronized (lock) {
      if (!entry.deleted) {
        writing.remove(entry.id);
        entry.state = State.SEALED;
        sealed.put(entry.id, entry);
      }
      unpinLocked(entry);
    }
  }

  void abort(Entry entry) {
    synchronized (lock) {
      if (!entry.deleted) {
        writing.remove(entry.id);
        entry.deleted = true;
      }
      unpinLocked(entry);
    }
  }

  void unpin(Entry entry) {
    synchronized (lock) {
      unpinLocked(entry);
    }
  }

  private void unpinLocked(Entry entry) {
    entry.pins--;
    if (entry.pins == 0 && entry.deleted) {
      free(entry);
    }
  }

  /** Forgets an entry already removed from the maps: frees it now or at its last unpin. */
  private void discard(Entry entry) {
    entry.deleted = true;
    if (entry.state == State.SPILLED) {
      deleteSpillFile(entry);
    } else if (entry.pins == 0) {
      free(entry);
    }
  }

  /** Evicts secondaries, then spills primaries, until {@code size} more bytes fit. */
  private void makeRoom(ObjectId id, long size) {
    if (usedBytes + idle.bytes() + size > capacity && !idle.has(size)) {
      idle.drop();
    }
    if (usedBytes + size <= capacity) {
      return;
    }
    long reclaimable = 0;
    for (Entry entry : sealed.values()) {
      if (isReclaimable(entry)) {
        reclaimable += entry.size;
      }
    }
    // Checked up front so that a hopeless request evicts and spills nothing.
    if (usedBytes - reclaimable + size > capacity) {
      throw new ObjectStoreFullException(
          id, size, capacity, usedBytes, usedBytes - reclaimable);
    }
    for (Iterator<Entry> it = sealed.values().iterator();
        usedBytes + size > capacity && it.hasNext(); ) {
      Entry entry = it.next();
      if (isReclaimable(entry) && !entry.primary) {
        it.remove();
        entry.deleted = true;
        free(entry);
      }
    }
    for (Iterator<Entry> it = sealed.values().iterator();
        usedBytes + size > capacity && it.hasNext(); ) {
      Entry entry = it.next();
      if (isReclaimable(entry)) {
        spill(entry);
      }
    }
  }

  private static boolean isReclaimable(Entry entry) {
    return entry.state == State.SEALED && entry.pins == 0;
  }

  private void spill(Entry entry) {
    Path file = spillDirectory.resolve(entry.id.toHex());
    // From the mapping, not the object's file: an interrupt would close the channel it used.
    SpillFiles.write(file, entry.memory.mapping().duplicate(), entry.id);
    free(entry);
    entry.state = State.SPILLED;
    entry.spillFile = file;
    spilledBytes += entry.size;
    spilledCount++;
  }

  private void restore(Entry entry) {
    makeRoom(entry.id, entry.size);
    MappedMemory.Region memory = allocate(entry.id, entry.size);
    try {
      SpillFiles.read(entry.spillFile, memory.file(), entry.size, entry.id);
    } catch (UncheckedIOException e) {
      release(memory, entry.size);
      throw e;
    }
    entry.memory = memory;
    entry.state = State.SEALED;
    deleteSpillFile(entry);
  }

  private void deleteSpillFile(Entry entry) {
    try {
      SpillFiles.delete(entry.spillFile);
    } finally {
      entry.spillFile = null;
      spilledBytes -= entry.size;
      spilledCount--;
    }
  }

  /** Maps memory for an object and counts it as used; the caller has made room. */
  private MappedMemory.Region allocate(ObjectId id, long size) {
    MappedMemory.Region kept = idle.take(size);
    if (kept != null) {
      usedBytes += size;
      objectCount++;
      return kept; // every byte is written before the object is sealed or restored
    }
    try {
      MappedMemory.Region memory = MappedMemory.map(memoryDirectory, size);
      usedBytes += size;
      objectCount++;
      return memory;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot map " + size + " bytes for object " + id + " in " + memoryDirectory, e);
    }
  }

  private void free(Entry entry) {
    release(entry.memory, entry.size);
    entry.memory = null;
  }

  private void release(MappedMemory.Region memory, long size) {
    usedBytes -= size;
    objectCount--;
    if (closed || !idle.keep(memory, size)) {
      MappedMemory.release(memory);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("object store is closed");
    }
  }
}
