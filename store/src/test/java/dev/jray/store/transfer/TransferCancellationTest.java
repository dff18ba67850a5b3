package dev.jray.store.transfer;

import static dev.jray.store.TestObjects.data;
import static dev.jray.store.TestObjects.id;
import static dev.jray.store.transfer.TestSupport.CLIENT_NODE;
import static dev.jray.store.transfer.TestSupport.SERVER_NODE;
import static dev.jray.store.transfer.TestSupport.TOKEN;
import static dev.jray.store.transfer.TestSupport.await;
import static dev.jray.store.transfer.TestSupport.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import dev.jray.store.ObjectStore;
import dev.jray.api.id.ObjectId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.store.transfer.TestSupport.FakePeer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfers with a node that left the cluster end at once, without waiting for their 30 s
 * progress deadline: a pull from it fails and aborts its partial copy, and its pulls from here
 * unpin what they were sending.
 */
class TransferCancellationTest {
  private static final String HOST = "127.0.0.1";
  private static final int CHUNK = 1 << 20;

  @TempDir Path spillRoot;
  private Vertx vertx;
  private ObjectStore store;
  private ObjectTransferClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    store = new ObjectStore(128L << 20, spillRoot.resolve("store"));
    client = new ObjectTransferClient(vertx, TOKEN, null, CLIENT_NODE, Time.SYSTEM);
  }

  @AfterEach
  void stop() throws Exception {
    await(client.close());
    await(vertx.close());
    store.close();
  }

  @Test
  @Timeout(20)
  void aPullFromANodeThatLeftFailsAndAbortsItsPartialCopy() throws Exception {
    CountDownLatch halfSent = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // a holder that sends half the object, then stalls, as a node under SIGSTOP does
    try (FakePeer staller = new FakePeer(connection -> {
      PullProtocol.writeFound(connection, 4L * CHUNK);
      PullProtocol.writeFully(connection, ByteBuffer.allocate(2 * CHUNK));
      halfSent.countDown();
      release.await();
    })) {
      try {
        Future<Void> pull = client.pull(SERVER_NODE, HOST, staller.port(), id(1), store, false);
        halfSent.await();
        Await.until("the pull reserved its room", Duration.ofSeconds(10),
            () -> store.usedBytes() == 4L * CHUNK);

        client.cancelPullsFrom(SERVER_NODE, "node " + SERVER_NODE + " left the cluster");

        Throwable failure = awaitFailure(pull);
        assertInstanceOf(ObjectTransferException.class, failure);
        assertTrue(failure.getMessage().contains("cancelled: node " + SERVER_NODE
            + " left the cluster"), failure.getMessage());
        assertFalse(store.contains(id(1)));
        assertEquals(0, store.usedBytes(), "the partial copy is aborted");
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  @Timeout(20)
  void aPullByANodeThatLeftIsAbortedAndUnpinsItsObject() throws Exception {
    ObjectTransferServer server = await(ObjectTransferServer.start(vertx, store, HOST, 0, TOKEN, null,
        SERVER_NODE, Time.SYSTEM));
    try {
      ObjectId id = id(2);
      store.put(id, data(64 * CHUNK, 2), true);
      // a puller that reads the header and one chunk, then stalls: the sender blocks on a full
      // socket buffer, the object pinned
      try (SocketChannel stalled = SocketChannel.open(new InetSocketAddress(HOST, server.port()))) {
        TestSupport.HANDSHAKE.asClient(stalled, CLIENT_NODE);
        PullProtocol.writeRequest(stalled, id);
        assertEquals(PullProtocol.Status.OK, PullProtocol.readStatus(stalled));
        assertEquals(64L * CHUNK, PullProtocol.readSize(stalled));
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        while (chunk.hasRemaining()) {
          assertTrue(stalled.read(chunk) > 0);
        }

        server.abortPullsBy(IdFactory.newUniqueId());
        store.delete(id);
        assertEquals(64L * CHUNK, store.usedBytes(), "another node's leaving ends nothing: pinned");

        server.abortPullsBy(CLIENT_NODE);

        await(server.idle()); // well before the 30 s progress deadline (the test's limit is 20 s)
        assertEquals(0, store.usedBytes(), "the last pin went: the deleted object is freed");
      }
    } finally {
      await(server.close());
    }
  }
}
