package dev.jray.node;

import dev.jray.api.Ray;
import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.Gcs;
import dev.jray.link.LinkTraffic;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.bus.EventBusGuard;
import dev.jray.gcs.cluster.ClusteredVertx;
import dev.jray.gcs.deploy.DeploymentConfig;
import dev.jray.gcs.deploy.LocalParts;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.gcs.time.Time;
import dev.jray.placement.PlacementVerticle;
import dev.jray.runtime.CoreWorker;
import dev.jray.runtime.JobPackages;
import dev.jray.runtime.NodeWorkers;
import dev.jray.scheduler.ClusterView;
import dev.jray.scheduler.ResourceScheduler;
import dev.jray.scheduler.SchedulerVerticle;
import dev.jray.store.ObjectStore;
import dev.jray.store.ObjectStoreVerticle;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Verticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One jray node, deployable into any Vert.x instance (clustered for a real cluster). It deploys
 * the node's parts, in order: an {@link ObjectStoreVerticle} (the store, spilling, the transfer
 * server), a {@link SchedulerVerticle}, a {@link WorkerPoolVerticle} (the threads that run tasks
 * and host actors) and, on nodes that run tasks, a {@link PlacementVerticle}; then it registers
 * the node in the GCS. Each part is deployed as a child of the one before it, so Vert.x (which
 * undeploys a deployment's children before it) undeploys them in reverse order, whether this
 * verticle is undeployed or its Vert.x closed. The parts find each other through {@link
 * LocalParts}, where this verticle also registers the node's GCS and {@link Time} (the clock of
 * their waits, the view's expiry and the links' back-off). A driver is a node that runs no tasks.
 *
 * <p>Threading: start and stop run on its event-loop context, the blocking work in
 * executeBlocking. The parts and {@link #partDeploymentIds} are set during start, before the
 * deployment completes, and read from any thread after.
 */
public final class NodeVerticle extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(NodeVerticle.class);

  // ---- Deployment config (JSON keys), when deployed by name into an application ----
  /** The node's resources, a JSON object of names to amounts; default: detected. */
  public static final String RESOURCES = "resources";
  /** The address its services bind to; default 127.0.0.1. */
  public static final String HOST = "host";
  /** The namespace of the application's job; default: a random one. */
  public static final String NAMESPACE = "namespace";
  /** The cluster token's file; default: where {@link TokenSources} finds the token. */
  public static final String TOKEN_FILE = "tokenFile";
  private static final Set<String> KEYS = Set.of(RESOURCES, HOST, NAMESPACE, TOKEN_FILE);

  private NodeOptions options;
  private Gcs gcs;
  /** The clock of its parts' waits, view expiry, links' back-off and its records' stamps. */
  private final Time time;
  /** Deployed by name into an application's clustered Vert.x: the application is its driver. */
  private final boolean inApplication;
  /** From construction: the first phase is the wait for the verticle's context to start it. */
  private final StartPhases phases;
  private ObjectStoreVerticle storePart;
  private SchedulerVerticle schedulerPart;
  private WorkerPoolVerticle workerPart;
  /** Null on nodes that run no tasks (drivers) and in applications. */
  private PlacementVerticle placement;
  private volatile List<String> partDeploymentIds = List.of();

  public NodeVerticle(NodeOptions options, Gcs gcs) {
    this(options, gcs, Time.SYSTEM);
  }

  public NodeVerticle(NodeOptions options, Gcs gcs, Time time) {
    this.options = Objects.requireNonNull(options, "options");
    this.gcs = Objects.requireNonNull(gcs, "gcs");
    this.time = Objects.requireNonNull(time, "time");
    this.inApplication = false;
    this.phases = new StartPhases(time);
  }

  /**
   * For {@code vertx.deployVerticle("dev.jray.node.NodeVerticle", options)} in an application's
   * own Vert.x, clustered with Hazelcast into a jray cluster (under the cluster name the token
   * gives, {@code ClusterConfig.clusterNameOf}); its config may give {@value #RESOURCES}, {@value
   * #HOST}, {@value #NAMESPACE} and {@value #TOKEN_FILE}. It guards the application's event bus
   * with the token ({@link EventBusGuard}): every member of that cluster must hold it. The node
   * runs tasks, and the application's code calls the {@code Ray} API directly, as the driver of a
   * job of its own.
   */
  public NodeVerticle() {
    this.inApplication = true;
    this.time = Time.SYSTEM;
    this.phases = new StartPhases(time);
  }

  private void configureFromDeployment() {
    DeploymentConfig config = DeploymentConfig.of("NodeVerticle", config(), KEYS);
    ClusterToken token = token(config);
    Gcs clusterGcs = ClusteredVertx.of(vertx).gcs();
    Map<String, Double> resources = new HashMap<>(NodeResources.fromSystemProperties());
    resources.putAll(config.resources(RESOURCES, Map.of()));
    EventBusGuard.install(vertx, token);
    options = new NodeOptions(IdFactory.newUniqueId(), config.string(HOST, "127.0.0.1"),
        NodeOptions.WORKER, resources, token, TlsSettings.ofProcess());
    gcs = clusterGcs;
  }

  /** The token of {@value #TOKEN_FILE}, else the one {@link TokenSources} finds. */
  private static ClusterToken token(DeploymentConfig config) {
    String file = config.string(TOKEN_FILE, null);
    try {
      return TokenSources.ofProcess().require(file == null ? null : Path.of(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("NodeVerticle config: "
          + (file == null ? "" : "key '" + TOKEN_FILE + "': ") + e.getMessage(), e);
    }
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
    UniqueId nodeId = options.nodeId();
    LocalParts.register(vertx, nodeId, Gcs.class, gcs);
    LocalParts.register(vertx, nodeId, Time.class, time);
    phases.mark("deployment");
    List<String> ids = new ArrayList<>();
    storePart = new ObjectStoreVerticle(options.token(), options.tls());
    schedulerPart = new SchedulerVerticle();
    workerPart = new WorkerPoolVerticle(options.token(), options.tls());
    deployPart(context, storePart, new DeploymentOptions().setConfig(storeConfig()), ids)
        .compose(v -> {
          phases.mark("store");
          return deployPart(storePart.context(), schedulerPart,
              new DeploymentOptions().setConfig(schedulerConfig()), ids);
        })
        .compose(v -> {
          phases.mark("scheduler");
          return deployPart(schedulerPart.context(), workerPart,
              new DeploymentOptions().setConfig(workerConfig()), ids);
        })
        .compose(v -> {
          phases.mark("worker pool");
          if (!options.runsTasks() || inApplication) {
            return Future.succeededFuture();
          }
          placement = new PlacementVerticle();
          return deployPart(workerPart.context(), placement, PlacementVerticle.deploymentOptions()
              .setConfig(new JsonObject().put(PlacementVerticle.NODE_ID, nodeId.toHex())
                  .put(PlacementVerticle.ACTIVE, !options.clustered())), ids);
        })
        .compose(v -> {
          phases.mark("placement");
          partDeploymentIds = List.copyOf(ids);
          return vertx.executeBlocking(() -> {
            // a member: no host (an attached process's record is written by its host)
            gcs.nodes().put(nodeId, new NodeRecord(nodeId, options.role(), options.host(),
                hostname(), true, options.resources(), storePart.transferPort(),
                workerPart.linkPort(), time.milliseconds(), options.attachedTo(),
                options.movable()));
            if (inApplication) {
              startApplicationDriver(config().getString(NAMESPACE));
            }
            phases.mark("node record");
            LOG.atDebug().log(() -> options.role() + " node " + nodeId + " started: " + phases);
            return null;
          });
        })
        .<Void>mapEmpty()
        .onFailure(e -> {
          LocalParts.unregister(vertx, nodeId, Gcs.class, gcs);
          LocalParts.unregister(vertx, nodeId, Time.class, time);
        })
        .onComplete(started);
  }

  /** Deploys {@code part} from {@code parent}'s context, which makes it a child of that part. */
  private Future<Void> deployPart(Context parent, Verticle part, DeploymentOptions deployment,
      List<String> ids) {
    Promise<String> deployed = Promise.promise();
    parent.runOnContext(v -> vertx.deployVerticle(part, deployment).onComplete(deployed));
    return deployed.future().map(id -> {
      ids.add(id);
      return null;
    });
  }

  private JsonObject storeConfig() {
    JsonObject config = new JsonObject().put(ObjectStoreVerticle.NODE_ID, options.nodeId().toHex());
    if (options.objectStoreBytes() > 0) {
      config.put(ObjectStoreVerticle.CAPACITY_BYTES, options.objectStoreBytes());
    }
    if (options.clustered()) {
      config.put(ObjectStoreVerticle.TRANSFER_HOST, options.host());
    }
    return config;
  }

  private JsonObject schedulerConfig() {
    JsonObject resources = new JsonObject();
    options.resources().forEach(resources::put);
    return new JsonObject().put(SchedulerVerticle.NODE_ID, options.nodeId().toHex())
        .put(SchedulerVerticle.RESOURCES, resources)
        .put(SchedulerVerticle.RUNS_TASKS, options.runsTasks())
        .put(SchedulerVerticle.CLUSTERED, options.clustered());
  }

  private JsonObject workerConfig() {
    JsonObject config = new JsonObject().put(WorkerPoolVerticle.NODE_ID, options.nodeId().toHex());
    if (options.clustered()) {
      config.put(WorkerPoolVerticle.LINK_HOST, options.host());
    }
    return config;
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
    List<Path> code = JobPackages.applicationClassPath(System.getProperty("java.class.path", ""),
        JobPackages.codeSearchPath());
    List<String> packages = JobPackages.upload(gcs, code);
    gcs.jobs().put(job, new JobRecord(job, ns, options.nodeId(), time.milliseconds(), 0,
        packages));
    // the Jobs API shows the driver's pid and command line (Ray's driver_info, entrypoint)
    gcs.kv().put(JobRecord.DRIVER_PROCESS_KEY_PREFIX + job.toHex(),
        dev.jray.gcs.DriverProcess.current().bytes());
    JobPackages.restoreCollected(gcs, code, packages);
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    worker().startDriver(job, ns, loader != null ? loader : NodeVerticle.class.getClassLoader());
    NodeWorkers.install(worker());
    Ray.init();
  }

  /** Runs after Vert.x undeployed the parts (placement, worker pool, scheduler, then store). */
  @Override
  public void stop(Promise<Void> stopped) {
    vertx.executeBlocking(() -> {
      try {
        gcs.nodes().update(options.nodeId(), NodeRecord::dead);
      } catch (RuntimeException e) {
        LOG.debug("the GCS is gone already", e);
      }
      LocalParts.unregister(vertx, options.nodeId(), Gcs.class, gcs);
      LocalParts.unregister(vertx, options.nodeId(), Time.class, time);
      return null;
    }).<Void>mapEmpty().onComplete(stopped);
  }

  /**
   * The deployment ids of the node's parts, in the order they were deployed: store, scheduler,
   * worker pool and, on nodes that run tasks, placement. Set once started.
   */
  public List<String> partDeploymentIds() {
    return partDeploymentIds;
  }

  /** The node's worker: a driver runs on it. Set once started. */
  public CoreWorker worker() {
    return workerPart.worker();
  }

  /** The node's view of the other nodes' resources. */
  public ClusterView view() {
    return schedulerPart.view();
  }

  /**
   * This node's instance of the placement service, active only on the GCS leader; null on
   * drivers and application-hosted nodes, which never lead.
   */
  public PlacementVerticle placement() {
    return placement;
  }

  /** The GCS this node reads and writes. */
  public Gcs gcs() {
    return gcs;
  }

  public ObjectStore store() {
    return storePart.store();
  }

  /** The store's part: its transfer counts. Set once started. */
  public ObjectStoreVerticle storePart() {
    return storePart;
  }

  /** What the node's links carried, both ways. Set once started. */
  /** The port the node's links listen on; 0 when they do not (an embedded node). */
  public int linkPort() {
    return workerPart.linkPort();
  }

  public LinkTraffic linkTraffic() {
    return workerPart.linkTraffic();
  }

  public ResourceScheduler scheduler() {
    return schedulerPart.scheduler();
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
