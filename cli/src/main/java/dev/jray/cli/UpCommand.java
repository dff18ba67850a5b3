package dev.jray.cli;

import dev.jray.autoscaler.AutoscalerStatus;
import dev.jray.autoscaler.ClusterSpec;
import dev.jray.autoscaler.NodeType;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.cluster.GcsClient;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.time.Time;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jray up cluster.yaml}, as Ray's {@code ray up}: starts the YAML's head on this machine
 * (in the background, with its head type's resources) running the autoscaler, then shows the
 * worker nodes coming up until each type has its {@code min_workers}.
 */
@Command(name = "up", description = "Start a cluster from a cluster YAML (Ray's keys): its head"
    + " here, running the autoscaler that launches and removes its worker nodes.")
final class UpCommand implements Callable<Integer> {
  private static final long MIN_WORKERS_WAIT_MS = 180_000;

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CLUSTER_YAML", description = "The cluster YAML.")
  Path config;

  @Option(names = "--port", defaultValue = "6379", converter = OptionValues.Port.class,
      description = "The head's cluster port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--no-wait", description = "Return once the head is up, without waiting for"
      + " min_workers.")
  boolean noWait;

  @Override
  public Integer call() throws Exception {
    ClusterSpec cluster;
    try {
      cluster = LeaderAutoscaler.readLocal(config, "up");
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    int started = JrayCommand.commandLine().execute(startArgs(cluster).toArray(String[]::new));
    if (started != 0 || noWait) {
      return started;
    }
    int wanted = cluster.nodeTypes().values().stream()
        .filter(t -> !t.name().equals(cluster.headNodeType()))
        .mapToInt(NodeType::minWorkers).sum();
    String address = "127.0.0.1:" + port;
    ClusterToken token = CommandTokens.forMember(null).token();
    try (Gcs gcs = GcsClient.connect(address, token)) {
      long deadline = System.currentTimeMillis() + MIN_WORKERS_WAIT_MS;
      String last = "";
      while (true) {
        long workers = gcs.nodes().snapshot().values().stream().filter(UpCommand::isWorker)
            .count();
        byte[] s = gcs.kv().get(AutoscalerStatus.KEY);
        int launching = s == null ? 0 : AutoscalerStatus.fromBytes(s).pending().size();
        String line = "Cluster " + cluster.clusterName() + ": " + workers + " of " + wanted
            + " min_workers up, " + launching + " launching";
        if (!line.equals(last)) {
          System.out.println(line);
          last = line;
        }
        if (workers >= wanted) {
          System.out.println("Cluster " + cluster.clusterName() + " is up at " + address
              + " (jray status; jray down " + config + ")");
          return 0;
        }
        if (System.currentTimeMillis() > deadline) {
          System.err.println("jray up: " + (wanted - workers) + " min_workers node(s) did not join"
              + " within " + MIN_WORKERS_WAIT_MS / 1000 + " s: see jray status and the head's log");
          return 1;
        }
        Time.SYSTEM.park(1_000_000_000L); // a line a second: progress, not a poll for speed
      }
    }
  }

  /** {@code jray start --head} with the head type's resources and the YAML as its autoscaler's. */
  List<String> startArgs(ClusterSpec cluster) {
    List<String> args = new ArrayList<>(List.of("start", "--head", "--port", Integer.toString(port),
        "--autoscaling-config", config.toAbsolutePath().toString()));
    args.addAll(cluster.nodeTypes().get(cluster.headNodeType()).startOptions());
    return args;
  }

  private static boolean isWorker(NodeRecord n) {
    return n.alive() && n.runsTasks() && !"head".equals(n.role());
  }
}
