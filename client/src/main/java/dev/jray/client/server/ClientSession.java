package dev.jray.client.server;

import dev.jray.client.ClientProtocol;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.List;

/**
 * One Ray Client session as the head holds it: the client's stream, its driver's stream and
 * process, and the batches the head relays unread between the two. A client that leaves may come
 * back within the grace ({@link RayClientServer}); the session ends when the grace passes, its
 * driver exits, or the head stops.
 *
 * <p>Threading: the head's event loop (the server verticle's context) only.
 */
final class ClientSession {
  final String id;
  /** The driver process; null until started. */
  Process process;
  /** The client's stream; null while it is away. */
  GrpcServerRequest<Buffer, Buffer> client;
  /** The driver's stream; null until it connects. */
  GrpcServerRequest<Buffer, Buffer> backend;
  /** The driver's DRIVER_READY fields: job, namespace, node. */
  String jobId;
  String namespace;
  String nodeId;
  /** The grace timer while the client is away; -1 if none. */
  long graceTimer = -1;
  boolean ended;

  ClientSession(String id) {
    this.id = id;
  }

  boolean driverReady() {
    return jobId != null;
  }

  /** Tells the client its session runs, then relays both ways. */
  void startRelay() {
    Buffer ready = Buffer.buffer().appendByte(ClientProtocol.READY);
    ClientProtocol.appendString(ready, id);
    ClientProtocol.appendString(ready, jobId);
    ClientProtocol.appendString(ready, namespace);
    ClientProtocol.appendString(ready, nodeId);
    client.response().write(ClientProtocol.batch(List.of(ready)));
    pipe(client, backend.response());
    pipe(backend, client.response());
  }

  /** Relays batches from {@code from} to {@code to}, pausing while {@code to} is full. */
  private static void pipe(ReadStream<Buffer> from, WriteStream<Buffer> to) {
    from.handler(batch -> {
      to.write(batch);
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(v -> from.resume());
      }
    });
  }

  /** Ends both streams and the driver: its job ends with it. */
  void end(String why) {
    if (ended) {
      return;
    }
    ended = true;
    if (client != null) {
      endStream(client, why);
    }
    if (backend != null) {
      try {
        backend.response().end();
      } catch (RuntimeException alreadyGone) {
        // the driver's stream broke first
      }
    }
    if (process != null && backend == null) {
      process.destroy(); // never connected: nothing else tells it to go
    }
  }

  static void endStream(GrpcServerRequest<Buffer, Buffer> stream, String why) {
    try {
      stream.response().status(GrpcStatus.UNAVAILABLE).statusMessage(why).end();
    } catch (RuntimeException alreadyGone) {
      // it broke first
    }
  }
}
