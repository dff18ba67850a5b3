package dev.jray.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jray stop}: ends the nodes started on this machine, gracefully then by force. A pid is
 * signalled only while it still runs the node recorded for it (see {@link NodeProcesses}).
 */
@Command(name = "stop", description = "Stop the jray nodes started on this machine.")
final class StopCommand implements Callable<Integer> {
  private static final long GRACE_SECONDS = 15;

  @Spec CommandSpec spec;

  @Option(names = "--force", description = "Kill at once (SIGKILL) instead of a graceful stop.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    // workers first, so the head sees them leave rather than the other way round
    List<NodeProcesses.Entry> nodes = NodeProcesses.list(out::println).stream()
        .sorted(Comparator.comparing((NodeProcesses.Entry e) -> "head".equals(e.role())))
        .toList();
    if (nodes.isEmpty()) {
      out.println("No jray nodes started on this machine are running.");
      out.flush();
      return 0;
    }
    int stopped = 0;
    for (NodeProcesses.Entry node : nodes) {
      // checked again just before the signal: the node may have ended since it was listed
      ProcessHandle p = NodeProcesses.process(node);
      if (p == null) {
        Files.deleteIfExists(node.file());
        out.println("The jray " + node.role() + " node (pid " + node.pid() + ") ended before it"
            + " was stopped; its record is removed.");
        continue;
      }
      if (force) {
        p.destroyForcibly();
      } else {
        p.destroy();
      }
      try {
        p.onExit().get(GRACE_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        out.println("jray " + node.role() + " node (pid " + node.pid() + ") did not stop in "
            + GRACE_SECONDS + " s: killing it");
        p.destroyForcibly();
        p.onExit().get(GRACE_SECONDS, TimeUnit.SECONDS);
      }
      Files.deleteIfExists(node.file());
      out.println("Stopped jray " + node.role() + " node (pid " + node.pid() + ").");
      stopped++;
    }
    out.println("Stopped " + stopped + " jray node(s).");
    out.flush();
    return 0;
  }
}
