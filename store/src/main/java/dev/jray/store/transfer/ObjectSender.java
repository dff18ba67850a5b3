package dev.jray.store.transfer;

import dev.jray.api.id.ObjectId;
import dev.jray.store.ObjectStore;
import dev.jray.store.ObjectStoreFullException;
import dev.jray.store.StoredObject;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.nio.ByteBuffer;

/**
 * Serves one {@code Pull} call: pins the object, streams it chunk by chunk no faster than the
 * client takes it, and unpins it when the stream ends, fails or is cancelled.
 *
 * <p>Back-pressure: the next chunk is copied out of the store only while the response's write
 * queue is not full and fewer than {@value #MAX_CHUNKS_IN_FLIGHT} chunks are still on their way
 * to the socket. HTTP/2 flow control stops the socket writes when the client stops consuming, so
 * a slow client holds this call at a few chunks of memory, whatever the object's size.
 *
 * <p>Confined to the call's event loop and never blocks it: store calls that take the store's
 * lock ({@code get}, which may restore a spilled object from disk, and unpinning) run on worker
 * threads; copying one chunk out of the pinned mapping happens on the event loop.
 */
final class ObjectSender {
  /**
   * Most chunks handed to the response and not yet written to the socket. Vert.x's HTTP/2 write
   * queue counts messages, not bytes (it reports full only after 16), so this is what bounds a
   * call's memory to a few chunks.
   */
  static final int MAX_CHUNKS_IN_FLIGHT = 4;

  private enum State {
    AWAITING_REQUEST,
    LOOKING_UP,
    SENDING,
    RELEASING,
    DONE
  }

  private final Vertx vertx;
  private final ObjectStore store;
  private final GrpcServerRequest<Buffer, Buffer> request;
  private final GrpcServerResponse<Buffer, Buffer> response;
  private final Promise<Void> done = Promise.promise();
  private State state = State.AWAITING_REQUEST;
  private boolean streamFailed;
  private ObjectId id;
  // Non-null exactly while SENDING; the view must not be read once the pin is released.
  private StoredObject object;
  private ByteBuffer view;
  private int sent;
  private int chunksInFlight;

  ObjectSender(Vertx vertx, ObjectStore store, GrpcServerRequest<Buffer, Buffer> request) {
    this.vertx = vertx;
    this.store = store;
    this.request = request;
    this.response = request.response();
  }

  /** Completes when the call is over and the object, if it was pinned, is unpinned. */
  Future<Void> done() {
    return done.future();
  }

  /** Starts serving; called on the event loop once, right after the call arrives. */
  void start() {
    // A reset (client cancel, deadline) and a lost connection end the call the same way.
    request.errorHandler(error -> onStreamFailure());
    response.exceptionHandler(failure -> onStreamFailure());
    response.drainHandler(ignored -> pump());
    request
        .last()
        .onComplete(
            received -> {
              if (state != State.AWAITING_REQUEST) {
                return;
              }
              if (received.succeeded() && received.result() != null) {
                lookUp(received.result());
              } else {
                endWith(GrpcStatus.INVALID_ARGUMENT, "expected one request message: the object id");
              }
            });
  }

  private void lookUp(Buffer idBytes) {
    if (idBytes.length() != ObjectId.LENGTH) {
      endWith(
          GrpcStatus.INVALID_ARGUMENT,
          "an object id has " + ObjectId.LENGTH + " bytes, got " + idBytes.length());
      return;
    }
    id = new ObjectId(idBytes.getBytes());
    state = State.LOOKING_UP;
    vertx
        .executeBlocking(() -> store.get(id), false)
        .onComplete(
            lookup -> {
              if (lookup.failed()) {
                endWith(
                    statusOf(lookup.cause()), "cannot read object " + id + ": " + lookup.cause());
              } else if (lookup.result() == null) {
                endWith(GrpcStatus.NOT_FOUND, "object " + id + " is not in the object store");
              } else {
                send(lookup.result());
              }
            });
  }

  private void send(StoredObject pinned) {
    object = pinned;
    state = State.SENDING;
    if (streamFailed) {
      // The client went away while the object was being looked up.
      release();
      return;
    }
    view = pinned.buffer();
    response.write(PullProtocol.header(pinned.size()));
    pump();
  }

  /**
   * Writes chunks while the write queue has room and few enough are in flight; resumed by the
   * drain handler and by each chunk's write completing. Once every chunk is written, unpins the
   * object and ends the call.
   */
  private void pump() {
    if (state != State.SENDING) {
      return;
    }
    int size = view.capacity();
    while (sent < size
        && chunksInFlight < MAX_CHUNKS_IN_FLIGHT
        && !response.writeQueueFull()) {
      int length = Math.min(ObjectTransferServer.CHUNK_SIZE, size - sent);
      // A copy, so nothing queued for the network refers to the mapping once it is unpinned.
      Buffer chunk = Buffer.buffer(length).setBytes(0, view.slice(sent, length));
      sent += length;
      chunksInFlight++;
      response
          .write(chunk)
          .onComplete(
              written -> {
                chunksInFlight--;
                if (written.succeeded()) {
                  pump();
                } else {
                  onStreamFailure(); // the stream is gone; nothing more can reach the client
                }
              });
    }
    if (sent == size && chunksInFlight == 0) {
      // Unpin before ending, so a client that has seen the whole object knows the pin is gone.
      release()
          .onComplete(
              released -> {
                if (!streamFailed) {
                  response.end();
                }
              });
    }
  }

  private void onStreamFailure() {
    if (streamFailed) {
      return;
    }
    streamFailed = true;
    if (state == State.AWAITING_REQUEST) {
      finish();
    } else if (state == State.SENDING) {
      release();
    }
    // LOOKING_UP: the lookup's completion sees streamFailed and unpins what it found.
  }

  /** Unpins the object on a worker thread, since unpinning takes the store's lock. */
  private Future<Void> release() {
    StoredObject pinned = object;
    object = null;
    view = null;
    state = State.RELEASING;
    return vertx
        .executeBlocking(
            () -> {
              pinned.close();
              return null;
            },
            false)
        .<Void>mapEmpty()
        .onComplete(ignored -> finish());
  }

  private void endWith(GrpcStatus status, String message) {
    if (!streamFailed) {
      response.status(status).statusMessage(message).end();
    }
    finish();
  }

  private void finish() {
    state = State.DONE;
    done.complete();
  }

  private static GrpcStatus statusOf(Throwable failure) {
    if (failure instanceof ObjectStoreFullException) {
      return GrpcStatus.RESOURCE_EXHAUSTED;
    }
    if (failure instanceof IllegalStateException) {
      return GrpcStatus.UNAVAILABLE; // the store is closed: the node is shutting down
    }
    return GrpcStatus.INTERNAL;
  }
}
