package dev.jray.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What this machine itself allows, measured in the same run as jray: a parked-thread handoff,
 * Vert.x event-bus round trips, memory copies, loopback TCP. Each floor is measured once, on first
 * use, and shared by the rows that show it. Single-threaded use.
 */
final class Floors implements AutoCloseable {
  static final String HANDOFF = "handoff";
  static final String EXECUTOR_ASYNC = "executor 1k";
  static final String EXECUTOR_BATCH = "executor 1k/batch";
  static final String EVENT_BUS_SYNC = "vertx bus";
  static final String EVENT_BUS_ASYNC = "vertx bus 1k";
  static final String ARRAYCOPY = "arraycopy";
  static final String HEAP_TO_DIRECT = "heap->direct";
  static final String DIRECT_TO_HEAP = "direct->heap";
  static final String LOOPBACK_TCP = "loopback TCP";
  private static final String ECHO = "bench.echo";

  private final Measure measure;
  private final Map<String, Figure> measured = new HashMap<>();
  private Vertx vertx;

  Floors(Measure measure) {
    this.measure = measure;
  }

  /** The floor's figure, measured now if it was not yet. */
  Row.Comparison get(String name) {
    Figure f = measured.get(name);
    if (f == null) {
      f = measure(name);
      measured.put(name, f);
    }
    return new Row.Comparison(name, f);
  }

  private Figure measure(String name) {
    int batch = Settings.BATCH;
    int bytes = measure.settings().largeBytes();
    switch (name) {
      case HANDOFF: {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
          return measure.rate(1, () -> one.submit(() -> { }).get());
        } finally {
          one.shutdownNow();
        }
      }
      case EXECUTOR_ASYNC:
      case EXECUTOR_BATCH: {
        ExecutorService pool = Executors.newFixedThreadPool(Settings.cores());
        try {
          Figure perTask = measure.rate(batch, () -> {
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
              fs.add(pool.submit(() -> { }));
            }
            for (java.util.concurrent.Future<?> f : fs) {
              f.get();
            }
          });
          measured.put(EXECUTOR_BATCH, perTask.scaled(1.0 / batch));
          return name.equals(EXECUTOR_ASYNC) ? perTask : perTask.scaled(1.0 / batch);
        } finally {
          pool.shutdownNow();
        }
      }
      case EVENT_BUS_SYNC:
        return measure.rate(1, () -> await(vertx().eventBus().request(ECHO, 0)));
      case EVENT_BUS_ASYNC:
        return measure.rate(batch, () -> {
          List<Future<?>> fs = new ArrayList<>(batch);
          for (int i = 0; i < batch; i++) {
            fs.add(vertx().eventBus().request(ECHO, i));
          }
          for (Future<?> f : fs) {
            await(f);
          }
        });
      case ARRAYCOPY: {
        byte[] from = new byte[bytes];
        byte[] to = new byte[bytes];
        return measure.rate(bytes / 1e9, () -> System.arraycopy(from, 0, to, 0, bytes));
      }
      case HEAP_TO_DIRECT: {
        byte[] from = new byte[bytes];
        ByteBuffer to = ByteBuffer.allocateDirect(bytes);
        return measure.rate(bytes / 1e9, () -> to.clear().put(from));
      }
      case DIRECT_TO_HEAP: {
        ByteBuffer from = ByteBuffer.allocateDirect(bytes);
        byte[] to = new byte[bytes];
        return measure.rate(bytes / 1e9, () -> from.clear().get(to));
      }
      case LOOPBACK_TCP:
        return loopbackTcp(measure.settings().transferBytes());
      default:
        throw new IllegalArgumentException("no floor named '" + name + "'");
    }
  }

  /** Waits for a Vert.x future from a thread that is not an event loop. */
  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(JrayWorkloads.TIMEOUT_MS,
        java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private Vertx vertx() {
    if (vertx == null) {
      vertx = Vertx.vertx();
      vertx.eventBus().<Integer>consumer(ECHO, m -> m.reply(m.body()));
    }
    return vertx;
  }

  /**
   * {@code bytes} written through a loopback connection from a direct buffer and read into one
   * by a thread on the other end, which acknowledges the last byte.
   */
  private Figure loopbackTcp(int bytes) {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      try (SocketChannel out = SocketChannel.open(server.getLocalAddress());
           SocketChannel in = server.accept()) {
        Thread reader = new Thread(() -> drain(in, bytes), "bench-loopback-reader");
        reader.setDaemon(true);
        reader.start();
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        ByteBuffer ack = ByteBuffer.allocate(1);
        Figure f = measure.rate(bytes / 1e9, () -> {
          for (int sent = 0; sent < bytes; ) {
            chunk.clear().limit(Math.min(chunk.capacity(), bytes - sent));
            sent += out.write(chunk);
          }
          ack.clear();
          if (out.read(ack) != 1) {
            throw new IOException("the reader closed the connection");
          }
        });
        out.shutdownOutput();
        return f;
      }
    } catch (IOException e) {
      return Figure.failed(e);
    }
  }

  /** Reads {@code bytes} at a time and acknowledges each with one byte, until the peer closes. */
  private static void drain(SocketChannel in, int bytes) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    ByteBuffer ack = ByteBuffer.allocate(1);
    try {
      while (true) {
        for (int got = 0; got < bytes; ) {
          buffer.clear();
          int n = in.read(buffer);
          if (n < 0) {
            return;
          }
          got += n;
        }
        ack.clear();
        in.write(ack);
      }
    } catch (IOException closed) {
      // the measurement ended
    }
  }

  @Override
  public void close() {
    if (vertx != null) {
      vertx.close();
    }
  }
}
