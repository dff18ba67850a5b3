package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.ActorDriver;
import dev.jray.cluster.drivers.BigObjectsDriver;
import dev.jray.cluster.drivers.TasksDriver;
import dev.jray.cluster.drivers.TlsProbe;
import dev.jray.gcs.security.TestPki;
import dev.jray.gcs.testing.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cluster with TLS on (head and worker started with {@code -Djray.use-tls=1} and certificates
 * of a test CA; resource {@code H} on the head, {@code W} on the worker): drivers with the CA's
 * certificates run the cluster ITs' core cases across nodes, and a process without a client
 * certificate or with a stranger CA's is refused on the event bus, the link and the transfer port.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240)
class TlsIT {
  private static final Duration DRIVER_TIMEOUT = Duration.ofSeconds(150);
  private static TestPki.NodeFiles driverFiles;
  /** The head's Ray Client port, which speaks TLS as the cluster does. */
  private static final int CLIENT_PORT = LocalCluster.freePort();
  private static TestPki.NodeFiles strangerFiles;

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("TlsIT", TlsIT::startTwoNodes);

  static void startTwoNodes(LocalCluster c) {
    Path pki = c.logDir().resolve("pki");
    TestPki ca = TestPki.create("cluster", pki);
    driverFiles = ca.issue("driver", "EC");
    strangerFiles = TestPki.create("stranger", pki).issue("intruder", "EC");
    c.startHead("{\"H\":1}", List.of("--ray-client-server-port", Integer.toString(CLIENT_PORT)),
        tlsOptions(ca.issue("head", "RSA"), "-Xmx1g"));
    c.startWorker("worker", "{\"W\":1}", tlsOptions(ca.issue("worker", "EC"), "-Xmx1g"));
  }

  private static String[] tlsOptions(TestPki.NodeFiles files, String... more) {
    List<String> options = new ArrayList<>(files.jvmOptions());
    options.addAll(List.of(more));
    return options.toArray(String[]::new);
  }

  private static List<String> driverOptions(String... more) {
    return List.of(tlsOptions(driverFiles, more));
  }

  @BeforeAll
  static void nodesSayTlsIsOn() {
    for (LocalNode node : CLUSTER.get().nodes()) {
      assertTrue(node.resources().endsWith(", TLS on"), node + " printed: " + node.resources());
    }
  }

  @Test
  @Order(1)
  void tasksFromADriverRunOnTheWorker() {
    LocalCluster c = CLUSTER.get();
    JvmResult r = c.runDriver(DRIVER_TIMEOUT, driverOptions(), TasksDriver.class,
        "20", "10", "W", "1.0");
    assertTrue(r.ok(), r.describe());
    assertEquals(Map.of(c.node("worker").nodeId(), 20), ClusterIT.perNode(r.result("nodes")),
        r.describe());
  }

  @Test
  @Order(1)
  void aRayClientRunsTasksOverTls() {
    LocalCluster c = CLUSTER.get();
    JvmResult r = c.startDriver("jray://127.0.0.1:" + CLIENT_PORT, driverOptions(),
        TasksDriver.class, "20", "10", "W", "1.0").await(DRIVER_TIMEOUT);
    assertTrue(r.ok(), r.describe());
    assertEquals(Map.of(c.node("worker").nodeId(), 20), ClusterIT.perNode(r.result("nodes")),
        r.describe());
  }

  @Test
  @Order(2)
  void anActorOnTheWorkerKeepsItsState() {
    LocalCluster c = CLUSTER.get();
    JvmResult r = c.runDriver(DRIVER_TIMEOUT, driverOptions(), ActorDriver.class,
        "10", "W", "0.5");
    assertTrue(r.ok(), r.describe());
    assertEquals(IntStream.rangeClosed(1, 10).mapToObj(Integer::toString)
        .collect(Collectors.joining(",")), r.result("counts"), r.describe());
    assertEquals(c.node("worker").nodeId(), r.result("actor-node"), r.describe());
  }

  @Test
  @Order(3)
  void objectsMoveBetweenNodesOverTheTransferPort() {
    LocalCluster c = CLUSTER.get();
    // 32 MiB made on the head, read on the worker; 32 MiB put by the driver, read on the worker
    JvmResult r = c.runDriver(DRIVER_TIMEOUT, driverOptions("-Xmx1g"),
        BigObjectsDriver.class, "H", "W", "32", "32");
    assertTrue(r.ok(), r.describe());
    String worker = c.node("worker").nodeId();
    assertEquals(r.result("task-object-expected") + "@" + worker, r.result("task-object-digest"),
        r.describe());
    assertEquals(r.result("put-object-expected") + "@" + worker, r.result("put-object-digest"),
        r.describe());
  }

  @Test
  @Order(4)
  void aProcessWithoutTlsIsRefusedOnEveryPort() {
    LocalCluster c = CLUSTER.get();
    JvmResult r = c.runDriver(DRIVER_TIMEOUT, List.of(), TlsProbe.class, c.headAddress());
    assertAllRefused(c, r, List.of("bus", "link-nocert", "transfer-nocert"));
  }

