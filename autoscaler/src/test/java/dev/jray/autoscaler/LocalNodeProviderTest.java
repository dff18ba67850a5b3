package dev.jray.autoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalNodeProviderTest {
  @Test
  void aNodeStartsAsItsTypeSays() {
    LocalNodeProvider p = new LocalNodeProvider(List.of("java", "-jar", "jray.jar"),
        List.of("--token-file", "t"), "127.0.0.1:6379", Path.of("logs"), () -> 0);
    NodeType t = new NodeType("gpu", Map.of("CPU", 2.0, "GPU", 1.0, "memory", 1e9,
        "acc\"x", 0.5), 0, 2, List.of("-Xmx512m"));
    assertEquals(List.of("java", "-Xmx512m", "-jar", "jray.jar", "start", "--address",
        "127.0.0.1:6379", "--block", "--token-file", "t", "--num-cpus", "2", "--num-gpus", "1", "--memory",
        "1000000000", "--resources", "{\"acc\\\"x\":0.5}"), p.command(t));
  }
}
