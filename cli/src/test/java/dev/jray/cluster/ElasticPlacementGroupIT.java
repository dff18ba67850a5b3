package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.ElasticDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Elastic and detached placement groups on a real cluster: a head (2 CPUs) with the autoscaler,
 * whose YAML allows 2 one-CPU workers, and a worker started by hand. An elastic STRICT_SPREAD
 * group of at least 2 and at most 4 one-CPU bundles is CREATED with 2 (one on each node), reaches
 * 4 as the autoscaler launches 2 nodes for its missing bundles, and when one of those is
 * SIGKILLed drops to 3 and stays CREATED (never RESCHEDULING), then grows back to 4 on the node
 * launched in its place. A detached group outlives the job that created it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 420)
class ElasticPlacementGroupIT {
  private static final Pattern BUNDLE = Pattern.compile("(?m)^BUNDLE ([0-9a-f]+):(\\d+)$");

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("ElasticPlacementGroupIT", c -> {
    Path yaml = c.logDir().resolve("cluster.yaml");
    try {
      Files.writeString(yaml, """
          cluster_name: elastic-it
          max_workers: 2
          idle_timeout_minutes: 10
          provider:
            type: local
          available_node_types:
            head:
              resources: {CPU: 2}
              max_workers: 0
            one_cpu:
              resources: {CPU: 1}
              min_workers: 0
              max_workers: 2
              jvm_options: ["-Xmx512m"]
          head_node_type: head
          """);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    c.startHead(null, List.of("--autoscaling-config", yaml.toString()), "-Xmx1g");
    c.startWorker("worker1", null, "-Xmx768m");
  });

  @Test
  @Order(1)
  void anElasticGroupIsCreatedWithTwoGrowsToFourAndDropsToThreeWithoutRescheduling()
      throws Exception {
    LocalCluster c = CLUSTER.get();
    ChildJvm driver = c.startDriver(List.of(), ElasticDriver.class, "elastic");
    driver.awaitLine("^GROWN$", Duration.ofSeconds(240));
    String out = driver.output();
    assertTrue(out.contains("RESULT created=CREATED [0, 1]"), out);
    assertTrue(out.contains("RESULT grown=CREATED [0, 1, 2, 3]"), out);
    List<String[]> bundles = new ArrayList<>();
    Matcher m = BUNDLE.matcher(out);
    while (m.find()) {
      bundles.add(new String[] {m.group(1), m.group(2)});
    }
    assertEquals(4, bundles.size(), out);
    assertEquals(4, bundles.stream().map(b -> b[0]).distinct().count(), "STRICT_SPREAD: " + out);
    List<String> byHand = List.of(c.head().nodeId(), c.node("worker1").nodeId());
    String[] launched = bundles.stream().filter(b -> !byHand.contains(b[0])).findFirst()
        .orElseThrow(() -> new AssertionError("no bundle on a launched node: " + out));

    killLaunchedNode(c, Long.parseLong(launched[1]));

    driver.awaitLine("^SEEN CREATED:3$", Duration.ofSeconds(60));
    JvmResult r = driver.await(Duration.ofSeconds(240));
    assertTrue(r.ok(), r.describe());
    List<String> seen = Arrays.asList(r.result("seen").split(","));
    assertEquals("CREATED:4", seen.get(0), r.describe());
    assertTrue(seen.contains("CREATED:3"), "it never dropped to 3: " + seen);
    assertFalse(seen.stream().anyMatch(s -> s.startsWith("RESCHEDULING")),
        "an elastic group above its minimum never reschedules: " + seen);
    assertTrue(seen.stream().allMatch(s -> s.equals("CREATED:4") || s.equals("CREATED:3")),
        "only 4 and 3, created: " + seen);
    assertEquals("CREATED:4", seen.get(seen.size() - 1),
        "it grows back to 4 on the node launched in place of the lost one: " + seen);
    Status s = c.status();
    assertTrue(s.text().contains("launching 2 one_cpu node(s)"), s.text());
  }

  /** SIGKILLs a launched node's JVM, and its launcher ({@code jray start --block}) if any. */
  private static void killLaunchedNode(LocalCluster c, long nodeJvmPid) throws Exception {
    ProcessHandle node = ProcessHandle.of(nodeJvmPid)
        .orElseThrow(() -> new AssertionError("no process " + nodeJvmPid));
    Optional<ProcessHandle> launcher = node.parent().filter(p -> {
      List<String> args = Arrays.asList(p.info().arguments().orElse(new String[0]));
      return args.contains("start") && args.contains("--block") && !args.contains("--head");
    });
    c.log("SIGKILL the launched node JVM " + nodeJvmPid
        + launcher.map(l -> " and its launcher " + l.pid()).orElse(""));
    node.destroyForcibly();
    launcher.ifPresent(ProcessHandle::destroyForcibly);
    node.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  @Order(2)
  void aDetachedGroupOutlivesItsJob() {
    LocalCluster c = CLUSTER.get();
    JvmResult created = c.runDriver(Duration.ofSeconds(120), List.of(), ElasticDriver.class,
        "detached-create");
    assertTrue(created.ok(), created.describe());
    String keptId = created.result("kept");

    JvmResult checked = c.runDriver(Duration.ofSeconds(120), List.of(), ElasticDriver.class,
        "detached-check");
    assertTrue(checked.ok(), checked.describe());
    assertEquals(keptId + " CREATED detached=true", checked.result("kept"), checked.describe());
    assertEquals("REMOVED", checked.result("dropped"), "a group that is not detached ends with"
        + " its job: " + checked.describe());
    assertEquals("REMOVED", checked.result("kept-after-remove"), checked.describe());
  }
}
