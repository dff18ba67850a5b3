package dev.jray.cluster;

import dev.jray.gcs.security.TokenSources;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
  private static final Duration NODE_START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(20);
  /** How long a snapshot of the jar or the test classes waits for a rebuild to end. */
  private static final Duration SNAPSHOT_WAIT = Duration.ofSeconds(120);
  private static final int LOG_TAIL_LINES = 80;

  private final String name;
  private final Path logDir;
  private final Path jar;
  private final Path testClasses;
  private final Path tmpDir;
  private final Path jrayHome;
  private final List<Proc> processes = new ArrayList<>();
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final AtomicInteger counter = new AtomicInteger();
  private final Thread reaper;
  private Node head;
  private int dashboardPort;
  /** How many heads were started: each later one has a label and log of its own ({@code head-N}). */
  private final AtomicInteger headStarts = new AtomicInteger();
  private volatile boolean closed;

  /** A node of this cluster. */
  public static final class Node {
    private final String label;
    private final Proc proc;
    private final String role;
    private final String nodeId;
    private final String address;
    private final String resources;

    Node(String label, Proc proc, String role, String nodeId, String address, String resources) {
      this.label = label;
      this.proc = proc;
      this.role = role;
      this.nodeId = nodeId;
      this.address = address;
      this.resources = resources;
    }

    public String label() {
      return label;
    }

    /** The node id in hex, as {@code getCurrentNodeId().toHex()} gives it in tasks. */
    public String nodeId() {
      return nodeId;
    }

    public String role() {
      return role;
    }

    /** The cluster address the node printed (the head's address, for every node). */
    public String address() {
      return address;
    }

    public String resources() {
      return resources;
    }

    public Process process() {
      return proc.process;
    }

    public Path log() {
      return proc.log;
    }

    public long pid() {
      return proc.process.pid();
    }

    public boolean isAlive() {
      return proc.process.isAlive();
    }

    @Override
    public String toString() {
      return label + "(" + role + " " + nodeId + ", pid " + pid() + ")";
    }
  }

  /** A finished child JVM: its exit code and everything it printed (stdout and stderr). */
  public record Result(String what, int exitCode, String output, Path log) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** The values of lines {@code RESULT key=value}, in order (a key given twice keeps the last). */
    public Map<String, String> results() {
      Map<String, String> r = new LinkedHashMap<>();
      for (String line : output.split("\\R")) {
        Matcher m = Pattern.compile("^RESULT ([\\w.-]+)=(.*)$").matcher(line.trim());
        if (m.matches()) {
          r.put(m.group(1), m.group(2));
        }
      }
      return r;
    }

    public String result(String key) {
      String v = results().get(key);
      if (v == null) {
        throw new AssertionError(what + " printed no RESULT " + key + "; exit code " + exitCode
            + ", output:\n" + tail(output, LOG_TAIL_LINES));
      }
      return v;
    }

    /** A description for assertion messages. */
    public String describe() {
      return what + " exited with " + exitCode + " (log " + log + "), output:\n" + tail(output, LOG_TAIL_LINES);
    }
  }

  /** A child JVM still running: a driver that the test talks to while it runs. */
  public final class Running {
    private final Proc proc;

    Running(Proc proc) {
      this.proc = proc;
    }

    public Process process() {
      return proc.process;
    }

    public String output() {
      return read(proc.log);
    }

    /** Waits until the output has a line matching {@code regex} (found anywhere in the line). */
    public Matcher awaitLine(String regex, Duration timeout) {
      return LocalCluster.this.awaitLine(proc, Pattern.compile(regex), timeout);
    }

    /** Waits for the exit; on timeout takes a thread dump into the log, kills it and fails. */
    public Result await(Duration timeout) {
      return LocalCluster.this.await(proc, timeout);
    }
  }

  /** One child process with its log. */
  public static final class Proc {
    final String what;
    final Process process;
    final Path log;

    Proc(String what, Process process, Path log) {
      this.what = what;
      this.process = process;
      this.log = log;
    }
  }

  /**
   * A cluster named {@code name}: logs go to {@code <it-logs>/<name>/}, emptied first. Its JVMs
   * run from a snapshot of {@code jray.jar} and {@code test-classes} taken here, so that a rebuild
   * of {@code target/} while they run (another build in the same tree) cannot pull classes from
   * under them.
   */
  public LocalCluster(String name) {
    this.name = name;
    this.logDir = itLogRoot().resolve(name);
    this.tmpDir = logDir.resolve("tmp");
    this.jrayHome = logDir.resolve("jray-home");
    try {
      deleteRecursively(logDir);
      Files.createDirectories(tmpDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path lib = logDir.resolve("lib");
    this.jar = snapshotJar(sourceJar(), lib.resolve("jray.jar"));
    this.testClasses = snapshotDir(sourceTestClasses(), lib.resolve("test-classes"));
    // If this JVM goes down without close() (a forked-JVM timeout ends it with SIGTERM), take the
    // children along rather than leave them running.
    reaper = new Thread(this::killAll, "local-cluster-reaper-" + name);
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  // ---------------------------------------------------------------- locations

  static Path sourceJar() {
    Path jar = Path.of(System.getProperty("jray.it.jar", "target/jray.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " does not exist: build it with `mvn -B -q install -DskipTests` "
          + "(the ITs run in `verify`, after `package` built it)");
    }
    return jar;
  }

  static Path sourceTestClasses() {
    return Path.of(System.getProperty("jray.it.test-classes", "target/test-classes")).toAbsolutePath();
  }

  /** The jray.jar this cluster's JVMs run (a snapshot of target/jray.jar). */
  public Path jar() {
    return jar;
  }

  /** The class folder drivers put on their class path (a snapshot of target/test-classes). */
  public Path testClasses() {
    return testClasses;
  }

  /** Copies a jar, retrying while it is being rewritten (a rebuild), until the copy is a complete jar. */
  private static Path snapshotJar(Path from, Path to) {
    return Await.value("a consistent snapshot of " + from, SNAPSHOT_WAIT, () -> {
      try {
        Files.createDirectories(to.getParent());
        long before = Files.getLastModifiedTime(from).toMillis();
        Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        long after = Files.getLastModifiedTime(from).toMillis();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(to.toFile())) {
          return before == after && zip.getEntry("dev/jray/cli/JrayCommand.class") != null ? to : null;
        }
      } catch (IOException e) {
        return null;
      }
    });
  }

  /** Copies a class folder, retrying if files vanish under the copy (a rebuild). */
  private static Path snapshotDir(Path from, Path to) {
    if (!Files.isDirectory(from)) {
      throw new IllegalStateException(from + " does not exist: run test-compile");
    }
    return Await.value("a consistent snapshot of " + from, SNAPSHOT_WAIT, () -> {
      try {
        deleteRecursively(to);
        try (var walk = Files.walk(from)) {
          for (Path f : walk.toList()) {
            Path target = to.resolve(from.relativize(f).toString());
            if (Files.isDirectory(f)) {
              Files.createDirectories(target);
            } else {
              Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
          }
        }
        return to;
      } catch (IOException | UncheckedIOException e) {
        return null;
      }
    });
  }

  static Path itLogRoot() {
    return Path.of(System.getProperty("jray.it.log-dir", "target/it-logs")).toAbsolutePath();
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
  public Node startHead(String resourcesJson, String... jvmOptions) {
    return startHead(resourcesJson, List.of(), jvmOptions);
  }

  /**
   * As {@link #startHead(String, String...)}, with {@code extraArgs} for {@code start} (such as
   * {@code --job-queues}). Its Jobs API is at {@link #jobsAddress()}.
   */
  public Node startHead(String resourcesJson, List<String> extraArgs, String... jvmOptions) {
    if (head != null) {
      throw new IllegalStateException("the head is already started");
    }
    int port = freePort();
    dashboardPort = freePort();
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

  /** {@code http://127.0.0.1:<dashboard port>} of the head: its Jobs REST API. */
  public String jobsAddress() {
    head();
    return "http://127.0.0.1:" + dashboardPort;
  }

  /**
   * Stops every node gracefully (workers first, then the head; SIGKILL after the grace period) and
   * forgets them, so that a new head can start: the whole cluster down, this folder and its
   * {@code JRAY_HOME} kept.
   */
  public void stopAllNodes() {
    List<Node> all;
    synchronized (this) {
      all = new ArrayList<>(nodes.values());
      all.sort(java.util.Comparator.comparing((Node n) -> n.role().equals("head")));
    }
    for (Node n : all) {
      log("stopping " + n);
      n.proc.process.destroy();
      try {
        if (!n.proc.process.waitFor(GRACEFUL_STOP.toSeconds(), TimeUnit.SECONDS)) {
          n.proc.process.descendants().forEach(ProcessHandle::destroyForcibly);
          n.proc.process.destroyForcibly();
          n.proc.process.waitFor(30, TimeUnit.SECONDS);
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
  public Proc startWorkerAsync(String label, String resourcesJson, String... jvmOptions) {
    List<String> args = new ArrayList<>(List.of("start", "--address", headAddress(), "--num-cpus", "2"));
    if (resourcesJson != null) {
      args.add("--resources");
      args.add(resourcesJson);
    }
    args.add("--block");
    return startNode(label, args, List.of(jvmOptions));
  }

  /** Starts a worker and waits until it is up. */
  public Node startWorker(String label, String resourcesJson, String... jvmOptions) {
    return awaitUp(startWorkerAsync(label, resourcesJson, jvmOptions), NODE_START_TIMEOUT);
  }

  /** Waits for a node's "is up" line; fails (with its log) if it exits first or the time runs out. */
  public Node awaitUp(Proc proc, Duration timeout) {
    Matcher m = awaitLine(proc, UP_LINE, timeout);
    Node node = new Node(proc.what, proc, m.group(1), m.group(2).toLowerCase(), m.group(3), m.group(4));
    synchronized (this) {
      nodes.put(node.label(), node);
    }
    log("node " + node + " is up: " + m.group());
    return node;
  }

  /** Starts {@code java [jvmOptions] -jar jray.jar args} as a node; use {@link #awaitUp} on it. */
  public Proc startNode(String label, List<String> args, List<String> jvmOptions) {
    List<String> cmd = jvm(jvmOptions);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(args);
    return launch(label, cmd, logDir.resolve(label + ".log"));
  }

  public Node head() {
    if (head == null) {
      throw new IllegalStateException("no head started");
    }
    return head;
  }

  /** "127.0.0.1:PORT" of the head. */
  public String headAddress() {
    return head().address();
  }

  public synchronized Node node(String label) {
    Node n = nodes.get(label);
    if (n == null) {
      throw new IllegalArgumentException("no node " + label + " (have " + nodes.keySet() + ")");
    }
    return n;
  }

  public synchronized List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  /**
   * SIGKILLs a node (destroyForcibly is SIGKILL on Linux) and waits until its processes are gone:
   * the node JVM {@code jray start --block} hands over to first, then that launcher. Killing the
   * launcher alone leaves the node JVM serving until it notices, which may take seconds (longer
   * while it writes its class archive on the way out).
   */
  public void kill(Node node) {
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
  public Running startDriver(List<String> jvmOptions, Class<?> mainClass, String... args) {
    return startDriver(headAddress(), jvmOptions, mainClass, args);
  }

  /** As {@link #startDriver(List, Class, String...)}, joining through {@code address} (a list). */
  public Running startDriver(String address, List<String> jvmOptions, Class<?> mainClass,
      String... args) {
    List<String> cmd = jvm(jvmOptions);
    cmd.add("-Djray.address=" + address);
    cmd.add("-cp");
    cmd.add(jar + java.io.File.pathSeparator + testClasses);
    cmd.add(mainClass.getName());
    cmd.addAll(Arrays.asList(args));
    String label = String.format("driver-%02d-%s", counter.incrementAndGet(), mainClass.getSimpleName());
    return new Running(launch(label, cmd, logDir.resolve(label + ".log")));
  }

  /** Runs a driver to its end (see {@link #startDriver}). */
  public Result runDriver(Duration timeout, List<String> jvmOptions, Class<?> mainClass, String... args) {
    return startDriver(jvmOptions, mainClass, args).await(timeout);
  }

  /** Runs {@code java [jvmOptions] -jar jray.jar args} to its end. */
  public Result cli(Duration timeout, List<String> jvmOptions, String... args) {
    List<String> cmd = jvm(jvmOptions);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(Arrays.asList(args));
    String label = String.format("cli-%02d-%s", counter.incrementAndGet(), args.length > 0 ? args[0] : "help");
    return await(launch(label, cmd, logDir.resolve(label + ".log")), timeout);
  }

  /** Runs {@code jray status --address <head>}; fails unless it exits with 0. */
  public Status status() {
    return status(headAddress());
  }

  /** Runs {@code jray status --address <address>} (one member or a list); fails unless it exits with 0. */
  public Status status(String address) {
    Result r = cli(Duration.ofSeconds(60), List.of(), "status", "--address", address);
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

  // ---------------------------------------------------------------- processes

  private List<String> jvm(List<String> jvmOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add("-Dhazelcast.phone.home.enabled=false");
    cmd.add("-Djava.io.tmpdir=" + tmpDir);
    // nodes run from a cached copy of the jar: one cache per IT log root, so that jray versions
    // other trees on this machine start meanwhile never prune the copy a node here runs from
    cmd.add("-Djray.cache-dir=" + itLogRoot().resolve("node-cache"));
    cmd.addAll(jvmOptions);
    return cmd;
  }

  /** Starts {@code cmd} with stdout and stderr going to {@code log}, stdin from /dev/null. */
  Proc launch(String what, List<String> cmd, Path log) {
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
      Proc proc = new Proc(what, p, log);
      synchronized (this) {
        processes.add(proc);
      }
      log("started " + what + " (pid " + p.pid() + "): " + String.join(" ", cmd));
      return proc;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + what + ": " + cmd, e);
    }
  }

  Matcher awaitLine(Proc proc, Pattern pattern, Duration timeout) {
    Matcher[] found = new Matcher[1];
    boolean printed = Await.until(Time.SYSTEM, timeout, () -> {
      boolean exited = !proc.process.isAlive(); // before the read: a line written just before the exit counts
      found[0] = firstLine(read(proc.log), pattern);
      if (found[0] == null && exited) {
        throw new AssertionError(proc.what + " (pid " + proc.process.pid() + ") exited with "
            + proc.process.exitValue() + " before printing /" + pattern + "/; its log " + proc.log
            + ":\n" + tail(read(proc.log), LOG_TAIL_LINES));
      }
      return found[0] != null;
    });
    if (!printed) {
      threadDump(proc);
      throw new AssertionError(proc.what + " (pid " + proc.process.pid() + ") printed no /" + pattern
          + "/ within " + timeout.toSeconds() + " s; its log " + proc.log + ":\n"
          + tail(read(proc.log), LOG_TAIL_LINES));
    }
    return found[0];
  }

  /** The match in the first line of {@code out} that matches {@code pattern}, or null. */
  private static Matcher firstLine(String out, Pattern pattern) {
    for (String line : out.split("\\R")) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return m;
      }
    }
    return null;
  }

  Result await(Proc proc, Duration timeout) {
    try {
      if (!proc.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        threadDump(proc);
        proc.process.destroyForcibly();
        proc.process.waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError(proc.what + " (pid " + proc.process.pid() + ") did not exit within "
            + timeout.toSeconds() + " s (killed; a thread dump is in its log " + proc.log + "):\n"
            + tail(read(proc.log), 200));
      }
    } catch (InterruptedException e) {
      // a JUnit timeout interrupts the test thread: the process must not outlive the test
      proc.process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + proc.what, e);
    }
    Result r = new Result(proc.what, proc.process.exitValue(), read(proc.log), proc.log);
    log(proc.what + " exited with " + r.exitCode());
    return r;
  }

  /** Asks a JVM for a thread dump into its own output (SIGQUIT to its pid), for diagnosis. */
  private void threadDump(Proc proc) {
    if (!proc.process.isAlive()) {
      return;
    }
    try {
      Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(proc.process.pid()))
          .redirectErrorStream(true).start();
      kill.waitFor(5, TimeUnit.SECONDS);
      // the JVM prints its JNI reference counts after the last thread
      Await.until(Time.SYSTEM, Duration.ofSeconds(3), () -> read(proc.log).contains("JNI global refs"));
    } catch (IOException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Prints the tail of every log of this cluster, for a failing test. */
  public void dumpLogs(String why) {
    StringBuilder sb = new StringBuilder();
    sb.append("\n======== ").append(name).append(": ").append(why).append(": logs (").append(logDir).append(") ========\n");
    List<Proc> all;
    synchronized (this) {
      all = List.copyOf(processes);
    }
    for (Proc p : all) {
      String state = p.process.isAlive() ? "running" : "exited " + p.process.exitValue();
      sb.append("-------- ").append(p.what).append(" (pid ").append(p.process.pid()).append(", ")
          .append(state).append(") ").append(p.log).append(" --------\n");
      sb.append(tail(read(p.log), LOG_TAIL_LINES)).append('\n');
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
    List<Proc> all;
    synchronized (this) {
      all = new ArrayList<>(processes);
    }
    for (Proc p : all) {
      if (p.process.isAlive()) {
        p.process.destroy();
      }
    }
    long deadline = System.nanoTime() + GRACEFUL_STOP.toNanos();
    for (Proc p : all) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!p.process.waitFor(left, TimeUnit.NANOSECONDS)) {
          log(p.what + " (pid " + p.process.pid() + ") did not stop within " + GRACEFUL_STOP.toSeconds()
              + " s of SIGTERM: SIGKILL");
          p.process.descendants().forEach(ProcessHandle::destroyForcibly);
          p.process.destroyForcibly();
          p.process.waitFor(30, TimeUnit.SECONDS);
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
    List<Proc> all;
    synchronized (this) {
      all = new ArrayList<>(processes);
    }
    for (Proc p : all) {
      if (p.process.isAlive()) {
        p.process.descendants().forEach(ProcessHandle::destroyForcibly);
        p.process.destroyForcibly();
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  public void log(String message) {
    System.out.println("[" + java.time.LocalTime.now() + " " + name + "] " + message);
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  static String tail(String text, int lines) {
    String[] all = text.split("\\R", -1);
    int from = Math.max(0, all.length - lines);
    String body = String.join("\n", Arrays.asList(all).subList(from, all.length));
    return from > 0 ? "[... " + from + " earlier lines ...]\n" + body : body;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
