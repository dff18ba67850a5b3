package dev.jray.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.exception.RayException;
import dev.jray.client.server.RayClientServer;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.time.Time;
import dev.jray.runtime.JobPackages;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The head's client server with a stand-in session driver (in this JVM, answering each INVOKE
 * with its own bytes) and a TCP proxy between it and the client, which the test cuts: the
 * handshake keeps the packages the head lacks, a broken connection resumes its session, a client
 * away past the grace ends its session's driver, and a wrong token is refused.
 */
class RayClientServerTest {
  private static final ClusterToken TOKEN = ClusterToken.generate();
  @TempDir Path packages;
  private Vertx vertx;
  private int serverPort;
  private int proxyPort;
  private NetServer proxy;
  private final List<NetSocket> proxied = new CopyOnWriteArrayList<>();
  /** What the launcher was asked for, per session. */
  private final Map<String, List<Path>> launched = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> driverStreamEnded = new CompletableFuture<>();
  private final List<Process> standIns = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    serverPort = freePort();
    RayClientServer.deploy(vertx, new RayClientServer.Options("127.0.0.1", serverPort, TOKEN,
        Duration.ofSeconds(2), packages.resolve("store"), this::launchStandIn, null))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    proxyPort = freePort();
    startProxy();
  }

  @AfterEach
  void stop() throws Exception {
    standIns.forEach(Process::destroyForcibly);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private void startProxy() throws Exception {
    proxy = vertx.createNetServer().connectHandler(in -> {
      in.pause();
      proxied.add(in);
      vertx.createNetClient().connect(serverPort, "127.0.0.1").onSuccess(out -> {
        proxied.add(out);
        in.pipeTo(out);
        out.pipeTo(in);
        in.resume();
      }).onFailure(e -> in.close());
    });
    proxy.listen(proxyPort, "127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private void cutConnections() {
    proxied.forEach(NetSocket::close);
    proxied.clear();
  }

  /** Starts the stand-in driver of a session; a sleeping process stands in for its JVM. */
  private Process launchStandIn(String session, String namespace, String runtimeEnv,
      List<Path> jars) throws IOException {
    launched.put(session, jars);
    GrpcClient grpc = GrpcClient.client(vertx);
    grpc.request(SocketAddress.inetSocketAddress(serverPort, "127.0.0.1"),
        ClientProtocol.backendClient()).onSuccess(stream -> {
          stream.headers().set(ClientProtocol.AUTHORIZATION_HEADER, "Bearer " + TOKEN.reveal());
          stream.headers().set(ClientProtocol.SESSION_HEADER, session);
          Buffer ready = Buffer.buffer().appendByte(ClientProtocol.DRIVER_READY);
          ClientProtocol.appendString(ready, "01000000");
          ClientProtocol.appendString(ready, namespace == null ? "ns" : namespace);
          ClientProtocol.appendString(ready, "ab".repeat(28));
          stream.write(ClientProtocol.batch(List.of(ready)));
          stream.response().onSuccess(response -> {
            response.handler(batch -> ClientProtocol.frames(batch, f -> {
              f.op();
              long request = f.longValue();
              byte[] body = f.bytes();
              stream.write(ClientProtocol.batch(List.of(ClientProtocol.appendBytes(Buffer.buffer()
                  .appendByte(ClientProtocol.REPLY).appendLong(request).appendByte((byte) 1),
                  body))));
            }));
            response.endHandler(v -> driverStreamEnded.complete(null));
            response.exceptionHandler(e -> driverStreamEnded.complete(null));
          });
        });
    Process standIn = new ProcessBuilder("sleep", "600").start();
    standIns.add(standIn);
    return standIn;
  }

  /** A client's connection through the proxy; its echoed INVOKE bodies go to {@code replies}. */
  private ClientConnection connect(ClusterToken token, Handshake hello,
      Map<Long, CompletableFuture<byte[]>> replies, List<RayException> breaks) {
    return ClientConnection.open("127.0.0.1", proxyPort, token, null, hello, f -> {
      f.op();
      long request = f.longValue();
      f.bool();
      replies.computeIfAbsent(request, k -> new CompletableFuture<>()).complete(f.bytes());
    }, breaks::add, Time.SYSTEM);
  }

  private static Buffer invoke(long request, byte[] body) {
    return ClientProtocol.appendBytes(Buffer.buffer().appendByte(ClientProtocol.INVOKE)
        .appendLong(request), body);
  }

  @Test
  void theHandshakeKeepsMissingPackagesAndABrokenConnectionResumesItsSession() throws Exception {
    byte[] jar = "not really a jar, but bytes with an id".getBytes();
    String id = JobPackages.packageId(jar);
    Map<Long, CompletableFuture<byte[]>> replies = new ConcurrentHashMap<>();
    List<RayException> breaks = new CopyOnWriteArrayList<>();
    ClientConnection c = connect(TOKEN, Handshake.start("ns1", null,
        List.of(new Handshake.Package(id, "app.jar", jar))), replies, breaks);
    try {
      Path kept = packages.resolve("store").resolve(id + ".jar");
      assertArrayEquals(jar, Files.readAllBytes(kept));
      assertEquals(List.of(kept), launched.get(c.session().sessionId()));
      assertEquals("ns1", c.session().namespace());
      c.send(invoke(1, new byte[] {1, 2, 3}));
      assertArrayEquals(new byte[] {1, 2, 3}, replies.computeIfAbsent(1L,
          k -> new CompletableFuture<>()).get(30, TimeUnit.SECONDS));

      cutConnections();
      assertTrue(dev.jray.gcs.time.Await.until(Time.SYSTEM, Duration.ofSeconds(10),
          () -> !breaks.isEmpty()), "the client did not notice its connection broke");
      // it reconnects (a second a try) and the same session answers again
      assertTrue(dev.jray.gcs.time.Await.until(Time.SYSTEM, Duration.ofSeconds(20), () -> {
        replies.remove(2L);
        c.send(invoke(2, new byte[] {4}));
        try {
          return replies.computeIfAbsent(2L, k -> new CompletableFuture<>())
              .get(500, TimeUnit.MILLISECONDS)[0] == 4;
        } catch (Exception notYet) {
          return false;
        }
      }), "the session did not answer after the reconnect");
      assertFalse(driverStreamEnded.isDone(), "the session's driver was ended by the break");
    } finally {
      c.close();
    }
    // a clean end of the client's stream ends its session at once
    driverStreamEnded.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aClientAwayLongerThanTheGraceEndsItsSession() throws Exception {
    ClientConnection c = connect(TOKEN, Handshake.start(null, null, List.of()),
        new ConcurrentHashMap<>(), new CopyOnWriteArrayList<>());
    try {
      proxy.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      cutConnections(); // and no way back: the grace (2 s) passes
      driverStreamEnded.get(20, TimeUnit.SECONDS);
    } finally {
      c.close();
    }
  }

  @Test
  void aWrongTokenIsRefused() {
    RayException e = assertThrows(RayException.class, () -> connect(ClusterToken.generate(),
        Handshake.start(null, null, List.of()), new ConcurrentHashMap<>(),
        new CopyOnWriteArrayList<>()));
    assertTrue(e.getMessage().contains("UNAUTHENTICATED: wrong cluster token"), e.getMessage());
    assertTrue(launched.isEmpty(), "a driver was started for a refused client");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
