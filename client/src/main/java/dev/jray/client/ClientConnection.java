package dev.jray.client;

import dev.jray.api.exception.RayException;
import dev.jray.client.ClientProtocol.Reader;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.time.Time;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's one connection: a gRPC stream to the head's client port, which it opens with the
 * handshake ({@link ClientProtocol#HELLO}, its code packages, until {@link ClientProtocol#READY}),
 * then uses for its session's requests and replies. If the stream breaks, it opens another for the
 * same session (the head keeps the session for its reconnect grace); what was in flight fails
 * with the break ({@code onBreak}), so no caller waits for a reply that will not come.
 *
 * <p>Threading: {@link #send} may be called from any thread: frames queue and go out in batches
 * on the connection's event loop; replies reach {@code onFrame} on that event loop, which must
 * not block.
 */
final class ClientConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
  /** How long the head may take to start a session's driver and answer the handshake. */
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(120);
  /** How long a broken connection keeps trying to reach its session again. */
  static final Duration RECONNECT_FOR = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final Context context;
  private final GrpcClient grpc;
  private final SocketAddress server;
  private final String authorization;
  private final Consumer<Reader> onFrame;
  private final Consumer<RayException> onBreak;
  private final Time time;
  /** Requests on their way to the event loop. */
  private final FrameOutbox outbox;
  /** The open stream; null while there is none. Event loop only. */
  private GrpcClientRequest<Buffer, Buffer> stream;
  /** Set by the handshake. */
  private volatile Handshake.Ready session;
  private volatile boolean closed;
  /** Set by the first {@link #close}. */
  private final java.util.concurrent.atomic.AtomicBoolean stopped =
      new java.util.concurrent.atomic.AtomicBoolean();

  private ClientConnection(String host, int port, ClusterToken token, TlsSettings tls,
      Consumer<Reader> onFrame, Consumer<RayException> onBreak, Time time) {
    this.vertx = withoutDnsResolver(() -> Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(1).setWorkerPoolSize(1)));
    this.context = vertx.getOrCreateContext();
    HttpClientOptions http = new HttpClientOptions().setHttp2ClearTextUpgrade(false);
    if (tls != null) {
      http.setSsl(true).setUseAlpn(true).setTrustOptions(tls.trustOptions());
    }
    this.grpc = GrpcClient.client(vertx,
        new GrpcClientOptions().setMaxMessageSize(ClientProtocol.MAX_MESSAGE_BYTES), http);
    // resolved here: Vert.x's own resolver would hold a UDP socket open for the client's life
    this.server = SocketAddress.inetSocketAddress(new InetSocketAddress(host, port));
    this.authorization = "Bearer " + token.reveal();
    this.onFrame = onFrame;
    this.onBreak = onBreak;
    this.time = time;
    this.outbox = new FrameOutbox(context, batch -> {
      if (stream != null) {
        stream.write(batch);
      }
    });
  }

  /**
   * Makes a Vert.x that resolves names with the JDK: Netty's resolver holds a UDP socket open,
   * and a client keeps to its one connection. The property is Vert.x's; it is read at creation.
   */
  private static Vertx withoutDnsResolver(java.util.function.Supplier<Vertx> create) {
    String key = "vertx.disableDnsResolver";
    String before = System.getProperty(key);
    System.setProperty(key, "true");
    try {
      return create.get();
    } finally {
      if (before == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, before);
      }
    }
  }

  /**
   * Connects and runs the handshake; blocks until the session's driver is ready.
   *
   * @param tls this process's TLS settings (the cluster's CA is trusted), or null for none
   * @throws RayException naming the server and the cause if it cannot
   */
  static ClientConnection open(String host, int port, ClusterToken token, TlsSettings tls,
      Handshake hello, Consumer<Reader> onFrame, Consumer<RayException> onBreak, Time time) {
    long t0 = time.nanoseconds();
    ClientConnection c = new ClientConnection(host, port, token, tls, onFrame, onBreak, time);
    try {
      c.session = c.handshake(hello).get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      LOG.debug("Ray Client session {} ready in {} ms", c.session.sessionId(),
          (time.nanoseconds() - t0) / 1_000_000);
      return c;
    } catch (Exception e) {
      c.close();
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      throw new RayException("cannot connect to the Ray Client server at jray://" + host + ":"
          + port + ": " + cause.getMessage(), cause);
    }
  }

  Handshake.Ready session() {
    return session;
  }

  /** Opens a stream and runs the handshake on it; completes with the head's READY. */
  private CompletableFuture<Handshake.Ready> handshake(Handshake hello) {
    CompletableFuture<Handshake.Ready> ready = new CompletableFuture<>();
    context.runOnContext(v -> grpc.request(server, ClientProtocol.connectClient())
        .onFailure(ready::completeExceptionally)
        .onSuccess(request -> {
          request.headers().set(ClientProtocol.AUTHORIZATION_HEADER, authorization);
          if (hello.sessionId() != null) {
            request.headers().set(ClientProtocol.SESSION_HEADER, hello.sessionId());
          }
          stream = request;
          request.response().onFailure(e -> {
            ready.completeExceptionally(e);
            broken(request, e);
          }).onSuccess(response -> {
            response.handler(batch -> {
              if (ready.isDone()) {
                ClientProtocol.frames(batch, onFrame);
              } else {
                ClientProtocol.frames(batch, f -> hello.onHeadFrame(f, ready, this::write));
              }
            });
            response.exceptionHandler(e -> broken(request, e));
            response.endHandler(end -> {
              String why = response.status() == null ? "the server ended the stream"
                  : response.status().name() + (response.statusMessage() == null ? ""
                      : ": " + response.statusMessage());
              ready.completeExceptionally(new RayException(why));
              broken(request, new RayException(why));
            });
          });
          write(hello.helloFrame());
        }));
    return ready;
  }

  /** Writes frames at once; event loop only. */
  private void write(List<Buffer> frames) {
    if (stream != null && !frames.isEmpty()) {
      stream.write(ClientProtocol.batch(frames));
    }
  }

  private void write(Buffer frame) {
    write(List.of(frame));
  }

  /** Queues a frame for the session's driver; any thread. */
  void send(Buffer frame) {
    if (closed) {
      throw new RayException("the Ray Client connection is closed");
    }
    outbox.send(frame);
  }

  /** The stream broke: in-flight work fails, and another stream resumes the session. */
  private void broken(GrpcClientRequest<Buffer, Buffer> which, Throwable cause) {
    if (stream != which) {
      return; // an old stream's late news
    }
    stream = null;
    if (closed || session == null) {
      return;
    }
    LOG.warn("the Ray Client connection broke ({}); reconnecting", cause.toString());
    onBreak.accept(new RayException("the connection to the Ray Client server broke: "
        + cause.getMessage(), cause));
    reconnect(time.milliseconds() + RECONNECT_FOR.toMillis());
  }

  private void reconnect(long untilMs) {
    if (closed) {
      return;
    }
    handshake(Handshake.resume(session.sessionId())).whenComplete((ready, e) -> {
      if (e == null) {
        LOG.info("reconnected to Ray Client session {}", ready.sessionId());
        context.runOnContext(v -> outbox.flush());
      } else if (time.milliseconds() < untilMs) {
        vertx.setTimer(1000, t -> reconnect(untilMs));
      } else {
        LOG.error("cannot reach the Ray Client server again: {}", e.toString());
        closed = true;
        onBreak.accept(new RayException("the Ray Client session is lost: " + e.getMessage()));
      }
    });
  }

  boolean isClosed() {
    return closed;
  }

  /** Ends the stream (the head ends the session) and stops this connection's Vert.x. Blocks. */
  @Override
  public void close() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    closed = true;
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      outbox.flush();
      Future<Void> end = stream != null ? stream.end() : Future.succeededFuture();
      stream = null;
      end.onComplete(r -> done.complete(null));
    });
    try {
      done.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("ending the Ray Client stream", e);
    }
    try {
      grpc.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("closing the Ray Client's Vert.x", e);
    }
  }
}
