package dev.jray.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TestPki;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.serialization.Serializers;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Links over mutual TLS: nodes of the CA talk; one of another CA or without TLS gets nothing. */
class LinkTlsTest {
  private static final long TIMEOUT_S = 30;
  private static final ClusterToken TOKEN = ClusterToken.generate();
  @TempDir static Path dir;
  static TlsSettings nodeA;
  static TlsSettings nodeB;
  static TlsSettings intruder;

  private final Map<UniqueId, InetSocketAddress> addresses = new ConcurrentHashMap<>();
  private final List<NodeLinks> started = new ArrayList<>();

  @BeforeAll
  static void makeCertificates() {
    TestPki ca = TestPki.create("cluster", dir);
    nodeA = ca.issue("a", "EC").settings();
    nodeB = ca.issue("b", "RSA").settings();
    intruder = TestPki.create("stranger", dir).issue("intruder", "EC").settings();
  }

  @AfterEach
  void close() {
    started.forEach(NodeLinks::close);
  }

  /** A node that answers every request with "re:" and the message, and keeps what it receives. */
  private NodeLinks node(UniqueId id, TlsSettings tls, BlockingQueue<Object> inbox)
      throws IOException {
    NodeLinks links = new NodeLinks(id, TOKEN, tls, Serializers.fory(), getClass().getClassLoader(),
        addresses::get, (from, m, reply) -> {
          inbox.add(m);
          if (reply != null) {
            reply.ok("re:" + m);
          }
        }, Time.SYSTEM);
    addresses.put(id, new InetSocketAddress("127.0.0.1", links.listen("127.0.0.1")));
    started.add(links);
    return links;
  }

  @Test
  void nodesOfTheCaSendAndAnswerOverTls() throws Exception {
    UniqueId a = IdFactory.newUniqueId();
    UniqueId b = IdFactory.newUniqueId();
    BlockingQueue<Object> atA = new LinkedBlockingQueue<>();
    BlockingQueue<Object> atB = new LinkedBlockingQueue<>();
    NodeLinks linksA = node(a, nodeA, atA);
    NodeLinks linksB = node(b, nodeB, atB);

    assertEquals("re:ping", linksA.request(b, "ping").get(TIMEOUT_S, TimeUnit.SECONDS));
    for (int i = 0; i < 100; i++) {
      linksA.send(b, "m" + i);
    }
    linksA.flushCurrentThread();
    linksB.send(a, "back");
    linksB.flushCurrentThread();

    assertEquals("ping", atB.poll(TIMEOUT_S, TimeUnit.SECONDS));
    for (int i = 0; i < 100; i++) {
      assertEquals("m" + i, atB.poll(TIMEOUT_S, TimeUnit.SECONDS), "in order, over TLS");
    }
    assertEquals("back", atA.poll(TIMEOUT_S, TimeUnit.SECONDS));
  }

  @Test
  void aNodeOfAnotherCaIsRefusedEvenWithTheToken() throws Exception {
    UniqueId b = IdFactory.newUniqueId();
    BlockingQueue<Object> atB = new LinkedBlockingQueue<>();
    NodeLinks linksB = node(b, nodeB, atB);
    NodeLinks stranger = node(IdFactory.newUniqueId(), intruder, new LinkedBlockingQueue<>());

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> stranger.request(b, "let me in").get(TIMEOUT_S, TimeUnit.SECONDS));

    assertTrue(e.getCause().getMessage().contains("refused: its TLS handshake failed"),
        e.getCause().getMessage());
    Await.until("node b refused it", Duration.ofSeconds(TIMEOUT_S),
        () -> linksB.refusedConnections() >= 1);
    assertTrue(atB.isEmpty());
  }

  @Test
  void aNodeWithoutTlsIsRefusedEvenWithTheToken() throws Exception {
    UniqueId b = IdFactory.newUniqueId();
    BlockingQueue<Object> atB = new LinkedBlockingQueue<>();
    NodeLinks linksB = node(b, nodeB, atB);
    NodeLinks plain = node(IdFactory.newUniqueId(), null, new LinkedBlockingQueue<>());

    assertThrows(ExecutionException.class,
        () -> plain.request(b, "let me in").get(TIMEOUT_S, TimeUnit.SECONDS));

    Await.until("node b refused it", Duration.ofSeconds(TIMEOUT_S),
        () -> linksB.refusedConnections() >= 1);
    assertTrue(atB.isEmpty());
  }
}
