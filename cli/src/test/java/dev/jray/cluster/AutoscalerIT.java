package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.AutoscaleDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The autoscaler with the local provider on a real cluster: a head (2 CPUs) started with {@code
 * --autoscaling-config}, whose YAML allows up to 3 one-CPU workers and none when idle. The
 * drivers' demand makes it launch nodes as separate JVMs, which join, run the work, and are
 * removed once idle.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 600)
class AutoscalerIT {
  private static final Duration SHRINK = Duration.ofSeconds(120);

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("AutoscalerIT", c -> {
    Path yaml = c.logDir().resolve("cluster.yaml");
    try {
      Files.writeString(yaml, """
          cluster_name: autoscaler-it
          max_workers: 3
          idle_timeout_minutes: 0.2
          provider:
            type: local
          available_node_types:
            head:
              resources: {CPU: 2}
              max_workers: 0
            one_cpu:
              resources: {CPU: 1}
              min_workers: 0
              max_workers: 3
              jvm_options: ["-Xmx512m"]
          head_node_type: head
          """);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    c.startHead(null, List.of("--autoscaling-config", yaml.toString()), "-Xmx1g");
  });

  private static Set<String> values(JvmResult r, String key) {
    return new HashSet<>(Arrays.asList(r.result(key).split(",")));
  }

  private static void awaitOnlyTheHead() {
    Status s = CLUSTER.get().awaitStatus(st -> st.active().size() == 1, SHRINK);
    assertEquals(1, s.active().size(), "idle workers were not removed:\n" + s);
    assertTrue(s.text().contains("removing the idle one_cpu node"), s.text());
  }

  @Test
  @Order(1)
  void aStrictSpreadGroupOfThreeOnOneNodeLaunchesTwoAndIsCreated() {
    JvmResult r = CLUSTER.get().runDriver(Duration.ofSeconds(300), List.of(),
        AutoscaleDriver.class, "spread", "3");
    assertTrue(r.ok(), r.describe());
    assertEquals(3, values(r, "spread-nodes").size(), r.describe());
    Status s = CLUSTER.get().status();
    assertTrue(s.text().contains("launching 2 one_cpu node(s)"), s.text());
    awaitOnlyTheHead();
  }

  @Test
  @Order(2)
  void fortyTasksGrowTheClusterToItsMaxThenItShrinksBack() throws Exception {
    LocalCluster c = CLUSTER.get();
    ChildJvm driver = c.startDriver(List.of(), AutoscaleDriver.class, "tasks", "40", "1500");
    AtomicBoolean sawPending = new AtomicBoolean();
    Status grown = c.awaitStatus(st -> {
      if (st.text().contains(": launching")) {
        sawPending.set(true);
      }
      return st.active().size() == 4;
    }, Duration.ofSeconds(180));
    assertEquals(4, grown.active().size(), "the head and max_workers 3:\n" + grown);
    assertTrue(sawPending.get(), "status never showed a launching node");
    JvmResult r = driver.await(Duration.ofSeconds(300));
    assertTrue(r.ok(), r.describe());
    assertEquals("40", r.result("ran"));
    assertTrue(values(r, "task-nodes").size() >= 2, "the launched nodes ran none: " + r.describe());
    Status after = c.status();
    assertTrue(after.active().size() <= 4, "never more than max_workers:\n" + after);
    awaitOnlyTheHead();
  }

  @Test
  @Order(3)
  void anInfeasibleDemandLaunchesNothingAndIsReported() throws Exception {
    LocalCluster c = CLUSTER.get();
    ChildJvm driver = c.startDriver(List.of(), AutoscaleDriver.class, "infeasible", "20000");
    driver.awaitLine("^WAITING$", Duration.ofSeconds(120));
    // a task's shape holds its default CPU too
    String line = "infeasible (no node type has it): {CPU=1.0, TPU=1.0}";
    Status s = c.awaitStatus(st -> st.text().contains(line), Duration.ofSeconds(60));
    assertTrue(s.text().contains(line), s.text());
    assertEquals(1, s.active().size(), "a node was launched for what none can run:\n" + s);
    assertFalse(s.text().contains(": launching"), s.text());
    driver.await(Duration.ofSeconds(120));
  }
}
