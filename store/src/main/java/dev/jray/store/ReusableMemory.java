package dev.jray.store;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The memory of deleted objects that the store keeps for reuse, by size: a page fault costs far
 * more than a copy, so a put of a size seen before takes memory whose pages are already there.
 * Only regions of at least {@link #MIN_BYTES} are kept, up to half the store's capacity: a
 * quarter would not keep the memory of an object of a quarter of the capacity plus its header,
 * and idle memory is the first to go when room is needed anyway.
 *
 * <p>Threading: not thread-safe; the {@link ObjectStore}'s lock guards every call. Never blocks.
 */
final class ReusableMemory {
  /** Mappings at least this large are kept for reuse once their object is gone. */
  static final long MIN_BYTES = 1 << 20;

  private final long maxBytes;
  private final Map<Long, ArrayDeque<MappedMemory.Region>> bySize = new HashMap<>();
  private long bytes;

  /** @param storeCapacity the store's capacity; half of it is kept at most */
  ReusableMemory(long storeCapacity) {
    this.maxBytes = storeCapacity / 2;
  }

  /** Bytes kept. */
  long bytes() {
    return bytes;
  }

  boolean has(long size) {
    return bySize.containsKey(size);
  }

  /** A kept region of exactly {@code size} bytes, no longer kept; null if there is none. */
  MappedMemory.Region take(long size) {
    ArrayDeque<MappedMemory.Region> kept = bySize.get(size);
    if (kept == null) {
      return null;
    }
    MappedMemory.Region memory = kept.pop();
    if (kept.isEmpty()) {
      bySize.remove(size);
    }
    bytes -= size;
    return memory;
  }

  /** Keeps a freed region if it is worth it and fits; false if the caller must release it. */
  boolean keep(MappedMemory.Region memory, long size) {
    // A file closed by an interrupted write cannot take the next object's bytes.
    if (size < MIN_BYTES || bytes + size > maxBytes || !memory.file().isOpen()) {
      return false;
    }
    bySize.computeIfAbsent(size, k -> new ArrayDeque<>()).push(memory);
    bytes += size;
    return true;
  }

  /** Releases every region kept. */
  void drop() {
    bySize.values().forEach(q -> q.forEach(MappedMemory::release));
    bySize.clear();
    bytes = 0;
  }
}
