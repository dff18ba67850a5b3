package dev.jray.store;

import dev.jray.api.id.ObjectId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pinned, read-only view of a sealed object in the {@link ObjectStore}. While it is open the
 * object stays in memory: it is neither evicted, spilled nor freed, even if deleted.
 *
 * <p>Thread-safe: the buffers may be read, and {@link #transferTo} called, from any thread, and
 * {@link #close()} is idempotent.
 * Buffers obtained from {@link #buffer()} must not be used after {@code close()}: the memory may
 * be unmapped, and touching unmapped memory crashes the JVM.
 */
public final class StoredObject implements AutoCloseable {
  private final ObjectStore store;
  private final Entry entry;
  private final ByteBuffer view;
  private final AtomicBoolean closed = new AtomicBoolean();

  StoredObject(ObjectStore store, Entry entry, ByteBuffer view) {
    this.store = store;
    this.entry = entry;
    this.view = view;
  }

  public ObjectId id() {
    return entry.id;
  }

  public long size() {
    return entry.size;
  }

  /** A new read-only buffer over the object's bytes, position 0 and limit {@link #size()}. */
  public ByteBuffer buffer() {
    ensureOpen();
    return view.duplicate();
  }

  /**
   * Sends up to {@code count} bytes from {@code position} to {@code target} the way {@link
   * FileChannel#transferTo} does: from the object's file, with {@code sendfile} for a socket
   * target, so neither a Java buffer nor the mapping is touched.
   *
   * @return the number of bytes sent, possibly fewer than asked for
   */
  public long transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    ensureOpen();
    return entry.memory.file().transferTo(position, Math.min(count, entry.size - position), target);
  }

  /** Unpins the object. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      store.unpin(entry);
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("stored object " + entry.id + " is closed");
    }
  }
}
