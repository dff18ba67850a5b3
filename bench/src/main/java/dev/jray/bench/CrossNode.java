package dev.jray.bench;

import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TokenSources;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The second JVMs of the suite: the peer member of the Hazelcast rows, and a jray head plus one
 * worker started from {@code jray.jar} with a cross-node driver (and, for the rows over TLS,
 * another such trio with {@code JRAY_USE_TLS=1} and {@link BenchCertificates}' files).
 *
 * <p>The driver is a child JVM, not this one: this JVM already ran an embedded node (a JVM is an
 * embedded node or a driver, not both), and a fresh JVM joins the cluster as a user's driver does.
 * Every JVM runs from copies of the jars in the work directory, so a rebuild of {@code target/}
 * during the run cannot pull classes from under it, with its own {@code java.io.tmpdir} there, so
 * a {@code jray stop} elsewhere never sees these nodes. Single-threaded use.
 */
final class CrossNode {
  /** The custom resource only the worker node has: cross-node work asks for it. */
  static final String PIN = "bench_worker";
  static final Pattern UP_LINE = Pattern.compile("jray (\\w+) node ([0-9a-fA-F]+) is up, cluster address ([^\\s,]+)");
  static final long START_TIMEOUT_MS = 120_000;
  private static final List<String> COMMON_JVM_OPTIONS = List.of(
      "-Dhazelcast.phone.home.enabled=false", "-Dhazelcast.wait.seconds.before.join=0");

  final Settings settings;
  final Path workDir;
  final ChildProcesses children;
  private final Path benchCode;
  private String benchClassPath;

  /** @param benchCode this suite's jar (or class folder, when run from an IDE) */
  CrossNode(Settings settings, Path workDir, ChildProcesses children, Path benchCode) {
    this.settings = settings;
    this.workDir = workDir;
    this.children = children;
    this.benchCode = benchCode;
  }

  /** The class path of child JVMs running the suite's own classes: a copy of its jar. */
  String benchClassPath() throws IOException {
    if (benchClassPath == null) {
      if (Files.isDirectory(benchCode)) {
        benchClassPath = System.getProperty("java.class.path");
      } else {
        Path copy = workDir.resolve("jray-bench.jar");
        Files.copy(benchCode, copy, StandardCopyOption.REPLACE_EXISTING);
        benchClassPath = copy.toString();
      }
    }
    return benchClassPath;
  }

  /**
   * The start of a child JVM's command. {@code -Djray.bench.child-jvm-options} adds options to
   * every child, with {@code {name}} replaced by the child's name (as in its log file), e.g. to
   * record each with JFR.
   */
  List<String> jvm(String name, String maxHeap) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildProcesses.java());
    cmd.add("-Xmx" + maxHeap);
    cmd.add("-Djava.io.tmpdir=" + workDir.resolve("tmp"));
    cmd.addAll(COMMON_JVM_OPTIONS);
    String extra = System.getProperty("jray.bench.child-jvm-options", "").trim();
    if (!extra.isEmpty()) {
      for (String option : extra.split("\\s+")) {
        cmd.add(option.replace("{name}", name));
      }
    }
    return cmd;
  }

  /** Starts {@link PeerMember} in a second JVM and waits until the peer's remote rows can run. */
  void startPeerMember(HazelcastPeer peer) throws Exception {
    Path tokenFile = workDir.resolve("peer-token");
    Files.deleteIfExists(tokenFile);
    peer.token().write(tokenFile);
    List<String> cmd = jvm("peer-member", "2g");
    cmd.add("-D" + TokenSources.TOKEN_FILE_PROPERTY + "=" + tokenFile);
    cmd.addAll(List.of("-cp", benchClassPath(), PeerMember.class.getName(), peer.address()));
    ChildProcesses.Child child = children.start("peer-member", cmd);
    ChildProcesses.awaitLine(child, Pattern.compile(Pattern.quote(PeerMember.UP)), START_TIMEOUT_MS);
    peer.awaitRemote(START_TIMEOUT_MS);
  }

  /**
   * A running head and worker: the cluster address, how long the worker took to start and join,
   * the head's Jobs API URL, and the environment of their JVMs and the driver's (TLS or none).
   */
  record Nodes(String address, double workerJoinSeconds, String jobsUrl, Map<String, String> env,
      int clientPort) {}

  /**
   * Starts a head and a worker (which alone has {@link #PIN}) from a copy of {@code jrayJar}, on a
   * thread of its own, over mutual TLS if {@code tls} (JRAY_USE_TLS=1 and {@link
   * BenchCertificates}' files); the nodes stay up until {@link
   * ChildProcesses#stopAll()}.
   */
  CompletableFuture<Nodes> startNodes(Path jrayJar, boolean tls) {
    CompletableFuture<Nodes> nodes = new CompletableFuture<>();
    Thread starter = new Thread(() -> {
      try {
        nodes.complete(startNodesNow(jrayJar, tls));
      } catch (Throwable t) {
        nodes.completeExceptionally(t);
      }
    }, "bench-node-starter");
    starter.setDaemon(true);
    starter.start();
    return nodes;
  }

  private Nodes startNodesNow(Path jrayJar, boolean tls) throws IOException, InterruptedException {
    Path jar = workDir.resolve("jray.jar");
    if (!Files.exists(jar)) {
      Files.copy(jrayJar, jar);
    }
    Files.createDirectories(workDir.resolve("tmp"));
    Map<String, String> env = tls ? BenchCertificates.tlsEnvironment(workDir.resolve("pki"))
        : Map.of();
    String suffix = tls ? "-tls" : "";
    int port = ChildProcesses.freePort();
    List<String> head = jvm("jray-head" + suffix, "2g");
    int dashboardPort = ChildProcesses.freePort();
    int clientPort = ChildProcesses.freePort();
    head.addAll(List.of("-jar", jar.toString(), "start", "--head", "--port", Integer.toString(port),
        "--dashboard-port", Integer.toString(dashboardPort), "--num-cpus", "2",
        "--ray-client-server-port", Integer.toString(clientPort),
        "--job-queues", JobRows.QUEUE_SPEC, "--object-store-memory", storeBytes(), "--block"));
    ChildProcesses.Child h = children.start("jray-head" + suffix, head, env);
    String address = ChildProcesses.awaitLine(h, UP_LINE, START_TIMEOUT_MS).group(3);
    ChildProcesses.Child w = startWorker("jray-worker" + suffix, address,
        "{\"" + PIN + "\":1000}", List.of(), env);
    return new Nodes(address, (System.nanoTime() - w.startedNanos()) / 1e9,
        "http://127.0.0.1:" + dashboardPort, env, clientPort);
  }

  private String storeBytes() {
    return Long.toString(Math.max(1L << 30, 4L * settings.transferBytes()));
  }

  /**
   * Starts a worker node with {@code resourcesJson} joining {@code address}, with {@code
   * jvmOptions} and {@code env} added to its environment; waits until it is up.
   */
  private ChildProcesses.Child startWorker(String name, String address, String resourcesJson,
      List<String> jvmOptions, Map<String, String> env) throws IOException, InterruptedException {
    List<String> worker = jvm(name, "2g");
    worker.addAll(jvmOptions);
    worker.addAll(List.of("-jar", workDir.resolve("jray.jar").toString(), "start", "--address",
        address, "--num-cpus", "2", "--resources", resourcesJson, "--object-store-memory",
        storeBytes(), "--block"));
    ChildProcesses.Child w = children.start(name, worker, env);
    ChildProcesses.awaitLine(w, UP_LINE, START_TIMEOUT_MS);
    return w;
  }

  /**
   * Runs the driver with the cross-node jray rows on the nodes and fills in their figures; a row
   * that cannot run gets the error. With {@code tls}, the rows over TLS (the nodes must have been
   * started with it), else the plain ones and the join rows.
   */
  void runJrayRows(CompletableFuture<Nodes> starting, Map<RowSpec, Row> rows, boolean tls) {
    List<RowSpec> wanted = rows.keySet().stream().filter(r -> r.crossNode() && r.overTls() == tls
        && (r.name().startsWith("cross-node") || r == RowSpec.DRIVER_JOIN)).toList();
    try {
      Nodes nodes = starting.get();
      if (!tls) {
        put(rows, RowSpec.NODE_JOIN, Figure.single(nodes.workerJoinSeconds()));
        if (rows.containsKey(RowSpec.DRIVER_JOIN_ARCHIVED)) {
          put(rows, RowSpec.DRIVER_JOIN_ARCHIVED, archivedDriverJoin(nodes));
        }
      }
      if (wanted.isEmpty()) {
        return; // only rows of their own (reconstruction, jobs) were asked for
      }
      List<String> driver = jvm("driver" + (tls ? "-tls" : ""), "3g");
      driver.add("-Djray.address=" + nodes.address());
      driver.add("-Djray.job.code-search-path=" + remoteClasses());
      driver.addAll(List.of("-cp", benchClassPath(), CrossNodeDriver.class.getName()));
      driver.addAll(settings.args());
      driver.addAll(List.of("--pin", PIN));
      wanted.forEach(r -> driver.add(r.name()));
      ChildProcesses.Child d = children.start("driver" + (tls ? "-tls" : ""), driver, nodes.env());
      long timeoutMin = settings.quick() ? 5 : 30;
      if (!d.process().waitFor(timeoutMin, TimeUnit.MINUTES)) {
        d.process().destroyForcibly();
        throw new IllegalStateException("the driver did not finish within " + timeoutMin + " min (log "
            + d.log() + ")");
      }
      readRows(d, rows, wanted, tls);
    } catch (Exception e) {
      Figure failed = Figure.failed(e);
      for (Map.Entry<RowSpec, Row> r : rows.entrySet()) {
        if (r.getKey().crossNode() && r.getKey().overTls() == tls
            && Row.NOT_RUN.equals(r.getValue().jray.error())) {
          r.getValue().jray = failed;
        }
      }
    }
  }

  /**
   * Three drivers started one after another as {@code jray driver-env} tells a user to: its
   * {@code JRAY_JAVA_OPTIONS}, its {@code JRAY_CLASSPATH} (the nodes' cached jar) first on the class
   * path; each times its {@code Ray.init()}. On this version's first run on the machine, when no
   * node has written the class archive yet, a head of its own is started and stopped to write it.
   */
  private Figure archivedDriverJoin(Nodes nodes) throws Exception {
    String said = driverEnv("driver-env");
    if (!said.contains("-XX:SharedArchiveFile=")) {
      writeClassArchive(); // this version's first run on this machine: as a first node would
      said = driverEnv("driver-env-again");
    }
    Matcher cp = Pattern.compile("export JRAY_CLASSPATH='([^']+)'").matcher(said);
    Matcher options = Pattern.compile("export JRAY_JAVA_OPTIONS='([^']+)'").matcher(said);
    if (!cp.find() || !options.find()) {
      return Figure.failed("no class archive: jray driver-env said:\n" + said);
    }
    double[] seconds = new double[3];
    for (int i = 0; i < seconds.length; i++) {
      List<String> driver = jvm("driver-archived", "3g");
      driver.addAll(List.of(options.group(1).split(" ")));
      driver.add("-Djray.address=" + nodes.address());
      driver.addAll(List.of("-cp", cp.group(1) + java.io.File.pathSeparator + benchClassPath(),
          JobJoinDriver.class.getName()));
      ChildProcesses.Child d = children.start("driver-archived-" + i, driver, nodes.env());
      seconds[i] = Double.parseDouble(ChildProcesses.awaitLine(d,
          Pattern.compile("^" + JobJoinDriver.JOINED + " (\\S+)$"), START_TIMEOUT_MS).group(1));
      d.process().waitFor(1, TimeUnit.MINUTES);
    }
    return Figure.of(seconds);
  }

  /** What {@code jray driver-env} prints for the work directory's jar. */
  private String driverEnv(String name) throws IOException, InterruptedException {
    ChildProcesses.Child env = children.start(name, List.of(ChildProcesses.java(), "-jar",
        workDir.resolve("jray.jar").toString(), "driver-env"));
    if (!env.process().waitFor(2, TimeUnit.MINUTES) || env.process().exitValue() != 0) {
      throw new IllegalStateException("jray driver-env failed (log " + env.log() + ")");
    }
    return env.output();
  }

  /**
   * Starts a head of its own (its own JRAY_HOME) in the foreground and stops it: its node JVM
   * writes the class archive as it exits, and its launcher adopts it.
   */
  private void writeClassArchive() throws IOException, InterruptedException {
    List<String> head = jvm("archive-writer", "1g");
    head.addAll(List.of("-jar", workDir.resolve("jray.jar").toString(), "start", "--head",
        "--port", Integer.toString(ChildProcesses.freePort()), "--dashboard-port",
        Integer.toString(ChildProcesses.freePort()), "--num-cpus", "0", "--block"));
    ChildProcesses.Child h = children.start("archive-writer", head,
        Map.of(TokenSources.HOME_ENV, workDir.resolve("archive-writer-home").toString()));
    ChildProcesses.awaitLine(h, UP_LINE, START_TIMEOUT_MS);
    h.process().destroy(); // as Ctrl-C: the node stops and its JVM writes the archive
    if (!h.process().waitFor(2, TimeUnit.MINUTES)) {
      ChildProcesses.kill(h);
    }
  }

  /**
   * The reconstruction rows, on nodes of their own beside the head and worker: a victim node
   * (the only one with {@link ReconstructionDriver#RESOURCE}) makes a 100 MB result for a
   * driver, which reads it (computed); it makes a second one, which the driver does not read
   * yet; a survivor node with the resource joins, the victim is SIGKILLed, and the driver reads
   * the second result, rebuilt on the survivor (rebuilt: failure detection included).
   */
  void runReconstructionRows(CompletableFuture<Nodes> starting, Map<RowSpec, Row> rows) {
    try {
      Nodes nodes = starting.get();
      String resource = "{\"" + ReconstructionDriver.RESOURCE + "\":1}";
      // run from the work directory's jar, not the user's node cache, which other jray versions
      // started on this machine prune (their class archives are not measured here)
      List<String> fromWorkJar = List.of("-Djray.class-archive=false");
      ChildProcesses.Child victim = startWorker("jray-victim", nodes.address(), resource, fromWorkJar,
          Map.of());
      Path killed = workDir.resolve("victim-killed");
      List<String> driver = jvm("reconstruction-driver", "3g");
      driver.add("-Djray.address=" + nodes.address());
      driver.add("-Djray.job.code-search-path=" + remoteClasses());
      driver.addAll(List.of("-cp", benchClassPath(), ReconstructionDriver.class.getName(),
          killed.toString()));
      ChildProcesses.Child d = children.start("reconstruction-driver", driver);
      ChildProcesses.awaitLine(d, Pattern.compile("^" + ReconstructionDriver.READY + "$"), START_TIMEOUT_MS);
      startWorker("jray-survivor", nodes.address(), resource, fromWorkJar, Map.of());
      ChildProcesses.kill(victim);
      Files.createFile(killed);
      if (!d.process().waitFor(10, TimeUnit.MINUTES)) {
        d.process().destroyForcibly();
        throw new IllegalStateException("the reconstruction driver did not finish within 10 min (log "
            + d.log() + ")");
      }
      readRows(d, rows, List.of(RowSpec.RECONSTRUCTION_COMPUTED, RowSpec.RECONSTRUCTION_REBUILT),
          false);
    } catch (Exception e) {
      put(rows, RowSpec.RECONSTRUCTION_COMPUTED, Figure.failed(e));
      put(rows, RowSpec.RECONSTRUCTION_REBUILT, Figure.failed(e));
    }
  }

  /**
   * The Jobs API rows against the head (see {@link JobRows}): the token is the one the head wrote
   * under the children's JRAY_HOME.
   */
  void runJobRows(CompletableFuture<Nodes> starting, Map<RowSpec, Row> rows) {
    try {
      Nodes nodes = starting.get();
      ClusterToken token = ClusterToken.read(workDir.resolve("jray-home")
          .resolve(TokenSources.DEFAULT_FILE_NAME));
      JobRows jobs = new JobRows(nodes.jobsUrl(), token);
      if (rows.containsKey(RowSpec.JOB_SUBMIT_TO_JOINED)) {
        put(rows, RowSpec.JOB_SUBMIT_TO_JOINED,
            Figure.of(jobs.submitToDriverJoined(settings.quick() ? 3 : 5, benchClassPath())));
      }
      if (rows.containsKey(RowSpec.JOB_ACCEPTED_FIRST)
          || rows.containsKey(RowSpec.JOB_ACCEPTED_QUEUED)) {
        JobRows.Accepted accepted = jobs.acceptedPerSecond(1_000, settings.quick() ? 1 : 3, 300);
        put(rows, RowSpec.JOB_ACCEPTED_FIRST, Figure.single(accepted.first()));
        put(rows, RowSpec.JOB_ACCEPTED_QUEUED, Figure.of(accepted.queued()));
      }
    } catch (Exception e) {
      put(rows, RowSpec.JOB_SUBMIT_TO_JOINED, Figure.failed(e));
      put(rows, RowSpec.JOB_ACCEPTED_FIRST, Figure.failed(e));
      put(rows, RowSpec.JOB_ACCEPTED_QUEUED, Figure.failed(e));
    }
  }

  /**
   * Fills in the figures a driver printed ({@code onlyWanted}: of the wanted rows only, as a TLS
   * driver's join is not the join row's); a wanted row it printed none for gets its exit and last
   * line.
   */
  static void readRows(ChildProcesses.Child d, Map<RowSpec, Row> rows, List<RowSpec> wanted,
      boolean onlyWanted) {
    for (String line : d.output().split("\\R")) {
      if (line.startsWith(CrossNodeDriver.ROW_PREFIX)) {
        JsonObject json = new JsonObject(line.substring(CrossNodeDriver.ROW_PREFIX.length()));
        RowSpec row = RowSpec.named(json.getString("name"));
        if (!onlyWanted || wanted.contains(row)) {
          put(rows, row, Figure.fromJson(json.getJsonObject("figure")));
        }
      }
    }
    for (RowSpec r : wanted) {
      Row row = rows.get(r);
      if (row != null && Row.NOT_RUN.equals(row.jray.error())) {
        row.jray = Figure.failed("the driver printed no figure (exit " + d.process().exitValue()
            + ", log " + d.log() + "): " + d.tail().lines().reduce((a, b) -> b).orElse(""));
      }
    }
  }

  static void put(Map<RowSpec, Row> rows, RowSpec spec, Figure figure) {
    Row row = rows.get(spec);
    if (row != null) {
      row.jray = figure;
    }
  }

  /**
   * The classes the nodes need (package {@code dev.jray.bench.remote}), as a class folder the
   * driver ships with {@code jray.job.code-search-path}: the suite's jar holds jray itself, and a
   * jar holding jray is not shipped.
   */
  Path remoteClasses() throws IOException {
    if (Files.isDirectory(benchCode)) {
      return benchCode;
    }
    Path dir = workDir.resolve("remote-classes");
    String prefix = "dev/jray/bench/remote/";
    try (ZipFile zip = new ZipFile(benchCode.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.getName().startsWith(prefix) && !e.isDirectory()) {
          Path target = dir.resolve(e.getName());
          Files.createDirectories(target.getParent());
          try (InputStream in = zip.getInputStream(e)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    }
    return dir;
  }
}
