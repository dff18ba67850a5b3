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
  private static final long STOP_GRACE_MS = 10_000;

  private final List<String> javaAndJar;
  /** Options of {@code jray start} every node gets (its token file, say). */
  private final List<String> startOptions;
  private final String address;
  private final Path logDirectory;
  private final LongSupplier clockMs;
  /** Guarded by this. */
  private final Map<String, Started> started = new LinkedHashMap<>();

  private record Started(Launched launched, Process process) {}

  /**
   * @param javaAndJar the command that runs jray's CLI, e.g. {@code java -jar jray.jar}
   * @param startOptions options of {@code jray start} every node gets, e.g. its token file
   * @param address the cluster address the nodes join ({@code host:port}, or several)
   * @param clockMs the autoscaler's clock, for launch times
   */
  public LocalNodeProvider(List<String> javaAndJar, List<String> startOptions, String address,
      Path logDirectory, LongSupplier clockMs) {
    this.javaAndJar = List.copyOf(javaAndJar);
    this.startOptions = List.copyOf(startOptions);
    this.address = Objects.requireNonNull(address, "address");
    this.logDirectory = Objects.requireNonNull(logDirectory, "logDirectory");
    this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
  }

  /** The command that starts a node of {@code type}: JVM options first, then jray's. */
  List<String> command(NodeType type) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaAndJar.get(0));
    cmd.addAll(type.jvmOptions());
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
      ProcessBuilder pb = new ProcessBuilder(command(type)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().put(NODE_ID_ENV, nodeId);
      Process p = pb.start();
      synchronized (this) {
        started.put(nodeId, new Started(new Launched(nodeId, type.name(), clockMs.getAsLong()), p));
      }
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
    if (s == null) {
      return;
    }
    s.process().destroy(); // SIGTERM: the node leaves the cluster gracefully
    try {
      if (!s.process().waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS)) {
        s.process().destroyForcibly();
      }
    } catch (InterruptedException e) {
      s.process().destroyForcibly();
      Thread.currentThread().interrupt();
    }
    LOG.info("removed the {} node {}", s.launched().type(), nodeId);
  }

  @Override
  public synchronized List<Launched> nodes() {
    started.values().removeIf(s -> !s.process().isAlive()); // died on its own: gone
    return started.values().stream().map(Started::launched).toList();
  }

  @Override
  public void close() {
    List<String> ids;
    synchronized (this) {
      ids = new ArrayList<>(started.keySet());
    }
    ids.forEach(this::terminate);
  }
}
