package dev.jray.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.time.ManualTime;
import dev.jray.gcs.time.Time;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The link's framing and write coalescing, on in-memory channels. */
class LinkWriterTest {
  private static final long TIMEOUT_S = 30;
  private static final int MAX_FRAME = Frames.DEFAULT_MAX_FRAME_BYTES;

  /** Collects what is written; its first write waits until released. */
  private static final class GatedChannel implements WritableByteChannel {
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    final CountDownLatch firstWriteStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    int calls;

    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
      calls++;
      if (calls == 1) {
        firstWriteStarted.countDown();
        try {
          release.await(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
      int n = src.remaining();
      byte[] bytes = new byte[n];
      src.get(bytes);
      written.write(bytes, 0, n);
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  @Test
  void trafficCountsEveryFrameAndByteWrittenAndRead() throws Exception {
    GatedChannel channel = new GatedChannel();
    channel.release.countDown();
    LinkTraffic traffic = new LinkTraffic();
    LinkWriter writer = new LinkWriter(e -> {}, Time.SYSTEM, traffic);
    writer.open(channel);
    long bytes = 0;
    for (int i = 0; i < 50; i++) {
      byte[] payload = new byte[i * 37];
      assertTrue(writer.send(Frames.MESSAGE, i, payload));
      bytes += Integer.BYTES + Frames.HEADER + payload.length;
    }
    FrameReader reader = new FrameReader(Channels.newChannel(
        new java.io.ByteArrayInputStream(channel.written.toByteArray())), MAX_FRAME, traffic);
    while (reader.next() != null) {
      // counted as read
    }

    assertEquals(channel.written.size(), bytes);
    assertEquals(50, traffic.sentFrames());
    assertEquals(bytes, traffic.sentBytes());
    assertEquals(50, traffic.receivedFrames());
    assertEquals(bytes, traffic.receivedBytes());
  }

  @Test
  void framesQueuedWhileAWriteIsBusyGoOutInOneWrite() throws Exception {
    GatedChannel channel = new GatedChannel();
    LinkWriter writer = new LinkWriter(e -> {}, Time.SYSTEM);
    writer.open(channel);
    Thread first = started(() -> writer.send(Frames.MESSAGE, 0, new byte[] {0}));
    assertTrue(channel.firstWriteStarted.await(TIMEOUT_S, TimeUnit.SECONDS));
    for (int i = 1; i <= 100; i++) {
      assertTrue(writer.send(Frames.MESSAGE, i, new byte[] {(byte) i})); // queued: returns at once
    }
    channel.release.countDown();
    first.join();
    assertEquals(2, writer.writes());
    FrameReader reader = new FrameReader(Channels.newChannel(
        new java.io.ByteArrayInputStream(channel.written.toByteArray())), MAX_FRAME);
    for (int i = 0; i <= 100; i++) {
      Frames.Frame f = reader.next();
      assertEquals(i, f.id());
      assertEquals((byte) i, f.payload().get(0));
    }
    assertNull(reader.next());
  }

  @Test
  void deferredFramesWaitForAFlushOrAFullBatch() throws Exception {
    GatedChannel channel = new GatedChannel();
    channel.release.countDown();
    // time stands still, past 0 (which means nothing is deferred)
    LinkWriter writer = new LinkWriter(e -> {}, new ManualTime().advance(Duration.ofNanos(1_000)));
    writer.open(channel);
    for (int i = 0; i < 10; i++) {
      assertTrue(writer.defer(Frames.MESSAGE, i, new byte[10]));
    }
    assertEquals(0, writer.writes());
    assertTrue(writer.deferredSince() != 0);
    writer.flush();
    assertEquals(1, writer.writes());
    assertEquals(0, writer.deferredSince());
    int frames = 0;
    while (writer.writes() == 1) {
      writer.defer(Frames.MESSAGE, 0, new byte[1000]);
      frames++;
    }
    assertEquals(LinkWriter.BATCH_BYTES / (1000 + 4 + Frames.HEADER) + 1, frames);
  }

  @Test
  void aFrameDeferredLongAfterTheOldestWritesTheBatch() throws Exception {
    GatedChannel channel = new GatedChannel();
    channel.release.countDown();
    ManualTime now = new ManualTime().advance(Duration.ofNanos(1_000)); // 0 means nothing deferred
    LinkWriter writer = new LinkWriter(e -> {}, now);
    writer.open(channel);
    writer.defer(Frames.MESSAGE, 1, new byte[10]);
    now.advance(Duration.ofNanos(LinkWriter.MAX_DEFER_NANOS - 1));
    writer.defer(Frames.MESSAGE, 2, new byte[10]);
    assertEquals(0, writer.writes(), "the oldest frame has not waited long enough");
    now.advance(Duration.ofNanos(1));
    writer.defer(Frames.MESSAGE, 3, new byte[10]);
    assertEquals(1, writer.writes(), "a sender that keeps sending streams its frames out");
    assertEquals(0, writer.deferredSince());
    FrameReader reader = new FrameReader(Channels.newChannel(
        new java.io.ByteArrayInputStream(channel.written.toByteArray())), MAX_FRAME);
    for (long id = 1; id <= 3; id++) {
      assertEquals(id, reader.next().id());
    }
  }

  @Test
  void framesLargerThanTheBufferAndSplitReadsArriveWhole() throws Exception {
    Pipe pipe = Pipe.open();
    LinkWriter writer = new LinkWriter(e -> {}, Time.SYSTEM);
    writer.open(pipe.sink());
    byte[] large = new byte[1 << 20];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i % 251);
    }
    Thread sender = started(() -> {
      writer.send(Frames.MESSAGE, 1, new byte[] {1, 2, 3});
      writer.send(Frames.REQUEST, 2, large);
      writer.send(Frames.REPLY, 3, new byte[0]);
      try {
        pipe.sink().close();
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    FrameReader reader = new FrameReader(pipe.source(), MAX_FRAME);
    Frames.Frame small = reader.next();
    assertEquals(3, small.payload().remaining());
    Frames.Frame big = reader.next();
    assertEquals(Frames.REQUEST, big.kind());
    byte[] got = new byte[big.payload().remaining()];
    big.payload().get(got);
    assertTrue(java.util.Arrays.equals(large, got));
    Frames.Frame empty = reader.next();
    assertEquals(3, empty.id());
    assertEquals(0, empty.payload().remaining());
    assertNull(reader.next());
    sender.join();
  }

  @Test
  void aStreamEndingMidFrameFailsClearly() throws Exception {
    ByteBuffer half = ByteBuffer.allocate(4 + Frames.HEADER + 2).putInt(Frames.HEADER + 10)
        .put(Frames.MESSAGE).putLong(7).put(new byte[2]).flip();
    FrameReader reader = new FrameReader(Channels.newChannel(
        new java.io.ByteArrayInputStream(half.array())), MAX_FRAME);
    EOFException e = org.junit.jupiter.api.Assertions.assertThrows(EOFException.class, reader::next);
    assertTrue(e.getMessage().contains("middle of a frame"), e.getMessage());
  }

  @Test
  void aFrameOverTheLimitIsRefusedFromItsLengthAloneAndTheBufferShrinksAfterALargeOne()
      throws Exception {
    int limit = 256 << 10;
    ByteBuffer stream = ByteBuffer.allocate(3 * (4 + Frames.HEADER) + 200_000 + 1);
    stream.putInt(Frames.HEADER + 200_000).put(Frames.MESSAGE).putLong(1).put(new byte[200_000]);
    stream.putInt(Frames.HEADER + 1).put(Frames.MESSAGE).putLong(2).put((byte) 9);
    stream.putInt(Integer.MAX_VALUE).put(Frames.MESSAGE).putLong(3).flip();
    FrameReader reader = new FrameReader(Channels.newChannel(
        new java.io.ByteArrayInputStream(stream.array(), 0, stream.limit())), limit);

    assertEquals(200_000, reader.next().payload().remaining());
    assertTrue(reader.capacity() >= 200_000, "it grew for the large frame");
    assertEquals(9, reader.next().payload().get(0));
    assertEquals(FrameReader.INITIAL_BUFFER, reader.capacity(), "and shrank back after it");
    IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, reader::next);
    assertTrue(e.getMessage().contains("a frame of 2147483647 bytes"), e.getMessage());
    assertEquals(FrameReader.INITIAL_BUFFER, reader.capacity(), "nothing allocated for it");
  }

  @Test
  void theFrameLimitComesFromItsPropertyAndABadValueIsOneLine() {
    assertEquals(Frames.DEFAULT_MAX_FRAME_BYTES, Frames.maxFrameBytes(null));
    assertEquals(1 << 20, Frames.maxFrameBytes("1048576"));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> Frames.maxFrameBytes("lots"));
    assertEquals("-Djray.link.max-frame-bytes=lots is not a number of bytes from 65536 to "
        + Integer.MAX_VALUE, e.getMessage());
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> Frames.maxFrameBytes("100"));
  }

  @Test
  void aFailedWriteFailsTheWriterOnceAndDropsLaterFrames() {
    AtomicReference<IOException> reported = new AtomicReference<>();
    CountDownLatch once = new CountDownLatch(1);
    LinkWriter writer = new LinkWriter(e -> {
      reported.set(e);
      once.countDown();
    }, Time.SYSTEM);
    writer.open(new WritableByteChannel() {
      @Override
      public int write(ByteBuffer src) throws IOException {
        throw new IOException("broken pipe");
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    });
    assertTrue(writer.send(Frames.MESSAGE, 0, new byte[1]));
    assertEquals("broken pipe", reported.get().getMessage());
    assertTrue(writer.failed());
    assertFalse(writer.send(Frames.MESSAGE, 0, new byte[1]));
    assertEquals(0, once.getCount());
  }

  private static Thread started(Runnable r) {
    Thread t = new Thread(r);
    t.start();
    return t;
  }
}
