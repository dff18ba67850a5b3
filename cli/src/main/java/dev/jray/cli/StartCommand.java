package dev.jray.cli;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.cluster.ClusterAddress;
import dev.jray.gcs.cluster.ClusterConfig;
import dev.jray.autoscaler.ClusterSpec;
import dev.jray.autoscaler.LocalNodeProvider;
import dev.jray.client.ClientProtocol;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import dev.jray.jobs.HistoryRetention;
import dev.jray.jobs.JobsHttpVerticle;
import dev.jray.jobs.QueueQuota;
import dev.jray.node.ClusterJoin;
import dev.jray.node.AttachTarget;
import dev.jray.node.ClusterNode;
import dev.jray.node.LocalAttachTargets;
import dev.jray.node.NodeOptions;
import dev.jray.node.WorkerProcessPool;
import dev.jray.node.NodeResources;
import dev.jray.node.RememberedMembers;
import dev.jray.node.metrics.MetricsDiscovery;
import dev.jray.node.metrics.MetricsHttpVerticle;
import dev.jray.node.metrics.NodeMetrics;
import dev.jray.resources.ResourceSet;
import dev.jray.store.StoreCapacity;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jray start}: starts a head ({@code --head}) or a worker node ({@code --address}), in the
 * background unless {@code --block}, as {@code ray start} does.
 */
@Command(name = "start", description = "Start a head node (--head) or a worker node (--address HOST:PORT).")
final class StartCommand implements Callable<Integer> {
  /** Tells a node started in the background where its output goes, for its pid file. */
  private static final String LOG_FILE_PROPERTY = "jray.log-file";
  /**
   * {@code -Djray.metrics=off}: the node keeps and serves no metrics, as Ray's {@code
   * RAY_enable_metrics_collection=0} (for measuring what they cost, or a node nothing scrapes).
   */
  static final String METRICS_PROPERTY = "jray.metrics";
  /** How long {@code start} waits for the node it starts in the background to be up. */
  private static final Duration CHILD_START_WAIT = Duration.ofSeconds(90);


  @Spec CommandSpec spec;

  @Option(names = "--head", description = "Start the head node.")
  boolean head;

  @Option(names = "--address", converter = OptionValues.Addresses.class,
      description = "HOST:PORT of a member to join through (the head, or any live member), or"
          + " several as H1:P1,H2:P2; IPv6 as [ADDRESS]:PORT. With --head: members of a cluster"
          + " this head rejoins if any of them still runs (a restarted head also tries those it"
          + " remembers from its last run on this port, in $JRAY_HOME/head-PORT.members).")
  String address;

  @Option(names = "--port", converter = OptionValues.Port.class, description = "This node's"
      + " cluster port (default: 6379 for the head, any free port for a worker); fix it to name"
      + " the node in others' --address.")
  Integer port;

  @Option(names = "--gcs-backups", defaultValue = "2", converter = OptionValues.GcsBackups.class,
      description = "Backups of each GCS record on other nodes, 0..6 (default ${DEFAULT-VALUE}):"
          + " that many nodes may die at once without losing one. Give every node the same.")
  int gcsBackups;

  @Option(names = "--node-ip-address", defaultValue = "127.0.0.1", description = "Address this node binds to (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--num-cpus", converter = OptionValues.Amount.class, description = "CPUs to offer (default: the cores).")
  Double numCpus;

  @Option(names = "--num-gpus", converter = OptionValues.Amount.class, description = "GPUs to offer (default 0).")
  Double numGpus;

  @Option(names = "--resources", converter = OptionValues.Resources.class, description = "Custom resources as JSON, e.g. '{\"A\":2}'.")
  String resources;

  @Option(names = "--object-store-memory", converter = OptionValues.PositiveBytes.class, description = "Object store capacity in bytes (default: 30% of RAM).")
  Long objectStoreMemory;

  @Option(names = "--memory", converter = OptionValues.Bytes.class, description = "The node's memory resource in bytes (default: 70% of RAM minus the object store).")
  Long memory;

  @Option(names = "--dashboard-port", defaultValue = "8265", converter = OptionValues.Port.class, description = "Dashboard and Jobs API port (default ${DEFAULT-VALUE}); on a"
      + " worker, where it serves them if it takes them over after head death.")
  int dashboardPort;

