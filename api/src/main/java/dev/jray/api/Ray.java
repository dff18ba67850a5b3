package dev.jray.api;

import dev.jray.api.runtime.RayRuntime;
import dev.jray.api.runtime.RayRuntimeFactory;
import dev.jray.api.runtimecontext.RuntimeContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/**
 * The entry point of jray, as {@code io.ray.api.Ray} is of Ray: start or join a cluster, put and
 * get objects, submit tasks ({@code task}) and create actors ({@code actor}).
 *
 * <p>Thread safety: every method may be called from any thread once {@link #init()} returned.
 * Blocking methods ({@code get}, {@code wait}) must not be called on a Vert.x event loop; use
 * {@link ObjectRef#toCompletableFuture()} there.
 */
public final class Ray extends RayCall {
  private static volatile RayRuntime runtime;

  private Ray() {}

  /**
   * Starts jray: joins the cluster at {@code jray.address} / {@code JRAY_ADDRESS} if set, else
   * starts an embedded single-node cluster in this JVM. Does nothing if already initialized.
   */
  public static synchronized void init() {
    if (runtime != null) {
      return;
    }
    RayRuntimeFactory factory = ServiceLoader.load(RayRuntimeFactory.class, Ray.class.getClassLoader())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(
            "no jray runtime on the classpath: add dev.jray:jray-verticles"));
    runtime = factory.createRuntime();
  }

  /** Stops the runtime started by {@link #init()}; an embedded cluster shuts down with it. */
  public static synchronized void shutdown() {
    RayRuntime r = runtime;
    runtime = null;
    if (r != null) {
      r.shutdown();
    }
  }

  public static boolean isInitialized() {
    return runtime != null;
  }

  /** Stores a value in the object store; the caller owns the returned ref. */
  public static <T> ObjectRef<T> put(T obj) {
    return internal().put(obj);
  }

  /**
   * Puts an object owned by an actor rather than by the caller, as Ray's experimental {@code
   * put(obj, owner)}: it lives while references to it do and its owner's node does, whether or
   * not the caller does (in jray an actor's node's worker owns what its actors own). The value
   * stays in the caller's store if large, as Ray's.
   *
   * @throws dev.jray.api.exception.RayActorException if the owner is dead or not created yet
   */
  public static <T> ObjectRef<T> put(T obj, BaseActorHandle owner) {
    return internal().put(obj, owner);
  }

  public static <T> T get(ObjectRef<T> objectRef) {
    Objects.requireNonNull(objectRef, "objectRef");
    return internal().get(objectRef);
  }

  /** @throws dev.jray.api.exception.RayTimeoutException if not ready within the timeout */
  public static <T> T get(ObjectRef<T> objectRef, long timeoutMs) {
    Objects.requireNonNull(objectRef, "objectRef");
    return internal().get(objectRef, timeoutMs);
  }

  /** The values of all refs, in order. */
  public static <T> List<T> get(List<ObjectRef<T>> objectList) {
    Objects.requireNonNull(objectList, "objectList");
    return internal().get(objectList);
  }

  /** @throws dev.jray.api.exception.RayTimeoutException if not all ready within the timeout */
  public static <T> List<T> get(List<ObjectRef<T>> objectList, long timeoutMs) {
    Objects.requireNonNull(objectList, "objectList");
    return internal().get(objectList, timeoutMs);
  }

  /** Waits until all refs are ready. */
  public static <T> WaitResult<T> wait(List<ObjectRef<T>> waitList) {
    Objects.requireNonNull(waitList, "waitList");
    return wait(waitList, waitList.size(), -1, true);
  }

  /** Waits until {@code numReturns} refs are ready. */
  public static <T> WaitResult<T> wait(List<ObjectRef<T>> waitList, int numReturns) {
    return wait(waitList, numReturns, -1, true);
  }

  /** Waits until {@code numReturns} refs are ready or the timeout passes. */
  public static <T> WaitResult<T> wait(List<ObjectRef<T>> waitList, int numReturns, int timeoutMs) {
    return wait(waitList, numReturns, timeoutMs, true);
  }

  /**
   * Waits until {@code numReturns} refs are ready or the timeout passes.
   *
   * @param fetchLocal if true, a ref counts as ready only once its value is on this node
   * @return the ready and unready refs, each in input order
   */
  public static <T> WaitResult<T> wait(List<ObjectRef<T>> waitList, int numReturns, int timeoutMs,
      boolean fetchLocal) {
    Objects.requireNonNull(waitList, "waitList");
    if (waitList.isEmpty()) {
      return new WaitResult<>(List.of(), List.of());
    }
    if (numReturns < 0 || numReturns > waitList.size()) {
      throw new IllegalArgumentException("numReturns must be between 0 and the number of refs ("
          + waitList.size() + "), got " + numReturns);
    }
    return internal().wait(waitList, numReturns, timeoutMs, fetchLocal);
  }

  /**
   * The named actor in the current namespace, if it exists and is alive. Ray's signature: the
   * handle's type is the caller's, e.g. {@code Optional<ActorHandle<Counter>> c = Ray.getActor("c")}.
   */
  public static <T extends BaseActorHandle> Optional<T> getActor(String name) {
    Objects.requireNonNull(name, "name");
    return internal().getActor(name, null);
  }

  /** The named actor in the given namespace, if it exists and is alive. */
  public static <T extends BaseActorHandle> Optional<T> getActor(String name, String namespace) {
    Objects.requireNonNull(name, "name");
    return internal().getActor(name, namespace);
  }

  /**
   * The calling thread's job, task and actor, for {@link #setAsyncContext} on a thread that jray
   * did not start (threads an actor's method starts are the actor's already).
   */
  public static Object getAsyncContext() {
    return internal().getAsyncContext();
  }

  /**
   * Runs the calling thread as part of {@code asyncContext} (from {@link #getAsyncContext}): its
   * puts, submissions and {@link #getRuntimeContext()} are the task's. {@code null}: of none.
   *
   * @throws IllegalArgumentException if {@code asyncContext} is not one {@link #getAsyncContext}
   *     returned
   */
  public static void setAsyncContext(Object asyncContext) {
    internal().setAsyncContext(asyncContext);
  }

  /** {@code runnable}, run in the calling thread's async context wherever it runs. */
  public static Runnable wrapRunnable(Runnable runnable) {
    return internal().wrapRunnable(runnable);
  }

  /** {@code callable}, run in the calling thread's async context wherever it runs. */
  public static <T> Callable<T> wrapCallable(Callable<T> callable) {
    return internal().wrapCallable(callable);
  }

  /**
   * Ends the current actor once the running call unwinds: the call's caller and every later
   * caller get {@link dev.jray.api.exception.RayActorException}. Only valid inside an actor.
   */
  public static void exitActor() {
    internal().exitActor();
  }

  public static RuntimeContext getRuntimeContext() {
    return internal().getRuntimeContext();
  }

  /** The runtime behind this API; for jray's own modules and advanced use. */
  public static RayRuntime internal() {
    RayRuntime r = runtime;
    if (r == null) {
      throw new IllegalStateException("jray is not initialized: call Ray.init() first");
    }
    return r;
  }
}
