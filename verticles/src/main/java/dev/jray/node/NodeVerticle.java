package dev.jray.node;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.bus.ForyMessageCodec;
import dev.jray.gcs.serialization.Serializers;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import dev.jray.placement.PlacementMessages;
import dev.jray.placement.PlacementVerticle;
import dev.jray.link.NodeLinks;
import dev.jray.runtime.CoreWorker;
import dev.jray.scheduler.ClusterView;
import dev.jray.scheduler.ResourceScheduler;
import dev.jray.resources.ResourceSet;
import dev.jray.scheduler.SchedulerVerticle;
import dev.jray.store.ObjectStore;
import dev.jray.store.transfer.ObjectTransferClient;
import dev.jray.store.transfer.ObjectTransferServer;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import dev.jray.gcs.cluster.ClusteredVertx;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.api.Ray;
import dev.jray.api.id.JobId;
import dev.jray.gcs.JobRecord;
import dev.jray.runtime.JobPackages;
import dev.jray.runtime.NodeWorkers;
import java.util.List;
import java.util.UUID;
import java.util.HashMap;
import java.util.Map;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One jray node, deployable into any Vert.x instance (clustered for a real cluster): its object
 * store and the TCP transfer server that serves copies of its objects, its scheduler (as a child
 * verticle on the event bus), and its worker, which runs tasks and actors on its own threads and
 * owns the objects created here. Registers itself in the GCS; a driver is a node that runs no
 * tasks.
 */
public final class NodeVerticle extends AbstractVerticle {
  private static final Logger LOG = Logger.getLogger(NodeVerticle.class.getName());
  /** A node silent this long leaves the view (membership usually says so sooner). */
  private static final long VIEW_EXPIRY_MS = 3_000;
  private static final long LOAD_RECORD_EVERY_MS = 1_000;
  /** How long a link waits for a node it heard of to register (it reports before it does). */
  private static final Duration REGISTRATION_WAIT = Duration.ofSeconds(10);

  private NodeOptions options;
  private Gcs gcs;
  /** Deployed by name into an application's clustered Vert.x: the application is its driver. */
  private boolean inApplication;
  /** The clock of its waits, the view's expiry, the links' back-off and its records' stamps. */
  private final Time time;
  private final ClusterView view;
  private ExecutorService executor;
  private ObjectStore store;
  private CoreWorker worker;
  private ResourceScheduler scheduler;
  private ObjectTransferServer transferServer;
  private ObjectTransferClient transferClient;
  /** The direct connections to the other nodes; listening only in a cluster. */
  private NodeLinks links;
  /** The port {@link #links} listen on; 0 outside a cluster. */
  private int linkPort;
  /** Null on nodes that run no tasks (drivers) and in applications. */
  private PlacementVerticle placement;

  public NodeVerticle(NodeOptions options, Gcs gcs) {
    this(options, gcs, Time.SYSTEM);
  }

  public NodeVerticle(NodeOptions options, Gcs gcs, Time time) {
    this.options = Objects.requireNonNull(options, "options");
    this.gcs = Objects.requireNonNull(gcs, "gcs");
    this.time = Objects.requireNonNull(time, "time");
    this.view = viewOn(time);
  }

  /**
   * For {@code vertx.deployVerticle("dev.jray.node.NodeVerticle", options)} in an application's
   * own Vert.x, clustered with Hazelcast into a jray cluster. The deployment's config may give
   * {@code resources} (a JSON object; default: detected), {@code host} (default 127.0.0.1) and
   * {@code namespace}. The node runs tasks, and the application's code calls the {@code Ray} API
   * directly, as the driver of a job of its own.
   */
  public NodeVerticle() {
    this.inApplication = true;
    this.time = Time.SYSTEM;
    this.view = viewOn(time);
  }

