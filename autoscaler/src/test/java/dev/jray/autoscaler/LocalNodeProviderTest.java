package dev.jray.autoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.InMemoryGcs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LocalNodeProviderTest {
  private static final String ID = "ab".repeat(28);

  @Test
  void aNodeStartsAsItsTypeSays() {
    LocalNodeProvider p = new LocalNodeProvider(List.of("java", "-jar", "jray.jar"),
        List.of("--token-file", "t"), "127.0.0.1:6379", Path.of("logs"), () -> 0,
        new LaunchedNodes(new InMemoryGcs()), "here");
    NodeType t = new NodeType("gpu", Map.of("CPU", 2.0, "GPU", 1.0, "memory", 1e9,
        "acc\"x", 0.5), 0, 2, List.of("-Xmx512m"));
    assertEquals(List.of("java", "-Xmx512m", "-Djray.autoscaler.node-id=" + ID, "-jar",
        "jray.jar", "start", "--address", "127.0.0.1:6379", "--block", "--token-file", "t",
        "--num-cpus", "2", "--num-gpus", "1", "--memory", "1000000000", "--resources",
        "{\"acc\\\"x\":0.5}"), p.command(t, ID));
  }

  @Test
  void theNextLeadersProviderAdoptsTheNodesAnotherLaunchedAndForgetsDeadOnes() throws Exception {
    InMemoryGcs gcs = new InMemoryGcs();
    LaunchedNodes registry = new LaunchedNodes(gcs);
    // a node launched by a provider that is gone: a process whose command line names its id
    Process node = new ProcessBuilder("sh", "-c", "sleep 600; : " + ID).start();
    try {
      registry.add(new LaunchedNodes.Entry(ID, "cpu", 7, node.pid(), "here"));
      registry.add(new LaunchedNodes.Entry("cd".repeat(28), "cpu", 8, Integer.MAX_VALUE - 1,
          "here")); // its process is gone
      registry.add(new LaunchedNodes.Entry("ef".repeat(28), "cpu", 9, 1, "elsewhere"));
      LocalNodeProvider next = new LocalNodeProvider(List.of("java", "-jar", "jray.jar"),
          List.of(), "127.0.0.1:6379", Path.of("logs"), () -> 0, registry, "here");
      assertEquals(List.of(new NodeProvider.Launched(ID, "cpu", 7),
          new NodeProvider.Launched("ef".repeat(28), "cpu", 9)), next.nodes());
      assertEquals(2, registry.all().size(), "the dead node is still recorded");
      next.terminate(ID);
      assertTrue(node.waitFor(20, TimeUnit.SECONDS), "the adopted node's process still runs");
      assertEquals(List.of("ef".repeat(28)),
          registry.all().stream().map(LaunchedNodes.Entry::nodeId).toList());
    } finally {
      node.destroyForcibly();
    }
    assertFalse(node.isAlive());
  }
}
