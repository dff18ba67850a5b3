package dev.jray.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jray down cluster.yaml}, as Ray's {@code ray down}: tears down the cluster {@code jray
 * up} started here: its workers, then its head (whose autoscaler's nodes are this machine's
 * processes with the local provider), as {@code jray stop} does.
 */
@Command(name = "down", description = "Tear down the cluster jray up started from this cluster"
    + " YAML: its nodes on this machine stop.")
final class DownCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CLUSTER_YAML", description = "The cluster YAML.")
  Path config;

  @Override
  public Integer call() {
    try {
      LeaderAutoscaler.readLocal(config, "down"); // a wrong file is named before anything stops
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    return JrayCommand.commandLine().execute("stop");
  }
}
