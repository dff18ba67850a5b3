package dev.jray.store;

import dev.jray.api.id.ObjectId;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;
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
  /** The most written to a socket per call: larger writes were no faster on loopback. */
  static final int SEND_SLICE = 1 << 20;
  /** Each sending thread's buffer between the object's file and the socket, reused. */
  private static final ThreadLocal<ByteBuffer> SEND_STAGING =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(SEND_SLICE));

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
   * Copies {@code length} bytes from {@code position} into {@code into} at {@code offset}: from the
   * mapping when the memory was written through it (its pages are mapped), else with positional
   * reads of the object's file, in slices that go through the JDK's cached per-thread direct
   * buffer, since touching a mapping that is not yet mapped faults in every page. Reads use a
   * channel of their own: an interrupt during a read closes it (and fails that read), after which
   * reads go through the mapping, while writes and {@link #transferTo} keep working.
   *
   * @throws ClosedByInterruptException if the thread was interrupted during a file read
   */
  public void read(long position, byte[] into, int offset, int length) throws IOException {
    ensureOpen();
    Objects.checkFromIndexSize(offset, length, into.length);
    Objects.checkFromIndexSize(position, length, entry.size);
    FileChannel file = entry.memory.reader();
    if (entry.memory.writable() != null || !file.isOpen()) {
      view.duplicate().position((int) position).get(into, offset, length);
      return;
    }
    int end = offset + length;
    ByteBuffer target = ByteBuffer.wrap(into, offset, length);
    for (long at = position; target.position() < end; ) {
      target.limit(Math.min(end, target.position() + ObjectWriter.HEAP_SLICE));
      int n = file.read(target, at);
      if (n < 0) {
        throw new EOFException("object " + entry.id + " ends after " + (at - position) + " bytes");
      }
      at += n;
    }
  }

  /**
   * Writes up to {@code count} bytes from {@code position} to {@code target} (a socket, in
   * blocking mode), in slices of at most {@value #SEND_SLICE} bytes: from the mapping when its
   * pages are mapped (memory written through it), else read from the object's file into the
   * calling thread's reused direct buffer first. On loopback both reach the TCP floor, where
   * {@code sendfile} from the store's tmpfs reached about half of it.
   *
   * @return the number of bytes sent, possibly fewer than asked for
   * @throws ClosedByInterruptException if the thread was interrupted during a file read
   */
  public long transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    ensureOpen();
    Objects.checkIndex(position, entry.size + 1);
    long end = position + Math.min(count, entry.size - position);
    FileChannel file = entry.memory.reader();
    long at = position;
    if (entry.memory.writable() != null || !file.isOpen()) {
      ByteBuffer slice = view.duplicate();
      while (at < end) {
        slice.limit((int) Math.min(end, at + SEND_SLICE)).position((int) at);
        at += target.write(slice);
      }
      return at - position;
    }
    ByteBuffer staging = SEND_STAGING.get();
    while (at < end) {
      staging.clear().limit((int) Math.min(SEND_SLICE, end - at));
      int n = file.read(staging, at);
      if (n < 0) {
        throw new EOFException("object " + entry.id + " ends after " + (at - position) + " bytes");
      }
      staging.flip();
      while (staging.hasRemaining()) {
        at += target.write(staging);
      }
    }
    return at - position;
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
