package dev.jray.chaos;

import dev.jray.cluster.ChildJvm;
import dev.jray.cluster.JvmResult;
import dev.jray.cluster.LocalCluster;
import dev.jray.cluster.LocalNode;
import dev.jray.cluster.Status;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.cluster.GcsClient;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A cluster to break: a head and workers on 127.0.0.1, each a real JVM from {@code jray.jar}
 * with its pid, every one on a cluster port of its own (so any live one can be named to join
 * through, once the head is gone), and drivers in JVMs of their own running main classes of
 * these test sources ({@link ChaosDriver}). Faults: {@link #kill} (SIGKILL, several at once),
 * {@link #stop}/{@link #cont} (SIGSTOP/SIGCONT). Built on cli's {@link LocalCluster}, which owns
 * the processes, their logs ({@code target/chaos-logs/<name>/}) and their ending.
 *
 * <p>Threading: used by the test's thread; the port table is guarded by this.
 */
public final class ChaosCluster implements AutoCloseable {
  private static final Duration NODE_START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(60);

  private final LocalCluster local;
  /** Each node's cluster port by label, in start order. */
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  /** Nodes by label, in start order (a restarted head replaces its entry). */
  private final Map<String, LocalNode> nodes = new LinkedHashMap<>();
  private final AtomicInteger restarts = new AtomicInteger();

  public ChaosCluster(String name) {
    this.local = new LocalCluster(name);
  }

  /** The harness underneath: logs, the token file, CLI runs. */
  public LocalCluster local() {
    return local;
  }

  /**
   * Starts the head ({@code start --head --port <free> --num-cpus 2 [--resources json]}) and
   * waits until it is up.
   */
  public LocalNode startHead(String resourcesJson, String... extraArgs) {
    return startHead(List.of(), resourcesJson, extraArgs);
  }

  /** As above, the head's JVM started with {@code jvmOptions} (a fault-injection property, say). */
  public LocalNode startHead(List<String> jvmOptions, String resourcesJson, String... extraArgs) {
    int port = LocalCluster.freePort();
    List<String> args = new ArrayList<>(List.of("start", "--head", "--port", Integer.toString(port),
        "--dashboard-port", Integer.toString(LocalCluster.freePort()), "--num-cpus", "2"));
    addResources(args, resourcesJson);
    args.addAll(Arrays.asList(extraArgs));
    args.add("--block");
    return started("head", "head", port, args, jvmOptions);
  }

  /**
   * Starts the head again on its old port, as an operator would, with no member named: it
   * rejoins the cluster that still runs through the members it remembers (in the cluster's
   * {@code JRAY_HOME}); waits until it is up.
   */
  public LocalNode restartHead(String resourcesJson, String... extraArgs) {
    int port;
    synchronized (this) {
      port = ports.get("head");
    }
    List<String> args = new ArrayList<>(List.of("start", "--head", "--port", Integer.toString(port),
        "--dashboard-port", Integer.toString(LocalCluster.freePort()), "--num-cpus", "2"));
    addResources(args, resourcesJson);
    args.addAll(Arrays.asList(extraArgs));
    args.add("--block");
    return started("head", "head-restarted-" + restarts.incrementAndGet(), port, args, List.of());
  }

  /**
   * Starts one worker with {@code extraArgs} for {@code jray start} (say {@code
   * --object-store-memory}), joining through the live members; waits until it is up.
   */
  public LocalNode startWorker(String label, String resourcesJson, String... extraArgs) {
    int port = LocalCluster.freePort();
    List<String> args = new ArrayList<>(List.of("start", "--address", liveAddresses(), "--port",
        Integer.toString(port), "--num-cpus", "2"));
    addResources(args, resourcesJson);
    args.addAll(Arrays.asList(extraArgs));
    args.add("--block");
    LocalNode node = local.awaitUp(local.startNode(label, args, List.of()), NODE_START_TIMEOUT);
    synchronized (this) {
      ports.put(label, port);
      nodes.put(label, node);
    }
    return node;
  }

  /** Starts workers at once, each joining through the live members on a port of its own. */
  public List<LocalNode> startWorkers(String resourcesJson, String... labels) {
    String through = liveAddresses();
    List<ChildJvm> procs = new ArrayList<>();
    List<Integer> workerPorts = new ArrayList<>();
    for (String label : labels) {
      int port = LocalCluster.freePort();
      workerPorts.add(port);
      List<String> args = new ArrayList<>(List.of("start", "--address", through, "--port",
          Integer.toString(port), "--num-cpus", "2"));
      addResources(args, resourcesJson);
      args.add("--block");
      procs.add(local.startNode(label, args, List.of()));
    }
    List<LocalNode> up = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      LocalNode node = local.awaitUp(procs.get(i), NODE_START_TIMEOUT);
      synchronized (this) {
        ports.put(labels[i], workerPorts.get(i));
        nodes.put(labels[i], node);
      }
      up.add(node);
    }
    return up;
  }

  private LocalNode started(String label, String logLabel, int port, List<String> args,
      List<String> jvmOptions) {
    LocalNode node = local.awaitUp(local.startNode(logLabel, args, jvmOptions), NODE_START_TIMEOUT);
    synchronized (this) {
      ports.put(label, port);
      nodes.put(label, node);
    }
    return node;
  }

  private static void addResources(List<String> args, String resourcesJson) {
    if (resourcesJson != null) {
      args.add("--resources");
      args.add(resourcesJson);
    }
  }

  public synchronized LocalNode node(String label) {
    LocalNode n = nodes.get(label);
    if (n == null) {
      throw new IllegalArgumentException("no node " + label + " (have " + nodes.keySet() + ")");
    }
    return n;
  }

  /** The cluster address ({@code 127.0.0.1:port}) of one node. */
  public synchronized String address(String label) {
    node(label);
    return "127.0.0.1:" + ports.get(label);
  }

  /** The cluster addresses ({@code 127.0.0.1:port}) of the nodes still running, comma-separated. */
  public synchronized String liveAddresses() {
    List<String> live = new ArrayList<>();
    nodes.forEach((label, node) -> {
      if (node.isAlive()) {
        live.add("127.0.0.1:" + ports.get(label));
      }
    });
    if (live.isEmpty()) {
      throw new IllegalStateException("no node of the cluster runs");
    }
    return String.join(",", live);
  }

  // ---------------------------------------------------------------- faults

  /**
   * SIGKILLs the nodes at once (all signals first), then waits until every one is gone: the node
   * JVM that {@code jray start --block} hands over to, and the launcher.
   */
  public void kill(LocalNode... victims) {
    List<ProcessHandle> all = new ArrayList<>();
    for (LocalNode n : victims) {
      local.log("SIGKILL " + n);
      all.addAll(n.process().descendants().toList());
      all.add(n.process().toHandle());
    }
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("pid " + p.pid() + " still runs 30 s after SIGKILL", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for pid " + p.pid(), e);
      }
    }
  }

  /** SIGSTOP: the node freezes (no heartbeats, no answers) until {@link #cont}. */
  public void stop(LocalNode node) {
    signal(node.toString(), node.process(), node.pid(), "STOP");
  }

  /** SIGCONT: a stopped node runs on. */
  public void cont(LocalNode node) {
    signal(node.toString(), node.process(), node.pid(), "CONT");
  }

  /** SIGSTOP: a driver's JVM freezes until {@link #cont(ChildJvm)}. */
  public void stop(ChildJvm driver) {
    signal("driver " + driver.process().pid(), driver.process(), driver.process().pid(), "STOP");
  }

  /** SIGCONT: a stopped driver runs on. */
  public void cont(ChildJvm driver) {
    signal("driver " + driver.process().pid(), driver.process(), driver.process().pid(), "CONT");
  }

  /** Signals a JVM {@code pid} (and the descendants of its launcher {@code process}). */
  private void signal(String what, Process process, long pid, String signal) {
    local.log("SIG" + signal + " " + what);
    List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
    process.descendants().forEach(p -> cmd.add(Long.toString(p.pid())));
    cmd.add(Long.toString(pid));
    try {
      Process kill = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted signalling " + what, e);
    }
  }

  // ---------------------------------------------------------------- looking

  /** {@code jray status} through the live members; fails unless it exits with 0. */
  public Status status() {
    return local.status(liveAddresses());
  }

  /**
   * Runs {@code status} until {@code condition} holds or {@code timeout} passes; returns the last
   * status either way (check it with an assertion that shows it).
   */
  public Status awaitStatus(Predicate<Status> condition, Duration timeout) {
    Status[] last = new Status[1];
    Await.until(Time.SYSTEM, timeout, () -> condition.test(last[0] = status()));
    return last[0];
  }

  /**
   * The GCS read from outside as {@code status} reads it (a Hazelcast client through the live
   * members); close it when done.
   */
  public Gcs gcs() {
    return GcsClient.connect(liveAddresses(), ClusterToken.read(local.tokenFile()));
  }

  /** Starts a driver JVM running {@code mainClass}, joining through the live members. */
  public ChildJvm startDriver(Class<?> mainClass, String... args) {
    return local.startDriver(liveAddresses(), List.of("-Djray.namespace=chaos"), mainClass, args);
  }

  /** Runs a driver (see {@link #startDriver}) to its end. */
  public JvmResult runDriver(Duration timeout, Class<?> mainClass, String... args) {
    return startDriver(mainClass, args).await(timeout);
  }

  public void log(String message) {
    local.log(message);
  }

  public void dumpLogs(String why) {
    local.dumpLogs(why);
  }

  /** Ends every process the cluster started (SIGCONT first, so stopped ones can leave). */
  @Override
  public void close() {
    List<LocalNode> all;
    synchronized (this) {
      all = List.copyOf(nodes.values());
    }
    for (LocalNode n : all) {
      if (n.isAlive()) {
        try {
          cont(n);
        } catch (RuntimeException e) {
          local.log("SIGCONT " + n + " failed: " + e);
        }
      }
    }
    local.close();
  }
}
