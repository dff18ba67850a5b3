package dev.jray.link;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a node's links carried, both ways, since they started: bytes (length prefixes and headers
 * included) and frames. For metrics: a writer adds once per batch it writes, a reader once per
 * frame and per read, never allocating.
 *
 * <p>Threading: thread-safe; any link thread adds, any thread reads the sums.
 */
public final class LinkTraffic {
  private final LongAdder sentBytes = new LongAdder();
  private final LongAdder sentFrames = new LongAdder();
  private final LongAdder receivedBytes = new LongAdder();
  private final LongAdder receivedFrames = new LongAdder();

  void sent(long bytes, int frames) {
    sentBytes.add(bytes);
    sentFrames.add(frames);
  }

  void receivedBytes(int bytes) {
    receivedBytes.add(bytes);
  }

  void receivedFrame() {
    receivedFrames.increment();
  }

  public long sentBytes() {
    return sentBytes.sum();
  }

  public long sentFrames() {
    return sentFrames.sum();
  }

  public long receivedBytes() {
    return receivedBytes.sum();
  }

  public long receivedFrames() {
    return receivedFrames.sum();
  }
}
