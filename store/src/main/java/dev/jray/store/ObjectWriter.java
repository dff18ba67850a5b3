package dev.jray.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Objects;

/**
 * Streams the bytes of one object into memory the {@link ObjectStore} reserved for it, e.g. chunk
 * by chunk as they arrive from another node. The object becomes readable once {@link #seal()}ed.
 *
 * <p>Not thread-safe: use from one thread at a time. Bytes are copied without holding the store's
 * lock, so writers of different objects proceed in parallel. After a failed call, {@link #abort()}
 * releases the reserved memory; abort is a no-op once sealed or aborted, so it fits a {@code
 * finally} block.
 */
public final class ObjectWriter {
  private final ObjectStore store;
  private final Entry entry;
  private final ByteBuffer target;
  private boolean finished;

  ObjectWriter(ObjectStore store, Entry entry) {
    this.store = store;
    this.entry = entry;
    this.target = entry.memory.duplicate();
  }

  /** Appends all remaining bytes of {@code chunk}, advancing its position to its limit. */
  public void write(ByteBuffer chunk) {
    Objects.requireNonNull(chunk, "chunk");
    ensureUnfinished();
    if (chunk.remaining() > target.remaining()) {
      throw new IllegalArgumentException(
          "chunk of "
              + chunk.remaining()
              + " bytes exceeds the "
              + target.remaining()
              + " bytes left of object "
              + entry.id);
    }
    target.put(chunk);
  }

  /**
   * Reads bytes from {@code source} straight into the object's memory, at most as many as are
   * still missing, with one {@code read} call: a socket channel fills the mapping directly, with
   * no copy through a Java buffer.
   *
   * @return the number of bytes read, possibly 0, or -1 if {@code source} is at its end
   */
  public int readFrom(ReadableByteChannel source) throws IOException {
    Objects.requireNonNull(source, "source");
    ensureUnfinished();
    return source.read(target);
  }

  /** Bytes still to be written before the object can be sealed. */
  public long remaining() {
    return target.remaining();
  }

  /**
   * Makes the object readable. Every byte must have been written. If the object was deleted, or
   * the store closed, while it was being written, sealing just releases its memory.
   */
  public void seal() {
    ensureUnfinished();
    if (target.hasRemaining()) {
      throw new IllegalStateException(
          "cannot seal object "
              + entry.id
              + ": "
              + target.position()
              + " of "
              + entry.size
              + " bytes written");
    }
    finished = true;
    store.seal(entry);
  }

  /** Discards the object and releases its memory; does nothing once sealed or aborted. */
  public void abort() {
    if (!finished) {
      finished = true;
      store.abort(entry);
    }
  }

  private void ensureUnfinished() {
    if (finished) {
      throw new IllegalStateException("writer of object " + entry.id + " is sealed or aborted");
    }
  }
}
