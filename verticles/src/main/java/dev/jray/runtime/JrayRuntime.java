package dev.jray.runtime;

import dev.jray.api.ActorHandle;
import dev.jray.api.BaseActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.WaitResult;
import dev.jray.api.exception.RayException;
import dev.jray.api.function.RayFunc;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.options.ActorCreationOptions;
import dev.jray.api.options.CallOptions;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.runtime.RayRuntime;
import dev.jray.api.runtimecontext.RuntimeContext;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeLoad;
import dev.jray.gcs.NodeRecord;
import dev.jray.scheduler.SchedulerMessages;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.node.ClusterNode;
import dev.jray.scheduler.ResourceSet;
import dev.jray.store.ObjectStore;
import java.util.Map;
import java.util.logging.Level;
import dev.jray.node.NodeOptions;
import dev.jray.node.NodeVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The runtime behind {@link dev.jray.api.Ray} in a driver. With no cluster address it starts an
 * embedded single-node cluster in this JVM (one Vert.x instance, one {@link NodeVerticle}, the
 * GCS in memory); with {@code jray.address} / {@code JRAY_ADDRESS} it joins that cluster as a
 * driver: a member that holds objects but no resources, whose tasks run on the nodes, and whose
 * code it ships to them. Either way it stops with the JVM if not before.
 */
public final class JrayRuntime implements RayRuntime {
  private static final Logger LOG = Logger.getLogger(JrayRuntime.class.getName());
  private static final long VIEW_WAIT_MS = 3_000;

  private final Vertx vertx;
  private final Gcs gcs;
  private final ClusterNode cluster;
  private final CoreWorker worker;
  private final JobId jobId;
  private final RuntimeContext context;
  private final Thread shutdownHook;
  private boolean stopped;
  /** The worker of the cluster node running in this JVM, if any: tasks there call Ray too. */
  private static volatile CoreWorker nodeWorker;

  /** The runtime of a node's JVM: user code in its tasks and actors calls Ray through it. */
  private JrayRuntime(CoreWorker worker) {
    this.vertx = null;
    this.gcs = worker.gcs;
    this.cluster = null;
    this.worker = worker;
    this.jobId = null;
    this.context = new RuntimeContextImpl(worker);
    this.shutdownHook = null;
  }

  /** Undoes {@link #installForNode}: the node in this JVM is stopping. */
  public static void uninstallForNode(CoreWorker worker) {
    if (nodeWorker == worker) {
      nodeWorker = null;
      dev.jray.api.Ray.shutdown();
    }
  }

  /**
   * Makes the application that deployed a node into its own Vert.x the driver of a new job: its
   * code calls {@code Ray} directly, its class path ships to the other nodes. Blocks on the GCS.
   *
   * @param namespace null: a random one
   */
  public static void installForApplication(CoreWorker worker, Gcs gcs, String namespace) {
    String ns = namespace != null ? namespace : UUID.randomUUID().toString();
    JobId job = gcs.nextJobId();
    List<String> packages = JobPackages.upload(gcs, JobPackages.applicationClassPath(
        System.getProperty("java.class.path", ""), codeSearchPath()));
    gcs.jobs().put(job, new JobRecord(job, ns, worker.nodeId, System.currentTimeMillis(), 0,
        packages));
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    worker.startDriver(job, ns, loader != null ? loader : JrayRuntime.class.getClassLoader());
    installForNode(worker);
  }

  /**
   * Makes {@code Ray} usable by the code that runs on this JVM's cluster node (as Ray's worker
   * processes initialize themselves); the node's lifecycle stays its own.
   */
  public static void installForNode(CoreWorker worker) {
    nodeWorker = java.util.Objects.requireNonNull(worker, "worker");
    dev.jray.api.Ray.init();
  }

