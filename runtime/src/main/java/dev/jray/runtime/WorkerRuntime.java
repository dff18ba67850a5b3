package dev.jray.runtime;

import dev.jray.api.ActorHandle;
import dev.jray.api.BaseActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.WaitResult;
import dev.jray.api.concurrencygroup.ConcurrencyGroup;
import dev.jray.api.function.RayFunc;
import dev.jray.api.runtimeenv.RuntimeEnv;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.options.ActorCreationOptions;
import dev.jray.api.options.CallOptions;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.runtime.RayRuntime;
import dev.jray.api.runtimecontext.RuntimeContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code Ray} API on this JVM's core worker: every call goes to the worker's parts. What
 * {@link #shutdown()} does is its creator's: a driver ends its job and stops its node, a node's
 * own runtime leaves the node running.
 *
 * <p>A driver the cluster dropped fails every put and submission with the cause, and its gets of
 * what it does not hold ({@link CoreWorker#disconnect}).
 *
 * <p>Threading: thread-safe, as the worker is; blocking calls refuse to run on an event loop.
 */
public final class WorkerRuntime implements RayRuntime {
  private final CoreWorker worker;
  private final ObjectReader reader;
  private final NormalTaskSubmitter normalTasks;
  private final ActorSubmitter actors;
  private final RuntimeContext context;
  private final Runnable onShutdown;

  /** @param onShutdown what {@link #shutdown()} does; runs once per call */
  public WorkerRuntime(CoreWorker worker, Runnable onShutdown) {
    this.worker = Objects.requireNonNull(worker, "worker");
    this.reader = worker.reader();
    this.normalTasks = worker.normalTasks();
    this.actors = worker.actors();
    this.onShutdown = Objects.requireNonNull(onShutdown, "onShutdown");
    this.context = new RuntimeContextImpl(worker);
  }

  @Override
  public void shutdown() {
    onShutdown.run();
  }

  @Override
  public <T> ObjectRef<T> put(T value) {
    worker.checkConnected();
    return reader.put(value);
  }

  @Override
  public <T> ObjectRef<T> put(T value, BaseActorHandle owner) {
    worker.checkConnected();
    if (owner == null) {
      throw new IllegalArgumentException("put: the owner actor must not be null");
    }
    return worker.putForActor().put(value, owner.getId());
  }

  @Override
  public void free(List<ObjectRef<?>> refs, boolean localOnly) {
    worker.checkConnected();
    worker.explicitFree().free(refs, localOnly);
  }

  @Override
  public <T> T get(ObjectRef<T> ref, long timeoutMs) {
    return reader.get(ref, timeoutMs);
  }

  @Override
  public <T> List<T> get(List<ObjectRef<T>> refs, long timeoutMs) {
    return reader.get(refs, timeoutMs);
  }

  @Override
  public <T> WaitResult<T> wait(List<ObjectRef<T>> refs, int numReturns, int timeoutMs,
      boolean fetchLocal) {
    return reader.wait(refs, numReturns, timeoutMs, fetchLocal);
  }

  @Override
  public ObjectRef<?> call(RayFunc func, Object[] args, CallOptions options) {
    worker.checkConnected();
    return normalTasks.submitTask(func, args, options);
  }

  @Override
  public ObjectRef<?> callActor(ActorHandle<?> actor, RayFunc func, Object[] args,
      CallOptions options) {
    worker.checkConnected();
    return actors.callActor(actor, func, args, options.concurrencyGroupName);
  }

  @Override
  public RuntimeEnv createRuntimeEnv() {
    return new RuntimeEnvImpl();
  }

  @Override
  public RuntimeEnv deserializeRuntimeEnv(String serialized) {
    return RuntimeEnvImpl.deserialize(serialized);
  }

  @Override
  public ConcurrencyGroup createConcurrencyGroup(String name, int maxConcurrency,
      List<RayFunc> methods) {
    return actors.concurrencyGroup(name, maxConcurrency, methods);
  }

  @Override
  public <A> ActorHandle<A> createActor(RayFunc factory, Object[] args,
      ActorCreationOptions options) {
    worker.checkConnected();
    return actors.createActor(factory, args, options);
  }

  @Override
  public <A> Optional<ActorHandle<A>> getActor(String name, String namespace) {
    return worker.directory().getActor(name,
        namespace != null ? namespace : worker.jobs().context().namespace());
  }

  @Override
  public void killActor(BaseActorHandle actor, boolean noRestart) {
    actors.killActor(actor.getId(), noRestart);
  }

  @Override
  public Object getAsyncContext() {
    return worker.jobs().context();
  }

  @Override
  public void setAsyncContext(Object context) {
    if (context != null && !(context instanceof TaskContext)) {
      throw new IllegalArgumentException("not an async context from Ray.getAsyncContext(): "
          + context.getClass().getName());
    }
    TaskContext task = (TaskContext) context;
    WorkerThreadContext thread = WorkerThreadContext.current();
    if (task == null) {
      TaskContext.restore(thread, null, Thread.currentThread().getContextClassLoader());
    } else {
      task.enter(thread);
    }
  }

  @Override
  public void exitActor() {
    HostedActors.exitCurrent();
  }

  @Override
  public RuntimeContext getRuntimeContext() {
    return context;
  }

  @Override
  public PlacementGroup createPlacementGroup(PlacementGroupCreationOptions options) {
    TaskContext ctx = worker.jobs().context();
    return worker.placementGroups().create(options, ctx.jobId(), ctx.namespace());
  }

  @Override
  public PlacementGroup getPlacementGroup(PlacementGroupId id) {
    return worker.placementGroups().get(id);
  }

  @Override
  public PlacementGroup getPlacementGroup(String name, String namespace) {
    return worker.placementGroups().get(name,
        namespace != null ? namespace : worker.jobs().context().namespace());
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
