package dev.jray.gcs.cluster;

import static dev.jray.gcs.cluster.TestCluster.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jray.gcs.security.TestPki;
import dev.jray.gcs.security.TlsSettings;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clustered event bus over mutual TLS: members of the CA talk, others reach no handler. */
@Tag("hazelcast")
class EventBusTlsTest {
  private static final String ECHO = "jray.test.tls-echo";
  @TempDir static Path dir;
  static TlsSettings head;
  static TlsSettings worker;
  static TlsSettings intruder;

  private final TestCluster cluster = new TestCluster();
  private final List<ClusteredVertx> started = new ArrayList<>();
  private final AtomicInteger delivered = new AtomicInteger();

  @BeforeAll
  static void makeCertificates() {
    TestPki ca = TestPki.create("cluster", dir);
    head = ca.issue("head", "EC").settings();
    worker = ca.issue("worker", "RSA").settings();
    intruder = TestPki.create("stranger", dir).issue("intruder", "EC").settings();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).vertx().close().toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private ClusteredVertx start(com.hazelcast.config.Config config, TlsSettings tls)
      throws Exception {
    ClusteredVertx member = ClusterConfig.clusteredVertx(config, cluster.token(), HOST,
        new VertxOptions(), tls, null)
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    started.add(member);
    return member;
  }

  private ClusteredVertx startHeadWithEcho() throws Exception {
    ClusteredVertx h = start(cluster.headConfig(), head);
    h.vertx().eventBus().<String>consumer(ECHO, m -> {
      delivered.incrementAndGet();
      m.reply("echo:" + m.body());
    }).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return h;
  }

  private ClusteredVertx startMember(TlsSettings tls) throws Exception {
    return start(cluster.memberConfig(ClusterConfig.Role.WORKER, false), tls);
  }

  /** A request that fails after {@code timeoutMs} (a cold JVM's first TLS takes seconds). */
  private static Future<Message<String>> ask(ClusteredVertx from, String body, long timeoutMs) {
    return from.vertx().eventBus().request(ECHO, body,
        new DeliveryOptions().setSendTimeout(timeoutMs));
  }

  @Test
  void membersWithTheCasCertificatesTalkOverTls() throws Exception {
    startHeadWithEcho();
    ClusteredVertx w = startMember(worker);

    Message<String> reply = ask(w, "hi", 30_000).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);

    assertEquals("echo:hi", reply.body());
  }

  @Test
  void aMemberWithAnotherCasCertificateReachesNoHandler() throws Exception {
    startHeadWithEcho();
    ClusteredVertx stranger = startMember(intruder);

    assertThrows(ExecutionException.class, () -> ask(stranger, "let me in", 5_000)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertEquals(0, delivered.get());
  }

  @Test
  void aMemberWithoutTlsReachesNoHandler() throws Exception {
    startHeadWithEcho();
    ClusteredVertx plain = startMember(null);

    assertThrows(ExecutionException.class, () -> ask(plain, "let me in", 5_000)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertEquals(0, delivered.get());
  }
}
