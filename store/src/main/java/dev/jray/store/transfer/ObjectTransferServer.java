package dev.jray.store.transfer;

import dev.jray.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves copies of the objects in one node's {@link ObjectStore} to other nodes, over the gRPC
 * method {@code jray.ObjectTransfer/Pull} (see {@link ObjectTransferClient}).
 *
 * <p>Each call pins the object for as long as it streams it and unpins it when the stream ends,
 * fails or the client goes away. Chunks of at most {@link #CHUNK_SIZE} bytes are copied out of
 * the store only as fast as the client takes them: the next chunk is written only while the
 * response's write queue is not full and only a few chunks are still unwritten to the socket, so
 * a slow client costs at most a few chunks of memory on this node, whatever the object's size.
 *
 * <p>Calls are served on the HTTP server's event loops and never block them. Thread-safe.
 */
public final class ObjectTransferServer {
  /** Largest number of object bytes in one response message. */
  public static final int CHUNK_SIZE = 1 << 20;

  private final Vertx vertx;
  private final ObjectStore store;
  private final HttpServer httpServer;
  // Calls in progress, touched from every event loop serving a connection.
  private final Set<ObjectSender> calls = ConcurrentHashMap.newKeySet();

  private ObjectTransferServer(Vertx vertx, ObjectStore store, String host, int port) {
    this.vertx = vertx;
    this.store = store;
    GrpcServer grpcServer =
        GrpcServer.server(vertx).callHandler(PullProtocol.SERVER_METHOD, this::serve);
    this.httpServer =
        vertx
            .createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
            .requestHandler(grpcServer);
  }

  /**
   * Starts serving {@code store} on {@code host}, and only there.
   *
   * @param port the TCP port, or 0 for an ephemeral one (see {@link #port()})
   * @return the listening server, or a failure if it cannot bind
   */
  public static Future<ObjectTransferServer> start(
      Vertx vertx, ObjectStore store, String host, int port) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
    }
    ObjectTransferServer server = new ObjectTransferServer(vertx, store, host, port);
    return server.httpServer.listen().map(server);
  }

  /** The port the server listens on. */
  public int port() {
    return httpServer.actualPort();
  }

  /**
   * Stops listening, closes every connection, so aborts the calls in progress, and completes once
   * those calls have unpinned their objects.
   */
  public Future<Void> close() {
    return httpServer.close().compose(closed -> idle());
  }

  /** Completes once every call in progress now is over and has unpinned its object. */
  Future<Void> idle() {
    List<Future<Void>> ongoing = calls.stream().map(ObjectSender::done).toList();
    return Future.join(ongoing).mapEmpty();
  }

  private void serve(GrpcServerRequest<Buffer, Buffer> request) {
    ObjectSender call = new ObjectSender(vertx, store, request);
    calls.add(call);
    call.done().onComplete(finished -> calls.remove(call));
    call.start();
  }
}
