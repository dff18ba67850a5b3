package dev.jray.api.runtime;

import dev.jray.api.ActorHandle;
import dev.jray.api.BaseActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.WaitResult;
import dev.jray.api.concurrencygroup.ConcurrencyGroup;
import dev.jray.api.function.RayFunc;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.options.ActorCreationOptions;
import dev.jray.api.options.CallOptions;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.parallelactor.ParallelActorContext;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.runtimecontext.ResourceValue;
import dev.jray.api.runtimecontext.RuntimeContext;
import dev.jray.api.runtimeenv.RuntimeEnv;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The service behind {@link dev.jray.api.Ray}: an implementation is found with {@link
 * java.util.ServiceLoader} through {@link RayRuntimeFactory}. Users do not call it directly.
 */
public interface RayRuntime {

  void shutdown();

  <T> ObjectRef<T> put(T value);

  /** {@code Ray.put(value, owner)}. */
  <T> ObjectRef<T> put(T value, BaseActorHandle owner);

  /**
   * Frees objects now, though references to them remain, as Ray's {@code free}: reading one
   * fails from then on with {@code UnreconstructableException}. Their copies go from every node,
   * or only from this node's store if {@code localOnly} (a freed object owned here still fails).
   *
   * @throws IllegalArgumentException if a ref is not of this runtime
   */
  void free(List<ObjectRef<?>> refs, boolean localOnly);

  /** Waits for the value as long as it takes. */
  <T> T get(ObjectRef<T> ref);

  /** Waits for the values, in list order, as long as it takes. */
  <T> List<T> get(List<ObjectRef<T>> refs);

  /** @param timeoutMs negative: wait forever */
  <T> T get(ObjectRef<T> ref, long timeoutMs);

  /** @param timeoutMs negative: wait forever; the timeout covers all refs together */
  <T> List<T> get(List<ObjectRef<T>> refs, long timeoutMs);

  /** @param timeoutMs negative: wait forever */
  <T> WaitResult<T> wait(List<ObjectRef<T>> refs, int numReturns, int timeoutMs, boolean fetchLocal);

  /**
   * Submits a normal task.
   *
   * @param args each a value or an {@link ObjectRef} of one
   * @return the ref of the task's return value (for void functions, completes with null)
   */
  @SuppressWarnings("rawtypes") // raw as Ray's: callers cast it to the function's return type
  ObjectRef call(RayFunc func, Object[] args, CallOptions options);

  @SuppressWarnings("rawtypes")
  ObjectRef callActor(ActorHandle<?> actor, RayFunc func, Object[] args, CallOptions options);

  /**
   * A concurrency group of actor methods ({@code ConcurrencyGroupBuilder.build()}).
   *
   * @throws IllegalArgumentException if the name is empty, the limit below 1, or a method is not
   *     a method reference
   */
  ConcurrencyGroup createConcurrencyGroup(String name, int maxConcurrency, List<RayFunc> methods);

  /** An empty runtime env ({@code new RuntimeEnv.Builder().build()}). */
  RuntimeEnv createRuntimeEnv();

  /** @throws dev.jray.api.exception.RuntimeEnvException if the text is not a valid runtime env */
  RuntimeEnv deserializeRuntimeEnv(String serialized);

  /** @param factory a constructor reference or a function returning the actor instance */
  <A> ActorHandle<A> createActor(RayFunc factory, Object[] args, ActorCreationOptions options);

  /**
   * A named actor's handle, typed as the caller asks ({@code Optional<ActorHandle<Counter>>}).
   *
   * @param namespace null: the current job's namespace
   */
  <T extends BaseActorHandle> Optional<T> getActor(String name, String namespace);

  /**
   * A handle to the actor with this id, as Ray's: the GCS is not asked, so calls to an actor that
   * does not exist fail with {@link dev.jray.api.exception.RayActorException}.
   */
  <T extends BaseActorHandle> T getActorHandle(ActorId actorId);

  void killActor(BaseActorHandle actor, boolean noRestart);

  /** The calling thread's task context (an opaque value), for {@link #setAsyncContext}. */
  Object getAsyncContext();

  /**
   * Makes {@code context} (from {@link #getAsyncContext}; null: none) the calling thread's.
   *
   * @throws IllegalArgumentException if it is not one {@link #getAsyncContext} returned
   */
  void setAsyncContext(Object context);

  /** {@code runnable}, run in the calling thread's async context wherever it runs. */
  Runnable wrapRunnable(Runnable runnable);

  /** {@code callable}, run in the calling thread's async context wherever it runs. */
  <T> Callable<T> wrapCallable(Callable<T> callable);

  /** The current job's namespace. */
  String getNamespace();

  /**
   * The resources with ids the running task or actor holds, as Ray's: {@code "GPU"} to one
   * {@link ResourceValue} per GPU id, its capacity the share held (1 for whole GPUs). Empty if
   * it holds none, and in a driver (as Ray's, it is for workers).
   */
  Map<String, List<ResourceValue>> getAvailableResourceIds();

  /** Ends the actor whose method is running on the calling thread. */
  void exitActor();

  RuntimeContext getRuntimeContext();

  /** What {@code ParallelActor.actor(...)} and its instances' calls go through. */
  ParallelActorContext getParallelActorContext();

  PlacementGroup createPlacementGroup(PlacementGroupCreationOptions options);

  /** @return null if there is no such group */
  PlacementGroup getPlacementGroup(PlacementGroupId id);

  /** @return null if there is no such group; namespace null: the current one */
  PlacementGroup getPlacementGroup(String name, String namespace);

  List<PlacementGroup> getAllPlacementGroups();

  void removePlacementGroup(PlacementGroupId id);

  /**
   * Ray's: {@code PlacementGroup.wait} by id.
   *
   * @return true once the group is created, false if it is not within the timeout
   * @throws IllegalArgumentException if no group has this id
   * @throws dev.jray.api.exception.RayException if the group was removed
   */
  boolean waitPlacementGroupReady(PlacementGroupId id, int timeoutSeconds);
}
