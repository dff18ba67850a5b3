package dev.jray.node;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.FailureDetection;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeLoad;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.cluster.ClusterConfig;
import dev.jray.gcs.cluster.ClusteredVertx;
import dev.jray.gcs.cluster.Membership;
import dev.jray.gcs.deploy.LocalParts;
import dev.jray.gcs.time.Time;
import dev.jray.api.Ray;
import dev.jray.node.metrics.MetricsDiscovery;
import dev.jray.node.metrics.MetricsEndpoints;
import dev.jray.node.metrics.MetricsHttpVerticle;
import dev.jray.node.metrics.NodeMetrics;
import dev.jray.runtime.CoreWorker;
import dev.jray.runtime.NodeWorkers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM's membership in a jray cluster: a Hazelcast member (the head on the cluster port,
 * workers and drivers joining through any live member) under a clustered Vert.x, the GCS on
 * Hazelcast maps, and one {@link NodeVerticle}. It reacts to members leaving: the node drops out
 * of the view at once, and the leader (the oldest full member) does the GCS bookkeeping ({@link
 * LeaderDuties}), which moves to the next oldest member when the leader dies; the leader also
 * reconciles the GCS with the membership every {@link #RECONCILE_INTERVAL}.
 *
 * <p>Threading: immutable after construction; membership callbacks run on a Hazelcast event
 * thread and hand the GCS bookkeeping to the leader duties' own thread; the load and duty
 * timers run on the event loop; {@link #start} and {@link #close} block.
 */
public final class ClusterNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  /** {@code -Djray.fence=off} keeps a paused head or worker running (see {@link NodeFence}). */
  public static final String FENCE_PROPERTY = "jray.fence";
  /** GCS key prefix of the latest load each node reports, for {@code jray status}. */
  public static final String LOAD_KEY_PREFIX = NodeLoad.KEY_PREFIX;
  /** How often the leader repairs what a dead leader left half done. */
  static final Duration RECONCILE_INTERVAL = Duration.ofSeconds(3);

  private final Vertx vertx;
  private final Membership membership;
  private final Gcs gcs;
  private final NodeVerticle node;
  private final Membership.Registration membershipRegistration;
  /** Records its load for status; null for nodes that record none. */
  private final NodeLoadRecorder load;
  private final long dutyTimer;
  /** Runs the leader duties one at a time, off the event loop and Hazelcast's threads. */
  private final ExecutorService dutyThread;
  private final LeaderDuties duties;
  /** The node's clock, which stamps the records this member writes. */
  private final Time time;
  /** Stops a head or worker that resumes from a pause the cluster may have declared it dead in. */
  private final NodeFence fence;
  /** Fences the node when its member merges back after a split; null without a fence. */
  private final Membership.Registration splitOffRegistration;
  /** Keeps the remembered members' file current (a head's); null until set. */
  private volatile Membership.Registration remembering;
  /** The node's metrics; null if it keeps none. */
  private final NodeMetrics metrics;
  /** Its side of the processes attached to it; null on nodes that run no tasks. */
  private final ProcessHosting hosting;
  /** Serves the metrics; null until {@link #serveMetrics}. */
  private volatile MetricsHttpVerticle metricsServer;
  /** The head's service-discovery file; null until {@link #writeMetricsDiscovery}. */
  private volatile MetricsDiscovery metricsDiscovery;

  private ClusterNode(ClusteredVertx cluster, NodeVerticle node, NodeMetrics metrics,
      ProcessHosting hosting) {
    this.vertx = cluster.vertx();
    this.hosting = hosting;
    this.metrics = metrics;
    this.membership = cluster.membership();
    this.gcs = cluster.gcs();
    this.node = node;
    this.time = LocalParts.time(vertx, node.options().nodeId());
    this.dutyThread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "jray-leader-duties");
      t.setDaemon(true);
      return t;
    });
    CoreWorker worker = node.worker();
    this.duties = new LeaderDuties(gcs, membership, new LeaderDuties.Actions() {
      @Override
      public boolean restartActor(ActorRecord actor) {
        return worker.restartActor(actor);
      }

      @Override
      public void killActor(ActorId actor, String cause) {
        worker.killActor(actor, cause);
      }

      @Override
      public void removePlacementGroupsOf(JobId job) {
        worker.removePlacementGroupsOf(job);
      }

      @Override
      public void forgetActor(ActorRecord dead) {
        worker.forgetActor(dead);
      }
    }, time, RECONCILE_INTERVAL, dutyThread);
    this.fence = fenceOf(node.options(), gcs, time, worker);
    this.splitOffRegistration = fence == null ? null : membership.onSplitOff(fence::splitOff);
    this.membershipRegistration = membership.onNodeLeft(this::onNodeLeft);
    this.load = NodeLoadRecorder.startFor(vertx, node, gcs, time);
    // drivers never lead: only full members keep the duty timer
    this.dutyTimer = node.options().runsTasks() ? vertx.setPeriodic(1_000, t -> onDutyTick()) : -1;
  }

  /**
   * Starts a member and its node; blocks until both are up. Not on an event loop.
   *
   * @param options the node; its role says head, worker or driver
   * @param join the port, the members to join through, the GCS backups
   * @throws IllegalStateException if the port is taken or the cluster cannot be joined
   */
  public static ClusterNode start(NodeOptions options, ClusterJoin join) {
    return start(options, join, Time.SYSTEM);
  }

  /** As above, the node on {@code time}. */
  public static ClusterNode start(NodeOptions options, ClusterJoin join, Time time) {
    return start(options, join, time, null);
  }

  /**
   * As above, keeping {@code metrics} (null: none): the Vert.x it builds records into them, and
   * the node's own meters are bound once it started; {@link #serveMetrics} serves them.
   */
  public static ClusterNode start(NodeOptions options, ClusterJoin join, Time time,
      NodeMetrics metrics) {
    return start(options, join, time, metrics, true);
  }

  /**
   * A head alone on {@code port} for an application's embedded driver that runs its work in
   * worker processes ({@code -Djray.worker-processes=true}): a cluster of its own, whose only other
   * members are those processes. The application's driver runs on its worker ({@code
   * startDriver}); the node's worker is not this JVM's Ray runtime. Blocks.
   */
  public static ClusterNode startForEmbeddedDriver(NodeOptions options, int port, Time time) {
    return start(options, ClusterJoin.head(port), time, null, false);
  }

  /** @param rayRuntime whether the node's worker becomes this JVM's Ray runtime */
  private static ClusterNode start(NodeOptions options, ClusterJoin join, Time time,
      NodeMetrics metrics, boolean rayRuntime) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(join, "join");
    boolean head = NodeOptions.HEAD.equals(options.role());
    boolean workerProcess = NodeOptions.WORKER_PROCESS.equals(options.role());
    // a worker process joins as a driver does: a lite member, on any port
    boolean driver = NodeOptions.DRIVER.equals(options.role()) || workerProcess;
    ClusterConfig config;
    if (head) {
      ClusterConfig.checkPortFree(options.host(), join.port());
      config = ClusterConfig.head(options.host(), join.port(), options.token())
          .alsoJoining(join.members());
    } else {
      if (join.members().isEmpty() && join.kubernetes() == null) {
        throw new IllegalArgumentException("a " + options.role() + " needs the address of a member"
            + " to join through");
      }
      if (join.port() != 0 && !driver) {
        ClusterConfig.checkPortFree(options.host(), join.port());
      }
      config = ClusterConfig.member(join.members(), options.host(),
          driver ? ClusterConfig.Role.DRIVER : ClusterConfig.Role.WORKER, driver, options.token())
          .port(driver ? 0 : join.port());
    }
    config.nodeId(options.nodeId()).gcsBackups(join.gcsBackups()).tls(options.tls())
        .kubernetesDiscovery(join.kubernetes())
        .metrics(metrics == null ? null : metrics.vertxMetrics());
    long t0 = time.nanoseconds();
    ClusteredVertx cluster = await(config.join(options.host()),
        "join the cluster" + (head ? " as head on " + options.host() + ":" + join.port()
            : join.kubernetes() != null ? " through Kubernetes service "
                + join.kubernetes().serviceName() : " at " + join.membersText()));
    // a node that runs tasks hosts worker processes: it relays their GCS, membership and bus
    ProcessHosting hosting = options.runsTasks() ? ProcessHosting.register(cluster, options, time)
        : null;
    try {
      long t1 = time.nanoseconds();
      NodeVerticle node = await(NodeVerticle.deploy(cluster.vertx(), options, cluster.gcs(), time),
          "start the node");
      if (hosting != null) {
        hosting.bind(node.worker());
      }
      ClassArchiveTraining.startIfArchiving();
      LOG.debug("{} start: clustered Vert.x and Hazelcast {} ms, node {} ms",
          options.role(), (t1 - t0) / 1_000_000, (time.nanoseconds() - t1) / 1_000_000);
      if (rayRuntime && (options.runsTasks() || workerProcess)) {
        NodeWorkers.install(node.worker());
        Ray.init(); // the code of this node's tasks and actors calls Ray through its worker
      }
      if (hosting != null) {
        node.worker().useWorkerProcesses(workerProcesses(cluster, node, options, time, hosting));
      }
      if (metrics != null) {
        metrics.bind(node);
      }
      ClusterNode member = new ClusterNode(cluster, node, metrics, hosting);
      if (node.placement() != null && member.membership.isLeader()) {
        node.placement().activate();
      }
      return member;
    } catch (RuntimeException e) {
      cluster.vertx().close();
      if (hosting != null) {
        hosting.close();
      }
      throw e;
    }
  }

  /** The node's worker processes, attached to it. */
  private static WorkerProcessPool workerProcesses(ClusteredVertx cluster, NodeVerticle node,
      NodeOptions options, Time time, ProcessHosting hosting) {
    String logFile = System.getProperty("jray.log-file");
    Path logs = logFile != null && Path.of(logFile).getParent() != null
        ? Path.of(logFile).getParent()
        : Path.of(System.getProperty("java.io.tmpdir"), "jray", "logs");
    try {
      WorkerProcessLaunch launch = new WorkerProcessLaunch(options.nodeId(),
          options.host() + ":" + node.linkPort(), options.token(), logs.resolve("workers"),
          node.worker()::localJar);
      return new WorkerProcessPool(cluster.vertx(), node.worker(), launch, time,
          options.resources().getOrDefault("CPU", 0.0), job -> {
            dev.jray.gcs.JobRecord r = cluster.gcs().jobs().get(job);
            return r == null || r.isFinished();
          }, hosting::processEnded);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot make the worker processes' log directory under "
          + logs + ": " + e.getMessage(), e);
    }
  }

  /** Waits up to 60 s for a start step; its failure as one IllegalStateException naming it. */
  static <T> T await(Future<T> f, String what) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof IllegalStateException ise) {
        throw ise;
      }
      throw new IllegalStateException("could not " + what + ": " + cause.getMessage(), cause);
    }
  }

  /**
   * The node's fence (none with {@code -Djray.fence=off}): after a pause, it is fenced if its GCS
   * record says dead (or cannot be read), and whenever its member merges back after a split. A fenced head or worker says so in one line and halts
   * with {@link NodeFence#FENCED_EXIT}, running no shutdown hook, which would write its stale view
   * to the GCS (mark its actors dead, though they run elsewhere now). A fenced driver says so and
   * stays up, cut off: its job has ended, so its gets and calls fail with the cause, and the
   * application decides what to do.
   */
  static NodeFence fenceOf(NodeOptions options, Gcs gcs, Time time, CoreWorker worker) {
    if (!options.clustered() || "off".equals(System.getProperty(FENCE_PROPERTY))) {
      return null;
    }
    BooleanSupplier declaredDead = () -> {
      NodeRecord self = gcs.nodes().get(options.nodeId());
      return self == null || !self.alive();
    };
    Runnable onFenced = !NodeOptions.DRIVER.equals(options.role()) ? () -> {
      System.err.println("jray " + options.role() + " node " + options.nodeId() + " fenced itself"
          + " (the cluster may have declared it dead while it was paused): it stops, exit code "
          + NodeFence.FENCED_EXIT);
      System.err.flush();
      Runtime.getRuntime().halt(NodeFence.FENCED_EXIT);
    } : () -> {
      String why = "this driver (node " + options.nodeId() + ") was dropped by the cluster: it"
          + " was paused longer than the failure detection (" + FailureDetection.TIMEOUT.toSeconds()
          + " s), declared dead, and its job ended";
      System.err.println("jray: " + why + "; its gets and calls fail from now on");
      worker.disconnect(why);
    };
    return new NodeFence(time, declaredDead, onFenced).start();
  }

  private void onNodeLeft(UniqueId gone) {
    if (fence != null && fence.holdsBack(() -> onNodeLeft(gone))) {
      return; // after a pause this view may be stale: this node may be the one gone
    }
    node.view().remove(gone);
    node.worker().onNodeDied(gone);
    if (membership.isLeader() && node.placement() != null) {
      node.placement().activate(); // no-op unless the old leader just left
      node.placement().onNodeDied(gone);
    }
    duties.nodeLeft(gone);
  }

  /** Every second: a new leader's placement service takes over, and the leader reconciles. */
  private void onDutyTick() {
    if (fence != null && !fence.trusted()) {
      return; // after a pause this member may lead only a split-off view: no duties until sure
    }
    if (node.placement() != null && membership.isLeader()) {
      node.placement().activate(); // in case this member became the leader unnoticed
    }
    duties.tick();
  }


  /**
   * The latest loads of the given nodes (those that recorded one), read key by key: the KV also
   * holds the code packages, too big to copy for this. Blocks on the GCS.
   */
  public static List<NodeLoad> loadsOf(Gcs gcs, Collection<NodeRecord> nodes) {
    return NodeLoad.latest(gcs, nodes);
  }


  /**
   * Keeps {@code file} naming the other full members, now and whenever a member joins or leaves,
   * so that this head, restarted on its port, finds the cluster that still runs ({@link
   * RememberedMembers}). The writes run on the leader duties' thread.
   */
  public void rememberMembers(Path file) {
    Runnable write = () -> {
      List<String> others = new ArrayList<>(membership.fullMemberAddresses());
      others.remove(membership.localAddress());
      RememberedMembers.write(file, others);
    };
    remembering = membership.onMembersChanged(() -> {
      try {
        dutyThread.execute(write);
      } catch (RejectedExecutionException closing) {
        // the node is closing: the file keeps the last members it knew
      }
    });
    dutyThread.execute(write);
  }

  /**
   * Serves the node's metrics on {@code host:port} (0: any free port) behind the cluster token,
   * over TLS when the node uses it, and records the endpoint in the GCS for the head's discovery
   * file. Once. Called on any thread; never blocks: a node's start does the rest meanwhile.
   *
   * @return the server, once it listens and its endpoint is recorded; failed (an {@link
   *     IllegalStateException} naming the port) if the port is taken
   * @throws IllegalStateException if the node keeps no metrics
   */
  public Future<MetricsHttpVerticle> serveMetrics(String host, int port) {
    if (metrics == null) {
      throw new IllegalStateException("this node keeps no metrics: start it with a NodeMetrics");
    }
    NodeOptions options = node.options();
    MetricsHttpVerticle server = new MetricsHttpVerticle(metrics, host, port, options.token(),
        options.tls());
    return vertx.deployVerticle(server)
        .recover(e -> Future.failedFuture(new IllegalStateException("could not serve metrics on "
            + host + ":" + port + ": " + e.getMessage(), e)))
        .compose(deployed -> vertx.executeBlocking(() -> {
          metricsServer = server;
          MetricsEndpoints.publish(gcs, options.nodeId(), server.target());
          return server;
        }, false));
  }

  /**
   * Keeps {@code file} listing every live node's metrics endpoint, Prometheus's file-based
   * service discovery (the head's, as Ray's). Once.
   */
  public MetricsDiscovery writeMetricsDiscovery(Path file) {
    metricsDiscovery = MetricsDiscovery.start(vertx, gcs, file);
    return metricsDiscovery;
  }

  /**
   * Calls {@code listener} with each node that leaves the cluster, on a Hazelcast event thread
   * (it must not block), while this member lives.
   */
  public Membership.Registration whenNodeLeaves(Consumer<UniqueId> listener) {
    return membership.onNodeLeft(listener);
  }

  /** Whether this member leads the cluster now (the oldest full member): it does the GCS bookkeeping. */
  public boolean isLeader() {
    return membership.isLeader();
  }

  /** "host:port" of this member: for the head, the address others join. */
  public String address() {
    return membership.localAddress();
  }

  public Gcs gcs() {
    return gcs;
  }

  public NodeVerticle node() {
    return node;
  }

  /** Leaves the cluster: the node stops, then the Hazelcast member. Blocks. */
  @Override
  public void close() {
    if (NodeWorkers.uninstall(node.worker())) {
      Ray.shutdown();
    }
    if (fence != null) {
      splitOffRegistration.cancel();
      fence.close();
    }
    if (dutyTimer >= 0) {
      vertx.cancelTimer(dutyTimer);
    }
    dutyThread.shutdownNow();
    try {
      membershipRegistration.cancel();
      Membership.Registration r = remembering;
      if (r != null) {
        r.cancel();
      }
      if (load != null) {
        load.close();
      }
      if (metricsDiscovery != null) {
        metricsDiscovery.close();
      }
      if (metricsServer != null) {
        MetricsEndpoints.remove(gcs, node.options().nodeId());
      }
    } catch (RuntimeException e) {
      LOG.debug("leaving the cluster", e);
    }
    if (hosting != null) {
      hosting.close(); // its processes end with the node, which closes next
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("closing the node", e);
    }
    if (metrics != null) {
      metrics.close();
    }
  }
}
