package dev.jray.runtime;

import dev.jray.api.ActorHandle;
import dev.jray.api.BaseActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.WaitResult;
import dev.jray.api.concurrencygroup.ConcurrencyGroup;
import dev.jray.api.function.RayFunc;
import dev.jray.api.runtimeenv.RuntimeEnv;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.options.ActorCreationOptions;
import dev.jray.api.options.CallOptions;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.parallelactor.ParallelActorContext;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.runtime.RayRuntime;
import dev.jray.api.runtimecontext.ResourceValue;
import dev.jray.api.runtimecontext.RuntimeContext;
import dev.jray.resources.ResourceSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

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
  private final ParallelActors parallelActors = new ParallelActors(this);

  /** @param onShutdown what {@link #shutdown()} does; runs once per call */
  public WorkerRuntime(CoreWorker worker, Runnable onShutdown) {
    this.worker = Objects.requireNonNull(worker, "worker");
    this.reader = worker.reader();
    this.normalTasks = worker.normalTasks();
    this.actors = worker.actors();
    this.onShutdown = Objects.requireNonNull(onShutdown, "onShutdown");
    this.context = new RuntimeContextImpl(worker);
  }

  /**
   * The calling thread, which submitted work, is about to idle rather than block on a get: what
   * it submitted leaves now (a thread that gets flushes by itself). Never blocks.
   */
  public void flushCurrentThread() {
    worker.flushCurrentThread();
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
  public <T> T get(ObjectRef<T> ref) {
    return reader.get(ref, -1);
  }

  @Override
  public <T> List<T> get(List<ObjectRef<T>> refs) {
    return reader.get(refs, -1);
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
  @SuppressWarnings("rawtypes")
  public ObjectRef call(RayFunc func, Object[] args, CallOptions options) {
    worker.checkConnected();
    return normalTasks.submitTask(func, args, options);
  }

  @Override
  @SuppressWarnings("rawtypes")
  public ObjectRef callActor(ActorHandle<?> actor, RayFunc func, Object[] args,
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
  @SuppressWarnings("unchecked")
  public <T extends BaseActorHandle> Optional<T> getActor(String name, String namespace) {
    return (Optional<T>) (Optional<?>) worker.directory().getActor(name,
        namespace != null ? namespace : worker.jobs().context().namespace());
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends BaseActorHandle> T getActorHandle(ActorId actorId) {
    Objects.requireNonNull(actorId, "actorId");
    return (T) new ActorHandleImpl<>(actorId, -1);
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
  public Runnable wrapRunnable(Runnable runnable) {
    Objects.requireNonNull(runnable, "runnable");
    Object context = getAsyncContext();
    return () -> {
      Object outer = getAsyncContext();
      setAsyncContext(context);
      try {
        runnable.run();
      } finally {
        setAsyncContext(outer);
      }
    };
  }

  @Override
  public <T> Callable<T> wrapCallable(Callable<T> callable) {
    Objects.requireNonNull(callable, "callable");
    Object context = getAsyncContext();
    return () -> {
      Object outer = getAsyncContext();
      setAsyncContext(context);
      try {
        return callable.call();
      } finally {
        setAsyncContext(outer);
      }
    };
  }

  @Override
  public String getNamespace() {
    return worker.jobs().context().namespace();
  }

  @Override
  public Map<String, List<ResourceValue>> getAvailableResourceIds() {
    TaskContext task = worker.jobs().context();
    if (task.gpuIds().isEmpty()) {
      return Map.of();
    }
    // n >= 1 GPUs are n whole ones; a fraction is that share of one (GpuIds)
    double share = task.gpuAmount() >= 1 ? 1.0 : task.gpuAmount();
    List<ResourceValue> gpus = new ArrayList<>();
    for (long id : task.gpuIds()) {
      gpus.add(new ResourceValue(id, share));
    }
    return Map.of(ResourceSet.GPU, List.copyOf(gpus));
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
  public ParallelActorContext getParallelActorContext() {
    return parallelActors;
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

  @Override
  public boolean waitPlacementGroupReady(PlacementGroupId id, int timeoutSeconds) {
    return worker.placementGroups().waitCreated(id, timeoutSeconds);
  }
}
