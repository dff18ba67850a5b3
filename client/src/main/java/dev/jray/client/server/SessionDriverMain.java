package dev.jray.client.server;

import dev.jray.api.Ray;
import dev.jray.api.runtimecontext.RuntimeContext;
import dev.jray.client.ClientProtocol;
import dev.jray.client.FrameOutbox;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.gcs.serialization.Serializers;
import dev.jray.gcs.time.Time;
import dev.jray.runtime.WorkerRuntime;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver of one Ray Client session, as Ray's client server starts one per client: a JVM the
 * head starts with the client's code on its class path, which runs {@code Ray.init()} as a job's
 * driver attached to the head, then opens the {@code Backend} stream to the head's client port and
 * runs what the client asks ({@link SessionRequests}). When that stream ends (the client left and
 * its reconnect grace passed, or the head died) it shuts down: its job ends, and its non-detached
 * actors with it.
 *
 * <p>Arguments: the client port's host and port, and the session id.
 */
public final class SessionDriverMain {
  private static final Logger LOG = LoggerFactory.getLogger(SessionDriverMain.class);

  private SessionDriverMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: SessionDriverMain HOST PORT SESSION_ID");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String session = args[2];
    long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    long initFrom = Time.SYSTEM.milliseconds();
    Ray.init();
    LOG.info("Ray Client session {}: its JVM took {} ms to start, Ray.init() {} ms", session,
        initFrom - jvmStart, Time.SYSTEM.milliseconds() - initFrom);
    RuntimeContext context = Ray.getRuntimeContext();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Context loop = vertx.getOrCreateContext();
    HttpClientOptions http = new HttpClientOptions().setHttp2ClearTextUpgrade(false);
    TlsSettings tls = TlsSettings.ofProcess();
    if (tls != null) {
      http.setSsl(true).setUseAlpn(true).setTrustOptions(tls.trustOptions());
    }
    GrpcClient grpc = GrpcClient.client(vertx,
        new GrpcClientOptions().setMaxMessageSize(ClientProtocol.MAX_MESSAGE_BYTES), http);
    CompletableFuture<Void> ended = new CompletableFuture<>();
    AtomicReference<GrpcClientRequest<Buffer, Buffer>> backend = new AtomicReference<>();
    FrameOutbox outbox = new FrameOutbox(loop, batch -> backend.get().write(batch));
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    SessionRequests requests = new SessionRequests(Ray.internal(), Serializers.fory(),
        loader != null ? loader : SessionDriverMain.class.getClassLoader(), outbox::send);
    Runnable flush = Ray.internal() instanceof WorkerRuntime w ? w::flushCurrentThread : () -> {};
    // requests run in order on one thread: an actor's calls reach it in the order they were made
    ExecutorService ordered = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "jray-client-session");
      t.setDaemon(true);
      return t;
    });
    loop.runOnContext(v -> grpc.request(SocketAddress.inetSocketAddress(port, host),
            ClientProtocol.backendClient())
        .onFailure(ended::completeExceptionally)
        .onSuccess(stream -> {
          stream.headers().set(ClientProtocol.AUTHORIZATION_HEADER,
              "Bearer " + TokenSources.ofProcess().require(null).reveal());
          stream.headers().set(ClientProtocol.SESSION_HEADER, session);
          backend.set(stream);
          Buffer ready = Buffer.buffer().appendByte(ClientProtocol.DRIVER_READY);
          ClientProtocol.appendString(ready, context.getCurrentJobId().toString());
          ClientProtocol.appendString(ready, context.getNamespace());
          ClientProtocol.appendString(ready, context.getCurrentNodeId().toString());
          stream.write(ClientProtocol.batch(List.of(ready)));
          stream.response().onFailure(ended::completeExceptionally).onSuccess(response -> {
            response.handler(batch -> ordered.execute(() -> {
              try {
                ClientProtocol.frames(batch, requests::onFrame);
                flush.run(); // the thread idles next: its submissions leave now
              } catch (RuntimeException e) {
                LOG.error("a malformed request from the Ray Client: {}", e.toString());
                ended.completeExceptionally(e);
              }
            }));
            response.exceptionHandler(ended::completeExceptionally);
            response.endHandler(end -> ended.complete(null));
          });
        }));
    try {
      ended.join();
      LOG.info("Ray Client session {} ended", session);
    } catch (RuntimeException e) {
      LOG.warn("Ray Client session {} ended: {}", session, e.toString());
    }
    requests.close();
    ordered.shutdownNow();
    Ray.shutdown(); // the job ends: its non-detached actors die, its groups go
    vertx.close();
    System.exit(0);
  }
}
