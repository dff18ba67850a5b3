package dev.jray.driver;

import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.runtime.RayRuntime;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeLoad;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.cluster.ClusterAddress;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import dev.jray.node.ClusterJoin;
import dev.jray.node.AttachTarget;
import dev.jray.node.LocalAttachTargets;
import dev.jray.node.AttachedNode;
import dev.jray.node.ClusterNode;
import dev.jray.node.NodeOptions;
import dev.jray.node.NodeVerticle;
import dev.jray.node.WorkerProcessPool;
import dev.jray.resources.ResourceSet;
import dev.jray.runtime.CoreWorker;
import dev.jray.runtime.JobPackages;
import dev.jray.runtime.NodeWorkers;
import dev.jray.runtime.WorkerRuntime;
import dev.jray.scheduler.SchedulerMessages;
import dev.jray.store.StoreCapacity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A driver's lifecycle behind {@link dev.jray.api.Ray#init()}. With no cluster address it starts
 * an embedded single-node cluster in this JVM (one Vert.x instance, one {@link NodeVerticle}, the
 * GCS in memory); with {@code jray.address} / {@code JRAY_ADDRESS} it joins that cluster as a
 * driver: a member that holds objects but no resources, whose tasks run on the nodes, and whose
 * code it ships to them. Either way it registers a job, and ends it (its non-detached actors,
 * its placement groups) when the driver shuts down or the JVM exits. On a node's own JVM the
 * node's worker serves the API and nothing starts.
 *
 * <p>Threading: {@link #stop} is synchronized; it runs once, from {@code Ray.shutdown()} or the
 * shutdown hook. Starting blocks (the cluster join, the GCS): never on an event loop.
 */
final class JrayRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(JrayRuntime.class);
  private static final Duration VIEW_WAIT = Duration.ofSeconds(3);
  /** System property: the job's runtime env (JSON), which its tasks and actors inherit. */
  static final String JOB_RUNTIME_ENV_PROPERTY = "jray.job.runtime-env";
  /** Environment variable: the job's runtime env when the property is not set. */
  static final String JOB_RUNTIME_ENV_VARIABLE = "JRAY_JOB_RUNTIME_ENV";
  /** System property: the cluster a driver joins, {@code host:port}. */
  static final String ADDRESS_PROPERTY = "jray.address";
  /** Environment variable: the cluster a driver joins when the property is not set. */
  static final String ADDRESS_VARIABLE = "JRAY_ADDRESS";
  /**
   * System property: false makes a driver started by hand join as a member even when a node of its
   * cluster runs on its machine (default true: it attaches to that node).
   */
  static final String ATTACH_PROPERTY = "jray.driver.attach";

  /** Set in embedded mode only. */
  private final Vertx vertx;
  private final Gcs gcs;
  /** Set when this driver joined a cluster as a member (or heads its processes' own). */
  private final ClusterNode cluster;
  /** Set when this driver attached to a node ({@link AttachTarget}, a job's): no member. */
  private final AttachedNode attached;
  private final CoreWorker worker;
  private final JobId jobId;
  private final Thread shutdownHook;
  /** Guarded by this. */
  private boolean stopped;
  /** The clock of its waits and its job record's stamps. */
  private final Time time;

  private JrayRuntime(String address, Time time) throws Exception {
    this.time = time;
    String jobEnv = CoreWorker.validRuntimeEnv(jobRuntimeEnv()); // a bad one fails before joining
    AttachTarget target = address == null ? null : AttachTarget.fromProcess();
    List<AttachTarget> localNodes = address == null || target != null ? List.of()
        : localNodes(address);
    if (target != null || !localNodes.isEmpty()) {
      AttachedNode.prepare(); // its link's serializer builds meanwhile
    }
    String namespace = System.getProperty("jray.namespace", UUID.randomUUID().toString());
    NodeVerticle node;
    List<String> packages = List.of();
    List<Path> code = List.of();
    CompletableFuture<Void> viewHeard = CompletableFuture.completedFuture(null);
    if (address == null && Boolean.getBoolean(WorkerProcessPool.ALL_WORK_PROPERTY)) {
      // its work runs in worker processes, which join a cluster: this JVM heads one of its own
      NodeOptions embedded = NodeOptions.fromSystemProperties("127.0.0.1", NodeOptions.EMBEDDED);
      cluster = ClusterNode.startForEmbeddedDriver(new NodeOptions(embedded.nodeId(), "127.0.0.1",
          NodeOptions.HEAD, embedded.resources(), embedded.token(), null), freePort(), time);
      attached = null;
      vertx = null;
      gcs = cluster.gcs();
      node = cluster.node(); // the processes load the job's classes from this JVM's class path
    } else if (address == null) {
      cluster = null;
      attached = null;
      vertx = Vertx.vertx();
      gcs = new InMemoryGcs();
      try {
        node = await(NodeVerticle.deploy(vertx,
            NodeOptions.fromSystemProperties("127.0.0.1", NodeOptions.EMBEDDED), gcs, time));
      } catch (Exception e) {
        vertx.close();
        throw e;
      }
    } else {
      String host = System.getProperty("jray.node-ip-address", "127.0.0.1");
      Map<String, Double> resources = Map.of(ResourceSet.OBJECT_STORE_MEMORY,
          (double) StoreCapacity.defaultCapacity());
      long t0 = time.nanoseconds();
      NodeOptions driver = new NodeOptions(IdFactory.newUniqueId(), host, NodeOptions.DRIVER,
          resources, TokenSources.ofProcess().require(null), TlsSettings.ofProcess());
      // a job's driver attaches to the node that started it; one started by hand to a node on its
      // machine, as a Ray driver to its raylet, and moves to another member if that node dies;
      // either starts in a fraction of a member's time
      AttachedNode attaching = target != null
          ? AttachedNode.start(driver.attachedTo(target.node(), false), target.socketAddress(),
              time)
          : attachToLocalNode(driver, localNodes, time);
      attached = attaching;
      if (attaching != null) {
        cluster = null;
        gcs = attaching.gcs();
        node = attaching.node();
        CoreWorker attachedWorker = node.worker();
        attaching.whenHostLost(() -> {
          String why = "this driver's node " + attaching.host() + " died"
              + (target != null ? "" : " and it reached no other member")
              + ": the driver lost the cluster";
          System.err.println("jray: " + why + "; its gets and calls fail from now on");
          attachedWorker.disconnect(why);
        });
      } else {
        cluster = ClusterNode.start(driver, ClusterJoin.through(address), time);
        gcs = cluster.gcs();
        node = cluster.node();
      }
      long t1 = time.nanoseconds();
      vertx = null;
      // the nodes' reports are awaited while the code ships and the job is recorded: each of
      // these is GCS round trips, not CPU, so together they take the longest of them
      NodeVerticle joined = node;
      viewHeard = CompletableFuture.runAsync(() -> awaitClusterView(joined),
          JrayRuntime::onThreadOfItsOwn);
      try {
        code = JobPackages.applicationClassPath(System.getProperty("java.class.path", ""),
            JobPackages.codeSearchPath());
        packages = JobPackages.upload(gcs, code);
      } catch (RuntimeException e) {
        viewHeard.cancel(false);
        leave(); // a driver that cannot start leaves the cluster, so its JVM can exit
        throw e;
      }
      LOG.debug("driver start: join {} ms, ship code {} ms",
          (t1 - t0) / 1_000_000, (time.nanoseconds() - t1) / 1_000_000);
    }
    worker = node.worker();
    JobId job;
    try {
      job = gcs.nextJobId();
      gcs.jobs().put(job, new JobRecord(job, namespace, node.options().nodeId(),
          time.milliseconds(), 0, packages));
      // the Jobs API shows the driver's pid and command line (Ray's driver_info, entrypoint)
      gcs.kv().put(JobRecord.DRIVER_PROCESS_KEY_PREFIX + job.toHex(),
          dev.jray.gcs.DriverProcess.current().bytes());
      JobPackages.restoreCollected(gcs, code, packages);
      String submission = System.getenv(JobRecord.SUBMISSION_ID_ENV);
      if (address != null && submission != null && !submission.isBlank()) {
        // the driver of a submitted job: the Jobs API shows it as that submission
        gcs.kv().put(JobRecord.SUBMISSION_KEY_PREFIX + job.toHex(),
            submission.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      long viewFrom = time.nanoseconds();
      viewHeard.join();
      LOG.debug("driver start: job recorded, then {} ms more for the view",
          (time.nanoseconds() - viewFrom) / 1_000_000);
    } catch (RuntimeException e) {
      leave(); // a driver that cannot start leaves the cluster, so its JVM can exit
      throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause
          ? cause : e;
    }
    jobId = job;
    worker.startDriver(jobId, namespace, jobClassLoader(), jobEnv);
    if (attached != null) {
      attached.generateSerializers();
    }
    shutdownHook = new Thread(this::stop, "jray-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    LOG.atDebug().log(() -> "jray driver of job " + jobId + " started on node "
        + node.options().nodeId()
        + (address == null ? " (embedded)" : " in the cluster at " + address));
  }

  /**
   * The nodes of the cluster at {@code address} that run on this machine ({@link
   * LocalAttachTargets}), which a driver started by hand attaches to; none if {@value
   * #ATTACH_PROPERTY} is false: then it joins as a member.
   */
  private static List<AttachTarget> localNodes(String address) {
    if (!Boolean.parseBoolean(System.getProperty(ATTACH_PROPERTY, "true"))) {
      return List.of();
    }
    return LocalAttachTargets.matching(ClusterAddress.parseList(address, "-D" + ADDRESS_PROPERTY));
  }

  /**
   * A driver started by hand, attached to the first of {@code localNodes} that takes it, movable;
   * null if none does (then it joins as a member).
   */
  private static AttachedNode attachToLocalNode(NodeOptions driver, List<AttachTarget> localNodes,
      Time time) {
    for (AttachTarget t : localNodes) {
      try {
        return AttachedNode.start(driver.attachedTo(t.node(), true), t.socketAddress(), time);
      } catch (RuntimeException e) {
        LOG.debug("could not attach to node {}: {}", t, e.toString());
      }
    }
    return null;
  }

  /** A free port on the loopback address, for an embedded head. */
  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The job's runtime env: {@value #JOB_RUNTIME_ENV_PROPERTY}, else its variable; null if none. */
  private static String jobRuntimeEnv() {
    String env = System.getProperty(JOB_RUNTIME_ENV_PROPERTY);
    return env != null ? env : System.getenv(JOB_RUNTIME_ENV_VARIABLE);
  }

  /**
   * Starts the runtime configured by system properties: the node's own worker on a node's JVM;
   * else joins {@code jray.address} (or {@code JRAY_ADDRESS}) if set, else starts an embedded
   * node.
   *
   * @throws IllegalStateException if the node cannot start or the cluster cannot be joined
   */
  static RayRuntime start() {
    CoreWorker node = NodeWorkers.installed();
    if (node != null) {
      return new WorkerRuntime(node, () -> {}); // the node's lifecycle is its own
    }
    String configured = System.getProperty(ADDRESS_PROPERTY, System.getenv(ADDRESS_VARIABLE));
    if (configured != null && configured.trim().startsWith(ClientConnector.SCHEME)) {
      return ClientConnector.open(configured.trim()); // a Ray Client: no member, one connection
    }
    String address = clusterAddress(System.getProperty(ADDRESS_PROPERTY),
        System.getenv(ADDRESS_VARIABLE));
    JrayRuntime driver;
    try {
      driver = new JrayRuntime(address, Time.SYSTEM);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot start jray: " + e, e);
    }
    return new WorkerRuntime(driver.worker, driver::shutdown);
  }

  /**
   * The cluster to join: {@code property} ({@value #ADDRESS_PROPERTY}) if set, else {@code
   * variable} ({@value #ADDRESS_VARIABLE}), as {@code host:port} or several members {@code
   * h1:p1,h2:p2} (any live one will do); null (blank or unset) for an embedded node.
   *
   * @throws IllegalArgumentException naming the setting if it is not an address list
   */
  static String clusterAddress(String property, String variable) {
    String text = property != null ? property : variable;
    if (text == null || text.isBlank()) {
      return null;
    }
    String source = property != null ? "-D" + ADDRESS_PROPERTY : ADDRESS_VARIABLE;
    return ClusterAddress.toText(ClusterAddress.parseList(text, source));
  }

  /**
   * Waits (briefly) until this driver has heard from every live node, so its first tasks spread
   * over the whole cluster rather than the first node to report.
   */
  private void awaitClusterView(NodeVerticle node) {
    // seed from the loads the nodes record for status: reports over the bus replace these
    long t0 = time.nanoseconds();
    List<NodeRecord> live = gcs.nodes().snapshot().values().stream()
        .filter(n -> n.alive() && n.runsTasks()).toList();
    long t1 = time.nanoseconds();
    int seeded = 0;
    for (NodeLoad load : ClusterNode.loadsOf(gcs, live)) {
      if (time.milliseconds() - load.atMs() < VIEW_WAIT.toMillis()) {
        node.view().update(new SchedulerMessages.ResourceReport(load.nodeId(), load.total(),
            load.available(), 0, load.demands()));
        seeded++;
      }
    }
    long t2 = time.nanoseconds();
    // reports arrive by event-bus publish, at least once a second
    if (!Await.until(time, VIEW_WAIT, () -> unreported(node).isEmpty())) {
      LOG.atDebug().log(() -> "starting without the reports of nodes " + unreported(node));
    }
    LOG.debug("driver's view: nodes read in {} ms, {} of {} loads in {} ms, then {} ms",
        (t1 - t0) / 1_000_000, seeded, live.size(), (t2 - t1) / 1_000_000,
        (time.nanoseconds() - t2) / 1_000_000);
  }

  /** Runs a start step beside the caller's (a daemon, so a driver that fails can still exit). */
  private static void onThreadOfItsOwn(Runnable step) {
    Thread t = new Thread(step, "jray-driver-start");
    t.setDaemon(true);
    t.start();
  }

  /** The live nodes that run tasks and that the node's view has no report of. */
  private List<UniqueId> unreported(NodeVerticle node) {
    return gcs.nodes().snapshot().values().stream()
        .filter(n -> n.alive() && n.runsTasks() && !node.view().knows(n.nodeId()))
        .map(NodeRecord::nodeId).toList();
  }

  /** The driver's code: its own class loader, plus {@code jray.job.code-search-path} if set. */
  private static ClassLoader jobClassLoader() throws MalformedURLException {
    ClassLoader base = Thread.currentThread().getContextClassLoader();
    if (base == null) {
      base = JrayRuntime.class.getClassLoader();
    }
    List<Path> extra = JobPackages.codeSearchPath();
    if (extra.isEmpty()) {
      return base;
    }
    List<URL> urls = new ArrayList<>();
    for (Path p : extra) {
      urls.add(p.toUri().toURL());
    }
    return new URLClassLoader("jray-job", urls.toArray(new URL[0]), base);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Ends the job, then leaves the cluster or stops the embedded node. */
  private synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (!worker.connected()) {
      leave(); // the cluster dropped this driver and ended its job: nothing to tell it
      return;
    }
    try {
      // the job's non-detached actors die with it, as Ray's do
      for (ActorRecord actor : gcs.actors().snapshot().values()) {
        if (actor.jobId().equals(jobId) && !actor.detached() && actor.state() != ActorState.DEAD) {
          worker.killActor(actor.actorId(), "its driver (job " + jobId + ") exited");
        }
      }
      if (cluster != null || attached != null) { // (an embedded node's groups go with it)
        worker.removePlacementGroupsOf(jobId);
      }
      gcs.jobs().update(jobId, j -> j.finished(time.milliseconds()));
    } catch (RuntimeException e) {
      LOG.warn("ending job " + jobId, e);
    }
    if (leave()) {
      return;
    }
    try {
      await(vertx.close()); // undeploys the node: its worker, scheduler and store stop
    } catch (Exception e) {
      LOG.warn("closing Vert.x: " + e);
    }
    gcs.close();
  }

  /** Leaves the cluster this driver joined or attached to; false if it runs alone. Blocks. */
  private boolean leave() {
    if (cluster != null) {
      cluster.close();
      return true;
    }
    if (attached != null) {
      attached.close();
      return true;
    }
    return false;
  }

  private void shutdown() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or ran
    }
  }
}
