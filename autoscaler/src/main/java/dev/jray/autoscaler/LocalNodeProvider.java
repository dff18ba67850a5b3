package dev.jray.autoscaler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes as processes on this machine (the {@code local} provider): each a {@code jray start
 * --block} of this jar joining the cluster's address, with its type's resources and JVM options,
 * its output in a log file of its own. What the tests and a one-machine cluster use.
 *
 * <p>Threading: thread-safe (its map is guarded by this).
 */
public final class LocalNodeProvider implements NodeProvider {
  private static final Logger LOG = LoggerFactory.getLogger(LocalNodeProvider.class);
  /** Environment variable naming the node id a node started by a provider joins under. */
  public static final String NODE_ID_ENV = "JRAY_NODE_ID";
  /** A launched node's JVM carries its id in its command line too, to be told from a reused pid. */
  static final String NODE_ID_PROPERTY = "jray.autoscaler.node-id";
  private static final long STOP_GRACE_MS = 10_000;

  private final List<String> javaAndJar;
  /** Options of {@code jray start} every node gets (its token file, say). */
  private final List<String> startOptions;
  private final String address;
  private final Path logDirectory;
  private final LongSupplier clockMs;
  /** Where every launch is recorded, so that the next leader's autoscaler adopts the nodes. */
  private final LaunchedNodes registry;
  /** This machine, as the registry names it: processes are stopped only where they run. */
  private final String host;
  /** Guarded by this. */
  private final Map<String, Started> started = new LinkedHashMap<>();

  private record Started(Launched launched, Process process) {}

  /**
   * @param javaAndJar the command that runs jray's CLI, e.g. {@code java -jar jray.jar}
   * @param startOptions options of {@code jray start} every node gets, e.g. its token file
   * @param address the cluster address the nodes join ({@code host:port}, or several)
   * @param clockMs the autoscaler's clock, for launch times
   * @param registry the cluster's record of launched nodes
   * @param host this machine's name in that record
   */
  public LocalNodeProvider(List<String> javaAndJar, List<String> startOptions, String address,
      Path logDirectory, LongSupplier clockMs, LaunchedNodes registry, String host) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.host = Objects.requireNonNull(host, "host");
    this.javaAndJar = List.copyOf(javaAndJar);
    this.startOptions = List.copyOf(startOptions);
    this.address = Objects.requireNonNull(address, "address");
    this.logDirectory = Objects.requireNonNull(logDirectory, "logDirectory");
    this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
  }

  /** The command that starts a node of {@code type}: JVM options first, then jray's. */
  List<String> command(NodeType type, String nodeId) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaAndJar.get(0));
    cmd.addAll(type.jvmOptions());
    cmd.add("-D" + NODE_ID_PROPERTY + "=" + nodeId);
    cmd.addAll(javaAndJar.subList(1, javaAndJar.size()));
    cmd.addAll(List.of("start", "--address", address, "--block"));
    cmd.addAll(startOptions);
    cmd.addAll(type.startOptions());
    return cmd;
  }

  @Override
  public String create(NodeType type) {
    String nodeId = newNodeId();
    try {
      Files.createDirectories(logDirectory);
      Path log = logDirectory.resolve("autoscaled-" + type.name() + "-" + nodeId.substring(0, 12)
          + ".log");
      ProcessBuilder pb = new ProcessBuilder(command(type, nodeId)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().put(NODE_ID_ENV, nodeId);
      Process p = pb.start();
      long now = clockMs.getAsLong();
      synchronized (this) {
        started.put(nodeId, new Started(new Launched(nodeId, type.name(), now), p));
      }
      registry.add(new LaunchedNodes.Entry(nodeId, type.name(), now, p.pid(), host));
      LOG.info("launched a {} node {} (pid {}, log {})", type.name(), nodeId, p.pid(), log);
      return nodeId;
    } catch (IOException e) {
      throw new IllegalStateException("could not start a " + type.name() + " node: " + e, e);
    }
  }

  /** A node id as jray's: 28 random bytes in hex. */
  private static String newNodeId() {
    StringBuilder hex = new StringBuilder(56);
    while (hex.length() < 56) {
      hex.append(UUID.randomUUID().toString().replace("-", ""));
    }
    return hex.substring(0, 56);
  }

  @Override
  public void terminate(String nodeId) {
    Started s;
    synchronized (this) {
      s = started.remove(nodeId);
    }
    ProcessHandle process = s != null ? s.process().toHandle() : adopted(nodeId);
    if (process != null) {
      process.destroy(); // SIGTERM: the node leaves the cluster gracefully
      try {
        process.onExit().get(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        process.destroyForcibly();
      }
    }
    registry.remove(nodeId);
    LOG.info("removed the launched node {}", nodeId);
  }

  /** The process of a node another member launched on this machine, if it still runs. */
  private ProcessHandle adopted(String nodeId) {
    return registry.all().stream()
        .filter(e -> e.nodeId().equals(nodeId) && e.host().equals(host))
        .findFirst().flatMap(e -> ProcessHandle.of(e.pid()))
        .filter(p -> p.isAlive() && p.info().commandLine().map(c -> c.contains(nodeId))
            .orElse(true))
        .orElse(null);
  }

  /**
   * Every node the cluster's autoscalers launched and did not remove, this one's or another's
   * before it led; those whose process on this machine is gone are forgotten.
   */
  @Override
  public List<Launched> nodes() {
    List<Launched> out = new ArrayList<>();
    for (LaunchedNodes.Entry e : registry.all()) {
      Started mine;
      synchronized (this) {
        mine = started.get(e.nodeId());
      }
      boolean alive = mine != null ? mine.process().isAlive()
          : !e.host().equals(host) || adopted(e.nodeId()) != null;
      if (alive) {
        out.add(e.launched());
      } else {
        synchronized (this) {
          started.remove(e.nodeId());
        }
        registry.remove(e.nodeId()); // died on its own: gone
      }
    }
    return out;
  }

  /** Removes every node launched on this machine (the head that runs them stops). */
  @Override
  public void close() {
    registry.all().stream().filter(e -> e.host().equals(host))
        .forEach(e -> terminate(e.nodeId()));
  }
}