  private void configureFromDeployment() {
    Gcs clusterGcs = ClusteredVertx.of(vertx).gcs();
    JsonObject config = config();
    Map<String, Double> resources = new HashMap<>(NodeResources.fromSystemProperties());
    JsonObject custom = config.getJsonObject("resources");
    if (custom != null) {
      resources.putAll(NodeResources.parse(custom.encode(), "the deployment's resources"));
    }
    options = new NodeOptions(IdFactory.newUniqueId(), config.getString("host", "127.0.0.1"),
        NodeOptions.WORKER, resources);
    gcs = clusterGcs;
  }

  /** Reports expire on the monotonic clock: a wall-clock step neither ages nor revives them. */
  private static ClusterView viewOn(Time time) {
    return new ClusterView(() -> TimeUnit.NANOSECONDS.toMillis(time.nanoseconds()), VIEW_EXPIRY_MS);
  }

  /** Deploys a node and completes with it once it is registered. */
  public static Future<NodeVerticle> deploy(Vertx vertx, NodeOptions options, Gcs gcs) {
    return deploy(vertx, options, gcs, Time.SYSTEM);
  }

  /** As above, on {@code time}. */
  public static Future<NodeVerticle> deploy(Vertx vertx, NodeOptions options, Gcs gcs, Time time) {
    NodeVerticle node = new NodeVerticle(options, gcs, time);
    return vertx.deployVerticle(node).map(id -> node);
  }

  @Override
  public void start(Promise<Void> started) {
    if (inApplication) {
      try {
        configureFromDeployment();
      } catch (RuntimeException e) {
        started.fail(e);
        return;
      }
    }
    ForyMessageCodec.registerCodecs(vertx, CoreWorker.messageTypes().toArray(new Class<?>[0]));
    ForyMessageCodec.registerCodecs(vertx, PlacementMessages.types().toArray(new Class<?>[0]));
    UniqueId nodeId = options.nodeId();
    StartPhases phases = new StartPhases();
    // building the worker touches files and the GCS (the network, in a cluster): not on the event loop
    vertx.executeBlocking(() -> {
          // the store makes (and on close removes) a directory of its own in there
          Path spillBase = Path.of(System.getProperty("java.io.tmpdir"));
          store = new ObjectStore(options.objectStoreBytes(), spillBase);
          AtomicInteger threads = new AtomicInteger();
          executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "jray-worker-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
          worker = new CoreWorker(vertx, nodeId, gcs, Serializers.fromSystemProperties(), store,
              executor, time);
          links = new NodeLinks(nodeId, Serializers.fory(), CoreWorker.class.getClassLoader(),
              this::linkAddress, worker.inbox(), time);
          scheduler = new ResourceScheduler(nodeId, ResourceSet.of(options.resources()),
              worker::dispatch, view,
              (target, spec) -> {
                links.send(target, spec);
                worker.locate(spec, target);
              },
              options.runsTasks());
          worker.start(scheduler, this::fetch, links);
          if (options.clustered()) {
            linkPort = links.listen(options.host());
          }
          phases.mark("store, worker and link");
          return null;
        })
        // independent of each other: in a cluster each waits on the network, so overlap them
        .compose(v -> Future.all(startTransferServer(), deployScheduler(), deployPlacement()))
        .compose(all -> {
          phases.mark("transfer server, scheduler and placement");
          int port = all.resultAt(0);
          return vertx.executeBlocking(() -> {
            gcs.nodes().put(nodeId, new NodeRecord(nodeId, options.role(), options.host(),
                hostname(), true, options.resources(), port, linkPort, time.milliseconds()));
            if (inApplication) {
              startApplicationDriver(config().getString("namespace"));
            }
            phases.mark("node record");
            LOG.fine(() -> options.role() + " node " + nodeId + " started: " + phases);
            return null;
          });
        })
        .<Void>mapEmpty()
        .onComplete(started);
  }

