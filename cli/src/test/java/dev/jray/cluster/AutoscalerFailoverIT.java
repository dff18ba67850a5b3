package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.AutoscaleDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The autoscaler outlives its head: a head with {@code --autoscaling-config} (a "scaled" node type
 * with a resource only it has) and a worker started by hand. A task that needs the resource gets a
 * node launched; the head's JVMs are SIGKILLed (not the launched node); the worker, now leading,
 * runs the autoscaler from the config the head published: it adopts the launched node and removes
 * it once idle, and launches a new one for the next such task.
 */
@Timeout(value = 420)
class AutoscalerFailoverIT {
  private static final String RESOURCE = "scaled_only";
  /** worker1's own cluster port: status and the second driver go through it once the head died. */
  private static final int WORKER_PORT = LocalCluster.freePort();
  private static final String WORKER_ADDRESS = "127.0.0.1:" + WORKER_PORT;

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("AutoscalerFailoverIT", c -> {
    Path yaml = c.logDir().resolve("cluster.yaml");
    try {
      Files.writeString(yaml, """
          cluster_name: failover-it
          max_workers: 1
          idle_timeout_minutes: 0.2
          provider:
            type: local
          available_node_types:
            head:
              resources: {CPU: 1}
              max_workers: 0
            scaled:
              resources: {CPU: 1, %s: 1}
              min_workers: 0
              max_workers: 1
              jvm_options: ["-Xmx512m"]
          head_node_type: head
          """.formatted(RESOURCE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    c.startHead(null, List.of("--autoscaling-config", yaml.toString()), "-Xmx1g");
    c.awaitUp(c.startNode("worker1", List.of("start", "--address", c.headAddress(), "--port",
        Integer.toString(WORKER_PORT), "--num-cpus", "2", "--block"), List.of("-Xmx1g")),
        Duration.ofSeconds(120));
  });

  @Test
  void theNextLeaderAdoptsTheLaunchedNodeAndLaunchesAgain() throws Exception {
    try {
      adoptAndLaunchAgain();
    } finally {
      // the launched nodes are the autoscaler's, not the cluster's: none may outlive the test
      ProcessHandle.current().descendants()
          .filter(p -> p.info().commandLine().orElse("").contains("jray.autoscaler.node-id"))
          .forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
          });
    }
  }

  private void adoptAndLaunchAgain() throws Exception {
    LocalCluster c = CLUSTER.get();
    LocalNode worker = c.node("worker1");
    JvmResult first = c.runDriver(Duration.ofSeconds(300), List.of(), AutoscaleDriver.class,
        "needs", RESOURCE);
    assertTrue(first.ok(), first.describe());
    String launched = first.result("node");
    assertNotEquals(worker.nodeId(), launched);
    assertNotEquals(c.head().nodeId(), launched);

    // the head's launcher and node JVM die; the node it launched (their descendant) lives on
    LocalNode head = c.head();
    List<ProcessHandle> headJvms = head.process().children().toList();
    headJvms.forEach(ProcessHandle::destroyForcibly);
    head.process().destroyForcibly();
    for (ProcessHandle jvm : headJvms) {
      jvm.onExit().get();
    }
    head.process().waitFor();

    // (the pass writes its decisions once the node it removes has stopped)
    Status adopted = c.awaitStatus(WORKER_ADDRESS, st -> !st.isActive(head.nodeId())
        && !st.isActive(launched) && st.text().contains("removing the idle scaled node"),
        Duration.ofSeconds(150));
    assertTrue(adopted != null, "status never answered through " + WORKER_ADDRESS);
    assertFalse(adopted.isActive(launched),
        "the new leader did not remove the idle launched node:\n" + adopted);
    assertTrue(adopted.text().contains("removing the idle scaled node"), adopted.text());

    JvmResult second = c.startDriver(WORKER_ADDRESS, List.of(), AutoscaleDriver.class,
        "needs", RESOURCE).await(Duration.ofSeconds(300));
    assertTrue(second.ok(), second.describe());
    String relaunched = second.result("node");
    assertNotEquals(launched, relaunched);
    assertNotEquals(worker.nodeId(), relaunched);
    assertEquals(2, c.status(WORKER_ADDRESS).active().size(),
        "the worker and the node launched for the task:\n" + c.status(WORKER_ADDRESS));
  }
}
