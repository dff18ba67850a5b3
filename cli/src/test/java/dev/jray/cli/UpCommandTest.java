package dev.jray.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jray up}/{@code down}: a bad cluster YAML is one line naming the key; the head's args. */
class UpCommandTest {
  @TempDir Path dir;

  private static final String YAML = """
      cluster_name: t
      provider: {type: local}
      available_node_types:
        head: {resources: {CPU: 2, GPU: 1, acc: 3}, max_workers: 0}
        w: {resources: {CPU: 1}, max_workers: 2}
      head_node_type: head
      """;

  private String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = JrayCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new String[] {Integer.toString(exit), err.toString().strip(), out.toString()};
  }

  @Test
  void aBadYamlIsOneLineNamingTheKeyAndStartsNothing() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), YAML.replace("CPU: 1}", "CPU: one}"));
    Path kube = Files.writeString(dir.resolve("kube.yaml"), YAML.replace("type: local",
        "type: kubernetes, image: jray:1, head_service: jray-head"));
    for (String[] args : List.of(new String[] {"up", bad.toString()},
        new String[] {"down", bad.toString()})) {
      String[] r = run(args);
      assertEquals("2", r[0], r[1]);
      assertEquals(1, r[1].lines().count(), r[1]);
      assertTrue(r[1].contains("available_node_types.w.resources.CPU: must be a non-negative"
          + " number, got 'one'"), r[1]);
      assertFalse(r[1].contains("Exception"), r[1]);
      assertEquals("", r[2]);
    }
    String[] r = run("up", kube.toString());
    assertTrue(r[1].contains("provider.type: 'kubernetes': jray up runs local clusters only; on"
        + " Kubernetes the head runs the autoscaler from the manifests' cluster YAML: kubectl apply"
        + " -f deploy/kubernetes/"), r[1]);
    r = run("down", kube.toString());
    assertTrue(r[1].contains("kubectl delete -f deploy/kubernetes/"), r[1]);
    r = run("up", dir.resolve("missing.yaml").toString());
    assertTrue(r[1].contains("missing.yaml: cannot be read"), r[1]);
  }

  @Test
  void theHeadStartsWithItsTypesResourcesAndTheAutoscaler() throws Exception {
    Path yaml = Files.writeString(dir.resolve("c.yaml"), YAML);
    UpCommand up = new UpCommand();
    up.config = yaml;
    up.port = 7000;
    assertEquals(List.of("start", "--head", "--port", "7000", "--autoscaling-config",
        yaml.toAbsolutePath().toString(), "--num-cpus", "2", "--num-gpus", "1", "--resources",
        "{\"acc\":3}"), up.startArgs(LeaderAutoscaler.read(yaml)));
  }
}
