package dev.jray.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.chaos.drivers.RecordsDriver;
import dev.jray.cluster.ChildJvm;
import dev.jray.cluster.JvmResult;
import dev.jray.cluster.LocalNode;
import dev.jray.cluster.Status;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two workers SIGKILLed at once lose no GCS record: with the default two backups of every record,
 * the head holds a copy of each (with one backup, about a third of them would be lost). The records are read back three ways: the
 * GCS tables through a client (every key present before is present after), {@code status}
 * (both dead workers listed as failures), and the public API of the driver that made them and of
 * a new driver (every named actor answers, every named group is CREATED).
 */
@Timeout(600)
class TwoWorkersKilledChaosIT {
  private static final int ACTORS = ChaosMode.pick(100, 1000);
  private static final int GROUPS = ChaosMode.pick(40, 300);
  private static final Duration DRIVER_TIMEOUT = Duration.ofMinutes(5);

  @RegisterExtension
  final ChaosExtension chaos = new ChaosExtension(c -> {
    c.startHead("{\"HEADONLY\":100000}");
    c.startWorkers(null, "worker1", "worker2");
  });

  @Test
  void twoWorkersKilledAtOnceLoseNoGcsRecord() throws Exception {
    ChaosCluster c = chaos.get();
    Path go = c.local().logDir().resolve("go");
    ChildJvm creator = c.startDriver(RecordsDriver.class, "create",
        Integer.toString(ACTORS), Integer.toString(GROUPS), go.toString());
    creator.awaitLine("^STEP created$", DRIVER_TIMEOUT);
    Map<String, Set<String>> before = keys(c);
    c.log("GCS before the kill: " + sizes(before));

    LocalNode w1 = c.node("worker1");
    LocalNode w2 = c.node("worker2");
    c.kill(w1, w2);

    Status s = c.awaitStatus(st -> st.active().size() == 1 && failed(st, w1) && failed(st, w2),
        Duration.ofSeconds(90));
    assertEquals(Set.of(c.node("head").nodeId()), Set.copyOf(s.activeIds()),
        "the head survives:\n" + s);
    assertTrue(failed(s, w1) && failed(s, w2), "both killed workers are listed as failed:\n" + s);

    try (Gcs gcs = c.gcs()) {
      // a driver the cluster wrongly declared dead (a stall over the heartbeat timeout) has its
      // job ended and its groups removed: that is not a lost record, but this scenario is void
      assertTrue(gcs.jobs().snapshot().values().stream().noneMatch(j -> j.isFinished()),
          "the creating driver was declared dead during the kill (the machine stalled it over"
              + " Hazelcast's heartbeat timeout): " + gcs.jobs().snapshot().values());
    }
    Map<String, Set<String>> after = keys(c);
    c.log("GCS after the kill: " + sizes(after));
    before.forEach((table, keys) -> {
      Set<String> lost = new TreeSet<>(keys);
      lost.removeAll(after.get(table));
      assertTrue(lost.isEmpty(), lost.size() + " of " + keys.size() + " records of " + table
          + " were lost: " + lost.stream().limit(5).toList());
    });
    try (Gcs gcs = c.gcs()) {
      for (LocalNode dead : new LocalNode[] {w1, w2}) {
        NodeRecord r = gcs.nodes().snapshot().values().stream()
            .filter(n -> n.nodeId().toHex().equalsIgnoreCase(dead.nodeId())).findFirst().orElseThrow();
        assertTrue(!r.alive(), dead + " is recorded dead: " + r);
      }
    }

    JvmResult checker = c.runDriver(DRIVER_TIMEOUT, RecordsDriver.class, "check",
        Integer.toString(ACTORS), Integer.toString(GROUPS), "2");
    assertTrue(checker.ok(), checker.describe());
    assertEquals("none", checker.result("problems"), checker.describe());
    assertEquals(Integer.toString(ACTORS), checker.result("actors-answered"), checker.describe());
    assertEquals(Integer.toString(GROUPS), checker.result("groups-created"), checker.describe());

    Files.createFile(go);
    JvmResult created = creator.await(DRIVER_TIMEOUT);
    assertTrue(created.ok(), created.describe());
    assertEquals("none", created.result("problems"), created.describe());
    assertEquals(Integer.toString(ACTORS), created.result("actors-answered"), created.describe());
    assertEquals(Integer.toString(GROUPS), created.result("groups-created"), created.describe());
  }

  private static boolean failed(Status s, LocalNode node) {
    return s.failures().stream().anyMatch(f -> f.contains(node.nodeId()));
  }

  /** The keys of every GCS table but the KV (loads come and go there), as text. */
  private static Map<String, Set<String>> keys(ChaosCluster c) {
    try (Gcs gcs = c.gcs()) {
      Map<String, Set<String>> keys = new LinkedHashMap<>();
      keys.put("nodes", text(gcs.nodes().snapshot().keySet()));
      keys.put("jobs", text(gcs.jobs().snapshot().keySet()));
      keys.put("actors", text(gcs.actors().snapshot().keySet()));
      keys.put("actor names", text(gcs.actorNames().snapshot().keySet()));
      keys.put("placement groups", text(gcs.placementGroups().snapshot().keySet()));
      keys.put("placement group names", text(gcs.placementGroupNames().snapshot().keySet()));
      return keys;
    }
  }

  private static Set<String> text(Set<?> keys) {
    Set<String> t = new TreeSet<>();
    keys.forEach(k -> t.add(k.toString()));
    return t;
  }

  private static Map<String, Integer> sizes(Map<String, Set<String>> keys) {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    keys.forEach((table, k) -> sizes.put(table, k.size()));
    return sizes;
  }
}
