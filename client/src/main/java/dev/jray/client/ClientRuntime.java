package dev.jray.client;

import dev.jray.api.ActorHandle;
import dev.jray.api.BaseActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.WaitResult;
import dev.jray.api.concurrencygroup.ConcurrencyGroup;
import dev.jray.api.exception.RayException;
import dev.jray.api.function.RayFunc;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.options.ActorCreationOptions;
import dev.jray.api.options.CallOptions;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.parallelactor.ParallelActorContext;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.runtime.RayRuntime;
import dev.jray.api.runtimecontext.ResourceValue;
import dev.jray.api.runtimecontext.RuntimeContext;
import dev.jray.api.runtimeenv.RuntimeEnv;
import dev.jray.client.ClientProtocol.Reader;
import dev.jray.gcs.serialization.Serializer;
import dev.jray.runtime.DescribedFunction;
import dev.jray.runtime.ParallelActors;
import dev.jray.runtime.RuntimeEnvs;
import io.vertx.core.buffer.Buffer;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Ray Client's runtime: {@code Ray.init()} with {@code jray.address=jray://HOST:PORT}. It
 * holds no cluster membership and opens one connection, to the head's client port; each call
 * becomes a frame to its session's driver, which the head started for it and which runs the call
 * as its own. Submissions do not wait: a ref's id, an actor's id arrive later; gets and waits
 * wait for their reply. Values cross as Fory bytes; refs, actor handles and groups inside them as
 * tokens ({@link WireObjects}).
 *
 * <p>Thread-safe. Replies complete their futures on the connection's event loop; blocking
 * methods ({@code get}, {@code wait}) must not run there.
 */
final class ClientRuntime implements RayRuntime {
  private static final Cleaner CLEANER = Cleaner.create();

  private final ClientConnection connection;
  private final Serializer serializer;
  private final ClassLoader loader;
  private final AtomicLong handles = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final PendingReplies pending;
  private final ClientRuntimeContext context;
  private final ParallelActors parallelActors = new ParallelActors(this);
  /** Ends the session cleanly when the JVM exits without {@code Ray.shutdown()}. */
  private final Thread shutdownHook;
  /** Each method reference's class, named once: the driver gets names, not lambdas. */
  private final Map<Class<?>, DescribedFunction> functions = new ConcurrentHashMap<>();

  ClientRuntime(ClientRuntimeOpener opener) {
    this.serializer = opener.serializer();
    this.loader = opener.loader();
    this.pending = new PendingReplies(loader);
    this.connection = opener.open(pending::onFrame, pending::failAll);
    Handshake.Ready ready = connection.session();
    this.context = new ClientRuntimeContext(this, ready);
    this.shutdownHook = new Thread(this::close, "jray-client-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** What opens a runtime's connection; the connector's, or a test's. */
  interface ClientRuntimeOpener {
    Serializer serializer();

    ClassLoader loader();

    ClientConnection open(java.util.function.Consumer<Reader> onFrame,
        java.util.function.Consumer<RayException> onBreak);
  }

  // ---- requests

  private byte[] encode(Object body) {
    byte[] bytes = serializer.serialize(body);
    if (bytes.length > ClientProtocol.MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("a Ray Client request of " + bytes.length
          + " bytes: at most " + ClientProtocol.MAX_VALUE_BYTES + " cross the client's stream");
    }
    return bytes;
  }

  private <T> ClientObjectRef<T> submit(byte op, Object body) {
    byte[] bytes = encode(body);
    long handle = handles.incrementAndGet();
    CompletableFuture<ObjectId> id = new CompletableFuture<>();
    pending.refIds.put(handle, id);
    connection.send(ClientProtocol.appendBytes(Buffer.buffer(bytes.length + 16).appendByte(op)
        .appendLong(handle), bytes));
    // the refs inside stay reachable until the frame naming them is queued: a RELEASE of one,
    // queued by the cleaner, then comes after it
    Reference.reachabilityFence(body);
    ClientObjectRef<T> ref = new ClientObjectRef<>(this, handle, id);
    CLEANER.register(ref, () -> release(handle));
    return ref;
  }

  private void release(long handle) {
    if (!connection.isClosed()) {
      connection.send(Buffer.buffer(13).appendByte(ClientProtocol.RELEASE).appendLong(handle));
    }
  }

  /** Sends a request that has a reply; the future completes with the reply's body. */
  private CompletableFuture<byte[]> request(byte op, java.util.function.Consumer<Buffer> fields) {
    long id = requests.incrementAndGet();
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    pending.replies.put(id, reply);
    Buffer frame = Buffer.buffer().appendByte(op).appendLong(id);
    fields.accept(frame);
    try {
      connection.send(frame);
    } catch (RuntimeException e) {
      pending.replies.remove(id);
      throw e;
    }
    return reply;
  }

  /** Runs one of the driver's named requests; blocks for its result. */
  Object invoke(String method, Object... args) {
    byte[] body = encode(new ClientRequests.Invocation(method, args));
    CompletableFuture<byte[]> reply = request(ClientProtocol.INVOKE,
        f -> ClientProtocol.appendBytes(f, body));
    Reference.reachabilityFence(args);
    return decode(await(reply, method));
  }

  private Object decode(byte[] bytes) {
    ClientRuntime outer = DECODING.get();
    DECODING.set(this);
    try {
      return serializer.deserialize(bytes, loader);
    } finally {
      DECODING.set(outer);
    }
  }

  /** The runtime decoding a reply on this thread: a ref inside becomes one of its handles. */
  private static final ThreadLocal<ClientRuntime> DECODING = new ThreadLocal<>();

  /** A ref the driver numbered inside a value it sent (a task's result that holds refs). */
  static ClientObjectRef<?> decodedRef(long handle, ObjectId id) {
    ClientRuntime runtime = DECODING.get();
    if (runtime == null) {
      throw new IllegalStateException("a driver's ref read outside a Ray Client's reply");
    }
    ClientObjectRef<?> ref = new ClientObjectRef<>(runtime, handle,
        CompletableFuture.completedFuture(id));
    CLEANER.register(ref, () -> runtime.release(handle));
    return ref;
  }

  /** The value of a future of this runtime's; its failure rethrown as it came. */
  static <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new RayException(what + " failed: " + cause, cause);
    }
  }

