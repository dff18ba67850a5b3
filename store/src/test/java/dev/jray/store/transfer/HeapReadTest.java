package dev.jray.store.transfer;

import static dev.jray.store.TestObjects.data;
import static dev.jray.store.TestObjects.id;
import static dev.jray.store.transfer.TestSupport.CLIENT_NODE;
import static dev.jray.store.transfer.TestSupport.SERVER_NODE;
import static dev.jray.store.transfer.TestSupport.TIMEOUT_SECONDS;
import static dev.jray.store.transfer.TestSupport.TOKEN;
import static dev.jray.store.transfer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.ObjectId;
import dev.jray.gcs.time.Time;
import dev.jray.store.ObjectStore;
import dev.jray.store.transfer.TestSupport.FakePeer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads of another node's objects straight into the heap: what arrives, and how reads end. */
class HeapReadTest {
  private static final String HOST = "127.0.0.1";
  private static final int CHUNK = 1 << 20;

  @TempDir Path spillRoot;
  private Vertx vertx;
  private ObjectStore serverStore;
  private ObjectTransferServer server;
  private ObjectTransferClient client;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    serverStore = new ObjectStore(256L << 20, spillRoot.resolve("server"));
    server = await(ObjectTransferServer.start(vertx, serverStore, HOST, 0, TOKEN, null,
        SERVER_NODE, Time.SYSTEM));
    client = new ObjectTransferClient(vertx, TOKEN, null, CLIENT_NODE, Time.SYSTEM);
  }

  @AfterEach
  void stop() throws Exception {
    await(client.close());
    await(server.close());
    await(vertx.close());
    serverStore.close();
  }

  private CompletableFuture<byte[]> read(int port, ObjectId id, HeapDestination into) {
    return client.read(SERVER_NODE, HOST, port, id, into);
  }

  private static byte[] get(CompletableFuture<byte[]> read) throws Exception {
    return read.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletableFuture<byte[]> read) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> read.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    return e.getCause();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, HeapDestination.HEAD_BYTES, CHUNK + 1, 40 * CHUNK + 3})
  void readsAWholeObjectIntoTheArrayItIsGiven(int size) throws Exception {
    byte[] bytes = data(size, size);
    serverStore.put(id(1), bytes, true);
    long[] announced = new long[1];
    byte[][] heads = new byte[1][];

    byte[] read = get(read(server.port(), id(1), (objectSize, head) -> {
      announced[0] = objectSize;
      heads[0] = head;
      return new HeapDestination.Slot(new byte[(int) objectSize], 0);
    }));

    assertArrayEquals(bytes, read);
    assertEquals(size, announced[0]);
    assertEquals(size, client.receivedBytes());
    assertArrayEquals(Arrays.copyOf(bytes, Math.min(size, HeapDestination.HEAD_BYTES)), heads[0]);
  }

  @Test
  void readsWhatFollowsAHeaderIntoAnArrayOfJustThose() throws Exception {
    byte[] bytes = data(3 * CHUNK + 5, 2);
    serverStore.put(id(2), bytes, true);

    byte[] read = get(read(server.port(), id(2),
        (size, head) -> new HeapDestination.Slot(new byte[(int) size - 5], 5)));

    assertArrayEquals(Arrays.copyOfRange(bytes, 5, bytes.length), read);
  }

  @Test
  void anObjectTheDestinationRefusesFailsTheReadSayingWhy() {
    serverStore.put(id(3), data(200_000, 3), true);

    Throwable e = failure(read(server.port(), id(3), (size, head) -> {
      throw new IllegalArgumentException("its holder announced " + size + " bytes, not 7");
    }));

    assertInstanceOf(ObjectTransferException.class, e);
    assertTrue(e.getMessage().contains("refused here: its holder announced 200000 bytes, not 7"),
        e.getMessage());
    serverStore.delete(id(3));
    // the holder unpins when it sees the connection close, on its own thread: soon, not at once
    assertTrue(dev.jray.gcs.time.Await.until(dev.jray.gcs.time.Time.SYSTEM,
        java.time.Duration.ofSeconds(10), () -> serverStore.usedBytes() == 0),
        "the holder's pin went with the connection: " + serverStore.usedBytes() + " bytes held");
  }

  @Test
  void anUnknownObjectFailsAsNotFound() {
    Throwable e = failure(read(server.port(), id(4),
        (size, head) -> new HeapDestination.Slot(new byte[(int) size], 0)));

    ObjectTransferException t = assertInstanceOf(ObjectTransferException.class, e);
    assertTrue(t.isNotFound(), t.getMessage());
    assertEquals(id(4), t.getObjectId());
  }

  @Test
  void aPeerThatClosesEarlyFailsTheReadNamingHowFarItGot() throws Exception {
    try (FakePeer shortPeer = new FakePeer(connection -> {
      PullProtocol.writeFound(connection, 4L * CHUNK);
      PullProtocol.writeFully(connection, ByteBuffer.allocate(CHUNK));
    })) {
      Throwable e = failure(read(shortPeer.port(), id(5),
          (size, head) -> new HeapDestination.Slot(new byte[(int) size], 0)));

      assertTrue(e.getMessage().contains("the stream ended after " + CHUNK + " of " + 4L * CHUNK),
          e.getMessage());
    }
  }

  @Test
  @Timeout(20)
  void cancellingTheFutureEndsTheReadAndClosesItsConnection() throws Exception {
    CountDownLatch halfSent = new CountDownLatch(1);
    CountDownLatch peerSawTheEnd = new CountDownLatch(1);
    // a holder that sends half the object, then waits for the reader to go
    try (FakePeer staller = new FakePeer(connection -> {
      PullProtocol.writeFound(connection, 4L * CHUNK);
      PullProtocol.writeFully(connection, ByteBuffer.allocate(2 * CHUNK));
      halfSent.countDown();
      try {
        if (connection.read(ByteBuffer.allocate(1)) < 0) {
          peerSawTheEnd.countDown();
        }
      } catch (IOException reset) {
        peerSawTheEnd.countDown(); // closed with unread bytes: the reader's end sends a reset
      }
    })) {
      CompletableFuture<byte[]> read = read(staller.port(), id(6),
          (size, head) -> new HeapDestination.Slot(new byte[(int) size], 0));
      assertTrue(halfSent.await(10, TimeUnit.SECONDS));

      read.cancel(false);

      assertTrue(peerSawTheEnd.await(10, TimeUnit.SECONDS),
          "the reader closed its connection well before the 30 s progress deadline");
    }
  }

  @Test
  @Timeout(20)
  void aReadFromANodeThatLeftFailsAtOnce() throws Exception {
    CountDownLatch halfSent = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (FakePeer staller = new FakePeer(connection -> {
      PullProtocol.writeFound(connection, 4L * CHUNK);
      PullProtocol.writeFully(connection, ByteBuffer.allocate(2 * CHUNK));
      halfSent.countDown();
      release.await();
    })) {
      try {
        CompletableFuture<byte[]> read = read(staller.port(), id(7),
            (size, head) -> new HeapDestination.Slot(new byte[(int) size], 0));
        assertTrue(halfSent.await(10, TimeUnit.SECONDS));

        client.cancelPullsFrom(SERVER_NODE, "node " + SERVER_NODE + " left the cluster");

        Throwable e = failure(read);
        assertTrue(e.getMessage().contains("cancelled: node " + SERVER_NODE + " left the cluster"),
            e.getMessage());
        assertFalse(read.isCancelled());
      } finally {
        release.countDown();
      }
    }
  }
}