  @Test
  @Order(5)
  void aProcessWithAStrangerCasCertificateIsRefusedOnEveryPort() {
    LocalCluster c = CLUSTER.get();
    TestPki.NodeFiles s = strangerFiles;
    JvmResult r = c.runDriver(DRIVER_TIMEOUT, s.jvmOptions(), TlsProbe.class,
        c.headAddress(), s.cert().toString(), s.key().toString());
    assertAllRefused(c, r, List.of("bus", "link-nocert", "transfer-nocert", "link-stranger",
        "transfer-stranger"));
  }

  @Test
  @Order(6)
  void theClusterStillServesItsOwnAfterTheProbes() {
    tasksFromADriverRunOnTheWorker();
  }

  @Test
  @Order(7)
  void aMissingCertificateFileIsOneLineNamingTheOption() {
    LocalCluster c = CLUSTER.get();
    Path absent = c.logDir().resolve("pki/absent.pem");
    JvmResult r = c.cli(Duration.ofSeconds(60), List.of(), "start", "--head", "--port",
        Integer.toString(LocalCluster.freePort()), "--use-tls", "--tls-server-cert",
        absent.toString(), "--tls-server-key", driverFiles.key().toString(), "--tls-ca-cert",
        driverFiles.ca().toString());
    assertFalse(r.ok(), r.describe());
    assertEquals("jray: --tls-server-cert (" + absent + "): no such file", r.output().strip(),
        r.describe());
  }

  private static void assertAllRefused(LocalCluster c, JvmResult r, List<String> ports) {
    assertTrue(r.ok(), r.describe());
    for (LocalNode node : c.nodes()) {
      for (String port : ports) {
        assertEquals("refused", r.result(port + "-" + node.nodeId()),
            port + " of " + node + "\n" + r.describe());
      }
    }
  }

  @Test
  @Order(8)
  void aJobSubmittedOverHttpsRunsItsDriverOverTls() {
    LocalCluster c = CLUSTER.get();
    String url = c.jobsAddress();
    assertTrue(url.startsWith("https://"), "the head serves its Jobs API over TLS: " + url);
    JvmResult r = c.cli(DRIVER_TIMEOUT, driverFiles.jvmOptions(), "job", "submit", "--address",
        url, "--", "java", "-Dhazelcast.phone.home.enabled=false", "-cp",
        c.jar() + java.io.File.pathSeparator + c.testClasses(), TasksDriver.class.getName(),
        "4", "10", "W", "1.0");
    assertTrue(r.ok(), r.describe());
    assertTrue(r.output().contains("RESULT nodes=" + c.node("worker").nodeId() + ":4"),
        "the driver the supervisor started joined over TLS and ran on the worker:\n" + r.describe());

    JvmResult plain = c.cli(Duration.ofSeconds(60), driverFiles.jvmOptions(), "job", "list",
        "--address", url.replace("https://", "http://"));
    assertFalse(plain.ok(), "plain HTTP to the TLS port: " + plain.describe());
    JvmResult untrusted = c.cli(Duration.ofSeconds(60), List.of(), "job", "list", "--address", url);
    assertFalse(untrusted.ok(), "a client that does not trust the cluster's CA: "
        + untrusted.describe());
    assertFalse(untrusted.output().contains("\tat "), "one line, not a stack trace: "
        + untrusted.describe());
    JvmResult pinned = c.cli(Duration.ofSeconds(60), List.of(), "job", "list", "--address", url,
        "--verify", driverFiles.ca().toString());
    assertTrue(pinned.ok(), "Ray's --verify CA_FILE trusts the cluster's CA: " + pinned.describe());
    JvmResult unverified = c.cli(Duration.ofSeconds(60), List.of(), "job", "list", "--address", url,
        "--verify", "false");
    assertTrue(unverified.ok(), "Ray's --verify false: " + unverified.describe());
  }

  @Test
  @Order(9)
  void eachNodeServesItsMetricsOverHttpsToAClientThatTrustsTheCa() throws Exception {
    LocalCluster c = CLUSTER.get();
    HttpClient https = HttpClient.newBuilder().sslContext(driverFiles.settings().context())
        .connectTimeout(Duration.ofSeconds(10)).build();
    String token = Files.readString(c.tokenFile(), StandardCharsets.US_ASCII).strip();
    for (LocalNode node : c.nodes()) {
      Matcher m = Pattern.compile("Metrics: (\\S+)").matcher(ChildJvm.read(node.log()));
      assertTrue(m.find(), node + " printed no Metrics line");
      assertTrue(m.group(1).startsWith("https://"),
          node + " serves metrics over TLS: " + m.group(1));
      HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create(m.group(1)))
          .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(node.nodeId(), PrometheusText.parse(r.body()).samples().get(0).labels()
          .get("NodeId"));
    }
  }
}