  private long[] handlesOf(List<? extends ObjectRef<?>> refs) {
    long[] out = new long[refs.size()];
    for (int i = 0; i < out.length; i++) {
      ObjectRef<?> r = refs.get(i);
      if (!(r instanceof ClientObjectRef<?> c)) {
        throw new IllegalArgumentException("ObjectRef " + r + " is not one of this Ray Client's");
      }
      out[i] = c.handle();
    }
    return out;
  }

  private static Buffer appendLongs(Buffer b, long[] values) {
    b.appendInt(values.length);
    for (long v : values) {
      b.appendLong(v);
    }
    return b;
  }

  /**
   * @throws IllegalArgumentException if {@code func} captures state or is not a method reference
   */
  private DescribedFunction named(RayFunc func) {
    Objects.requireNonNull(func, "func");
    return functions.computeIfAbsent(func.getClass(), c -> DescribedFunction.of(func));
  }

  // ---- RayRuntime

  @Override
  public void shutdown() {
    close();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs, or ran
    }
  }

  /** Ends the session: the head ends it at once, with no reconnect grace. */
  private void close() {
    connection.close();
    pending.failAll(new RayException("the Ray Client was shut down"));
  }

  @Override
  public <T> ObjectRef<T> put(T value) {
    return submit(ClientProtocol.PUT, new ClientRequests.Put(value, null));
  }

  @Override
  public <T> ObjectRef<T> put(T value, BaseActorHandle owner) {
    if (owner == null) {
      throw new IllegalArgumentException("put: the owner actor must not be null");
    }
    return submit(ClientProtocol.PUT, new ClientRequests.Put(value, owner));
  }

  @Override
  public void free(List<ObjectRef<?>> refs, boolean localOnly) {
    handlesOf(refs);
    invoke("free", new ArrayList<>(refs), localOnly);
  }

  @Override
  public <T> T get(ObjectRef<T> ref) {
    return get(List.of(ref), -1).get(0);
  }

  @Override
  public <T> List<T> get(List<ObjectRef<T>> refs) {
    return get(refs, -1);
  }

  @Override
  public <T> T get(ObjectRef<T> ref, long timeoutMs) {
    return get(List.of(ref), timeoutMs).get(0);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> List<T> get(List<ObjectRef<T>> refs, long timeoutMs) {
    return (List<T>) await(getAsync(refs, timeoutMs), "get");
  }

  /** The values of {@code refs}, decoded in this client's class loader, when they are ready. */
  private CompletableFuture<List<Object>> getAsync(List<? extends ObjectRef<?>> refs,
      long timeoutMs) {
    long[] h = handlesOf(refs);
    if (h.length == 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    CompletableFuture<byte[]> reply = request(ClientProtocol.GET,
        f -> appendLongs(f.appendLong(timeoutMs), h));
    Reference.reachabilityFence(refs);
    return reply.thenApply(b -> {
          @SuppressWarnings("unchecked")
          List<Object> values = (List<Object>) decode(b);
          return values;
        });
  }

  @SuppressWarnings("unchecked")
  <T> CompletableFuture<T> getAsync(ClientObjectRef<T> ref) {
    return getAsync(List.of(ref), -1).thenApply(values -> (T) values.get(0));
  }

  @Override
  public <T> WaitResult<T> wait(List<ObjectRef<T>> refs, int numReturns, int timeoutMs,
      boolean fetchLocal) {
    long[] h = handlesOf(refs);
    CompletableFuture<byte[]> reply = request(ClientProtocol.WAIT, f -> appendLongs(
        f.appendInt(numReturns).appendInt(timeoutMs).appendByte((byte) (fetchLocal ? 1 : 0)), h));
    Reference.reachabilityFence(refs);
    byte[] body = await(reply, "wait");
    int[] readyIndexes = (int[]) decode(body);
    boolean[] isReady = new boolean[refs.size()];
    for (int i : readyIndexes) {
      isReady[i] = true;
    }
    List<ObjectRef<T>> ready = new ArrayList<>();
    List<ObjectRef<T>> unready = new ArrayList<>();
    for (int i = 0; i < isReady.length; i++) {
      (isReady[i] ? ready : unready).add(refs.get(i));
    }
    return new WaitResult<>(ready, unready);
  }

  @Override
  @SuppressWarnings("rawtypes")
  public ObjectRef call(RayFunc func, Object[] args, CallOptions options) {
    return submit(ClientProtocol.CALL, new ClientRequests.Call(null, named(func), args, options));
  }

  @Override
  @SuppressWarnings("rawtypes")
  public ObjectRef callActor(ActorHandle<?> actor, RayFunc func, Object[] args,
      CallOptions options) {
    // a handle that came inside a value (a task returned it) is known by its id
    ActorHandle<?> own = actor instanceof ClientActorHandle<?> ? actor : handleOf(actor.getId());
    return submit(ClientProtocol.CALL, new ClientRequests.Call(own, named(func), args, options));
  }

  @Override
  public ConcurrencyGroup createConcurrencyGroup(String name, int maxConcurrency,
      List<RayFunc> methods) {
    return new WireObjects.ConcurrencyGroupSpec(name, maxConcurrency,
        methods.stream().map(m -> (RayFunc) named(m)).toList());
  }

  @Override
  public RuntimeEnv createRuntimeEnv() {
    return RuntimeEnvs.create();
  }

  @Override
  public RuntimeEnv deserializeRuntimeEnv(String serialized) {
    return RuntimeEnvs.deserialize(serialized);
  }

  @Override
  public <A> ActorHandle<A> createActor(RayFunc factory, Object[] args,
      ActorCreationOptions options) {
    byte[] bytes = encode(new ClientRequests.Creation(named(factory), args, options));
    long handle = handles.incrementAndGet();
    CompletableFuture<ActorId> id = new CompletableFuture<>();
    pending.actorIds.put(handle, id);
    connection.send(ClientProtocol.appendBytes(Buffer.buffer(bytes.length + 16)
        .appendByte(ClientProtocol.CREATE_ACTOR).appendLong(handle), bytes));
    Reference.reachabilityFence(args);
    return new ClientActorHandle<>(this, handle, id);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends BaseActorHandle> Optional<T> getActor(String name, String namespace) {
    ActorId id = (ActorId) invoke("getActor", name, namespace);
    return id == null ? Optional.empty() : Optional.of((T) handleOf(id));
  }

  private ClientActorHandle<?> handleOf(ActorId id) {
    return new ClientActorHandle<>(this, 0, CompletableFuture.completedFuture(id));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends BaseActorHandle> T getActorHandle(ActorId actorId) {
    return (T) handleOf(Objects.requireNonNull(actorId, "actorId"));
  }

  @Override
  public void killActor(BaseActorHandle actor, boolean noRestart) {
    invoke("killActor", actor, noRestart);
  }

  @Override
  public Object getAsyncContext() {
    return null; // a client's calls carry no task context
  }

  @Override
  public void setAsyncContext(Object context) {}

  @Override
  public Runnable wrapRunnable(Runnable runnable) {
    return Objects.requireNonNull(runnable, "runnable");
  }

  @Override
  public <T> Callable<T> wrapCallable(Callable<T> callable) {
    return Objects.requireNonNull(callable, "callable");
  }

  @Override
  public String getNamespace() {
    return context.getNamespace();
  }

  @Override
  public Map<String, List<ResourceValue>> getAvailableResourceIds() {
    return Map.of(); // a driver holds no resources
  }

  @Override
  public void exitActor() {
    throw new IllegalStateException("exitActor: a Ray Client is a driver, not an actor");
  }

  @Override
  public RuntimeContext getRuntimeContext() {
    return context;
  }

  @Override
  public ParallelActorContext getParallelActorContext() {
    return parallelActors;
  }

  private PlacementGroup group(Object snapshot) {
    return snapshot == null ? null
        : new ClientPlacementGroup(this, (ClientRequests.GroupSnapshot) snapshot);
  }

  @Override
  public PlacementGroup createPlacementGroup(PlacementGroupCreationOptions options) {
    return group(invoke("createPlacementGroup", options));
  }

  @Override
  public PlacementGroup getPlacementGroup(PlacementGroupId id) {
    return group(invoke("getPlacementGroup", id));
  }

  @Override
  public PlacementGroup getPlacementGroup(String name, String namespace) {
    return group(invoke("getPlacementGroupByName", name, namespace));
  }

  @Override
  public List<PlacementGroup> getAllPlacementGroups() {
    List<?> all = (List<?>) invoke("getAllPlacementGroups");
    return all.stream().map(this::group).toList();
  }

  @Override
  public void removePlacementGroup(PlacementGroupId id) {
    invoke("removePlacementGroup", id);
  }

  @Override
  public boolean waitPlacementGroupReady(PlacementGroupId id, int timeoutSeconds) {
    return (Boolean) invoke("waitPlacementGroupReady", id, timeoutSeconds);
  }
}
