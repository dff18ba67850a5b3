package dev.jray.cluster;

import dev.jray.gcs.security.TokenSources;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A jray cluster on 127.0.0.1 made of child JVMs, each run from {@code target/jray.jar} the way a
 * user runs it ({@code java -jar jray.jar start ... --block}), plus drivers and CLI commands run
 * as further child JVMs.
 *
 * <p>Every process's output goes to its own file under {@code target/it-logs/<name>/}; waiting
 * is done by polling those files and processes against deadlines. Every JVM gets its own {@code
 * java.io.tmpdir} under that folder, so the nodes' pid files (which {@code jray stop} reads) and
 * code caches never mix with those of nodes a person started on this machine: a {@code jray
 * stop} here or there ends only its own. {@link #close()} ends every process this object started,
 * by its {@link Process} handle: gracefully first, then by SIGKILL.
 *
 * <p>Every JVM also gets {@code JRAY_HOME} under that folder and no token variables of the test's
 * own environment: the head writes the cluster token there ({@link #tokenFile()}), where its
 * workers, drivers and CLI calls find it, and no test touches {@code ~/.jray}.
 */
public final class LocalCluster implements AutoCloseable {
  /** The line a --block node prints once it is up. */
  static final Pattern UP_LINE = Pattern.compile(
      "jray (\\w+) node ([0-9a-fA-F]+) is up, cluster address (\\S+), resources (.*)");
  /** The line after a head's up line that gives its Jobs API's URL. */
  private static final Pattern JOBS_LINE = Pattern.compile("Jobs API: (https?://\\S+)");
  private static final Duration NODE_START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(20);

  private final String name;
  private final Path logDir;
  private final Path jar;
  private final Path testClasses;
  private final Path tmpDir;
  private final Path jrayHome;
  private final List<ChildJvm> processes = new ArrayList<>();
  private final Map<String, LocalNode> nodes = new LinkedHashMap<>();
  private final AtomicInteger counter = new AtomicInteger();
  private final Thread reaper;
  private LocalNode head;
  /** How many heads were started: each later one has a label and log of its own ({@code head-N}). */
  private final AtomicInteger headStarts = new AtomicInteger();
  private volatile boolean closed;

  /**
   * A cluster named {@code name}: logs go to {@code <it-logs>/<name>/}, emptied first. Its JVMs
   * run from a snapshot of {@code jray.jar} and {@code test-classes} taken here, so that a rebuild
   * of {@code target/} while they run (another build in the same tree) cannot pull classes from
   * under them.
   */
  public LocalCluster(String name) {
    this.name = name;
    this.logDir = ClusterFiles.itLogRoot().resolve(name);
    this.tmpDir = logDir.resolve("tmp");
    this.jrayHome = logDir.resolve("jray-home");
    try {
      ClusterFiles.deleteRecursively(logDir);
      Files.createDirectories(tmpDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path lib = logDir.resolve("lib");
    this.jar = ClusterFiles.snapshotJar(ClusterFiles.sourceJar(), lib.resolve("jray.jar"));
    this.testClasses = ClusterFiles.snapshotDir(ClusterFiles.sourceTestClasses(), lib.resolve("test-classes"));
    // If this JVM goes down without close() (a forked-JVM timeout ends it with SIGTERM), take the
    // children along rather than leave them running.
    reaper = new Thread(this::killAll, "local-cluster-reaper-" + name);
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  // ---------------------------------------------------------------- locations

  /** The jray.jar this cluster's JVMs run (a snapshot of target/jray.jar). */
  public Path jar() {
    return jar;
  }

  /** The class folder drivers put on their class path (a snapshot of target/test-classes). */
  public Path testClasses() {
    return testClasses;
  }

  static String java() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  public Path logDir() {
    return logDir;
  }

  /** The java.io.tmpdir every JVM of this cluster gets (pid files: {@code <it>/jray/nodes}). */
  public Path tmpDir() {
    return tmpDir;
  }

  /** The JRAY_HOME every JVM of this cluster gets. */
  public Path jrayHome() {
    return jrayHome;
  }

  /** The token file the head writes (and the others read) when none is given. */
  public Path tokenFile() {
    return jrayHome.resolve(TokenSources.DEFAULT_FILE_NAME);
  }

  /** A TCP port free on 127.0.0.1 right now. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- nodes

  /**
   * Starts the head ({@code start --head --port <free> --num-cpus 2 [--resources json] --block})
   * and waits until it is up.
   */
  public LocalNode startHead(String resourcesJson, String... jvmOptions) {
    return startHead(resourcesJson, List.of(), jvmOptions);
  }

  /**
   * As {@link #startHead(String, String...)}, with {@code extraArgs} for {@code start} (such as
   * {@code --job-queues}). Its Jobs API is at {@link #jobsAddress()}.
   */
  public LocalNode startHead(String resourcesJson, List<String> extraArgs, String... jvmOptions) {
    if (head != null) {
      throw new IllegalStateException("the head is already started");
    }
    int port = freePort();
    int dashboardPort = freePort();
    List<String> args = new ArrayList<>(List.of("start", "--head", "--port", Integer.toString(port),
        "--dashboard-port", Integer.toString(dashboardPort), "--num-cpus", "2"));
    if (resourcesJson != null) {
      args.add("--resources");
      args.add(resourcesJson);
    }
    args.addAll(extraArgs);
    args.add("--block");
    int start = headStarts.incrementAndGet();
    head = awaitUp(startNode(start == 1 ? "head" : "head-" + start, args, List.of(jvmOptions)),
        NODE_START_TIMEOUT);
    return head;
  }

  /** The URL of the head's Jobs REST API, as the head printed it ({@code https} with TLS). */
  public String jobsAddress() {
    Matcher m = JOBS_LINE.matcher(ChildJvm.read(head().log()));
    if (!m.find()) {
      throw new AssertionError("the head printed no Jobs API line:\n"
          + ChildJvm.tail(ChildJvm.read(head().log()), ChildJvm.LOG_TAIL_LINES));
    }
    return m.group(1);
  }

  /**
   * Stops every node gracefully (workers first, then the head; SIGKILL after the grace period) and
   * forgets them, so that a new head can start: the whole cluster down, this folder and its
   * {@code JRAY_HOME} kept.
   */
  public void stopAllNodes() {
    List<LocalNode> all;
    synchronized (this) {
      all = new ArrayList<>(nodes.values());
      all.sort(java.util.Comparator.comparing((LocalNode n) -> n.role().equals("head")));
    }
    for (LocalNode n : all) {
      log("stopping " + n);
      n.process().destroy();
      try {
        if (!n.process().waitFor(GRACEFUL_STOP.toSeconds(), TimeUnit.SECONDS)) {
          n.process().descendants().forEach(ProcessHandle::destroyForcibly);
          n.process().destroyForcibly();
          n.process().waitFor(30, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    synchronized (this) {
      nodes.clear();
      head = null;
    }
  }

  /** Starts a worker joining the head; use {@link #awaitUp} on the result. */
  public ChildJvm startWorkerAsync(String label, String resourcesJson, String... jvmOptions) {
    List<String> args = new ArrayList<>(List.of("start", "--address", headAddress(), "--num-cpus", "2"));
    if (resourcesJson != null) {
      args.add("--resources");
      args.add(resourcesJson);
    }
    args.add("--block");
    return startNode(label, args, List.of(jvmOptions));
  }

  /** Starts a worker and waits until it is up. */
  public LocalNode startWorker(String label, String resourcesJson, String... jvmOptions) {
    return awaitUp(startWorkerAsync(label, resourcesJson, jvmOptions), NODE_START_TIMEOUT);
  }

  /** Waits for a node's "is up" line; fails (with its log) if it exits first or the time runs out. */
  public LocalNode awaitUp(ChildJvm proc, Duration timeout) {
    Matcher m = proc.awaitLine(UP_LINE, timeout);
    LocalNode node = new LocalNode(proc.what(), proc, m.group(1), m.group(2).toLowerCase(), m.group(3), m.group(4));
    synchronized (this) {
      nodes.put(node.label(), node);
    }
    log("node " + node + " is up: " + m.group());
    return node;
  }

  /** Starts {@code java [jvmOptions] -jar jray.jar args} as a node; use {@link #awaitUp} on it. */
  public ChildJvm startNode(String label, List<String> args, List<String> jvmOptions) {
    List<String> cmd = jvm(jvmOptions);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(args);
    return launch(label, cmd, logDir.resolve(label + ".log"));
  }

  public LocalNode head() {
    if (head == null) {
      throw new IllegalStateException("no head started");
    }
    return head;
  }

  /** "127.0.0.1:PORT" of the head. */
  public String headAddress() {
    return head().address();
  }

  public synchronized LocalNode node(String label) {
    LocalNode n = nodes.get(label);
    if (n == null) {
      throw new IllegalArgumentException("no node " + label + " (have " + nodes.keySet() + ")");
    }
    return n;
  }

  public synchronized List<LocalNode> nodes() {
    return List.copyOf(nodes.values());
  }

  /**
   * SIGKILLs a node (destroyForcibly is SIGKILL on Linux) and waits until its processes are gone:
   * the node JVM {@code jray start --block} hands over to first, then that launcher. Killing the
   * launcher alone leaves the node JVM serving until it notices, which may take seconds (longer
   * while it writes its class archive on the way out).
   */
  public void kill(LocalNode node) {
    log("SIGKILL " + node);
    List<ProcessHandle> nodeJvms = node.process().descendants().toList();
    nodeJvms.forEach(ProcessHandle::destroyForcibly);
    node.process().destroyForcibly();
    try {
      for (ProcessHandle jvm : nodeJvms) {
        jvm.onExit().get(30, TimeUnit.SECONDS);
      }
      if (!node.process().waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(node + " still runs 30 s after SIGKILL");
      }
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the node JVM of " + node + " still runs 30 s after SIGKILL", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- drivers and CLI

  /**
   * Starts a driver: {@code java [jvmOptions] -Djray.address=<head> -cp jray.jar:test-classes
   * mainClass args}. The driver ships its test-classes folder to the nodes itself.
   */
  public ChildJvm startDriver(List<String> jvmOptions, Class<?> mainClass, String... args) {
    return startDriver(headAddress(), jvmOptions, mainClass, args);
  }

  /** As {@link #startDriver(List, Class, String...)}, joining through {@code address} (a list). */
  public ChildJvm startDriver(String address, List<String> jvmOptions, Class<?> mainClass,
      String... args) {
    List<String> cmd = jvm(jvmOptions);
    cmd.add("-Djray.address=" + address);
    cmd.add("-cp");
    cmd.add(jar + java.io.File.pathSeparator + testClasses);
    cmd.add(mainClass.getName());
    cmd.addAll(Arrays.asList(args));
    String label = String.format("driver-%02d-%s", counter.incrementAndGet(), mainClass.getSimpleName());
    return launch(label, cmd, logDir.resolve(label + ".log"));
  }

  /** Runs a driver to its end (see {@link #startDriver}). */
  public JvmResult runDriver(Duration timeout, List<String> jvmOptions, Class<?> mainClass, String... args) {
    return startDriver(jvmOptions, mainClass, args).await(timeout);
  }

  /** Runs {@code java [jvmOptions] -jar jray.jar args} to its end. */
  public JvmResult cli(Duration timeout, List<String> jvmOptions, String... args) {
    List<String> cmd = jvm(jvmOptions);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(Arrays.asList(args));
    String label = String.format("cli-%02d-%s", counter.incrementAndGet(), args.length > 0 ? args[0] : "help");
    return launch(label, cmd, logDir.resolve(label + ".log")).await(timeout);
  }

  /** Runs {@code jray status --address <head>}; fails unless it exits with 0. */
  public Status status() {
    return status(headAddress());
  }

  /** Runs {@code jray status --address <address>} (one member or a list); fails unless it exits with 0. */
  public Status status(String address) {
    JvmResult r = cli(Duration.ofSeconds(60), List.of(), "status", "--address", address);
    if (!r.ok()) {
      throw new AssertionError("status failed: " + r.describe());
    }
    return Status.parse(r.output());
  }

  /**
   * Runs {@code status} until {@code condition} holds or {@code timeout} passes; returns the
   * last status either way (check it with an assertion that shows it).
   */
  public Status awaitStatus(Predicate<Status> condition, Duration timeout) {
    Status[] last = new Status[1];
    Await.until(Time.SYSTEM, timeout, () -> condition.test(last[0] = status()));
    return last[0];
  }

  /**
   * As {@link #awaitStatus(Predicate, Duration)}, asking through {@code address}; a status that
   * fails (the members still settling after a death) counts as not yet.
   */
  public Status awaitStatus(String address, Predicate<Status> condition, Duration timeout) {
    Status[] last = new Status[1];
    Await.until(Time.SYSTEM, timeout, () -> {
      try {
        return condition.test(last[0] = status(address));
      } catch (AssertionError notAnswering) {
        return false;
      }
    });
    return last[0];
  }


  // ---------------------------------------------------------------- processes

  private List<String> jvm(List<String> jvmOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add("-Dhazelcast.phone.home.enabled=false");
    cmd.add("-Djava.io.tmpdir=" + tmpDir);
    // nodes run from a cached copy of the jar: one cache per IT log root, so that jray versions
    // other trees on this machine start meanwhile never prune the copy a node here runs from
    cmd.add("-Djray.cache-dir=" + ClusterFiles.itLogRoot().resolve("node-cache"));
    cmd.addAll(jvmOptions);
    return cmd;
  }

  /** Starts {@code cmd} with stdout and stderr going to {@code log}, stdin from /dev/null. */
  ChildJvm launch(String what, List<String> cmd, Path log) {
    if (closed) {
      throw new IllegalStateException("cluster " + name + " is closed");
    }
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, "");
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .directory(logDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().put(TokenSources.HOME_ENV, jrayHome.toString());
      pb.environment().remove(TokenSources.TOKEN_ENV);
      pb.environment().remove(TokenSources.TOKEN_FILE_ENV);
      Process p = pb.start();
      ChildJvm proc = new ChildJvm(what, p, log, this::log);
      synchronized (this) {
        processes.add(proc);
      }
      log("started " + what + " (pid " + p.pid() + "): " + String.join(" ", cmd));
      return proc;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + what + ": " + cmd, e);
    }
  }

  /** Prints the tail of every log of this cluster, for a failing test. */
  public void dumpLogs(String why) {
    StringBuilder sb = new StringBuilder();
    sb.append("\n======== ").append(name).append(": ").append(why).append(": logs (").append(logDir).append(") ========\n");
    List<ChildJvm> all;
    synchronized (this) {
      all = List.copyOf(processes);
    }
    for (ChildJvm p : all) {
      String state = p.process().isAlive() ? "running" : "exited " + p.process().exitValue();
      sb.append("-------- ").append(p.what()).append(" (pid ").append(p.process().pid()).append(", ")
          .append(state).append(") ").append(p.log()).append(" --------\n");
      sb.append(ChildJvm.tail(ChildJvm.read(p.log()), ChildJvm.LOG_TAIL_LINES)).append('\n');
    }
    sb.append("======== end of ").append(name).append(" logs ========\n");
    System.out.println(sb);
    System.out.flush();
  }

  /**
   * Stops every process this cluster started, whatever state the test left it in: SIGTERM to all
   * (nodes leave the cluster), then SIGKILL to what is still running after a grace period.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<ChildJvm> all;
    synchronized (this) {
      all = new ArrayList<>(processes);
    }
    for (ChildJvm p : all) {
      if (p.process().isAlive()) {
        p.process().destroy();
      }
    }
    long deadline = System.nanoTime() + GRACEFUL_STOP.toNanos();
    for (ChildJvm p : all) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!p.process().waitFor(left, TimeUnit.NANOSECONDS)) {
          log(p.what() + " (pid " + p.process().pid() + ") did not stop within " + GRACEFUL_STOP.toSeconds()
              + " s of SIGTERM: SIGKILL");
          p.process().descendants().forEach(ProcessHandle::destroyForcibly);
          p.process().destroyForcibly();
          p.process().waitFor(30, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        killAll();
        break;
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    log("closed");
  }

  private void killAll() {
    List<ChildJvm> all;
    synchronized (this) {
      all = new ArrayList<>(processes);
    }
    for (ChildJvm p : all) {
      if (p.process().isAlive()) {
        p.process().descendants().forEach(ProcessHandle::destroyForcibly);
        p.process().destroyForcibly();
      }
    }
  }


  public void log(String message) {
    System.out.println("[" + java.time.LocalTime.now() + " " + name + "] " + message);
  }
}
