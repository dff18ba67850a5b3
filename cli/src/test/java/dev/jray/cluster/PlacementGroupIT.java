package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.PlacementDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Placement groups on a real cluster: a head and two workers (2 CPUs each) in their own JVMs,
 * drivers in theirs ({@link PlacementDriver}). Where bundles land is read from actors pinned to
 * each bundle. Later tests add a third and a fourth worker and SIGKILL one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300)
class PlacementGroupIT {
  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("PlacementGroupIT", PlacementGroupIT::startThreeNodes);

  static void startThreeNodes(LocalCluster c) {
    c.startHead(null, "-Xmx1g");
    var w1 = c.startWorkerAsync("worker1", null, "-Xmx1g");
    var w2 = c.startWorkerAsync("worker2", null, "-Xmx1g");
    c.awaitUp(w1, Duration.ofSeconds(120));
    c.awaitUp(w2, Duration.ofSeconds(120));
    Set<String> ids = c.nodes().stream().map(LocalNode::nodeId).collect(Collectors.toSet());
    Status s = c.awaitStatus(st -> st.activeIds().containsAll(ids), Duration.ofSeconds(60));
    assertTrue(s.activeIds().containsAll(ids), "status does not list all three nodes:\n" + s);
  }

  private static JvmResult run(String... args) {
    JvmResult r = CLUSTER.get().runDriver(Duration.ofSeconds(240), List.of(), PlacementDriver.class, args);
    assertTrue(r.ok(), r.describe());
    return r;
  }

  private static List<String> nodes(JvmResult r, String key) {
    return Arrays.asList(r.result(key).split(","));
  }

  private static Set<String> liveNodeIds() {
    return CLUSTER.get().nodes().stream().filter(LocalNode::isAlive)
        .map(LocalNode::nodeId).collect(Collectors.toSet());
  }

  @Test
  @Order(1)
  void namedPackGroupIsCreatedUsedFoundAndRemoved() {
    JvmResult r = run("acceptance");
    assertEquals("true", r.result("wait"), r.describe());
    assertEquals("pg1", r.result("name"));
    assertEquals("true", r.result("bundle0-answers"));
    assertEquals("true", r.result("any-answers"));
    assertEquals("true", r.result("lookups-agree"));
    assertEquals("REMOVED", r.result("state-after-remove"));
    assertEquals("threw", r.result("wait-after-remove"));
  }

  @Test
  @Order(2)
  void eachStrategyPlacesBundlesAsItSays() {
    JvmResult r = run("strategies");
    Set<String> live = liveNodeIds();
    List<String> strictSpread = nodes(r, "strict-spread");
    assertEquals(3, new HashSet<>(strictSpread).size(), "STRICT_SPREAD of 3 on 3 nodes: " + strictSpread);
    assertTrue(live.containsAll(strictSpread), strictSpread + " vs " + live);

    List<String> strictPack = nodes(r, "strict-pack");
    assertEquals(1, new HashSet<>(strictPack).size(), "STRICT_PACK bundles on different nodes: " + strictPack);

    List<String> pack = nodes(r, "pack");
    assertEquals(2, new HashSet<>(pack).size(), "PACK of 3 one-CPU bundles on 2-CPU nodes spans 2: " + pack);

    List<String> spread = nodes(r, "spread");
    assertEquals(3, new HashSet<>(spread).size(), "SPREAD of 3 over 3 nodes: " + spread);

    List<String> spread4 = nodes(r, "spread4");
    assertEquals(3, new HashSet<>(spread4).size(), "SPREAD of 4 over 3 nodes uses all 3: " + spread4);
  }

  @Test
  @Order(3)
  void reservedResourcesServeOnlyTheGroupAndAnImpossibleGroupWaits() {
    JvmResult r = run("reserved");
    String reserved = r.result("reserved-node");
    Set<String> plain = new HashSet<>(nodes(r, "plain-nodes"));
    assertFalse(plain.contains(reserved), "plain tasks ran on " + reserved
        + " whose CPUs a group reserved: " + plain);
    assertEquals(reserved, r.result("in-group-node"));
    assertEquals("false", r.result("impossible-wait5"));
    assertEquals("true", r.result("outside-task-runs"));
    assertEquals("false", r.result("in-impossible-ready"));
  }

