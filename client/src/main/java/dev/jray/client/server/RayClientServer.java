package dev.jray.client.server;

import dev.jray.client.ClientProtocol;
import dev.jray.client.ClientProtocol.Reader;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.BearerAuthorization;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TlsSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ray Client server on the head ({@code --ray-client-server-port}, default {@value
 * ClientProtocol#DEFAULT_PORT}), as Ray's: a gRPC service ({@link ClientProtocol}) whose every
 * stream must carry the cluster token. A client's first stream runs the handshake: the head takes
 * the code packages it lacks ({@link PackageIntake}), starts a session driver for the client with
 * them on its class path ({@link SessionLauncher}), waits for that driver's {@code Backend} stream,
 * then relays batches unread between the two. A client whose stream breaks may resume its session
 * within the reconnect grace; after it, the session ends: the driver's stream ends, the driver
 * shuts down, and its job's non-detached actors die.
 *
 * <p>Threading: every handler runs on this verticle's event loop, which owns the sessions; a
 * driver starts on a worker thread.
 */
public final class RayClientServer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RayClientServer.class);
  /** How long a new session's driver may take to connect back. */
  static final Duration DRIVER_START_TIMEOUT = Duration.ofSeconds(120);
  /** How long an ended session's driver may take to exit before it is stopped. */
  static final Duration DRIVER_STOP_GRACE = Duration.ofSeconds(30);

  /** Starts a session's driver: a JVM running {@link SessionDriverMain}. May block. */
  public interface SessionLauncher {
    Process start(String sessionId, String namespace, String runtimeEnv, List<Path> jars)
        throws IOException;
  }

  /**
   * @param reconnectGrace how long a session outlives its client's broken stream
   * @param packages where the clients' code packages are kept
   * @param tls the cluster's TLS (the port then speaks TLS, the token still required), or null
   */
  public record Options(String host, int port, ClusterToken token, Duration reconnectGrace,
      Path packages, SessionLauncher launcher, TlsSettings tls) {
    public Options {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(token, "token");
      Objects.requireNonNull(reconnectGrace, "reconnectGrace");
      Objects.requireNonNull(packages, "packages");
      Objects.requireNonNull(launcher, "launcher");
    }
  }

  private final Options options;
  private final BearerAuthorization bearer;
  private final Map<String, ClientSession> sessions = new HashMap<>();
  private HttpServer http;

  private RayClientServer(Options options) {
    this.options = options;
    this.bearer = new BearerAuthorization(options.token());
  }

  /** Deploys the server; completes once it listens. */
  public static Future<RayClientServer> deploy(Vertx vertx, Options options) {
    RayClientServer server = new RayClientServer(options);
    return vertx.deployVerticle(server).map(id -> server);
  }

  /** The port it listens on (the one asked for, or the one chosen for 0). */
  public int port() {
    return http.actualPort();
  }

  @Override
  public Future<?> start() {
    GrpcServer grpc = GrpcServer.server(vertx,
        new GrpcServerOptions().setMaxMessageSize(ClientProtocol.MAX_MESSAGE_BYTES));
    grpc.callHandler(ClientProtocol.connectServer(), this::onClient);
    grpc.callHandler(ClientProtocol.backendServer(), this::onBackend);
    HttpServerOptions listen = new HttpServerOptions().setHost(options.host())
        .setPort(options.port()).setHttp2ClearTextEnabled(true);
    if (options.tls() != null) {
      // the token authenticates the client: it needs the cluster's CA, no certificate of its own
      listen.setSsl(true).setUseAlpn(true).setKeyCertOptions(options.tls().keyCertOptions());
    }
    http = vertx.createHttpServer(listen);
    return http.requestHandler(grpc).listen().onSuccess(s -> LOG.info(
        "Ray Client server listening on {}:{}", options.host(), s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    for (ClientSession s : List.copyOf(sessions.values())) {
      s.end("the head stopped");
    }
    sessions.clear();
    return http == null ? Future.succeededFuture() : http.close();
  }

  /** Refuses a stream without the token; true if it may go on. */
  private boolean admitted(GrpcServerRequest<Buffer, Buffer> stream) {
    String refusal = bearer.refusal(stream.headers().get(ClientProtocol.AUTHORIZATION_HEADER));
    if (refusal == null) {
      return true;
    }
    stream.response().status(GrpcStatus.UNAUTHENTICATED).statusMessage(refusal).end();
    return false;
  }

  private void onClient(GrpcServerRequest<Buffer, Buffer> stream) {
    if (!admitted(stream)) {
      return;
    }
    String resume = stream.headers().get(ClientProtocol.SESSION_HEADER);
    if (resume != null) {
      resumeSession(stream, resume);
      return;
    }
    PackageIntake intake = new PackageIntake(options.packages());
    stream.exceptionHandler(e -> LOG.debug("a client left during its handshake: {}", e));
    stream.handler(batch -> {
      try {
        ClientProtocol.frames(batch, f -> onHandshakeFrame(stream, intake, f));
      } catch (RuntimeException e) {
        refuse(stream, "a malformed handshake: " + e.getMessage());
      }
    });
  }

  private void onHandshakeFrame(GrpcServerRequest<Buffer, Buffer> stream, PackageIntake intake,
      Reader f) {
    byte op = f.op();
    if (op == ClientProtocol.HELLO) {
      intake.hello(f);
      Buffer need = Buffer.buffer().appendByte(ClientProtocol.NEED);
      List<String> missing = intake.missing();
      need.appendInt(missing.size());
      missing.forEach(id -> ClientProtocol.appendString(need, id));
      stream.response().write(ClientProtocol.batch(List.of(need)));
    } else if (op == ClientProtocol.PACKAGE_PART) {
      intake.part(f);
    } else {
      throw new IllegalArgumentException("frame " + op + " before the session started");
    }
    if (intake.complete()) {
      startSession(stream, intake);
    }
  }

  private void startSession(GrpcServerRequest<Buffer, Buffer> stream, PackageIntake intake) {
    ClientSession session = new ClientSession(IdFactory.newUniqueId().toHex());
    session.client = stream;
    sessions.put(session.id, session);
    watchClient(session, stream);
    vertx.executeBlocking(() -> options.launcher().start(session.id, intake.namespace(),
        intake.runtimeEnv(), intake.jars())).onComplete(started -> {
          if (started.failed()) {
            LOG.warn("cannot start the driver of Ray Client session {}", session.id,
                started.cause());
            end(session, "cannot start the session's driver: " + started.cause().getMessage());
            return;
          }
          session.process = started.result();
          if (session.ended) {
            session.process.destroy();
            return;
          }
          session.process.onExit().thenRun(() -> vertx.runOnContext(v ->
              end(session, "the session's driver exited (code " + session.process.exitValue()
                  + ")")));
          vertx.setTimer(DRIVER_START_TIMEOUT.toMillis(), t -> {
            if (!session.driverReady()) {
              end(session, "the session's driver did not connect within "
                  + DRIVER_START_TIMEOUT.toSeconds() + " s");
            }
          });
        });
  }

  private void onBackend(GrpcServerRequest<Buffer, Buffer> stream) {
    if (!admitted(stream)) {
      return;
    }
    ClientSession session = sessions.get(stream.headers().get(ClientProtocol.SESSION_HEADER));
    if (session == null || session.backend != null) {
      ClientSession.endStream(stream, "no such Ray Client session waits for its driver");
      return;
    }
    session.backend = stream;
    stream.handler(batch -> {
      try {
        ClientProtocol.frames(batch, f -> {
          if (f.op() != ClientProtocol.DRIVER_READY) {
            throw new IllegalArgumentException("the driver spoke before it was ready");
          }
          session.jobId = f.string();
          session.namespace = f.string();
          session.nodeId = f.string();
        });
      } catch (RuntimeException e) {
        end(session, "the session's driver sent a malformed frame: " + e.getMessage());
        return;
      }
      LOG.info("Ray Client session {} runs as job {}", session.id, session.jobId);
      if (session.client != null) {
        session.startRelay();
      }
    });
    stream.exceptionHandler(e -> end(session, "the session's driver broke its stream: " + e));
    stream.endHandler(v -> end(session, "the session's driver ended its stream"));
  }

  private void resumeSession(GrpcServerRequest<Buffer, Buffer> stream, String id) {
    ClientSession session = sessions.get(id);
    if (session == null || session.ended || !session.driverReady()) {
      refuse(stream, "Ray Client session " + id + " is gone (its reconnect grace of "
          + options.reconnectGrace().toSeconds() + " s passed, or its driver exited)");
      return;
    }
    if (session.graceTimer >= 0) {
      vertx.cancelTimer(session.graceTimer);
      session.graceTimer = -1;
    }
    if (session.client != null) {
      ClientSession.endStream(session.client, "the client connected again");
    }
    session.client = stream;
    watchClient(session, stream);
    stream.handler(null);
    session.startRelay();
    LOG.info("Ray Client session {} resumed", id);
  }

  /** When the client's stream ends or breaks, its session waits for it for the grace. */
  private void watchClient(ClientSession session, GrpcServerRequest<Buffer, Buffer> stream) {
    Runnable gone = () -> {
      if (session.client != stream || session.ended) {
        return;
      }
      session.client = null;
      if (!session.driverReady()) {
        end(session, "the client left before its session started");
        return;
      }
      LOG.info("Ray Client session {} lost its client; it ends in {} s unless it returns",
          session.id, options.reconnectGrace().toSeconds());
      session.graceTimer = vertx.setTimer(Math.max(1, options.reconnectGrace().toMillis()),
          t -> end(session, "its client did not return within the reconnect grace"));
    };
    stream.exceptionHandler(e -> gone.run());
    stream.endHandler(v -> {
      ClientSession.endStream(stream, "the client ended its session");
      if (session.client == stream && !session.ended) {
        session.client = null;
        end(session, "the client ended its session"); // a clean end needs no grace
      }
    });
    stream.connection().closeHandler(v -> gone.run());
  }

  private void end(ClientSession session, String why) {
    if (session.ended) {
      return;
    }
    LOG.info("Ray Client session {} ends: {}", session.id, why);
    sessions.remove(session.id);
    session.end(why);
    Process driver = session.process;
    if (driver != null) {
      // its stream ended, so it shuts down by itself; one that hangs is stopped
      vertx.setTimer(DRIVER_STOP_GRACE.toMillis(), t -> {
        if (driver.isAlive()) {
          LOG.warn("the driver of Ray Client session {} did not exit; stopping it", session.id);
          driver.destroyForcibly();
        }
      });
    }
  }

  private static void refuse(GrpcServerRequest<Buffer, Buffer> stream, String why) {
    Buffer refused = Buffer.buffer().appendByte(ClientProtocol.REFUSED);
    ClientProtocol.appendString(refused, why);
    try {
      stream.response().write(ClientProtocol.batch(List.of(refused)));
      stream.response().end();
    } catch (RuntimeException alreadyGone) {
      // the client left
    }
  }
}
