package dev.jray.gcs.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Both sides of the handshake over a loopback connection. */
class HandshakeTest {
  private static final ClusterToken TOKEN = ClusterToken.generate();
  private final UniqueId clientId = IdFactory.newUniqueId();
  private final UniqueId serverId = IdFactory.newUniqueId();
  private ServerSocketChannel listener;
  private SocketChannel client;
  private SocketChannel server;

  @BeforeEach
  void connect() throws IOException {
    listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    client = SocketChannel.open(listener.getLocalAddress());
    server = listener.accept();
  }

  @AfterEach
  void close() throws IOException {
    client.close();
    server.close();
    listener.close();
  }

  /** Runs the server's side on a thread of its own; its outcome, or its failure. */
  private CompletableFuture<UniqueId> serve(Handshake handshake) {
    CompletableFuture<UniqueId> outcome = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        outcome.complete(handshake.asServer(server, serverId));
      } catch (IOException | RuntimeException e) {
        outcome.completeExceptionally(e);
        closeQuietly(server);
      }
    });
    t.start();
    return outcome;
  }

  private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
    return e.getCause();
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // the test looks at the other side
    }
  }

  @Test
  void peersWithTheTokenLearnEachOthersIds() throws Exception {
    CompletableFuture<UniqueId> atServer = serve(new Handshake(TOKEN, "link"));

    assertEquals(serverId, new Handshake(TOKEN, "link").asClient(client, clientId));
    assertEquals(clientId, atServer.get(30, TimeUnit.SECONDS));
  }

  @Test
  void aWrongTokenIsRefusedOnBothSides() throws Exception {
    CompletableFuture<UniqueId> atServer = serve(new Handshake(TOKEN, "link"));

    HandshakeException atClient = assertThrows(HandshakeException.class,
        () -> new Handshake(ClusterToken.generate(), "link").asClient(client, clientId));

    assertEquals("it did not prove the cluster token", atClient.getMessage());
    Throwable refused = failureOf(atServer);
    assertEquals(HandshakeException.class, refused.getClass());
    assertEquals("it did not prove the cluster token", refused.getMessage());
  }

  @Test
  void aProofForAnotherServiceIsNoProof() throws Exception {
    CompletableFuture<UniqueId> atServer = serve(new Handshake(TOKEN, "transfer"));

    assertThrows(HandshakeException.class,
        () -> new Handshake(TOKEN, "link").asClient(client, clientId));
    assertEquals("it did not prove the cluster token", failureOf(atServer).getMessage());
  }

  @Test
  void garbageIsRefusedAsAnotherProtocol() throws Exception {
    CompletableFuture<UniqueId> atServer = serve(new Handshake(TOKEN, "link"));

    client.write(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));

    assertEquals("it does not speak jray's protocol (it began with 0x47455420)",
        failureOf(atServer).getMessage());
  }

  @Test
  void aHugeLengthIsRefusedFromTheLengthAlone() throws Exception {
    CompletableFuture<UniqueId> atServer = serve(new Handshake(TOKEN, "link"));

    client.write(ByteBuffer.allocate(8).put("JRAY".getBytes(StandardCharsets.US_ASCII))
        .putInt(Integer.MAX_VALUE).flip());

    assertEquals("it announced a 2147483647-byte message, and at most "
        + Handshake.MAX_MESSAGE_BYTES + " are read before authentication",
        failureOf(atServer).getMessage());
  }

  @Test
  void aHelloWithoutAProofIsRefused() throws Exception {
    CompletableFuture<UniqueId> atServer = serve(new Handshake(TOKEN, "link"));
    // a well-formed hello claiming a node id, then a proof made up without the token
    ByteBuffer hello = ByteBuffer.allocate(4 + 4 + 2 + 32 + UniqueId.LENGTH);
    hello.put("JRAY".getBytes(StandardCharsets.US_ASCII)).putInt(2 + 32 + UniqueId.LENGTH)
        .put((byte) 1).put(new byte[32]).put((byte) UniqueId.LENGTH).put(clientId.getBytes());
    client.write(hello.flip());
    ByteBuffer challenge = ByteBuffer.allocate(4 + 2 + 32 + UniqueId.LENGTH + 32);
    while (challenge.hasRemaining() && client.read(challenge) >= 0) {
      // the server's challenge, which only the token answers
    }
    client.write(ByteBuffer.allocate(4 + 32).putInt(32).put(new byte[32]).flip());

    Throwable refused = failureOf(atServer);
    assertEquals("it did not prove the cluster token", refused.getMessage());
  }

  @Test
  void aPeerThatHangsUpMidwaySaysSo() throws Exception {
    CompletableFuture<UniqueId> atServer = serve(new Handshake(TOKEN, "link"));

    client.write(ByteBuffer.wrap("JRAY".getBytes(StandardCharsets.US_ASCII)));
    client.close();

    assertTrue(failureOf(atServer).getMessage().contains("closed the connection during the"
        + " handshake"));
  }
}