  @Option(names = "--ray-client-server-port", converter = OptionValues.Port.class, description =
      "The head's Ray Client port (default 10001): drivers outside the cluster"
      + " connect with jray.address=jray://HOST:PORT and the cluster token.")
  Integer rayClientServerPort;

  @Option(names = "--jobs-api-standby", description = "Take over the Jobs API (and its jobs) as"
      + " soon as the node serving it dies; without such a member, the leader takes it over.")
  boolean jobsApiStandby;

  @Option(names = "--job-queues", description = "Job queues and their quotas (beyond Ray):"
      + " 'name:running=N,cpus=C;name2:running=M'. A queue not named has no quota.")
  String jobQueues;

  @Option(names = "--job-history-retention", defaultValue = "30d", description = "How long ended"
      + " jobs stay in the head's history (beyond Ray): an age (30d, 12h, 90m), a number of jobs,"
      + " or both (30d,1000). Default ${DEFAULT-VALUE}.")
  String jobHistoryRetention;

  @Option(names = "--metrics-export-port", converter = OptionValues.Port.class, description =
      "Port of this node's Prometheus endpoint, http://NODE-IP:PORT/metrics, which asks for the"
      + " cluster token as 'Authorization: Bearer TOKEN' (default: any free port, so that several"
      + " nodes run on one machine; the head's discovery file lists where each node serves).")
  Integer metricsExportPort;

  @Option(names = "--metrics-discovery-file", description = "Where the head keeps Prometheus's"
      + " file-based service discovery of every live node's metrics endpoint (default:"
      + " $TMPDIR/jray/" + MetricsDiscovery.FILE_NAME + ").")
  Path metricsDiscoveryFile;

  @Option(names = "--worker-processes", description = "Run every task and actor of this node in"
      + " worker JVMs the node starts (one job each, reused, ended when idle), as Ray's workers:"
      + " a task that calls System.exit or a killed actor process takes only itself down. Without"
      + " it, only work whose runtime env names JVM options, jars or environment variables does.")
  boolean workerProcesses;

  @Option(names = "--autoscaling-config", description = "The head's autoscaler: a cluster YAML"
      + " (Ray's keys: max_workers, idle_timeout_minutes, provider, available_node_types,"
      + " head_node_type) whose worker nodes it launches for pending demand and removes when idle.")
  Path autoscalingConfig;

  @Option(names = "--block", description = "Run in the foreground until stopped.")
  boolean block;

  @Option(names = "--token-file", description = "The cluster token's file. A head reads it, or"
      + " writes a new token there (readable by you only) if it does not exist; a worker reads it."
      + " Default: JRAY_CLUSTER_TOKEN, JRAY_CLUSTER_TOKEN_FILE, else ~/.jray/cluster-token (which"
      + " a head without a token writes).")
  Path tokenFile;

  @Mixin TlsOptions tlsOptions = new TlsOptions();

  @Mixin KubernetesDiscoveryOptions kubernetesOptions = new KubernetesDiscoveryOptions();

