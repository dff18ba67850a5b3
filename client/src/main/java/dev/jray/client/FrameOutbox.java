package dev.jray.client;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Frames queue here from any thread and leave in batches (gRPC messages of up to 64 MiB) on one
 * event loop: a burst of calls costs one message, not one each.
 *
 * <p>Threading: {@link #send} from any thread; {@code write} runs on {@code loop} only.
 */
public final class FrameOutbox {
  private static final long BATCH_BYTES = 64 << 20;
  private final Context loop;
  /** Writes one batch to the stream, or drops it while there is none. Loop only. */
  private final Consumer<Buffer> write;
  private final ConcurrentLinkedQueue<Buffer> frames = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  public FrameOutbox(Context loop, Consumer<Buffer> write) {
    this.loop = loop;
    this.write = write;
  }

  public void send(Buffer frame) {
    frames.add(frame);
    if (scheduled.compareAndSet(false, true)) {
      loop.runOnContext(v -> flush());
    }
  }

  /** Writes what queued; on the loop. */
  public void flush() {
    scheduled.set(false);
    List<Buffer> batch = new ArrayList<>();
    long bytes = 0;
    Buffer f;
    while ((f = frames.poll()) != null) {
      batch.add(f);
      bytes += f.length();
      if (bytes > BATCH_BYTES) {
        write.accept(ClientProtocol.batch(batch));
        batch = new ArrayList<>();
        bytes = 0;
      }
    }
    if (!batch.isEmpty()) {
      write.accept(ClientProtocol.batch(batch));
    }
  }
}
