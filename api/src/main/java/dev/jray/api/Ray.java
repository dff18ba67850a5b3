package dev.jray.api;

import dev.jray.api.runtime.RayRuntime;
import dev.jray.api.runtime.RayRuntimeFactory;
import dev.jray.api.runtimecontext.RuntimeContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

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

  public static <T> T get(ObjectRef<T> objectRef) {
    Objects.requireNonNull(objectRef, "objectRef");
    return internal().get(objectRef, -1);
  }

  /** @throws dev.jray.api.exception.RayTimeoutException if not ready within the timeout */
  public static <T> T get(ObjectRef<T> objectRef, long timeoutMs) {
    Objects.requireNonNull(objectRef, "objectRef");
    return internal().get(objectRef, timeoutMs);
  }

  /** The values of all refs, in order. */
  public static <T> List<T> get(List<ObjectRef<T>> objectList) {
    Objects.requireNonNull(objectList, "objectList");
    return internal().get(objectList, -1);
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

  /** The named actor in the current namespace, if it exists and is alive. */
  public static <A> Optional<ActorHandle<A>> getActor(String name) {
    Objects.requireNonNull(name, "name");
    return internal().getActor(name, null);
  }

  /** The named actor in the given namespace, if it exists and is alive. */
  public static <A> Optional<ActorHandle<A>> getActor(String name, String namespace) {
    Objects.requireNonNull(name, "name");
    return internal().getActor(name, namespace);
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
