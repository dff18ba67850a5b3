package dev.jray.store.transfer;

import static dev.jray.store.TestObjects.assertContent;
import static dev.jray.store.TestObjects.data;
import static dev.jray.store.TestObjects.id;
import static dev.jray.store.transfer.TestSupport.CLIENT_NODE;
import static dev.jray.store.transfer.TestSupport.HANDSHAKE;
import static dev.jray.store.transfer.TestSupport.SERVER_NODE;
import static dev.jray.store.transfer.TestSupport.TOKEN;
import static dev.jray.store.transfer.TestSupport.await;
import static dev.jray.store.transfer.TestSupport.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.ManualTime;
import dev.jray.gcs.time.Time;
import dev.jray.store.ObjectStore;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transfer port against clients without the token: refused, and real clients still served. */
class TransferAuthenticationTest {
  private static final String HOST = "127.0.0.1";

  @TempDir Path spillRoot;
  private final ManualTime time = new ManualTime();
  private Vertx vertx;
  private ObjectStore serverStore;
  private ObjectStore clientStore;
  private ObjectTransferServer server;
  private ObjectTransferClient client;
  private ObjectTransferClient stranger;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    serverStore = new ObjectStore(64 << 20, spillRoot.resolve("server"));
    clientStore = new ObjectStore(64 << 20, spillRoot.resolve("client"));
    server = await(ObjectTransferServer.start(vertx, serverStore, HOST, 0, TOKEN, null,
        SERVER_NODE, time));
    client = new ObjectTransferClient(vertx, TOKEN, null, CLIENT_NODE, Time.SYSTEM);
    stranger = new ObjectTransferClient(vertx, ClusterToken.generate(), null,
        IdFactory.newUniqueId(), Time.SYSTEM);
    serverStore.put(id(1), data(300_000, 1), true);
  }

  @AfterEach
  void stop() throws Exception {
    await(stranger.close());
    await(client.close());
    await(server.close());
    await(vertx.close());
    clientStore.close();
    serverStore.close();
  }

  private static boolean closedByServer(Socket s) throws IOException {
    try {
      return s.getInputStream().read() == -1;
    } catch (SocketException e) {
      return true; // reset: closed too
    }
  }

  @Test
  void aClientWithAnotherTokenIsRefusedAndARealOneIsServed() throws Exception {
    Throwable failure = awaitFailure(stranger.pull(HOST, server.port(), id(1), clientStore, false));

    assertInstanceOf(ObjectTransferException.class, failure);
    assertTrue(failure.getMessage().endsWith("refused: it did not prove the cluster token"),
        failure.getMessage());
    assertFalse(clientStore.contains(id(1)));
    Await.until("the server refused it", Duration.ofSeconds(30), () -> server.refused() == 1);

    await(client.pull(HOST, server.port(), id(1), clientStore, false));

    assertContent(clientStore, id(1), data(300_000, 1));
  }

  @Test
  void anObjectIdWithoutTheHandshakeGetsNoBytes() throws Exception {
    try (Socket raw = new Socket(HOST, server.port())) {
      raw.setSoTimeout(30_000);
      raw.getOutputStream().write(id(1).getBytes());

      assertTrue(closedByServer(raw), "closed without a byte of the object");
    }
    Await.until("the server refused it", Duration.ofSeconds(30), () -> server.refused() == 1);
  }

  @Test
  void anAuthenticatedClientThatNeverAsksIsClosedAtTheRequestDeadline() throws Exception {
    try (SocketChannel idle = SocketChannel.open(new InetSocketAddress(HOST, server.port()))) {
      HANDSHAKE.asClient(idle, CLIENT_NODE);
      idle.configureBlocking(false);
      ByteBuffer one = ByteBuffer.allocate(1);
      assertEquals(0, idle.read(one), "open while the clock stands still");

      // the clock moves only here, a request deadline at a time, until the server closes it
      assertTrue(Await.until(Time.SYSTEM, Duration.ofSeconds(30), () -> {
        time.advance(ObjectTransferServer.REQUEST_TIMEOUT);
        try {
          return idle.read(one) == -1;
        } catch (IOException e) {
          return true; // reset: closed too
        }
      }));
    }
    await(server.idle());
  }
}
