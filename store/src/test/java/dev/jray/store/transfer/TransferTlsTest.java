package dev.jray.store.transfer;

import static dev.jray.store.TestObjects.assertContent;
import static dev.jray.store.TestObjects.data;
import static dev.jray.store.TestObjects.id;
import static dev.jray.store.transfer.TestSupport.CLIENT_NODE;
import static dev.jray.store.transfer.TestSupport.SERVER_NODE;
import static dev.jray.store.transfer.TestSupport.TOKEN;
import static dev.jray.store.transfer.TestSupport.await;
import static dev.jray.store.transfer.TestSupport.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.security.TestPki;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import dev.jray.store.ObjectStore;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls over mutual TLS: a client of the CA gets the bytes, one of another CA or without TLS none. */
class TransferTlsTest {
  private static final String HOST = "127.0.0.1";
  /** Larger than the sender's TLS chunk and the receiver's staging buffer, not a multiple. */
  private static final int SIZE = (5 << 20) + 12_345;
  @TempDir static Path pki;
  static TlsSettings serverTls;
  static TlsSettings clientTls;
  static TlsSettings intruderTls;

  @TempDir Path spillRoot;
  private Vertx vertx;
  private ObjectStore serverStore;
  private ObjectStore clientStore;
  private ObjectTransferServer server;

  @BeforeAll
  static void makeCertificates() {
    TestPki ca = TestPki.create("cluster", pki);
    serverTls = ca.issue("server", "EC").settings();
    clientTls = ca.issue("client", "RSA").settings();
    intruderTls = TestPki.create("stranger", pki).issue("intruder", "EC").settings();
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    serverStore = new ObjectStore(64 << 20, spillRoot.resolve("server"));
    clientStore = new ObjectStore(64 << 20, spillRoot.resolve("client"));
    server = await(ObjectTransferServer.start(vertx, serverStore, HOST, 0, TOKEN, serverTls,
        SERVER_NODE, Time.SYSTEM));
    serverStore.put(id(1), data(SIZE, 1), true);
  }

  @AfterEach
  void stop() throws Exception {
    await(server.close());
    await(vertx.close());
    clientStore.close();
    serverStore.close();
  }

  private Throwable pullWith(TlsSettings tls) throws Exception {
    ObjectTransferClient client = new ObjectTransferClient(vertx, TOKEN, tls, CLIENT_NODE,
        Time.SYSTEM);
    try {
      return awaitFailure(client.pull(HOST, server.port(), id(1), clientStore, false));
    } finally {
      await(client.close());
    }
  }

  @Test
  void aClientOfTheCaPullsTheWholeObject() throws Exception {
    ObjectTransferClient client = new ObjectTransferClient(vertx, TOKEN, clientTls, CLIENT_NODE,
        Time.SYSTEM);
    try {
      await(client.pull(HOST, server.port(), id(1), clientStore, false));
    } finally {
      await(client.close());
    }
    assertContent(clientStore, id(1), data(SIZE, 1));
  }

  @Test
  void aClientOfAnotherCaGetsNoBytesEvenWithTheToken() throws Exception {
    Throwable failure = pullWith(intruderTls);

    assertInstanceOf(ObjectTransferException.class, failure);
    assertTrue(failure.getMessage().contains("refused: its TLS handshake failed"),
        failure.getMessage());
    assertFalse(clientStore.contains(id(1)));
    Await.until("the server refused it", Duration.ofSeconds(30), () -> server.refused() == 1);
  }

  @Test
  void aClientWithoutTlsGetsNoBytesEvenWithTheToken() throws Exception {
    Throwable failure = pullWith(null);

    assertInstanceOf(ObjectTransferException.class, failure);
    assertFalse(clientStore.contains(id(1)));
    Await.until("the server refused it", Duration.ofSeconds(30), () -> server.refused() == 1);
  }
}
