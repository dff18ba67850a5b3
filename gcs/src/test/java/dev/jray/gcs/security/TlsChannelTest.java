package dev.jray.gcs.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsChannelTest {
  private static final int HANDSHAKE_MILLIS = 10_000;
  @TempDir static Path dir;
  static TestPki ca;
  static TlsSettings server;
  static TlsSettings client;
  static TestPki.NodeFiles intruderFiles;
  static TlsSettings intruder;

  private ServerSocketChannel listener;

  @BeforeAll
  static void makeCertificates() {
    ca = TestPki.create("cluster", dir);
    server = ca.issue("server", "EC").settings();
    client = ca.issue("client", "RSA").settings();
    intruderFiles = TestPki.create("stranger", dir).issue("intruder", "EC");
    intruder = intruderFiles.settings();
  }

  @BeforeEach
  void listen() throws IOException {
    listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void close() throws IOException {
    listener.close();
  }

  private SocketChannel connect() throws IOException {
    return SocketChannel.open(listener.getLocalAddress());
  }

  /** The server's end, accepted and shaken hands with on another thread. */
  private CompletableFuture<TlsChannel> acceptTls(int handshakeMillis) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return TlsChannel.server(listener.accept(), server, handshakeMillis);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
    return e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
  }

  @Test
  void bothEndsWithTheCasCertificatesExchangeBytesBothWays() throws Exception {
    CompletableFuture<TlsChannel> accepted = acceptTls(HANDSHAKE_MILLIS);
    try (TlsChannel c = TlsChannel.client(connect(), client, HANDSHAKE_MILLIS);
        TlsChannel s = accepted.get(30, TimeUnit.SECONDS)) {
      byte[] sent = new byte[300_000];
      new Random(7).nextBytes(sent);
      ByteBuffer direct = ByteBuffer.allocateDirect(sent.length).put(sent).flip();
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
        try {
          assertEquals(sent.length, c.write(direct));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      ByteBuffer received = ByteBuffer.allocateDirect(sent.length);
      while (received.hasRemaining()) {
        assertTrue(s.read(received) > 0);
      }
      writing.get(30, TimeUnit.SECONDS);
      byte[] got = new byte[sent.length];
      received.flip().get(got);
      assertArrayEquals(sent, got);

      s.write(ByteBuffer.wrap("ok".getBytes()));
      ByteBuffer reply = ByteBuffer.allocate(2);
      while (reply.hasRemaining()) {
        assertTrue(c.read(reply) > 0);
      }
      assertEquals("ok", new String(reply.array()));

      c.close();
      assertEquals(-1, s.read(ByteBuffer.allocate(1)), "the peer reads end of stream");
      assertFalse(c.isOpen());
    }
  }

  @Test
  void aClientWithAnotherCasCertificateIsRefused() throws Exception {
    CompletableFuture<TlsChannel> accepted = acceptTls(HANDSHAKE_MILLIS);
    // it trusts the cluster's CA, so only the server's check of its certificate stops it
    SSLContext strangerKey = SSLContext.getInstance("TLSv1.3");
    strangerKey.init(keys(intruderFiles).getKeyManagers(), trusting(ca.caFile()).getTrustManagers(),
        null);
    try (SSLSocket socket = connectTls(strangerKey)) {
      assertPeerSendsNothing(socket.getInputStream());
    }
    assertInstanceOf(SSLException.class, failureOf(accepted));
  }

  @Test
  void aClientWithoutACertificateIsRefused() throws Exception {
    CompletableFuture<TlsChannel> accepted = acceptTls(HANDSHAKE_MILLIS);
    SSLContext trustOnly = SSLContext.getInstance("TLSv1.3");
    trustOnly.init(null, trusting(ca.caFile()).getTrustManagers(), null);
    try (SSLSocket socket = connectTls(trustOnly)) {
      assertPeerSendsNothing(socket.getInputStream());
    }
    assertInstanceOf(SSLException.class, failureOf(accepted));
  }

  @Test
  void aServerOfAnotherCaIsRefusedByTheClient() throws Exception {
    CompletableFuture<TlsChannel> strangerServer = CompletableFuture.supplyAsync(() -> {
      try {
        return TlsChannel.server(listener.accept(), intruder, HANDSHAKE_MILLIS);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThrows(SSLException.class, () -> TlsChannel.client(connect(), client, HANDSHAKE_MILLIS));
    assertInstanceOf(IOException.class, failureOf(strangerServer));
  }

  @Test
  void aPlaintextPeerIsRefused() throws Exception {
    CompletableFuture<TlsChannel> accepted = acceptTls(HANDSHAKE_MILLIS);
    try (SocketChannel plain = connect()) {
      plain.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 12, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
      assertInstanceOf(SSLException.class, failureOf(accepted));
    }
  }

  @Test
  void aPeerSilentDuringTheHandshakeIsDroppedAtItsDeadline() throws Exception {
    CompletableFuture<TlsChannel> accepted = acceptTls(200);
    try (SocketChannel silent = connect()) {
      assertInstanceOf(SocketTimeoutException.class, failureOf(accepted));
      assertEquals(-1, silent.read(ByteBuffer.allocate(1)), "the server closed the connection");
    }
  }

  @Test
  void closeFromAnotherThreadEndsABlockedRead() throws Exception {
    CompletableFuture<TlsChannel> accepted = acceptTls(HANDSHAKE_MILLIS);
    try (TlsChannel c = TlsChannel.client(connect(), client, HANDSHAKE_MILLIS);
        TlsChannel s = accepted.get(30, TimeUnit.SECONDS)) {
      CompletableFuture<Integer> reading = CompletableFuture.supplyAsync(() -> {
        try {
          return s.read(ByteBuffer.allocate(16));
        } catch (IOException e) {
          return -2;
        }
      });
      s.close();
      int outcome = reading.get(30, TimeUnit.SECONDS);
      assertTrue(outcome < 0, "the blocked read ended with " + outcome);
    }
  }

  private SSLSocket connectTls(SSLContext context) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket("127.0.0.1", ((InetSocketAddress) listener.getLocalAddress()).getPort());
    socket.setSoTimeout(30_000);
    return socket;
  }

  /** The handshake may pass on the client's side (TLS 1.3), but no byte of the server's comes. */
  private static void assertPeerSendsNothing(InputStream in) {
    assertThrows(IOException.class, () -> {
      if (in.read() < 0) {
        throw new IOException("closed");
      }
    });
  }

  private static TrustManagerFactory trusting(Path caFile) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory;
  }

  private static KeyManagerFactory keys(TestPki.NodeFiles files) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setKeyEntry("node", PemFiles.privateKey(Files.readAllBytes(files.key()), "key"),
        new char[0], PemFiles.certificates(Files.readAllBytes(files.cert()), "cert")
            .toArray(X509Certificate[]::new));
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, new char[0]);
    return factory;
  }
}
