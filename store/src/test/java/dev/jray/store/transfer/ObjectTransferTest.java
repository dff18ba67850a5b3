package dev.jray.store.transfer;

import static dev.jray.store.TestObjects.assertContent;
import static dev.jray.store.transfer.TestSupport.CLIENT_NODE;
import static dev.jray.store.transfer.TestSupport.HANDSHAKE;
import static dev.jray.store.transfer.TestSupport.SERVER_NODE;
import static dev.jray.store.transfer.TestSupport.TOKEN;
import static dev.jray.store.transfer.TestSupport.await;
import static dev.jray.store.transfer.TestSupport.awaitFailure;
import static dev.jray.store.TestObjects.data;
import static dev.jray.store.TestObjects.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.ObjectId;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import dev.jray.store.ObjectStore;
import dev.jray.store.ObjectStoreFullException;
import dev.jray.store.ObjectWriter;
import dev.jray.store.transfer.TestSupport.FakePeer;
import dev.jray.store.transfer.TestSupport.ThrowingConsumer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Two nodes in one JVM: a server node and a client node, each with its own Vertx and store. */
class ObjectTransferTest {
  private static final String HOST = "127.0.0.1";
  private static final long CAPACITY = 256L << 20;
  private static final int CHUNK = 1 << 20;

  @TempDir Path spillRoot;
  private Vertx serverVertx;
  private Vertx clientVertx;
  private ObjectStore serverStore;
  private ObjectStore clientStore;
  private ObjectTransferServer server;
  private ObjectTransferClient client;

  @BeforeEach
  void startNodes() throws Exception {
    serverVertx = Vertx.vertx();
    clientVertx = Vertx.vertx();
    serverStore = new ObjectStore(CAPACITY, spillRoot.resolve("server"));
    clientStore = new ObjectStore(CAPACITY, spillRoot.resolve("client"));
    server = await(startServer(serverStore));
    client = new ObjectTransferClient(clientVertx, TOKEN, null, CLIENT_NODE, Time.SYSTEM);
  }

  @AfterEach
  void stopNodes() throws Exception {
    await(client.close());
    await(server.close());
    await(clientVertx.close());
    await(serverVertx.close());
    clientStore.close();
    serverStore.close();
  }

  private Future<ObjectTransferServer> startServer(ObjectStore store) {
    return ObjectTransferServer.start(serverVertx, store, HOST, 0, TOKEN, null, SERVER_NODE,
        Time.SYSTEM);
  }

  private Future<Void> pull(ObjectId id) {
    return client.pull(HOST, server.port(), id, clientStore, false);
  }

