package dev.jray.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.util.Objects;

/**
 * Streams the bytes of one object into memory the {@link ObjectStore} reserved for it, e.g. chunk
 * by chunk as they arrive from another node. The object becomes readable once {@link #seal()}ed.
 *
 * <p>Reused memory is written through a mapping whose pages are already there; fresh memory
 * through the object's file rather than its mapping, so writing never takes page faults: a direct
 * buffer goes to the kernel as it is, a heap buffer through the JDK's per-thread temporary direct
 * buffer, one slice of at most {@value #HEAP_SLICE} bytes at a time.
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
  /** Set once reused memory is mapped for writing: written through it, its pages being there. */
  private ByteBuffer writable;
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
    if (writable == null && entry.reused) {
      writable = store.mapForWriting(entry).duplicate();
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

  /**
   * Appends the bytes of one read from {@code source}, at most {@link #remaining()}: memory mapped
   * for writing takes them straight from the channel, the kernel copying into pages already
   * mapped; other memory through {@code staging} (cleared first) and the object's file, without
   * mapping it, since the first write through a mapping faults in every page (a socket's bytes
   * are copied once more either way).
   *
   * @param staging a direct buffer, so the channel and the file copy without a temporary one
   * @return the number of bytes appended, or -1 if {@code source} is at its end
   * @throws IOException if reading from {@code source} fails
   * @throws UncheckedIOException if writing into the object's memory fails
   */
  public int readFrom(ReadableByteChannel source, ByteBuffer staging) throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(staging, "staging");
    ensureUnfinished();
    if (writable != null) {
      writable.limit((int) entry.size).position((int) written);
      int n = source.read(writable);
      if (n > 0) {
        written += n;
      }
      return n;
    }
    staging.clear().limit((int) Math.min(staging.capacity(), remaining()));
    int n = source.read(staging);
    try {
      writeFully(staging.flip());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write object " + entry.id, e);
    }
    return n;
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
