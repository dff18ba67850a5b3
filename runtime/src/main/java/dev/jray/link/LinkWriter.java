package dev.jray.link;

import dev.jray.gcs.time.Time;
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
 * coalesced into as few system calls as its buffer allows. A deferred frame waits in the queue
 * until {@link #flush}, a later {@link #send}, {@link #BATCH_BYTES} queued, or a frame deferred
 * {@link #MAX_DEFER_NANOS} after it: a thread that
 * pipelines calls then writes them in batches, and the peer's reader wakes once per batch, not
 * per call. A write that fails fails the writer for good: later frames are dropped, and the
 * failure is reported once.
 *
 * <p>Threading: thread-safe; its monitor guards the queue, the busy flag, the failure and the
 * deferral stamp; one thread at a time drains (writes) outside it. {@link #send}, {@link #defer}
 * and {@link #flush} block only while the peer's socket buffer is full; the failure callback runs
 * on the thread whose write failed.
 */
final class LinkWriter {
  private static final int BUFFER_BYTES = 64 * 1024;
  /** Deferred frames are written once this much is queued. */
  static final int BATCH_BYTES = 16 * 1024;
  /**
   * A frame deferred this long is written with the next one: a thread that keeps sending (results
   * of short tasks, pipelined calls) streams them out in batches without a flusher wake-up.
   */
  static final long MAX_DEFER_NANOS = 50_000;

  private final Consumer<IOException> onFailure;
  private final Time time;
  /** Counts what it writes, per batch. */
  private final LinkTraffic traffic;
  private List<Frames.Outgoing> queue = new ArrayList<>();
  private List<Frames.Outgoing> draining = new ArrayList<>();
  /** Whether a thread drains the queue, or the channel is not open yet; guarded by this. */
  private boolean busy = true;
  private IOException failure;
  /** Bytes in {@link #queue}, and since when the oldest unwritten frame waits (0 if none). */
  private int queuedBytes;
  private long deferredSince;
  /** Whether the writer is in the flusher's list; set and cleared by {@link LinkFlusher}. */
  volatile boolean flushScheduled;
  /** Set once by {@link #open}; used only by the thread that drains. */
  private WritableByteChannel channel;
  private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER_BYTES);
  /** System calls made, for tests. Written by the draining thread only. */
  private volatile long writes;

  /**
   * @param onFailure told once, on the thread whose write failed, when the writer fails
   * @param time the clock deferred frames wait by
   */
  LinkWriter(Consumer<IOException> onFailure, Time time) {
    this(onFailure, time, new LinkTraffic());
  }

  /** As above, counting what it writes in {@code traffic}. */
  LinkWriter(Consumer<IOException> onFailure, Time time, LinkTraffic traffic) {
    this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    this.time = Objects.requireNonNull(time, "time");
    this.traffic = Objects.requireNonNull(traffic, "traffic");
  }

  /** Starts writing to {@code channel}, first what was queued before. Called once. */
  void open(WritableByteChannel channel) {
    this.channel = Objects.requireNonNull(channel, "channel");
    drain();
  }

  /** Queues a frame and writes it unless another thread is writing. @return false if failed */
  boolean send(byte kind, long id, byte[] payload) {
    return enqueue(kind, id, payload, false);
  }

  /**
   * Queues a frame to be written by a later flush or send, or now if a batch is full.
   *
   * @return false if failed
   */
  boolean defer(byte kind, long id, byte[] payload) {
    return enqueue(kind, id, payload, true);
  }

  private boolean enqueue(byte kind, long id, byte[] payload, boolean defer) {
    synchronized (this) {
      if (failure != null) {
        return false;
      }
      Frames.Outgoing f = new Frames.Outgoing(kind, id, payload);
      queue.add(f);
      queuedBytes += f.size();
      if (busy) {
        return true;
      }
      if (defer && queuedBytes < BATCH_BYTES) {
        long now = time.nanoseconds();
        if (deferredSince == 0) {
          deferredSince = now;
          return true;
        }
        if (now - deferredSince < MAX_DEFER_NANOS) {
          return true;
        }
      }
      busy = true;
    }
    drain();
    return true;
  }

  /** Writes what is queued, unless another thread is writing it. */
  void flush() {
    synchronized (this) {
      if (busy || queue.isEmpty() || failure != null) {
        return;
      }
      busy = true;
    }
    drain();
  }

  /** Since when the oldest deferred frame waits ({@link Time#nanoseconds}), or 0 if none waits. */
  synchronized long deferredSince() {
    return deferredSince;
  }

  /** Fails the writer (the connection is gone): queued frames are dropped. */
  void fail(IOException cause) {
    synchronized (this) {
      if (failure != null) {
        return;
      }
      failure = cause;
      queue.clear();
      queuedBytes = 0;
      deferredSince = 0;
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
        queuedBytes = 0;
        deferredSince = 0;
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
    long bytes = 0;
    for (Frames.Outgoing f : batch) {
      bytes += Integer.BYTES + Frames.HEADER + f.payload().length;
      if (out.remaining() < Integer.BYTES + Frames.HEADER) {
        writeOut();
      }
      out.putInt(Frames.HEADER + f.payload().length).put(f.kind()).putLong(f.id());
      int offset = 0;
      while (offset < f.payload().length) {
        if (!out.hasRemaining()) {
          writeOut();
        }
        int n = Math.min(out.remaining(), f.payload().length - offset);
        out.put(f.payload(), offset, n);
        offset += n;
      }
    }
    writeOut();
    traffic.sent(bytes, batch.size());
  }

  private void writeOut() throws IOException {
    out.flip();
    while (out.hasRemaining()) {
      channel.write(out);
      writes++;
    }
    out.clear();
  }
}
