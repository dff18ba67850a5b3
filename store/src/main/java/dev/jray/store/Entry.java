package dev.jray.store;

import dev.jray.api.id.ObjectId;
import java.nio.file.Path;

/** One object's bookkeeping. Every mutable field is guarded by the owning store's lock. */
final class Entry {
  enum State {
    /** Memory reserved, bytes arriving through an {@link ObjectWriter}; not readable. */
    WRITING,
    /** Readable from memory. */
    SEALED,
    /** Only in a spill file; no memory held. */
    SPILLED
  }

  final ObjectId id;
  final long size;
  final boolean primary;
  /** Whether the memory came from a deleted object's, so its pages exist (see {@link ObjectWriter}). */
  final boolean reused;
  State state = State.WRITING;
  /** Null while spilled or once freed. */
  MappedMemory.Region memory;
  /** Non-null only while spilled. */
  Path spillFile;
  /** Open {@link StoredObject}s plus one for an unfinished writer. */
  int pins;
  /** No longer reachable by id; the memory goes when the last pin does. */
  boolean deleted;

  Entry(ObjectId id, long size, boolean primary, MappedMemory.Region memory, boolean reused) {
    this.id = id;
    this.size = size;
    this.primary = primary;
    this.memory = memory;
    this.reused = reused;
  }
}
