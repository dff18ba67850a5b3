package dev.jray.gcs.cluster;

import static dev.jray.gcs.cluster.TestCluster.HOST;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.Partition;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.cluster.ClusterConfig.Role;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.time.Await;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("hazelcast")
class ClusterConfigTest {

  @Test
  void headListensOnExactlyItsPortAndJoinsByTcpIpOnly() {
    ClusterToken token = ClusterToken.generate();
    Config config = ClusterConfig.head(HOST, 6379, token).build();

    assertEquals(ClusterConfig.clusterNameOf(token), config.getClusterName());
    assertEquals(6379, config.getNetworkConfig().getPort());
    assertFalse(config.getNetworkConfig().isPortAutoIncrement());
    assertEquals(List.of(HOST), interfaces(config));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.isAutoDetectionEnabled());
    assertFalse(join.getAwsConfig().isEnabled());
    assertFalse(join.getKubernetesConfig().isEnabled(), "off unless asked for");
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1:6379"), join.getTcpIpConfig().getMembers());
    assertEquals("false", config.getProperty("hazelcast.phone.home.enabled"));
    assertEquals("7", config.getProperty("hazelcast.max.no.heartbeat.seconds"));
    // a member's Hazelcast logs its warnings only
    assertTrue(new HazelcastLogging().getLogger("com.hazelcast.cluster").isWarningEnabled());
    assertFalse(new HazelcastLogging().getLogger("com.hazelcast.cluster").isInfoEnabled());
    assertEquals(ClusterConfig.DEFAULT_GCS_BACKUPS, config.getMapConfig("jray.nodes").getBackupCount());
    assertEquals(2, ClusterConfig.DEFAULT_GCS_BACKUPS, "two members may die at once");
    assertEquals("head", attribute(config, ClusterConfig.ROLE_ATTRIBUTE));
    assertFalse(config.isLiteMember());
  }

  @Test
  void theClusterNameIsDerivedFromTheTokenAndShowsNothingOfIt() {
    ClusterToken token = ClusterToken.generate();
    String name = ClusterConfig.clusterNameOf(token);

    assertTrue(name.matches("jray-[0-9a-f]{32}"), name);
    assertEquals(name, ClusterConfig.clusterNameOf(ClusterToken.of(token.reveal(), "test")));
    assertNotEquals(name, ClusterConfig.clusterNameOf(ClusterToken.generate()));
    assertFalse(token.reveal().contains(name.substring(5)), "the name is a piece of the token");
    assertTrue(ClusterConfig.head(HOST, 6379, token).build().getSerializationConfig()
        .getJavaSerializationFilterConfig().isDefaultsDisabled());
  }

  @Test
  void membersListenOnAnEphemeralPortAndJoinTheHead() {
    UniqueId nodeId = IdFactory.newUniqueId();
    Config config =
        ClusterConfig.member("10.0.0.7", "localhost", Role.DRIVER, true, ClusterToken.generate())
            .nodeId(nodeId)
            .build();

    assertEquals(0, config.getNetworkConfig().getPort());
    assertEquals(List.of("127.0.0.1"), interfaces(config));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertEquals(List.of("10.0.0.7:6379"), join.getTcpIpConfig().getMembers());
    assertTrue(config.isLiteMember());
    assertEquals("driver", attribute(config, ClusterConfig.ROLE_ATTRIBUTE));
    assertEquals(nodeId.toHex(), attribute(config, ClusterConfig.NODE_ID_ATTRIBUTE));
    assertThrows(IllegalArgumentException.class,
        () -> ClusterConfig.member("h:1", HOST, Role.HEAD, false, ClusterToken.generate()));
  }

  @Test
  void aMemberJoinsThroughSeveralMembersOnAPortOfItsOwnWithTheBackupsGiven() {
    ClusterToken token = ClusterToken.generate();
    Config config = ClusterConfig.member("10.0.0.7:7001,10.0.0.8:7002", HOST, Role.WORKER, false,
        token).port(7003).gcsBackups(3).build();
    assertEquals(7003, config.getNetworkConfig().getPort());
    assertFalse(config.getNetworkConfig().isPortAutoIncrement());
    assertEquals(List.of("10.0.0.7:7001", "10.0.0.8:7002"),
        config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    assertEquals(3, config.getMapConfig("jray.actors").getBackupCount());
    assertEquals(3, config.getMultiMapConfig("__vertx.subs").getBackupCount());

    Config head = ClusterConfig.head(HOST, 6379, token)
        .alsoJoining(ClusterAddress.parseList("127.0.0.1:6379,127.0.0.1:7003")).build();
    assertEquals(List.of("127.0.0.1:6379", "127.0.0.1:7003"),
        head.getNetworkConfig().getJoin().getTcpIpConfig().getMembers(), "no repeat of itself");

    ClusterConfig member = ClusterConfig.member("h:1", HOST, Role.WORKER, false, token);
    assertThrows(IllegalArgumentException.class, () -> member.gcsBackups(7));
    assertThrows(IllegalArgumentException.class, () -> member.gcsBackups(-1));
    assertThrows(IllegalArgumentException.class, () -> member.port(65536));
    assertThrows(IllegalArgumentException.class,
        () -> ClusterConfig.head(HOST, 6379, token).port(7000));
  }

  @Test
  void afterTheHeadDiesMembersJoinThroughASurvivorAndARestartedHeadRejoinsItsCluster() {
    try (TestCluster cluster = new TestCluster()) {
      cluster.startHead();
      int workerPort = TestCluster.freePort();
      String workerAddress = HOST + ":" + workerPort;
      HazelcastInstance worker = cluster.start(ClusterConfig.member(cluster.headAddress(), HOST,
          Role.WORKER, false, cluster.token()).port(workerPort).build());
      worker.getMap("jray.kv").put("before", "the head died");
      cluster.terminate(0);
      Await.until("the worker drops the dead head", Duration.ofSeconds(10),
          () -> worker.getCluster().getMembers().size() == 1);

      HazelcastInstance late = cluster.start(ClusterConfig.member(
          cluster.headAddress() + "," + workerAddress, HOST, Role.WORKER, false, cluster.token())
          .build());
      assertEquals(2, late.getCluster().getMembers().size(), "joined through the survivor");

      HazelcastInstance restarted = cluster.start(ClusterConfig.head(HOST, cluster.headPort(),
          cluster.token()).alsoJoining(List.of(new ClusterAddress(HOST, workerPort))).build());
      assertEquals(3, restarted.getCluster().getMembers().size(),
          "the restarted head joined the running cluster, not a new one");
      assertEquals("the head died", restarted.getMap("jray.kv").get("before"));
      assertEquals(cluster.headPort(), restarted.getCluster().getLocalMember().getAddress().getPort());
    }
  }

  @Test
  void kubernetesDiscoveryFindsTheServicesPodsInPlaceOfTcpIp() {
    ClusterConfig.KubernetesDiscovery discovery =
        new ClusterConfig.KubernetesDiscovery("jray-members", "ml");
    Config head = ClusterConfig.head(HOST, 6379, ClusterToken.generate())
        .kubernetesDiscovery(discovery).build();
    JoinConfig join = head.getNetworkConfig().getJoin();
    assertTrue(join.getKubernetesConfig().isEnabled());
    assertFalse(join.getTcpIpConfig().isEnabled());
    assertTrue(join.getTcpIpConfig().getMembers().isEmpty());
    assertEquals("jray-members", join.getKubernetesConfig().getProperty("service-name"));
    assertEquals("ml", join.getKubernetesConfig().getProperty("namespace"));
    assertEquals("6379", join.getKubernetesConfig().getProperty("service-port"));
    assertFalse(join.getMulticastConfig().isEnabled());
    assertDoesNotThrow(join::verify, "one join method: Hazelcast refuses TCP-IP beside discovery");

    // a worker given no member finds them all the same, on the port every member listens on
    Config worker = ClusterConfig.member(List.of(), HOST, Role.WORKER, false,
        ClusterToken.generate()).port(7000)
        .kubernetesDiscovery(new ClusterConfig.KubernetesDiscovery("svc", " ")).build();
    JoinConfig workerJoin = worker.getNetworkConfig().getJoin();
    assertTrue(workerJoin.getKubernetesConfig().isEnabled());
    assertEquals("7000", workerJoin.getKubernetesConfig().getProperty("service-port"));
    assertNull(workerJoin.getKubernetesConfig().getProperty("namespace"), "the pod's own");
    assertEquals(List.of(HOST), interfaces(worker));
    assertThrows(IllegalArgumentException.class,
        () -> new ClusterConfig.KubernetesDiscovery(" ", null));
  }

  @Test
  void checkPortFreeNamesTheBusyPort() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      int port = busy.getLocalPort();
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> ClusterConfig.checkPortFree(HOST, port));
      assertTrue(
          e.getMessage().startsWith("port " + port + " on 127.0.0.1 is already in use"),
          e::getMessage);
    }
    assertDoesNotThrow(() -> ClusterConfig.checkPortFree(HOST, TestCluster.freePort()));
  }

  @Test
  void membersJoinTheHeadAndPublishTheirRoleAndNodeId() {
    try (TestCluster cluster = new TestCluster()) {
      long t0 = System.nanoTime();
      HazelcastInstance head = cluster.startHead();
      long t1 = System.nanoTime();
      UniqueId workerId = IdFactory.newUniqueId();
      HazelcastInstance worker =
          cluster.start(
              ClusterConfig.member(cluster.headAddress(), HOST, Role.WORKER, false,
                      cluster.token())
                  .nodeId(workerId)
                  .build());
      long t2 = System.nanoTime();
      System.out.printf("head started in %d ms, worker joined in %d ms%n",
          (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);

      assertEquals(2, head.getCluster().getMembers().size());
      Member headMember = head.getCluster().getLocalMember();
      assertEquals(cluster.headPort(), headMember.getAddress().getPort());
      assertEquals(HOST, headMember.getAddress().getHost());
      Member workerSeenByHead = other(head);
      assertNotEquals(cluster.headPort(), workerSeenByHead.getAddress().getPort());
      assertEquals(Role.WORKER, Role.of(workerSeenByHead));
      assertEquals(workerId, ClusterConfig.nodeIdOf(workerSeenByHead));
      Member headSeenByWorker = other(worker);
      assertEquals(Role.HEAD, Role.of(headSeenByWorker));
      assertNull(ClusterConfig.nodeIdOf(headMember));
    }
  }

  @Test
  void liteDriverReadsAndWritesButOwnsNoPartitions() {
    try (TestCluster cluster = new TestCluster()) {
      HazelcastInstance head = cluster.startHead();
      HazelcastInstance driver = cluster.startDriver();
      IMap<String, String> fromDriver = driver.getMap("jray.test");
      for (int i = 0; i < 50; i++) {
        fromDriver.set("k" + i, "v" + i);
      }
      assertEquals("v7", head.<String, String>getMap("jray.test").get("k7"));
      assertEquals("v8", fromDriver.get("k8"));

      Member driverMember = driver.getCluster().getLocalMember();
      assertTrue(driverMember.isLiteMember());
      for (Partition p : head.getPartitionService().getPartitions()) {
        assertNotEquals(driverMember, p.getOwner(), "partition " + p.getPartitionId());
      }
      assertTrue(fromDriver.localKeySet().isEmpty());
    }
  }

  @Test
  void terminatedMemberIsRemovedFromTheOthersWithinTenSeconds() {
    try (TestCluster cluster = new TestCluster()) {
      HazelcastInstance head = cluster.startHead();
      HazelcastInstance worker = cluster.startWorker();
      assertEquals(2, head.getCluster().getMembers().size());

      long t0 = System.nanoTime();
      worker.getLifecycleService().terminate();
      Await.until("the head drops the terminated worker", Duration.ofSeconds(10),
          () -> head.getCluster().getMembers().size() == 1);
      System.out.printf(
          "terminated worker removed after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }
  }

  private static List<String> interfaces(Config config) {
    return List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces());
  }

  private static String attribute(Config config, String name) {
    return config.getMemberAttributeConfig().getAttribute(name);
  }

  /** The one member of a two-member cluster that is not {@code self}. */
  private static Member other(HazelcastInstance self) {
    return self.getCluster().getMembers().stream()
        .filter(m -> !m.localMember())
        .findFirst()
        .orElseThrow();
  }
}
