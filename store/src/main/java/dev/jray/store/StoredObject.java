package dev.jray.store;

import dev.jray.api.id.ObjectId;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pinned, read-only view of a sealed object in the {@link ObjectStore}. While it is open the
 * object stays in memory: it is neither evicted, spilled nor freed, even if deleted.
 *
 * <p>Thread-safe: the buffers may be read from any thread and {@link #close()} is idempotent.
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
    if (closed.get()) {
      throw new IllegalStateException("stored object " + entry.id + " is closed");
    }
    return view.duplicate();
  }

  /** Unpins the object. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      store.unpin(entry);
    }
  }
}