  @Test
  void pullsSmallObject() throws Exception {
    byte[] bytes = data(150_000, 1);
    serverStore.put(id(1), bytes, true);

    await(pull(id(1)));

    assertContent(clientStore, id(1), bytes);
    assertContent(serverStore, id(1), bytes);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17, 40 * CHUNK + 3})
  void pullsObjectsOfManySizes(int size) throws Exception {
    byte[] bytes = data(size, size);
    serverStore.put(id(2), bytes, true);

    await(pull(id(2)));

    assertContent(clientStore, id(2), bytes);
  }

  @Test
  void countsTheBytesOfEachWholeTransferOnBothSides() throws Exception {
    int size = 3 * CHUNK + 17;
    serverStore.put(id(2), data(size, 2), true);

    await(pull(id(2)));
    awaitFailure(pull(id(5))); // not found: moves nothing

    assertEquals(size, client.receivedBytes());
    // the server counts a transfer when its connection ends, after the client has the bytes
    Await.until("the server counted " + size + " bytes sent", Duration.ofSeconds(30),
        () -> server.sentBytes() == size);
  }

  @Test
  void pullsSpilledObjectByRestoringIt() throws Exception {
    serverStore.close();
    serverStore = new ObjectStore(3 * CHUNK, spillRoot.resolve("small-server"));
    await(server.close());
    server = await(startServer(serverStore));
    byte[] spilled = data(2 * CHUNK, 3);
    serverStore.put(id(3), spilled, true);
    serverStore.put(id(4), data(2 * CHUNK, 4), true); // spills id(3)
    assertEquals(2 * CHUNK, serverStore.spilledBytes());

    await(pull(id(3)));

    assertContent(clientStore, id(3), spilled);
  }

  @Test
  void unknownObjectFailsWithNotFoundNamingTheIdAndPeer() throws Exception {
    Throwable failure = awaitFailure(pull(id(5)));

    ObjectTransferException e = assertInstanceOf(ObjectTransferException.class, failure);
    assertTrue(e.isNotFound());
    assertEquals(id(5), e.getObjectId());
    assertEquals(HOST + ":" + server.port(), e.getPeer());
    assertTrue(e.getMessage().contains(id(5).toHex()), e.getMessage());
    assertTrue(e.getMessage().contains("NOT_FOUND"), e.getMessage());
    assertTrue(e.getMessage().contains(HOST + ":" + server.port()), e.getMessage());
    assertFalse(clientStore.contains(id(5)));
    assertEquals(0, clientStore.usedBytes());
  }

  @Test
  void releasesThePinBeforeTheStreamEnds() throws Exception {
    serverStore.put(id(6), data(5 * CHUNK, 6), true);

    await(pull(id(6)));

    // Deleting frees the memory at once only if no pin remains.
    serverStore.delete(id(6));
    assertEquals(0, serverStore.usedBytes());
  }

  @Test
  void releasesThePinWhenTheClientGoesAwayMidway() throws Exception {
    assertPinReleasedAfter(SocketChannel::close);
  }

  @Test
  void closingTheServerMidwayReleasesThePin() throws Exception {
    assertPinReleasedAfter(connection -> server.close());
  }

  /** Reads the header and one chunk of a large object, stops reading, then runs {@code goAway}. */
  private void assertPinReleasedAfter(ThrowingConsumer<SocketChannel> goAway) throws Exception {
    ObjectId id = id(7);
    serverStore.put(id, data(64 * CHUNK, 7), true);
    try (SocketChannel connection = SocketChannel.open(new InetSocketAddress(HOST, server.port()))) {
      HANDSHAKE.asClient(connection, CLIENT_NODE);
      PullProtocol.writeRequest(connection, id);
      assertEquals(PullProtocol.Status.OK, PullProtocol.readStatus(connection));
      assertEquals(64L * CHUNK, PullProtocol.readSize(connection));
      ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
      while (chunk.hasRemaining()) {
        assertTrue(connection.read(chunk) > 0);
      }
      // The server now blocks on a full socket buffer, with the object pinned.
      goAway.accept(connection);

      await(server.idle());
    }

    serverStore.delete(id);
    assertEquals(0, serverStore.usedBytes());
  }

  @Test
  void pullIntoStoreThatHasTheObjectSucceedsWithoutAskingThePeer() throws Exception {
    byte[] local = data(200_000, 8);
    clientStore.put(id(8), local, true);

    // The server's store lacks the object: asking it would fail with NOT_FOUND.
    await(pull(id(8)));

    assertContent(clientStore, id(8), local);
  }

  @Test
  void concurrentPullsOfTheSameObjectShareOneTransfer() throws Exception {
    byte[] bytes = data(8 * CHUNK, 9);
    serverStore.put(id(9), bytes, true);

    Future<Void> first = pull(id(9));
    Future<Void> second = pull(id(9));

    await(Future.all(first, second));
    assertContent(clientStore, id(9), bytes);
    assertEquals(bytes.length, clientStore.usedBytes());
  }

  @Test
  void pullsIntoTheMemoryOfDeletedCopiesEachIntoItsOwn() throws Exception {
    int size = 3 * CHUNK + 5;
    for (int n = 0; n < 4; n++) {
      serverStore.put(id(200 + n), data(size, 200 + n), true);
    }
    await(Future.all(pull(id(200)), pull(id(201))));
    clientStore.delete(id(200));
    clientStore.delete(id(201));
    assertTrue(clientStore.hasReusable(size));

    await(Future.all(pull(id(202)), pull(id(203))));

    assertFalse(clientStore.hasReusable(size), "both pulls took deleted copies' memory");
    assertEquals(2L * size, clientStore.usedBytes());
    assertContent(clientStore, id(202), data(size, 202));
    assertContent(clientStore, id(203), data(size, 203));
  }

  @Test
  void pullsManyObjectsAtOnce() throws Exception {
    List<byte[]> contents = new ArrayList<>();
    List<Future<Void>> pulls = new ArrayList<>();
    for (int n = 0; n < 8; n++) {
      byte[] bytes = data(3 * CHUNK + n, 100 + n);
      serverStore.put(id(100 + n), bytes, true);
      contents.add(bytes);
    }
    for (int n = 0; n < 8; n++) {
      pulls.add(pull(id(100 + n)));
    }

    await(Future.all(pulls));

    for (int n = 0; n < 8; n++) {
      assertContent(clientStore, id(100 + n), contents.get(n));
    }
  }

  @Test
  void pullFailsClearlyWhileAnotherWriterWritesTheObject() throws Exception {
    byte[] bytes = data(2 * CHUNK, 10);
    serverStore.put(id(10), bytes, true);
    ObjectWriter other = clientStore.create(id(10), bytes.length, true);

    Throwable failure = awaitFailure(pull(id(10)));

    assertInstanceOf(ObjectTransferException.class, failure);
    assertTrue(failure.getMessage().contains(id(10).toHex()), failure.getMessage());
    assertTrue(failure.getMessage().contains(HOST + ":" + server.port()), failure.getMessage());
    assertTrue(failure.getCause().getMessage().contains("another writer"), failure.toString());
    other.abort();
    await(server.idle());

    await(pull(id(10))); // the documented retry

    assertContent(clientStore, id(10), bytes);
  }

  @Test
  void localStoreTooSmallFailsAndReleasesThePeersPin() throws Exception {
    serverStore.put(id(11), data(4 * CHUNK, 11), true);
    try (ObjectStore tiny = new ObjectStore(CHUNK, spillRoot.resolve("tiny"))) {
      Throwable failure = awaitFailure(client.pull(HOST, server.port(), id(11), tiny, true));

      assertInstanceOf(ObjectTransferException.class, failure);
      assertInstanceOf(ObjectStoreFullException.class, failure.getCause());
      assertTrue(failure.getMessage().contains(id(11).toHex()), failure.getMessage());
      assertEquals(0, tiny.usedBytes());
    }
    await(server.idle());
    serverStore.delete(id(11));
    assertEquals(0, serverStore.usedBytes());
  }

  @Test
  void truncatedStreamAbortsThePartialCopy() throws Exception {
    // A peer that announces 3 chunks, sends one, and closes the connection.
    try (FakePeer liar =
        new FakePeer(
            connection -> {
              PullProtocol.writeFound(connection, 3L * CHUNK);
              PullProtocol.writeFully(connection, ByteBuffer.allocate(CHUNK));
            })) {
      String peer = HOST + ":" + liar.port();
      Throwable failure = awaitFailure(client.pull(HOST, liar.port(), id(12), clientStore, true));

      assertInstanceOf(ObjectTransferException.class, failure);
      assertTrue(
          failure.getMessage().contains("ended after " + CHUNK + " of " + 3 * CHUNK + " bytes"),
          failure.getMessage());
      assertTrue(failure.getMessage().contains(peer), failure.getMessage());
      assertFalse(clientStore.contains(id(12)));
      assertEquals(0, clientStore.usedBytes());
    }
  }

  @Test
  void peerSendingMoreThanAnnouncedFailsThePull() throws Exception {
    try (FakePeer liar =
        new FakePeer(
            connection -> {
              PullProtocol.writeFound(connection, CHUNK);
              PullProtocol.writeFully(connection, ByteBuffer.allocate(CHUNK + 1));
            })) {
      Throwable failure = awaitFailure(client.pull(HOST, liar.port(), id(14), clientStore, true));

      assertInstanceOf(ObjectTransferException.class, failure);
      assertTrue(failure.getMessage().contains("more than the announced"), failure.getMessage());
      assertFalse(clientStore.contains(id(14)));
      assertEquals(0, clientStore.usedBytes());
    }
  }

  @Test
  void closingTheClientMidwayAbortsThePartialCopy() throws Exception {
    CountDownLatch halfSent = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // A peer that sends half the object, then stalls until the test ends.
    try (FakePeer staller =
        new FakePeer(
            connection -> {
              PullProtocol.writeFound(connection, 4L * CHUNK);
              PullProtocol.writeFully(connection, ByteBuffer.allocate(2 * CHUNK));
              halfSent.countDown();
              release.await();
            })) {
      try {
        Future<Void> pull = client.pull(HOST, staller.port(), id(15), clientStore, true);
        halfSent.await();
        awaitWriting(clientStore, 4L * CHUNK);

        await(client.close());

        Throwable failure = awaitFailure(pull);
        assertInstanceOf(ObjectTransferException.class, failure);
        assertTrue(failure.getMessage().contains(id(15).toHex()), failure.getMessage());
        assertFalse(clientStore.contains(id(15)));
        assertEquals(0, clientStore.usedBytes());
      } finally {
        release.countDown();
      }
    }
    client = new ObjectTransferClient(clientVertx, TOKEN, null, CLIENT_NODE, Time.SYSTEM);
  }

  /** Waits until the store has reserved {@code bytes}: the pull is then reading the body. */
  private static void awaitWriting(ObjectStore store, long bytes) {
    Await.until("the store has reserved " + bytes + " bytes", Duration.ofSeconds(60),
        () -> store.usedBytes() == bytes);
  }

  @Test
  void malformedAnswerFailsThePull() throws Exception {
    try (FakePeer garbler =
        new FakePeer(connection -> PullProtocol.writeFully(connection, ByteBuffer.wrap(new byte[] {99})))) {
      Throwable failure = awaitFailure(client.pull(HOST, garbler.port(), id(16), clientStore, true));

      assertInstanceOf(ObjectTransferException.class, failure);
      assertTrue(failure.getMessage().contains("unknown status 99"), failure.getMessage());
      assertEquals(0, clientStore.usedBytes());
    }
  }

  @Test
  void unreachablePeerFailsNamingTheIdAndPeer() throws Exception {
    int port = server.port();
    await(server.close());

    Throwable failure = awaitFailure(client.pull(HOST, port, id(13), clientStore, true));

    assertInstanceOf(ObjectTransferException.class, failure);
    assertTrue(failure.getMessage().contains(id(13).toHex()), failure.getMessage());
    assertTrue(failure.getMessage().contains(HOST + ":" + port), failure.getMessage());
    server = await(startServer(serverStore));
  }

  @Test
  void argumentsAreChecked() {
    assertThrows(NullPointerException.class,
        () -> new ObjectTransferClient(null, TOKEN, null, CLIENT_NODE, Time.SYSTEM));
    assertThrows(NullPointerException.class,
        () -> new ObjectTransferClient(clientVertx, null, null, CLIENT_NODE, Time.SYSTEM));
    assertThrows(NullPointerException.class, () -> ObjectTransferServer.start(serverVertx, null,
        HOST, 0, TOKEN, null, SERVER_NODE, Time.SYSTEM));
    assertThrows(IllegalArgumentException.class, () -> ObjectTransferServer.start(serverVertx,
        serverStore, HOST, 70_000, TOKEN, null, SERVER_NODE, Time.SYSTEM));
    assertThrows(NullPointerException.class, () -> client.pull(HOST, 1, null, clientStore, true));
    assertThrows(
        IllegalArgumentException.class, () -> client.pull(HOST, 0, id(1), clientStore, true));
  }
}