  @Test
  @Order(4)
  void concurrentCreationNeverOvercommitsANode() {
    JvmResult r = run("concurrent", "10", "6");
    assertEquals("6", r.result("created"), "3 nodes x 2 CPUs hold six 1-CPU groups:\n" + r.describe());
    assertTrue(Integer.parseInt(r.result("max-per-node")) <= 2, r.describe());
    assertEquals("4", r.result("created-after-removal"), r.describe());
  }

  @Test
  @Order(5)
  void strictSpreadOfMoreBundlesThanNodesWaitsForANodeToJoin() {
    LocalCluster c = CLUSTER.get();
    ChildJvm driver = c.startDriver(List.of(), PlacementDriver.class, "pending", "4");
    driver.awaitLine("^PENDING$", Duration.ofSeconds(90));
    String out = driver.output();
    assertTrue(out.contains("RESULT wait5=false"), out);
    assertTrue(out.contains("RESULT state-while-pending=PENDING"), out);
    Status s = c.awaitStatus(st -> st.toString().contains("pending placement groups"), Duration.ofSeconds(20));
    assertTrue(s.toString().contains("{CPU=1.0} * 4 (STRICT_SPREAD): 1+ pending placement groups"),
        "status shows no pending group:\n" + s);

    LocalNode w3 = c.startWorker("worker3", null, "-Xmx1g");
    JvmResult r = driver.await(Duration.ofSeconds(200));
    assertTrue(r.ok(), r.describe());
    assertEquals("true", r.result("wait-later"), r.describe());
    List<String> placed = nodes(r, "nodes");
    assertEquals(4, new HashSet<>(placed).size(), "4 bundles on 4 distinct nodes: " + placed);
    assertTrue(placed.contains(w3.nodeId()), placed + " should include the new node " + w3.nodeId());
    Status after = c.awaitStatus(st -> !st.toString().contains("pending placement groups"), Duration.ofSeconds(20));
    assertFalse(after.toString().contains("pending placement groups"), after.toString());
  }

  @Test
  @Order(6)
  void bundlesOfAKilledNodeAreRescheduledOnANewNode() throws Exception {
    LocalCluster c = CLUSTER.get();
    Path flag = c.tmpDir().resolve("placement-killed");
    ChildJvm driver = c.startDriver(List.of(), PlacementDriver.class, "reschedule", "4", flag.toString());
    driver.awaitLine("^READY$", Duration.ofSeconds(120));
    List<String> before = Arrays.asList(driver.awaitLine("RESULT before=(.*)", Duration.ofSeconds(5)).group(1).split(","));
    LocalNode victim = c.node("worker2");
    int lost = before.indexOf(victim.nodeId());
    assertTrue(lost >= 0, "worker2 holds no bundle of a 4-node STRICT_SPREAD: " + before);

    c.kill(victim);
    Files.writeString(flag, "killed");
    driver.awaitLine("^RESCHEDULING$", Duration.ofSeconds(60));
    assertTrue(driver.output().contains("RESULT state-after-kill=RESCHEDULING"), driver.output());

    LocalNode w4 = c.startWorker("worker4", null, "-Xmx1g");
    JvmResult r = driver.await(Duration.ofSeconds(240));
    assertTrue(r.ok(), r.describe());
    assertEquals("true", r.result("wait-after"), r.describe());
    List<String> after = nodes(r, "after");
    assertEquals(w4.nodeId(), after.get(lost), "the lost bundle's actor should now live on the new node: " + after);
    for (int i = 0; i < before.size(); i++) {
      if (i != lost) {
        assertEquals(before.get(i), after.get(i), "bundle " + i + " moved although its node lives");
      }
    }
    assertNotEquals(before.get(lost), after.get(lost));
  }
}
