package dev.jray.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * Streams the bytes of one object into memory the {@link ObjectStore} reserved for it, e.g. chunk
 * by chunk as they arrive from another node. The object becomes readable once {@link #seal()}ed.
 *
 * <p>Bytes are written through the object's file rather than its mapping, so writing never takes
 * page faults; a direct buffer goes to the kernel as it is, a heap buffer through the JDK's
 * per-thread temporary direct buffer, one slice of at most {@value #HEAP_SLICE} bytes at a time.
 *
 * <p>Not thread-safe: use from one thread at a time. Bytes are copied without holding the store's
 * lock, so writers of different objects proceed in parallel. After a failed call, {@link #abort()}
 * releases the reserved memory; abort is a no-op once sealed or aborted, so it fits a {@code
 * finally} block. Interrupting the writing thread during a write closes the object's file (file
 * channels are interruptible), so that write fails and the writer must be aborted.
 */
public final class ObjectWriter {
  /** Keeps the JDK's temporary direct buffer for heap writes small, so it stays cached. */
  static final int HEAP_SLICE = 1 << 20;

  private final ObjectStore store;
  private final Entry entry;
  private final FileChannel file;
  /** Set for reused memory: written through the mapping, whose pages are already there. */
  private final ByteBuffer writable;
  private long written;
  private boolean finished;

  ObjectWriter(ObjectStore store, Entry entry) {
    this.store = store;
    this.entry = entry;
    this.file = entry.memory.file();
    this.writable = entry.memory.writable() == null ? null : entry.memory.writable().duplicate();
  }

  /**
   * Appends all remaining bytes of {@code chunk}, advancing its position to its limit.
   *
   * @throws UncheckedIOException if the write fails, e.g. the file system is full
   */
  public void write(ByteBuffer chunk) {
    Objects.requireNonNull(chunk, "chunk");
    ensureUnfinished();
    if (chunk.remaining() > remaining()) {
      throw new IllegalArgumentException(
          "chunk of "
              + chunk.remaining()
              + " bytes exceeds the "
              + remaining()
              + " bytes left of object "
              + entry.id);
    }
    try {
      if (writable != null) {
        int n = chunk.remaining();
        writable.position((int) written);
        writable.put(chunk);
        written += n;
      } else if (chunk.isDirect()) {
        writeFully(chunk);
      } else {
        int end = chunk.limit();
        while (chunk.position() < end) {
          chunk.limit(Math.min(end, chunk.position() + HEAP_SLICE));
          writeFully(chunk);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write object " + entry.id, e);
    }
  }

  private void writeFully(ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      written += file.write(bytes, written);
    }
  }

  /** Bytes still to be written before the object can be sealed. */
  public long remaining() {
    return entry.size - written;
  }

  /**
   * Makes the object readable. Every byte must have been written. If the object was deleted, or
   * the store closed, while it was being written, sealing just releases its memory.
   */
  public void seal() {
    ensureUnfinished();
    if (written != entry.size) {
      throw new IllegalStateException(
          "cannot seal object "
              + entry.id
              + ": "
              + written
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
