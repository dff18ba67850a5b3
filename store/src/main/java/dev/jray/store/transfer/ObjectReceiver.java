package dev.jray.store.transfer;

import dev.jray.api.id.ObjectId;
import dev.jray.store.ObjectStore;
import dev.jray.store.ObjectWriter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;

/**
 * Runs one pull: asks the peer for the object, reserves room for it in the local store when the
 * size arrives, writes each chunk into that room as it arrives, and seals the object at the end;
 * on any failure, cancels the call and aborts the writer before failing.
 *
 * <p>Confined to one Vert.x context, whose thread runs every callback; it never blocks that
 * thread: store calls that take the store's lock (and may evict or spill) run on worker threads,
 * with the response paused while the room is being reserved; copying a chunk into the reserved
 * mapping happens on the context's thread.
 */
final class ObjectReceiver {
  private final Context context;
  private final GrpcClient client;
  private final SocketAddress address;
  private final String peer;
  private final ObjectId id;
  private final ObjectStore into;
  private final boolean primary;
  private final Promise<Void> result = Promise.promise();
  private GrpcClientRequest<Buffer, Buffer> request;
  private GrpcClientResponse<Buffer, Buffer> response;
  // Set when the header arrives; yields null if another writer sealed the object meanwhile.
  private Future<ObjectWriter> creation;
  private ObjectWriter writer;
  private long size = -1;
  private long received;
  private byte[] chunk;
  private boolean finished;

  ObjectReceiver(
      Context context,
      GrpcClient client,
      String host,
      int port,
      ObjectId id,
      ObjectStore into,
      boolean primary) {
    this.context = context;
    this.client = client;
    this.address = SocketAddress.inetSocketAddress(port, host);
    this.peer = host + ":" + port;
    this.id = id;
    this.into = into;
    this.primary = primary;
  }

  /** Starts the pull on the context; the future completes once the object is sealed locally. */
  Future<Void> start() {
    blocking(() -> into.contains(id))
        .onComplete(
            present -> {
              if (present.failed()) {
                fail("cannot check the local object store", present.cause(), false);
              } else if (present.result()) {
                finished = true;
                result.complete();
              } else {
                call();
              }
            });
    return result.future();
  }

  private void call() {
    client
        .request(address, PullProtocol.CLIENT_METHOD)
        .compose(
            sent -> {
              request = sent;
              sent.end(Buffer.buffer(id.getBytes()));
              return sent.response();
            })
        .onComplete(
            answered -> {
              if (answered.failed()) {
                fail("the call failed", answered.cause(), false);
              } else {
                receive(answered.result());
              }
            });
  }

  private void receive(GrpcClientResponse<Buffer, Buffer> answer) {
    response = answer;
    answer.handler(this::onMessage);
    answer.exceptionHandler(failure -> fail("the stream failed", failure, false));
    answer.errorHandler(error -> fail("the stream was reset: " + error, null, false));
    answer.endHandler(ignored -> onEnd());
  }

  private void onMessage(Buffer message) {
    if (finished) {
      return;
    }
    if (creation == null) {
      onHeader(message);
      return;
    }
    int length = message.length();
    if (length > size - received) {
      fail("the peer sent more than the announced " + size + " bytes", null, false);
      return;
    }
    // Through a reused array: Buffer has no public way to expose its bytes without copying.
    message.getBytes(0, length, chunk, 0);
    try {
      writer.write(ByteBuffer.wrap(chunk, 0, length));
    } catch (RuntimeException e) {
      fail("cannot write into the local object store", e, false);
      return;
    }
    received += length;
  }

  private void onHeader(Buffer message) {
    try {
      size = PullProtocol.parseHeader(message);
    } catch (IllegalArgumentException e) {
      fail("malformed response", e, false);
      return;
    }
    // No chunk is delivered until there is room to write it into.
    response.pause();
    long announced = size;
    creation = blocking(() -> createWriter(announced));
    creation.onComplete(
        created -> {
          if (finished) {
            return; // fail() aborts the writer, if any
          }
          if (created.failed()) {
            fail(
                "cannot reserve " + announced + " bytes in the local object store",
                created.cause(),
                false);
          } else if (created.result() == null) {
            finished = true;
            request.cancel();
            result.complete();
          } else {
            writer = created.result();
            chunk = new byte[(int) Math.min(ObjectTransferServer.CHUNK_SIZE, announced)];
            response.resume();
          }
        });
  }

  /** Runs on a worker thread. Returns null if the object got sealed since the first check. */
  private ObjectWriter createWriter(long announced) {
    try {
      return into.create(id, announced, primary);
    } catch (IllegalStateException e) {
      if (into.contains(id)) {
        return null;
      }
      throw new IllegalStateException(
          "object "
              + id
              + " is being written into the local object store by another writer;"
              + " retry once that writer has sealed or aborted it",
          e);
    }
  }

  private void onEnd() {
    if (finished) {
      return;
    }
    GrpcStatus status = response.status();
    if (status != GrpcStatus.OK) {
      fail(
          "the peer answered " + status.name() + ": " + response.statusMessage(),
          null,
          status == GrpcStatus.NOT_FOUND);
      return;
    }
    if (writer == null || received != size) {
      fail(
          "the stream ended after " + received + " of " + (writer == null ? "?" : size) + " bytes",
          null,
          false);
      return;
    }
    finished = true;
    ObjectWriter complete = writer;
    blocking(
            () -> {
              complete.seal();
              return null;
            })
        .onComplete(
            sealed -> {
              if (sealed.succeeded()) {
                result.complete();
              } else {
                discardThenFail(
                    new ObjectTransferException(
                        id, peer, "cannot seal the object", false, sealed.cause()));
              }
            });
  }

  private void fail(String reason, Throwable cause, boolean notFound) {
    if (finished) {
      return;
    }
    finished = true;
    if (request != null) {
      request.cancel(); // lets the peer stop sending and unpin its copy
    }
    discardThenFail(new ObjectTransferException(id, peer, reason, notFound, cause));
  }

  /** Aborts the writer, if one was or is being created, then fails the pull. */
  private void discardThenFail(ObjectTransferException failure) {
    Future<Void> discarded =
        creation == null
            ? Future.succeededFuture()
            : creation.transform(
                created ->
                    created.succeeded() && created.result() != null
                        ? blocking(
                            () -> {
                              created.result().abort();
                              return null;
                            })
                        : Future.succeededFuture());
    discarded.onComplete(
        aborted -> {
          if (aborted.failed()) {
            failure.addSuppressed(aborted.cause());
          }
          result.fail(failure);
        });
  }

  private <T> Future<T> blocking(Callable<T> storeCall) {
    // Unordered: pulls on the same event loop must not queue behind each other's store calls.
    return context.executeBlocking(storeCall, false);
  }
}