  private JrayRuntime(String address) throws Exception {
    String namespace = System.getProperty("jray.namespace", UUID.randomUUID().toString());
    NodeVerticle node;
    List<String> packages = List.of();
    if (address == null) {
      cluster = null;
      vertx = Vertx.vertx();
      gcs = new InMemoryGcs();
      try {
        node = await(NodeVerticle.deploy(vertx,
            NodeOptions.fromSystemProperties("127.0.0.1", NodeOptions.EMBEDDED), gcs));
      } catch (Exception e) {
        vertx.close();
        throw e;
      }
    } else {
      String host = System.getProperty("jray.node-ip-address", "127.0.0.1");
      Map<String, Double> resources = Map.of(ResourceSet.OBJECT_STORE_MEMORY,
          (double) ObjectStore.defaultCapacity());
      long t0 = System.nanoTime();
      cluster = ClusterNode.start(new NodeOptions(IdFactory.newUniqueId(), host,
          NodeOptions.DRIVER, resources), 0, address);
      long t1 = System.nanoTime();
      vertx = null;
      gcs = cluster.gcs();
      node = cluster.node();
      long t2;
      try {
        packages = JobPackages.upload(gcs, JobPackages.applicationClassPath(
            System.getProperty("java.class.path", ""), codeSearchPath()));
        t2 = System.nanoTime();
        awaitClusterView(node);
      } catch (RuntimeException | InterruptedException e) {
        cluster.close(); // a driver that cannot start leaves the cluster, so its JVM can exit
        throw e;
      }
      LOG.fine(String.format("driver start: join %d ms, ship code %d ms, wait for the view %d ms",
          (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000));
    }
    worker = node.worker();
    jobId = gcs.nextJobId();
    gcs.jobs().put(jobId, new JobRecord(jobId, namespace, node.options().nodeId(),
        System.currentTimeMillis(), 0, packages));
    worker.startDriver(jobId, namespace, jobClassLoader());
    context = new RuntimeContextImpl(worker);
    shutdownHook = new Thread(this::stop, "jray-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    LOG.fine(() -> "jray driver of job " + jobId + " started on node " + node.options().nodeId()
        + (address == null ? " (embedded)" : " in the cluster at " + address));
  }

  /**
   * Starts the runtime configured by system properties: joins {@code jray.address} (or {@code
   * JRAY_ADDRESS}) if set, else starts an embedded node.
   *
   * @throws IllegalStateException if the node cannot start or the cluster cannot be joined
   */
  static JrayRuntime start() {
    CoreWorker node = nodeWorker;
    if (node != null) {
      return new JrayRuntime(node);
    }
    String address = System.getProperty("jray.address", System.getenv("JRAY_ADDRESS"));
    try {
      return new JrayRuntime(address == null || address.isBlank() ? null : address.trim());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot start jray: " + e, e);
    }
  }

  /**
   * Waits (briefly) until this driver has heard from every live node, so its first tasks spread
   * over the whole cluster rather than the first node to report.
   */
  private void awaitClusterView(NodeVerticle node) throws InterruptedException {
    // seed from the loads the nodes record for status: reports over the bus replace these
    List<NodeRecord> live = gcs.nodes().snapshot().values().stream()
        .filter(n -> n.alive() && n.runsTasks()).toList();
    for (NodeLoad load : ClusterNode.loadsOf(gcs, live)) {
      if (System.currentTimeMillis() - load.atMs() < VIEW_WAIT_MS) {
        node.view().update(new SchedulerMessages.ResourceReport(load.nodeId(), load.total(),
            load.available(), 0, load.demands()));
      }
    }
    long deadline = System.currentTimeMillis() + VIEW_WAIT_MS;
    while (System.currentTimeMillis() < deadline) {
      List<UniqueId> missing = gcs.nodes().snapshot().values().stream()
          .filter(n -> n.alive() && n.runsTasks() && !node.view().knows(n.nodeId()))
          .map(n -> n.nodeId()).toList();
      if (missing.isEmpty()) {
        return;
      }
      LOG.fine(() -> "waiting for the reports of nodes " + missing);
      Thread.sleep(50); // reports arrive by event-bus publish, at least once a second
    }
  }

  private static List<Path> codeSearchPath() {
    String paths = System.getProperty("jray.job.code-search-path");
    List<Path> result = new ArrayList<>();
    if (paths != null) {
      for (String p : paths.split(File.pathSeparator)) {
        if (!p.isBlank()) {
          result.add(Path.of(p.trim()).toAbsolutePath().normalize());
        }
      }
    }
    return result;
  }

  /** The driver's code: its own class loader, plus {@code jray.job.code-search-path} if set. */
  private static ClassLoader jobClassLoader() throws MalformedURLException {
    ClassLoader base = Thread.currentThread().getContextClassLoader();
    if (base == null) {
      base = JrayRuntime.class.getClassLoader();
    }
    List<Path> extra = codeSearchPath();
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

  private synchronized void stop() {
    if (stopped || jobId == null) {
      return; // a node's runtime: the node stops on its own
    }
    stopped = true;
    try {
      // the job's non-detached actors die with it, as Ray's do
      for (ActorRecord actor : gcs.actors().snapshot().values()) {
        if (actor.jobId().equals(jobId) && !actor.detached() && actor.state() != ActorState.DEAD) {
          worker.killActor(actor.actorId(), "its driver (job " + jobId + ") exited");
        }
      }
      if (cluster != null) { // (an embedded node's groups go with it)
        worker.placementGroups().removeAllOf(jobId);
      }
      gcs.jobs().update(jobId, j -> j.finished(System.currentTimeMillis()));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "ending job " + jobId, e);
    }
    if (cluster != null) {
      cluster.close();
      return;
    }
    try {
      await(vertx.close()); // undeploys the node: its worker, scheduler and store stop
    } catch (Exception e) {
      LOG.warning("closing Vert.x: " + e);
    }
    gcs.close();
  }

  @Override
  public void shutdown() {
    stop();
    if (shutdownHook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or ran
    }
  }

  @Override
  public <T> ObjectRef<T> put(T value) {
    return worker.put(value);
  }

  @Override
  public <T> T get(ObjectRef<T> ref, long timeoutMs) {
    return worker.get(ref, timeoutMs);
  }

  @Override
  public <T> List<T> get(List<ObjectRef<T>> refs, long timeoutMs) {
    return worker.get(refs, timeoutMs);
  }

  @Override
  public <T> WaitResult<T> wait(List<ObjectRef<T>> refs, int numReturns, int timeoutMs,
      boolean fetchLocal) {
    return worker.wait(refs, numReturns, timeoutMs);
  }

  @Override
  public ObjectRef<?> call(RayFunc func, Object[] args, CallOptions options) {
    return worker.submitTask(func, args, options);
  }

  @Override
  public ObjectRef<?> callActor(ActorHandle<?> actor, RayFunc func, Object[] args,
      CallOptions options) {
    return worker.callActor(actor, func, args);
  }

  @Override
  public <A> ActorHandle<A> createActor(RayFunc factory, Object[] args,
      ActorCreationOptions options) {
    return worker.createActor(factory, args, options);
  }

  @Override
  public <A> Optional<ActorHandle<A>> getActor(String name, String namespace) {
    return worker.getActor(name, namespace);
  }

  @Override
  public void killActor(BaseActorHandle actor, boolean noRestart) {
    worker.killActor(actor.getId(), noRestart);
  }

  @Override
  public void exitActor() {
    worker.exitActor();
  }

  @Override
  public RuntimeContext getRuntimeContext() {
    return context;
  }

  @Override
  public PlacementGroup createPlacementGroup(PlacementGroupCreationOptions options) {
    TaskContext ctx = worker.context();
    return worker.placementGroups().create(options, ctx.jobId(), ctx.namespace());
  }

  @Override
  public PlacementGroup getPlacementGroup(PlacementGroupId id) {
    return worker.placementGroups().get(id);
  }

  @Override
  public PlacementGroup getPlacementGroup(String name, String namespace) {
    return worker.placementGroups().get(name,
        namespace != null ? namespace : worker.context().namespace());
  }

  @Override
  public List<PlacementGroup> getAllPlacementGroups() {
    return worker.placementGroups().getAll();
  }

  @Override
  public void removePlacementGroup(PlacementGroupId id) {
    worker.placementGroups().remove(id);
  }
}
