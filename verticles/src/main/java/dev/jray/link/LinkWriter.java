package dev.jray.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes frames to one connection, in the order they are queued. A sending thread writes
 * itself when nobody else is writing; frames queued meanwhile are written by that writer,
 * coalesced into as few system calls as its buffer allows. A write that fails fails the writer
 * for good: later frames are dropped, and the failure is reported once.
 *
 * <p>Thread-safe. {@link #send} blocks only while the peer's socket buffer is full.
 */
final class LinkWriter {
  private static final int BUFFER_BYTES = 64 * 1024;

  private final Consumer<IOException> onFailure;
  private List<Frames.Outgoing> queue = new ArrayList<>();
  private List<Frames.Outgoing> draining = new ArrayList<>();
  /** Whether a thread drains the queue, or the channel is not open yet; guarded by this. */
  private boolean busy = true;
  private IOException failure;
  /** Set once by {@link #open}; used only by the thread that drains. */
  private WritableByteChannel channel;
  private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER_BYTES);
  /** System calls made, for tests. Written by the draining thread only. */
  private volatile long writes;

  /** @param onFailure told once, on the thread whose write failed, when the writer fails */
  LinkWriter(Consumer<IOException> onFailure) {
    this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
  }

  /** Starts writing to {@code channel}, first what was queued before. Called once. */
  void open(WritableByteChannel channel) {
    this.channel = Objects.requireNonNull(channel, "channel");
    drain();
  }

  /** Queues a frame and writes it unless another thread is writing. @return false if failed */
  boolean send(byte kind, long id, byte[] payload) {
    synchronized (this) {
      if (failure != null) {
        return false;
      }
      queue.add(new Frames.Outgoing(kind, id, payload));
      if (busy) {
        return true;
      }
      busy = true;
    }
    drain();
    return true;
  }

  /** Fails the writer (the connection is gone): queued frames are dropped. */
  void fail(IOException cause) {
    synchronized (this) {
      if (failure != null) {
        return;
      }
      failure = cause;
      queue.clear();
    }
    onFailure.accept(cause);
  }

  synchronized boolean failed() {
    return failure != null;
  }

  long writes() {
    return writes;
  }

  private void drain() {
    while (true) {
      List<Frames.Outgoing> batch;
      synchronized (this) {
        if (queue.isEmpty() || failure != null) {
          busy = false;
          return;
        }
        batch = queue;
        queue = draining;
        draining = batch;
      }
      try {
        write(batch);
      } catch (IOException e) {
        fail(e);
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Frames.Outgoing> batch) throws IOException {
    out.clear();
    for (Frames.Outgoing f : batch) {
      if (out.remaining() < Integer.BYTES + Frames.HEADER) {
        flush();
      }
      out.putInt(Frames.HEADER + f.payload().length).put(f.kind()).putLong(f.id());
      int offset = 0;
      while (offset < f.payload().length) {
        if (!out.hasRemaining()) {
          flush();
        }
        int n = Math.min(out.remaining(), f.payload().length - offset);
        out.put(f.payload(), offset, n);
        offset += n;
      }
    }
    flush();
  }

  private void flush() throws IOException {
    out.flip();
    while (out.hasRemaining()) {
      channel.write(out);
      writes++;
    }
    out.clear();
  }
}
