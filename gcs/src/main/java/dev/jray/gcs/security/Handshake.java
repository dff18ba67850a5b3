package dev.jray.gcs.security;

import dev.jray.api.id.UniqueId;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * The challenge-response that opens every jray socket (the link, the object transfer port), as
 * Ray's token authentication but without the token on the wire: each side sends a fresh nonce,
 * and each proves it holds the cluster token with an HMAC-SHA256 over both nonces, its role and
 * both node ids, so a node id is trusted only once proven, and the client checks the server too.
 *
 * <p>On the wire, after the 4 bytes {@code JRAY}, every message is a 4-byte length and at most
 * {@link #MAX_MESSAGE_BYTES} bytes: a peer that announces more is refused before anything is
 * allocated.
 *
 * <ol>
 *   <li>client: {@code JRAY}, [version, nonce, id length, id]
 *   <li>server: [version, nonce, id length, id, proof over (server, nonces, ids)]
 *   <li>client: [proof over (client, nonces, ids)], sent before it checks the server's, so a
 *       server with another token says so too
 * </ol>
 *
 * <p>This class knows nothing of sockets or time: it reads and writes a blocking byte channel
 * (TLS may wrap it), and whoever runs it enforces the deadline by closing the channel.
 *
 * <p>Threading: immutable, thread-safe; each call blocks on its channel.
 */
public final class Handshake {
  /** Before authentication, no message is larger than this. */
  public static final int MAX_MESSAGE_BYTES = 256;
  static final int NONCE_BYTES = 32;
  static final int PROOF_BYTES = 32;
  private static final byte[] MAGIC = "JRAY".getBytes(StandardCharsets.US_ASCII);
  private static final byte VERSION = 1;
  private static final byte[] CLIENT = "client".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SERVER = "server".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ClusterToken token;
  private final String purpose;

  /**
   * @param service what the socket carries ("link", "transfer"): a proof for one service is no
   *     proof for another
   */
  public Handshake(ClusterToken token, String service) {
    this.token = Objects.requireNonNull(token, "token");
    this.purpose = "handshake/" + Objects.requireNonNull(service, "service");
  }

  /**
   * Opens a connection as the client.
   *
   * @return the server's node id, proven
   * @throws HandshakeException saying why the server is not trusted
   * @throws IOException if the channel fails
   */
  public UniqueId asClient(ByteChannel channel, UniqueId self) throws IOException {
    byte[] clientNonce = nonce();
    ByteBuffer hello = ByteBuffer.allocate(MAGIC.length + Integer.BYTES + 2 + NONCE_BYTES
        + UniqueId.LENGTH);
    hello.put(MAGIC).putInt(2 + NONCE_BYTES + UniqueId.LENGTH).put(VERSION).put(clientNonce)
        .put((byte) UniqueId.LENGTH).put(self.getBytes());
    writeFully(channel, hello.flip());

    ByteBuffer challenge = readMessage(channel);
    checkVersion(challenge);
    byte[] serverNonce = take(challenge, NONCE_BYTES, "a nonce");
    UniqueId server = readId(challenge);
    byte[] serverProof = take(challenge, PROOF_BYTES, "a proof");
    expectEnd(challenge);

    byte[] ids = ids(self, server);
    byte[] proof = token.mac(purpose, CLIENT, clientNonce, serverNonce, ids);
    writeFully(channel, ByteBuffer.allocate(Integer.BYTES + PROOF_BYTES).putInt(PROOF_BYTES)
        .put(proof).flip());
    if (!token.verify(serverProof, purpose, SERVER, clientNonce, serverNonce, ids)) {
      throw new HandshakeException("it did not prove the cluster token");
    }
    return server;
  }

  /**
   * Accepts a connection as the server.
   *
   * @return the client's node id, proven
   * @throws HandshakeException saying why the client is refused
   * @throws IOException if the channel fails
   */
  public UniqueId asServer(ByteChannel channel, UniqueId self) throws IOException {
    ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
    readFully(channel, magic);
    if (!Arrays.equals(magic.array(), MAGIC)) {
      throw new HandshakeException("it does not speak jray's protocol (it began with 0x"
          + java.util.HexFormat.of().formatHex(magic.array()) + ")");
    }
    ByteBuffer hello = readMessage(channel);
    checkVersion(hello);
    byte[] clientNonce = take(hello, NONCE_BYTES, "a nonce");
    UniqueId client = readId(hello);
    expectEnd(hello);

    byte[] serverNonce = nonce();
    byte[] ids = ids(client, self);
    byte[] serverProof = token.mac(purpose, SERVER, clientNonce, serverNonce, ids);
    ByteBuffer challenge = ByteBuffer.allocate(Integer.BYTES + 2 + NONCE_BYTES + UniqueId.LENGTH
        + PROOF_BYTES);
    challenge.putInt(challenge.capacity() - Integer.BYTES).put(VERSION).put(serverNonce)
        .put((byte) UniqueId.LENGTH).put(self.getBytes()).put(serverProof);
    writeFully(channel, challenge.flip());

    ByteBuffer answer = readMessage(channel);
    byte[] clientProof = take(answer, PROOF_BYTES, "a proof");
    expectEnd(answer);
    if (!token.verify(clientProof, purpose, CLIENT, clientNonce, serverNonce, ids)) {
      throw new HandshakeException("it did not prove the cluster token");
    }
    return client;
  }

  private static byte[] nonce() {
    byte[] n = new byte[NONCE_BYTES];
    RANDOM.nextBytes(n);
    return n;
  }

  /** Both ids, client first: fixed lengths, so the MAC's input parses one way only. */
  private static byte[] ids(UniqueId client, UniqueId server) {
    return ByteBuffer.allocate(2 * UniqueId.LENGTH).put(client.getBytes()).put(server.getBytes())
        .array();
  }

  private static ByteBuffer readMessage(ReadableByteChannel channel) throws IOException {
    ByteBuffer length = ByteBuffer.allocate(Integer.BYTES);
    readFully(channel, length);
    int n = length.getInt(0);
    if (n <= 0 || n > MAX_MESSAGE_BYTES) {
      throw new HandshakeException("it announced a " + Integer.toUnsignedString(n)
          + "-byte message, and at most " + MAX_MESSAGE_BYTES + " are read before authentication");
    }
    ByteBuffer message = ByteBuffer.allocate(n);
    readFully(channel, message);
    return message.flip();
  }

  private static void checkVersion(ByteBuffer message) throws HandshakeException {
    byte version = take(message, 1, "a version")[0];
    if (version != VERSION) {
      throw new HandshakeException("it speaks handshake version " + version + ", this node "
          + VERSION);
    }
  }

  private static UniqueId readId(ByteBuffer message) throws HandshakeException {
    int length = take(message, 1, "an id length")[0];
    if (length != UniqueId.LENGTH) {
      throw new HandshakeException("it claimed a node id of " + length + " bytes, not "
          + UniqueId.LENGTH);
    }
    return new UniqueId(take(message, length, "a node id"));
  }

  private static byte[] take(ByteBuffer message, int n, String what) throws HandshakeException {
    if (message.remaining() < n) {
      throw new HandshakeException("its handshake message ended before " + what);
    }
    byte[] bytes = new byte[n];
    message.get(bytes);
    return bytes;
  }

  private static void expectEnd(ByteBuffer message) throws HandshakeException {
    if (message.hasRemaining()) {
      throw new HandshakeException("its handshake message has " + message.remaining()
          + " bytes too many");
    }
  }

  private static void readFully(ReadableByteChannel channel, ByteBuffer into) throws IOException {
    while (into.hasRemaining()) {
      if (channel.read(into) < 0) {
        throw new EOFException("it closed the connection during the handshake");
      }
    }
  }

  private static void writeFully(WritableByteChannel channel, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }
}
