package dev.jray.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The rows of jray as a service: a Ray Client ({@code jray://}) running the member driver's
 * cross-node workloads on the same nodes, beside the member's figures; and the autoscaler's time
 * from a task no node can run to its result on the node launched for it (a head of its own, with
 * the local provider). Single-threaded use: the suite's thread, which blocks on the drivers.
 */
final class ServiceRows {
  private static final String MEMBER_DRIVER = "jray member driver";
  private final CrossNode cross;

  ServiceRows(CrossNode cross) {
    this.cross = cross;
  }

  /** Runs those of its rows {@code rows} holds, saying what runs to {@code progress}. */
  void run(CompletableFuture<CrossNode.Nodes> nodes, Map<RowSpec, Row> rows,
      Consumer<String> progress) {
    if (rows.keySet().stream().anyMatch(r -> r.byClient() || r == RowSpec.CLIENT_INIT)) {
      progress.accept("Ray Client rows: a client (jray://) running the member driver's workloads");
      runClientRows(nodes, rows);
    }
    if (rows.containsKey(RowSpec.LAUNCHED_FIRST_TASK)) {
      progress.accept("autoscaler row: a head of its own launches a node for a task");
      runLaunchRow(rows);
    }
  }

  /** Runs the Ray Client rows as a client of {@code starting}'s head. */
  private void runClientRows(CompletableFuture<CrossNode.Nodes> starting, Map<RowSpec, Row> rows) {
    List<RowSpec> wanted = rows.keySet().stream()
        .filter(r -> r.byClient() || r == RowSpec.CLIENT_INIT).toList();
    try {
      CrossNode.Nodes nodes = starting.get();
      ChildProcesses.Child d = runDriver("client-driver", "jray://127.0.0.1:" + nodes.clientPort(),
          List.of("--client", "--pin", CrossNode.PIN), wanted.stream().map(RowSpec::name).toList(),
          nodes.env());
      CrossNode.readRows(d, rows, wanted, true);
    } catch (Exception e) {
      wanted.forEach(r -> CrossNode.put(rows, r, Figure.failed(e)));
    }
    for (RowSpec r : wanted) {
      Row member = r.byClient() ? rows.get(r.workload()) : null;
      if (member != null) {
        rows.get(r).peers.add(new Row.Comparison(MEMBER_DRIVER, member.jray));
      }
    }
  }

  /**
   * Starts a head whose autoscaler may launch one node of a type with {@link
   * CrossNodeDriver#LAUNCHED}, and times a driver's first task that asks for it.
   */
  private void runLaunchRow(Map<RowSpec, Row> rows) {
    try {
      Path yaml = cross.workDir.resolve("autoscaler-cluster.yaml");
      Files.writeString(yaml, """
          cluster_name: bench-launch
          max_workers: 1
          idle_timeout_minutes: 5
          provider:
            type: local
          available_node_types:
            head:
              resources: {CPU: 1}
              max_workers: 0
            launched:
              resources: {CPU: 1, %s: 1}
              min_workers: 0
              max_workers: 1
              jvm_options: ["-Xmx1g"]
          head_node_type: head
          """.formatted(CrossNodeDriver.LAUNCHED));
      List<String> head = cross.jvm("launch-head", "1g");
      head.addAll(List.of("-jar", cross.workDir.resolve("jray.jar").toString(), "start", "--head",
          "--port", Integer.toString(ChildProcesses.freePort()), "--dashboard-port",
          Integer.toString(ChildProcesses.freePort()), "--ray-client-server-port",
          Integer.toString(ChildProcesses.freePort()),
          "--num-cpus", "1", "--autoscaling-config", yaml.toString(), "--block"));
      ChildProcesses.Child h = cross.children.start("launch-head", head);
      String address = ChildProcesses.awaitLine(h, CrossNode.UP_LINE,
          CrossNode.START_TIMEOUT_MS).group(3);
      ChildProcesses.Child d = runDriver("launch-driver", address,
          List.of("--pin", CrossNode.PIN), List.of(RowSpec.LAUNCHED_FIRST_TASK.name()), Map.of());
      CrossNode.readRows(d, rows, List.of(RowSpec.LAUNCHED_FIRST_TASK), true);
    } catch (Exception e) {
      CrossNode.put(rows, RowSpec.LAUNCHED_FIRST_TASK, Figure.failed(e));
    }
  }

  /** Runs {@link CrossNodeDriver} against {@code address} to its end. */
  private ChildProcesses.Child runDriver(String name, String address, List<String> flags,
      List<String> rowNames, Map<String, String> env) throws IOException, InterruptedException {
    List<String> driver = cross.jvm(name, "3g");
    driver.add("-Djray.address=" + address);
    driver.add("-Djray.job.code-search-path=" + cross.remoteClasses());
    driver.addAll(List.of("-cp", cross.benchClassPath(), CrossNodeDriver.class.getName()));
    driver.addAll(cross.settings.args());
    driver.addAll(flags);
    driver.addAll(rowNames);
    ChildProcesses.Child d = cross.children.start(name, driver, env);
    long timeoutMin = cross.settings.quick() ? 5 : 30;
    if (!d.process().waitFor(timeoutMin, TimeUnit.MINUTES)) {
      d.process().destroyForcibly();
      throw new IllegalStateException("the driver did not finish within " + timeoutMin
          + " min (log " + d.log() + ")");
    }
    return d;
  }
}
