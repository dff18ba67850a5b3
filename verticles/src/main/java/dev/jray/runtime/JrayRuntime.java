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
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.bus.ForyMessageCodec;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.serialization.Serializer;
import dev.jray.gcs.serialization.Serializers;
import dev.jray.node.NodeResources;
import dev.jray.scheduler.ResourceScheduler;
import dev.jray.scheduler.ResourceSet;
import dev.jray.scheduler.SchedulerMessages;
import dev.jray.scheduler.SchedulerVerticle;
import dev.jray.scheduler.TaskSpec;
import dev.jray.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The runtime behind {@link dev.jray.api.Ray} in a driver: with no cluster address it starts an
 * embedded single-node cluster in this JVM (one Vert.x instance with the scheduler and worker
 * pool verticles, an object store, the GCS in memory) and shuts it down with the JVM.
 */
public final class JrayRuntime implements RayRuntime {
  private static final Logger LOG = Logger.getLogger(JrayRuntime.class.getName());

  private final Vertx vertx;
  private final ObjectStore store;
  private final Gcs gcs;
  private final ExecutorService executor;
  private final CoreWorker worker;
  private final JobId jobId;
  private final UniqueId nodeId;
  private final RuntimeContext context;
  private final Thread shutdownHook;
  private boolean stopped;

  private JrayRuntime() throws Exception {
    Map<String, Double> resources = NodeResources.fromSystemProperties();
    Serializer serializer = Serializers.fromSystemProperties();
    nodeId = IdFactory.newUniqueId();
    vertx = Vertx.vertx();
    ForyMessageCodec.registerCodecs(vertx, TaskSpec.class, TaskResult.class, KillActor.class,
        SchedulerMessages.TaskReleased.class, SchedulerMessages.TaskBlocked.class,
        SchedulerMessages.StateRequest.class, SchedulerMessages.SchedulerState.class);
    Path spill = Files.createTempDirectory("jray-spill-");
    store = new ObjectStore(resources.get(ResourceSet.OBJECT_STORE_MEMORY).longValue(), spill);
    gcs = new InMemoryGcs();
    AtomicInteger threads = new AtomicInteger();
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "jray-worker-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    worker = new CoreWorker(vertx, nodeId, gcs, serializer, store, executor);
    ResourceScheduler scheduler = new ResourceScheduler(nodeId, ResourceSet.of(resources),
        worker::dispatch);
    worker.start(scheduler);
    await(vertx.deployVerticle(new SchedulerVerticle(scheduler)));
    gcs.nodes().put(nodeId, new NodeRecord(nodeId, "127.0.0.1", hostname(), true, resources,
        System.currentTimeMillis()));
    jobId = gcs.nextJobId();
    String namespace = System.getProperty("jray.namespace", UUID.randomUUID().toString());
    gcs.jobs().put(jobId, new JobRecord(jobId, namespace, nodeId, System.currentTimeMillis(), 0));
    worker.startDriver(jobId, namespace, jobClassLoader());
    context = new RuntimeContextImpl(worker);
    shutdownHook = new Thread(this::stop, "jray-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    LOG.fine(() -> "embedded jray node " + nodeId + " started with " + resources);
  }

  /**
   * Starts the runtime configured by system properties.
   *
   * @throws IllegalStateException if a cluster address is set (joining clusters is the cluster
   *     issue's work) or the node cannot start
   */
  static JrayRuntime start() {
    String address = System.getProperty("jray.address", System.getenv("JRAY_ADDRESS"));
    if (address != null && !address.isBlank()) {
      throw new IllegalStateException("jray.address=" + address + ": this build runs embedded "
          + "only; unset jray.address / JRAY_ADDRESS to start an embedded node");
    }
    try {
      return new JrayRuntime();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the embedded jray node: " + e, e);
    }
  }

  /** The driver's code: its own class loader, plus {@code jray.job.code-search-path} if set. */
  private static ClassLoader jobClassLoader() throws MalformedURLException {
    ClassLoader base = Thread.currentThread().getContextClassLoader();
    if (base == null) {
      base = JrayRuntime.class.getClassLoader();
    }
    String paths = System.getProperty("jray.job.code-search-path");
    if (paths == null || paths.isBlank()) {
      return base;
    }
    List<URL> urls = new ArrayList<>();
    for (String p : paths.split(File.pathSeparator)) {
      if (!p.isBlank()) {
        urls.add(Path.of(p.trim()).toUri().toURL());
      }
    }
    return new URLClassLoader("jray-job", urls.toArray(new URL[0]), base);
  }

  private static String hostname() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    gcs.jobs().update(jobId, j -> j.finished(System.currentTimeMillis()));
    worker.stop();
    try {
      await(vertx.close());
    } catch (Exception e) {
      LOG.warning("closing Vert.x: " + e);
    }
    executor.shutdownNow();
    store.close();
    gcs.close();
  }

  @Override
  public void shutdown() {
    stop();
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

  private static RayException placementGroupsNotAvailable() {
    return new RayException("placement groups are not available in this build yet "
        + "(the placement issue adds them)");
  }

  @Override
  public PlacementGroup createPlacementGroup(PlacementGroupCreationOptions options) {
    throw placementGroupsNotAvailable();
  }

  @Override
  public PlacementGroup getPlacementGroup(PlacementGroupId id) {
    throw placementGroupsNotAvailable();
  }

  @Override
  public PlacementGroup getPlacementGroup(String name, String namespace) {
    throw placementGroupsNotAvailable();
  }

  @Override
  public List<PlacementGroup> getAllPlacementGroups() {
    throw placementGroupsNotAvailable();
  }

  @Override
  public void removePlacementGroup(PlacementGroupId id) {
    throw placementGroupsNotAvailable();
  }

  /** The embedded scheduler's state (resources, demands), for status and tests. */
  public SchedulerMessages.SchedulerState schedulerState() throws Exception {
    return await(vertx.eventBus().<SchedulerMessages.SchedulerState>request(
        SchedulerVerticle.address(nodeId), new SchedulerMessages.StateRequest())).body();
  }
}
