package dev.jray.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jray stop}: ends the nodes started on this machine, gracefully then by force. */
@Command(name = "stop", description = "Stop the jray nodes started on this machine.")
final class StopCommand implements Callable<Integer> {
  private static final long GRACE_SECONDS = 15;

  @Option(names = "--force", description = "Kill at once (SIGKILL) instead of a graceful stop.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    List<NodeProcesses.Entry> nodes = NodeProcesses.list();
    if (nodes.isEmpty()) {
      System.out.println("No jray nodes started on this machine are running.");
      return 0;
    }
    // workers first, so the head sees them leave rather than the other way round
    nodes = nodes.stream().sorted((a, b) -> Boolean.compare("head".equals(a.role()), "head".equals(b.role()))).toList();
    int stopped = 0;
    for (NodeProcesses.Entry node : nodes) {
      ProcessHandle p = ProcessHandle.of(node.pid()).orElse(null);
      if (p == null) {
        continue;
      }
      if (force) {
        p.destroyForcibly();
      } else {
        p.destroy();
      }
      try {
        p.onExit().get(GRACE_SECONDS, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        System.out.println("jray " + node.role() + " node (pid " + node.pid() + ") did not stop in "
            + GRACE_SECONDS + " s: killing it");
        p.destroyForcibly();
        p.onExit().get(GRACE_SECONDS, TimeUnit.SECONDS);
      }
      java.nio.file.Files.deleteIfExists(node.file());
      System.out.println("Stopped jray " + node.role() + " node (pid " + node.pid() + ").");
      stopped++;
    }
    System.out.println("Stopped " + stopped + " jray node(s).");
    return 0;
  }
}