  @Override
  public Integer call() throws Exception {
    ClusterConfig.KubernetesDiscovery discovery;
    try {
      discovery = kubernetesOptions.discovery();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (!head && address == null && discovery == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give --head, or"
          + " --address HOST:PORT of a member to join through, or --kubernetes-discovery");
    }
    if (address != null && discovery != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--address: not with"
          + " --kubernetes-discovery, which finds the members itself");
    }
    Map<String, QueueQuota> queues;
    HistoryRetention retention;
    String option = "--job-queues";
    try {
      queues = QueueQuota.parseAll(jobQueues);
      option = "--job-history-retention";
      retention = HistoryRetention.parse(jobHistoryRetention);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
    ClusterSpec autoscaling = null;
    if (autoscalingConfig != null) {
      if (!head) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--autoscaling-config: only the head runs the autoscaler");
      }
      try {
        autoscaling = LeaderAutoscaler.read(autoscalingConfig);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--autoscaling-config: " + e.getMessage());
      }
    }
    Map<String, Double> res = nodeResources();
    // found (or made) here, so a missing token fails now, not in a background node's log
    TokenSources.Found token = head ? CommandTokens.forHead(tokenFile)
        : CommandTokens.forMember(tokenFile);
    TlsSettings tls = tlsOptions.settings(); // a bad file fails here, not in the background process
    if (metricsExportPort != null && !HeadJobs.portFree(host, metricsExportPort)) {
      throw new IllegalStateException("--metrics-export-port: port " + metricsExportPort + " on "
          + host + " is already in use; choose another, or leave it out for any free port");
    }
    metricsOn(); // a bad -Djray.metrics fails here, not in a background node's log
    if (!block) {
      return startInBackground(token, tls);
    }
    NodeJvm.dieWithLauncher();
    String role = head ? NodeOptions.HEAD : NodeOptions.WORKER;
    Path remembered = head ? RememberedMembers.of(TokenSources.ofProcess().defaultFile().getParent(),
        clusterPort()) : null;
    ClusterJoin join = join(discovery);
    if (head) {
      // a head restarted on its port rejoins the cluster that still runs, if any member it knew does
      List<ClusterAddress> members = new ArrayList<>(join.members());
      RememberedMembers.read(remembered).stream().filter(a -> !members.contains(a)).forEach(members::add);
      join = join.withMembers(members);
    }
    if (workerProcesses) {
      System.setProperty(WorkerProcessPool.ALL_WORK_PROPERTY, "true");
    }
    UniqueId nodeId = nodeIdOfProvider();
    boolean keepsMetrics = metricsOn();
    ClusterNode node = ClusterNode.start(new NodeOptions(nodeId, host, role, res, token.token(),
        tls), join, Time.SYSTEM, keepsMetrics ? new NodeMetrics(nodeId) : null);
    if (head) {
      node.rememberMembers(remembered);
    }
    // served meanwhile: the node's start waits once, below, for all it starts
    Future<MetricsHttpVerticle> serving = keepsMetrics
        ? node.serveMetrics(host, metricsExportPort == null ? 0 : metricsExportPort)
        : Future.succeededFuture();
    // a member that found the others by discovery names itself: any live member lets one in
    String clusterAddress = head || address == null ? node.address() : address;
    String logFile = System.getProperty(LOG_FILE_PROPERTY);
    NodeProcesses.register(role, clusterAddress, logFile == null ? null : Path.of(logFile));
    LocalAttachTargets.publish(new AttachTarget(nodeId, ClusterAddress.parse(host + ":"
        + node.node().linkPort())), node.address(), clusterAddress);
    CountDownLatch stopped = new CountDownLatch(1);
    // every node runs the passes: whichever leads autoscales (the head publishes the config)
    LeaderAutoscaler autoscaler = LeaderAutoscaler.start(node,
        driversJoinThrough(node.address(), clusterAddress), launchedNodesOptions(token),
        autoscaling == null ? null : autoscalingConfig);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      autoscaler.close(); // the head's local launched nodes go with it
      node.close();
      stopped.countDown();
    }, "jray-stop"));
    // the Jobs API starts first: the up line says the node serves all it will, and what follows
    // it (how to join) is printed at once, for whoever reads the output on the up line
    HeadJobs.startEntrypointHost(node, token, driversJoinThrough(node.address(), clusterAddress), tls);
    MetricsHttpVerticle metrics; // a failure ends this JVM, and the hook above closes the node
    try {
      metrics = serving.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
    if (head && keepsMetrics) {
      node.writeMetricsDiscovery(metricsDiscoveryFile != null ? metricsDiscoveryFile
          : MetricsDiscovery.defaultFile());
    }
    JobsHttpVerticle jobs = head
        ? HeadJobs.start(node, token, host, dashboardPort, queues, retention, tls)
        : null;
    String rayClient = head ? HeadRayClient.start(node, token, host,
        rayClientServerPort == null ? ClientProtocol.DEFAULT_PORT : rayClientServerPort,
        rayClientServerPort == null, driversJoinThrough(node.address(), clusterAddress), tls)
        : null;
    // one write: whoever reads the output on the up line also finds the lines that follow it
    StringBuilder up = new StringBuilder();
    up.append("jray ").append(role).append(" node ").append(node.node().options().nodeId())
        .append(" is up, cluster address ").append(clusterAddress).append(", resources ")
        .append(ResourceSet.of(res)).append(tls == null ? "" : ", TLS on").append('\n');
    up.append("  Metrics: ").append(metrics != null ? metrics.url()
        : "off (-D" + METRICS_PROPERTY + "=off)").append('\n');
    if (jobs != null) {
      up.append("  Jobs API: ").append(jobs.url()).append("   (jray job submit --address ")
          .append(jobs.url()).append(" -- ...)\n");
      up.append("  Dashboard: ").append(jobs.url()).append("/   (log in with the cluster token)\n");
    }
    if (rayClient != null) {
      up.append("  Ray Client: ").append(rayClient).append("   (-Djray.address=").append(rayClient)
          .append(")\n");
    }
    if (head && !NodeJvm.BACKGROUND.equals(System.getProperty(NodeJvm.MODE_PROPERTY))) {
      CommandTokens.howToJoin(token, clusterAddress).forEach(l -> up.append(l).append('\n'));
    }
    System.out.print(up);
    if (jobs == null) {
      HeadJobs.standBy(node, token, host, dashboardPort, tls, jobsApiStandby);
    }
    System.out.flush();
    stopped.await();
    return 0;
  }

  /** The node id a node provider gave this node ({@code JRAY_NODE_ID}), else a new one. */
  private static UniqueId nodeIdOfProvider() {
    String given = System.getenv(LocalNodeProvider.NODE_ID_ENV);
    if (given == null || given.isBlank()) {
      return IdFactory.newUniqueId();
    }
    try {
      return UniqueId.fromHexString(given.strip());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(LocalNodeProvider.NODE_ID_ENV + ": not a node id ("
          + UniqueId.LENGTH * 2 + " hex digits): " + given);
    }
  }

  /** This node's address first, then the others it was given: any live one lets a driver in. */
  private static String driversJoinThrough(String own, String given) {
    java.util.LinkedHashSet<String> members = new java.util.LinkedHashSet<>();
    members.add(own);
    for (String a : given.split(",")) {
      if (!a.isBlank()) {
        members.add(a.strip());
      }
    }
    return String.join(",", members);
  }

  /**
   * The port (the head's default 6379, a worker's any), the members to join or the Kubernetes
   * service they are the pods of, the backups.
   */
  private ClusterJoin join(ClusterConfig.KubernetesDiscovery discovery) {
    ClusterJoin join = address != null ? ClusterJoin.through(address)
        : head ? ClusterJoin.head(0) : ClusterJoin.kubernetes(0, discovery);
    return join.withPort(clusterPort()).withGcsBackups(gcsBackups).withKubernetes(discovery);
  }

  /** Discovered members listen on one port (6379 unless --port), each on its own pod's address. */
  private int clusterPort() {
    return port != null ? port
        : head || kubernetesOptions.service != null ? ClusterConfig.DEFAULT_HEAD_PORT : 0;
  }

  /**
   * The options of this start that the nodes its autoscaler launches need too: the token's file
   * and the TLS options given here (those from properties and the environment they inherit).
   */
  private List<String> launchedNodesOptions(TokenSources.Found token) {
    List<String> options = new ArrayList<>();
    if (token.file() != null) {
      options.addAll(List.of("--token-file", token.file().toString()));
    }
    options.addAll(tlsOptions.asStartOptions());
    return options;
  }

  private Map<String, Double> nodeResources() {
    if (numCpus != null) {
      System.setProperty("jray.num-cpus", numCpus.toString());
    }
    if (numGpus != null) {
      System.setProperty("jray.num-gpus", numGpus.toString());
    }
    if (memory != null) {
      System.setProperty("jray.memory", memory.toString());
    }
    if (objectStoreMemory != null) {
      System.setProperty(StoreCapacity.PROPERTY, objectStoreMemory.toString());
    }
    if (resources != null) {
      System.setProperty("jray.resources", resources);
    }
    return new HashMap<>(NodeResources.fromSystemProperties());
  }

  /**
   * Starts this same command with --block in a new JVM and waits until its node is up. The new
   * JVM finds the token where this one did: the same arguments, environment and properties (the
   * token's text never goes on its command line).
   */
  private int startInBackground(TokenSources.Found token, TlsSettings tls) throws IOException, InterruptedException {
    if (clusterPort() != 0) {
      ClusterConfig.checkPortFree(host, clusterPort()); // a clear error now, not in a log file
    }
    boolean jobsFree = head && HeadJobs.portFree(host, dashboardPort);
    boolean clientFree = head && HeadJobs.portFree(host, rayClientServerPort == null
        ? ClientProtocol.DEFAULT_PORT : rayClientServerPort);
    Files.createDirectories(NodeProcesses.logDir());
    String role = head ? "head" : "worker";
    Path log = NodeProcesses.logDir().resolve(role + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + ".log");
    // it maps the class archive, or writes it when it stops, for a later start to adopt
    Optional<NodeClassArchive> archive = NodeClassArchive.forJar(NodeJvm.ownCode());
    List<String> extra = new ArrayList<>(archive.map(a -> a.exists() ? a.useOptions()
        : a.dumpOptions(a.dumpFile())).orElse(List.of()));
    extra.add("-D" + LOG_FILE_PROPERTY + "=" + log);
    List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
    args.add("--block");
    List<String> cmd = NodeJvm.command(archive.map(NodeClassArchive::jar).orElse(NodeJvm.ownCode()),
        extra, NodeJvm.BACKGROUND, args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile()))
        .start();
    // polls the child's pid file (the child is another process) while the child lives
    NodeProcesses.Entry[] entry = new NodeProcesses.Entry[1];
    Await.until(Time.SYSTEM, CHILD_START_WAIT,
        () -> (entry[0] = NodeProcesses.find(p.pid())) != null || !p.isAlive());
    if (entry[0] == null) {
      p.destroy();
      System.err.println("jray " + role + " node failed to start; its log (" + log + "):");
      System.err.println(tail(log));
      return 1;
    }
    printStarted(role, entry[0].address(), p.pid(), log, token);
    System.out.println("  Metrics: " + (!metricsOn() ? "off (-D" + METRICS_PROPERTY + "=off)"
        : (metricsExportPort != null ? MetricsHttpVerticle.url(tls, host, metricsExportPort)
        : "on a free port: the node's log says which") + (head ? "   (every node's, for"
        + " Prometheus: " + (metricsDiscoveryFile != null ? metricsDiscoveryFile
        : MetricsDiscovery.defaultFile()) + ")" : "")));
    if (head) {
      System.out.println(jobsFree ? "  Jobs API: " + JobsHttpVerticle.url(tls, host, dashboardPort)
          : "  Jobs API: not served, port " + dashboardPort + " was taken (give a free --dashboard-port)");
      if (jobsFree) {
        System.out.println("  Dashboard: " + JobsHttpVerticle.url(tls, host, dashboardPort)
            + "/   (log in with the cluster token)");
      }
      int clientPort = rayClientServerPort == null ? ClientProtocol.DEFAULT_PORT
          : rayClientServerPort;
      System.out.println(clientFree ? "  Ray Client: jray://" + host + ":" + clientPort
          : "  Ray Client: not served, port " + clientPort + " was taken");
    }
    return 0;
  }

  private static java.io.File nullFile() {
    return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private static void printStarted(String role, String clusterAddress, long pid, Path log,
      TokenSources.Found token) {
    System.out.println("Started a jray " + role + " node (pid " + pid + ").");
    System.out.println();
    System.out.println("  Cluster address: " + clusterAddress + "   (drivers: -Djray.address or"
        + " JRAY_ADDRESS)");
    CommandTokens.howToJoin(token, clusterAddress).forEach(System.out::println);
    System.out.println("  To stop the nodes started on this machine:  java -jar jray.jar stop");
    System.out.println("  Log: " + log);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(cannot read the log: " + e.getMessage() + ")";
    }
  }

  /** @throws IllegalArgumentException naming the property if it is neither on nor off */
  private static boolean metricsOn() {
    String value = System.getProperty(METRICS_PROPERTY, "on").trim();
    if (!value.equalsIgnoreCase("on") && !value.equalsIgnoreCase("off")) {
      throw new IllegalArgumentException("-D" + METRICS_PROPERTY + " must be on or off, got '"
          + value + "'");
    }
    return value.equalsIgnoreCase("on");
  }
}
