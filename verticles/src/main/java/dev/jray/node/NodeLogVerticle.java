package dev.jray.node;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serves the end of this node's log file (the file {@code -Djray.log-file} names: {@code jray
 * start} sets it) to the head's HTTP service, which shows it in the dashboard and on {@code GET
 * /api/v0/logs/file}. Every node deploys one.
 *
 * <p>Event-bus contract, JSON bodies, on node {@code <id>} ({@link #address}): {@code
 * jray.node.<id>.log.tail}: {@code {max_bytes}} → {@code {file, size, data}}: the file's name,
 * its size, and its last {@code max_bytes} (at most {@link #MAX_TAIL_BYTES}) as base64; fails
 * with {@link #NO_LOG_FILE} when this node writes no log file, and why.
 *
 * <p>Threading: the handler runs on this verticle's event loop and reads the file in
 * executeBlocking; the verticle holds no mutable state.
 */
public final class NodeLogVerticle extends VerticleBase {
  /** The system property naming the node's log file. */
  public static final String LOG_FILE_PROPERTY = "jray.log-file";
  /** The most bytes of the log one request returns. */
  public static final int MAX_TAIL_BYTES = 1 << 20;
  /** The failure code of a node without a log file. */
  public static final int NO_LOG_FILE = 1;

  private final String nodeId;
  /** Null when the node writes no log file. */
  private final Path file;
  private MessageConsumer<JsonObject> consumer;

  /** A node {@code nodeId} whose log is {@code file} (null: it has none). */
  public NodeLogVerticle(String nodeId, Path file) {
    this.nodeId = nodeId;
    this.file = file;
  }

  /** Deploys it into {@code vertx}, the file from {@link #LOG_FILE_PROPERTY}; completes once it answers. */
  public static Future<String> deploy(Vertx vertx, String nodeId) {
    String file = System.getProperty(LOG_FILE_PROPERTY);
    return vertx.deployVerticle(new NodeLogVerticle(nodeId, file == null ? null : Path.of(file)));
  }

  /** The address of node {@code nodeId}'s log requests. */
  public static String address(String nodeId) {
    return "jray.node." + nodeId + ".log.tail";
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(address(nodeId), m -> {
      int max = (int) Math.max(0, Math.min(MAX_TAIL_BYTES, m.body().getLong("max_bytes", 0L)));
      if (file == null) {
        m.fail(NO_LOG_FILE, "node " + nodeId + " writes no log file (started without -D"
            + LOG_FILE_PROPERTY + ", as 'jray start --block' is)");
        return;
      }
      vertx.executeBlocking(() -> tail(max), false).onComplete(r -> {
        if (r.succeeded()) {
          m.reply(r.result());
        } else {
          m.fail(NO_LOG_FILE, "node " + nodeId + " cannot read its log " + file + ": "
              + r.cause().getMessage());
        }
      });
    });
    return consumer.completion();
  }

  private JsonObject tail(int max) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("no such file");
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long size = in.length();
      byte[] data = new byte[(int) Math.min(max, size)];
      in.seek(size - data.length);
      in.readFully(data);
      return new JsonObject().put("file", file.getFileName().toString()).put("size", size)
          .put("data", data);
    }
  }
}
