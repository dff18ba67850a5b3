package dev.jray.runtime;

import dev.jray.api.ActorHandle;
import dev.jray.api.BaseActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.WaitResult;
import dev.jray.api.exception.RayException;
import dev.jray.api.function.RayFunc;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.options.ActorCreationOptions;
import dev.jray.api.options.CallOptions;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.runtime.RayRuntime;
import dev.jray.api.runtimecontext.RuntimeContext;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.JobRecord;
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
 * The runtime behind {@link dev.jray.api.Ray} in a driver: with no cluster address it starts an
 * embedded single-node cluster in this JVM (one Vert.x instance with the scheduler and worker
 * pool verticles, an object store, the GCS in memory) and shuts it down with the JVM.
 */
public final class JrayRuntime implements RayRuntime {
  private static final Logger LOG = Logger.getLogger(JrayRuntime.class.getName());

  private final Vertx vertx;
  private final Gcs gcs;
  private final NodeVerticle node;
  private final CoreWorker worker;
  private final JobId jobId;
  private final RuntimeContext context;
  private final Thread shutdownHook;
  private boolean stopped;

  private JrayRuntime() throws Exception {
    NodeOptions options = NodeOptions.fromSystemProperties("127.0.0.1", "embedded");
    vertx = Vertx.vertx();
    gcs = new InMemoryGcs();
    try {
      node = await(NodeVerticle.deploy(vertx, options, gcs));
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
    worker = node.worker();
    jobId = gcs.nextJobId();
    String namespace = System.getProperty("jray.namespace", UUID.randomUUID().toString());
    gcs.jobs().put(jobId, new JobRecord(jobId, namespace, options.nodeId(),
        System.currentTimeMillis(), 0));
    worker.startDriver(jobId, namespace, jobClassLoader());
    context = new RuntimeContextImpl(worker);
    shutdownHook = new Thread(this::stop, "jray-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    LOG.fine(() -> "embedded jray node " + options.nodeId() + " started with " + options.resources());
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

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    gcs.jobs().update(jobId, j -> j.finished(System.currentTimeMillis()));
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

}
