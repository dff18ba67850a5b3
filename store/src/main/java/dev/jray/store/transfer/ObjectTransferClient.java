package dev.jray.store.transfer;

import dev.jray.api.id.ObjectId;
import dev.jray.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Pulls copies of objects from other nodes' {@link ObjectTransferServer}s into a local {@link
 * ObjectStore}, streaming each chunk into the store as it arrives, so an object never sits whole
 * on the heap.
 *
 * <p>Memory per pull stays bounded whatever the object's size: each chunk is copied into the
 * store as soon as it arrives, and HTTP/2 flow control lets a peer run at most {@value
 * #STREAM_WINDOW} bytes ahead of what a pull has taken ({@value #CONNECTION_WINDOW} per
 * connection). While room for the object is being reserved the response is paused, which stops
 * the flow once Vert.x's inbound queue holds 16 messages.
 *
 * <p>Thread-safe; {@link #pull} may be called from any thread. Each pull runs on the caller's
 * Vert.x context (a new event-loop context when called from outside Vert.x) and never blocks it.
 */
public final class ObjectTransferClient {
  private static final int STREAM_WINDOW = 4 << 20;
  private static final int CONNECTION_WINDOW = 16 << 20;

  private record Pull(ObjectStore into, ObjectId id) {}

  private final Vertx vertx;
  private final GrpcClient client;
  private final ConcurrentMap<Pull, Future<Void>> inProgress = new ConcurrentHashMap<>();

  public ObjectTransferClient(Vertx vertx) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    HttpClientOptions transport =
        new HttpClientOptions()
            .setHttp2ClearTextUpgrade(false) // gRPC speaks HTTP/2 from the first byte
            .setHttp2ConnectionWindowSize(CONNECTION_WINDOW)
            .setInitialSettings(
                new Http2Settings()
                    .setInitialWindowSize(STREAM_WINDOW)
                    // Fewer, larger frames: a chunk in 4 frames instead of 64.
                    .setMaxFrameSize(ObjectTransferServer.CHUNK_SIZE / 4));
    this.client =
        GrpcClient.client(
            vertx,
            new GrpcClientOptions().setMaxMessageSize(PullProtocol.MAX_MESSAGE_SIZE),
            transport);
  }

  /**
   * Copies object {@code id} from the node serving objects at {@code host:port} into {@code into},
   * writing each chunk as it arrives and sealing the object once all bytes are in. Succeeds at
   * once if {@code into} already holds the object.
   *
   * <p>A pull of an id that this client is already pulling into the same store joins that pull
   * and gets its outcome, whatever peer or {@code primary} flag it names. If the object is being
   * written into the store by anyone else (another client, a local put), the pull fails saying
   * so; retry once that writer is done, and the retry succeeds at once if it sealed the object.
   *
   * @param primary whether the copy is the primary copy (see {@link ObjectStore#put})
   * @return completes once the object is sealed in {@code into}; fails with an {@link
   *     ObjectTransferException} naming the object and the peer, after aborting the partial copy
   */
  public Future<Void> pull(String host, int port, ObjectId id, ObjectStore into, boolean primary) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(into, "into");
    if (port <= 0 || port > 0xffff) {
      throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
    }
    Pull pull = new Pull(into, id);
    Promise<Void> outcome = Promise.promise();
    Future<Void> running = inProgress.putIfAbsent(pull, outcome.future());
    if (running != null) {
      return running;
    }
    new ObjectReceiver(vertx.getOrCreateContext(), client, host, port, id, into, primary)
        .start()
        .onComplete(
            finished -> {
              // Forget the pull before completing it, so no one joins a finished pull.
              inProgress.remove(pull);
              outcome.handle(finished);
            });
    return outcome.future();
  }

  /** Closes the connections; pulls in progress fail. */
  public Future<Void> close() {
    return client.close();
  }
}