  /**
   * Makes the application that deployed this node into its own Vert.x the driver of a new job:
   * its code calls {@code Ray} directly, its class path ships to the other nodes. Blocks on the
   * GCS.
   *
   * @param namespace null: a random one
   */
  private void startApplicationDriver(String namespace) {
    String ns = namespace != null ? namespace : UUID.randomUUID().toString();
    JobId job = gcs.nextJobId();
    List<String> packages = JobPackages.upload(gcs, JobPackages.applicationClassPath(
        System.getProperty("java.class.path", ""), JobPackages.codeSearchPath()));
    gcs.jobs().put(job, new JobRecord(job, ns, options.nodeId(), time.milliseconds(), 0,
        packages));
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    worker.startDriver(job, ns, loader != null ? loader : NodeVerticle.class.getClassLoader());
    NodeWorkers.install(worker);
    Ray.init();
  }

  /** The port this node serves object copies on; 0 when it runs alone. */
  private Future<Integer> startTransferServer() {
    if (!options.clustered()) {
      return Future.succeededFuture(0);
    }
    transferClient = new ObjectTransferClient(vertx);
    return ObjectTransferServer.start(vertx, store, options.host(), 0).map(server -> {
      transferServer = server;
      return server.port();
    });
  }

  private Future<String> deployScheduler() {
    return vertx.deployVerticle(options.clustered()
        ? new SchedulerVerticle(scheduler, view, options.runsTasks())
        : new SchedulerVerticle(scheduler));
  }

  private Future<Void> deployPlacement() {
    if (!options.runsTasks() || inApplication) {
      return Future.succeededFuture();
    }
    placement = new PlacementVerticle(gcs, scheduler, view, worker::onPlacementGroupRemoved);
    return vertx.deployVerticle(placement, PlacementVerticle.deploymentOptions()).map(id -> {
      if (!options.clustered()) {
        placement.activate(); // alone: this node is the leader
      }
      return null;
    });
  }

  /**
   * Where a node's links listen, from the GCS; null if it is gone or has no link. A node that
   * already reports its resources may not have registered yet: waits for its record a while.
   * Called on a link's connector thread.
   */
  private InetSocketAddress linkAddress(UniqueId node) {
    NodeRecord[] registered = new NodeRecord[1];
    Await.until(time, REGISTRATION_WAIT, () -> (registered[0] = gcs.nodes().get(node)) != null);
    NodeRecord peer = registered[0];
    if (peer == null || !peer.alive() || peer.linkPort() == 0) {
      return null;
    }
    return new InetSocketAddress(peer.address(), peer.linkPort());
  }

  /** Pulls an object from the node that holds it into this node's store. */
  private CompletableFuture<Void> fetch(ObjectId id, UniqueId from) {
    if (transferClient == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("node " + from + " is not reachable: this node runs alone"));
    }
    return CompletableFuture.supplyAsync(() -> gcs.nodes().get(from), executor)
        .thenCompose(peer -> {
          if (peer == null || !peer.alive() || peer.objectTransferPort() == 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("node " + from
                + (peer == null ? " is unknown" : " is gone")));
          }
          return transferClient.pull(peer.address(), peer.objectTransferPort(), id, store, false)
              .toCompletionStage().toCompletableFuture();
        });
  }

  @Override
  public void stop(Promise<Void> stopped) {
    worker.stop();
    links.close();
    Future<Void> server = transferServer != null ? transferServer.close() : Future.succeededFuture();
    server.recover(e -> Future.succeededFuture()).compose(v -> vertx.executeBlocking(() -> {
      try {
        gcs.nodes().update(options.nodeId(), NodeRecord::dead);
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "the GCS is gone already", e);
      }
      if (transferClient != null) {
        transferClient.close();
      }
      executor.shutdownNow();
      store.close();
      return null;
    })).<Void>mapEmpty().onComplete(stopped);
  }

  /** The node's worker: a driver runs on it. Set once started. */
  public CoreWorker worker() {
    return worker;
  }

  /** The node's view of the other nodes' resources. */
  public ClusterView view() {
    return view;
  }

  /**
   * This node's instance of the placement service, active only on the GCS leader; null on
   * drivers and application-hosted nodes, which never lead.
   */
  public PlacementVerticle placement() {
    return placement;
  }

  public ObjectStore store() {
    return store;
  }

  public ResourceScheduler scheduler() {
    return scheduler;
  }

  public NodeOptions options() {
    return options;
  }

  private static String hostname() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
