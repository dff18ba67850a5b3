package dev.jray.runtime;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.WaitResult;
import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayException;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.exception.RayTimeoutException;
import dev.jray.api.exception.RayWorkerException;
import dev.jray.api.exception.UnreconstructableException;
import dev.jray.api.function.RayFunc;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.options.ActorCreationOptions;
import dev.jray.api.options.ActorLifetime;
import dev.jray.api.options.CallOptions;
import dev.jray.gcs.time.Time;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.serialization.SerializationException;
import dev.jray.gcs.serialization.Serializer;
import dev.jray.link.LinkInbox;
import dev.jray.link.NodeLinks;
import dev.jray.task.ActorSpec;
import dev.jray.resources.BundleResources;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.ObjectValue;
import dev.jray.resources.ResourceSet;
import dev.jray.scheduler.ResourceScheduler;
import dev.jray.scheduler.SchedulerMessages;
import dev.jray.task.TaskArg;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import dev.jray.store.ObjectStore;
import dev.jray.store.ObjectWriter;
import dev.jray.store.StoredObject;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This JVM's worker, as Ray's core worker: it owns the objects its callers create (values,
 * locations, reference counts), submits tasks and actor calls, and runs the tasks and actors the
 * node's scheduler gives it. Tasks go caller → scheduler → worker pool; results go straight back
 * to the owner; actor calls go straight to the actor's address. None of that touches the GCS.
 *
 * <p>Thread-safe: its API is called from driver threads, worker threads and event loops; the
 * blocking calls ({@code get}, {@code wait}) refuse to run on an event loop.
 */
public final class CoreWorker {
  private static final Logger LOG = Logger.getLogger(CoreWorker.class.getName());
  /** Values up to this size travel with tasks and results; larger ones live in the object store. */
  static final int INLINE_LIMIT = 100 * 1024;
  private static final ThreadLocal<AdaptiveSpin> SPINS = ThreadLocal.withInitial(AdaptiveSpin::new);
  /** How long a put waits for collected ObjectRefs to free store memory after a GC. */
  private static final long RECLAIM_WAIT_NANOS = 100_000_000;
  /** Values this large may trigger a GC to get a kept store mapping back instead of fresh memory. */
  private static final long RECLAIM_MIN_BYTES = 64L << 20;
  /** What a task asks for when its options name no resources. */
  private static final ResourceSet ONE_CPU = ResourceSet.of(ResourceSet.CPU, 1);
  private static final Path PACKAGE_CACHE =
      Path.of(System.getProperty("java.io.tmpdir"), "jray-packages");
  private static final String OWNER_PREFIX = "jray.owner.";
  private static volatile CoreWorker current;

  final Vertx vertx;
  final UniqueId nodeId;
  final String ownerAddress;
  final Gcs gcs;
  final Serializer serializer;
  final ObjectStore store;
  final ExecutorService executor;
  final FunctionResolver functions = new FunctionResolver();
  private volatile ResourceScheduler scheduler;
  private volatile ObjectFetcher fetcher;
  /** How messages reach the other nodes' schedulers, owners and actors. */
  private volatile NodeLinks links;
  /** Owner addresses to the node each names, parsed once. */
  private final ConcurrentHashMap<String, UniqueId> ownerNodes = new ConcurrentHashMap<>();
  /** Normal tasks this worker owns that run on other nodes, by return id, to retry if one dies. */
  private final ConcurrentHashMap<ObjectId, RemoteTask> remoteTasks = new ConcurrentHashMap<>();
  /** Specs of this worker's pending normal tasks, by return id, until started somewhere. */
  private final ConcurrentHashMap<ObjectId, TaskSpec> pendingSpecs = new ConcurrentHashMap<>();
  /** Starts own normal tasks on the pool, or lets a caller blocked on one run it. */
  private final TaskStarts starts;

  private record RemoteTask(TaskSpec spec, UniqueId node) {}

  /**
   * Copies in this node's store of objects owned elsewhere, by id, with the owner's node: the
   * primaries of results made here, deleted when the owner frees them ({@link FreeObject}), and
   * copies pulled from other nodes, left as a cache the store evicts when it needs the room. Both
   * are deleted when their owner dies: nobody can ask for them any more.
   */
  private final ConcurrentHashMap<ObjectId, UniqueId> copiesOfOthers = new ConcurrentHashMap<>();
  /** The size of {@link #copiesOfOthers} at which it next drops copies the store evicted. */
  private volatile int prunedCopiesAt = MIN_COPIES_PRUNE;
  private static final int MIN_COPIES_PRUNE = 1024;
  private final Object copiesPruning = new Object();

  /** Object requests this worker sent to other owners, by owner address, to fail if it dies. */
  private final ConcurrentHashMap<String, Set<CompletableFuture<ObjectValue>>> remoteRequests =
      new ConcurrentHashMap<>();
  private final OwnedObjects owned;
  private final ConcurrentHashMap<ActorId, ActorTaskSubmitter> actorSubmitters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ActorId, ActorInstance> hostedActors = new ConcurrentHashMap<>();
  /** Run hosted actors' mailboxes, creations, kills and restarts: idle actors hold no thread. */
  private final ActorRunners actorRunners = ActorRunners.forThisMachine(Time.SYSTEM);
  /** Tasks of placement groups running here, so that removing a group can end them. */
  private final ConcurrentHashMap<TaskId, GroupTask> groupTasks = new ConcurrentHashMap<>();
  private volatile PlacementGroupClient placementGroups;

  /** A running task of a placement group; its lock orders its end against its group's removal. */
  private static final class GroupTask {
    final TaskSpec spec;
    final Thread thread;
    boolean ended;

    GroupTask(TaskSpec spec, Thread thread) {
      this.spec = spec;
      this.thread = thread;
    }
  }
  private final ConcurrentHashMap<JobId, ClassLoader> jobLoaders = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<JobId, String> jobNamespaces = new ConcurrentHashMap<>();
  private final ClassLoader defaultLoader;
  private final AutoCloseable actorTableSubscription;
  private volatile TaskContext driverContext;
  /** How the serializer frames byte arrays, learned on the first large one; see storeArray. */
  private volatile ByteArrayFraming arrayFraming;
  private volatile boolean arrayFramingUnknown;
  /** Bytes of large values stored since the last reclaiming GC; guarded by this. */
  private long largeSinceReclaim;
  private boolean lastReclaimFreed = true;
  private long usedAfterReclaim;

  /**
   * @param executor runs tasks and actor calls (threads are created as needed; resources bound
   *     how many tasks run at once)
   */
  public CoreWorker(Vertx vertx, UniqueId nodeId, Gcs gcs, Serializer serializer,
      ObjectStore store, ExecutorService executor) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.gcs = Objects.requireNonNull(gcs, "gcs");
    this.serializer = Objects.requireNonNull(serializer, "serializer");
    this.store = Objects.requireNonNull(store, "store");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.ownerAddress = ownerAddress(nodeId);
    this.owned = new OwnedObjects(this::freeValue, this::uncount);
    this.defaultLoader = CoreWorker.class.getClassLoader();
    this.starts = new TaskStarts(executor, this::runFrom);
    this.actorTableSubscription = gcs.actors().listen((id, record) -> {
      ActorTaskSubmitter s = actorSubmitters.get(id);
      if (s != null && record != null) {
        s.onActorState(record);
      }
    });
  }

  /**
   * The name of the owner on a node (or driver) that receives results and object requests, as
   * task specs and refs carry it; messages to it go over the link to that node.
   */
  public static String ownerAddress(UniqueId nodeId) {
    return OWNER_PREFIX + nodeId;
  }

  private UniqueId ownerNode(String ownerAddress) {
    return ownerNodes.computeIfAbsent(ownerAddress,
        a -> UniqueId.fromHexString(a.substring(OWNER_PREFIX.length())));
  }

  /** The event-bus message types the worker and its node send; each needs a codec. */
  public static List<Class<?>> messageTypes() {
    return List.of(SchedulerMessages.TaskReleased.class, SchedulerMessages.TaskBlocked.class,
        SchedulerMessages.StateRequest.class, SchedulerMessages.SchedulerState.class,
        SchedulerMessages.ResourceReport.class, SchedulerMessages.BundlePrepare.class,
        SchedulerMessages.BundleCommit.class, SchedulerMessages.BundleReturn.class);
  }

  /** What this worker does with the messages other nodes send it over their links. */
  public LinkInbox inbox() {
    return new WorkerInbox(this);
  }

  /** The worker of this JVM. @throws IllegalStateException if jray is not initialized */
  static CoreWorker current() {
    CoreWorker w = current;
    if (w == null) {
      throw new IllegalStateException("jray is not initialized: call Ray.init() first");
    }
    return w;
  }

  /**
   * Starts running what {@code scheduler} reserves and sending to other nodes over {@code
   * links} (whose inbox is {@link #inbox()}); makes it this JVM's worker.
   */
  public void start(ResourceScheduler scheduler, ObjectFetcher fetcher, NodeLinks links) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.links = Objects.requireNonNull(links, "links");
    placementGroups = new PlacementGroupClient(vertx, gcs, this);
    current = this;
  }

  /** A borrower's count change for an object this worker owns. */
  void onBorrowChange(BorrowChange borrow) {
    if (borrow.delta() > 0) {
      owned.addRef(borrow.objectId());
    } else {
      owned.removeRef(borrow.objectId());
    }
  }

  /** The value or location of an owned object, once ready; null if it is freed or lost. */
  CompletableFuture<ObjectValue> ownedFuture(ObjectId id) {
    return owned.future(id);
  }

  ResourceScheduler scheduler() {
    return scheduler;
  }

  private void sendToOwner(String owner, Object message) {
    links.send(ownerNode(owner), message);
  }

  /** Stops; objects it owns are gone with it. */
  public void stop() {
    if (current == this) {
      current = null;
    }
    hostedActors.values().forEach(a -> a.die("the node shut down", null, false));
    actorRunners.close();
    try {
      actorTableSubscription.close();
    } catch (Exception e) {
      LOG.log(Level.FINE, "closing the actor table subscription", e);
    }
    if (placementGroups != null) {
      placementGroups.close();
    }
    starts.close();
  }

  /** Makes this worker run a driver for {@code job}, whose code is in {@code loader}. */
  public void startDriver(JobId job, String namespace, ClassLoader loader) {
    registerJob(job, namespace, loader);
    driverContext = TaskContext.of(job, IdFactory.newTaskId(job), ActorId.NIL, namespace, loader,
        TaskKind.NORMAL, true, false);
  }

  /** Where tasks of {@code job} load their classes from. */
  public void registerJob(JobId job, String namespace, ClassLoader loader) {
    jobLoaders.put(job, loader);
    jobNamespaces.put(job, namespace);
  }

  TaskContext context() {
    TaskContext c = TaskContext.current();
    if (c != null) {
      return c;
    }
    TaskContext d = driverContext;
    if (d == null) {
      throw new IllegalStateException("no driver runs in this JVM: call Ray.init() first");
    }
    return d;
  }

  UniqueId nodeId() {
    return nodeId;
  }

  // ---------------------------------------------------------------- references

  /**
   * Counts a live ObjectRef: at this worker if it owns the object, else as a borrow at the owner
   * (the message leaves before anything this worker sends the owner later, such as the result
   * of the task that received the ref, so the owner cannot free the object in between).
   */
  void registerRef(ObjectRefImpl<?> ref) {
    ObjectId id = ref.getId();
    String owner = ref.ownerAddress();
    if (owner.equals(ownerAddress)) {
      owned.addRef(id);
      new TrackedRef(ref) {
        @Override
        void released() {
          owned.removeRef(id);
        }
      };
    } else {
      sendToOwner(owner, new BorrowChange(id, 1));
      new TrackedRef(ref) {
        @Override
        void released() {
          sendToOwner(owner, new BorrowChange(id, -1));
        }
      };
    }
  }

  /** Counts one more reference to an object: here if this worker owns it, else at its owner. */
  private void count(RefId ref) {
    if (ref.owner().equals(ownerAddress)) {
      owned.addRef(ref.id());
    } else {
      sendToOwner(ref.owner(), new BorrowChange(ref.id(), 1));
    }
  }

  private void uncount(RefId ref) {
    if (ref.owner().equals(ownerAddress)) {
      owned.removeRef(ref.id());
    } else {
      sendToOwner(ref.owner(), new BorrowChange(ref.id(), -1));
    }
  }

  /**
   * Deletes this node's copy of a freed object: the primary, or a copy pulled from the node that
   * holds it, whose memory the next pull of that size then reuses instead of faulting in fresh.
   */
  private void freeValue(ObjectId id, ObjectValue value) {
    if (!value.isInline()) {
      store.delete(id);
      if (!value.storeNode().equals(nodeId)) {
        links.send(value.storeNode(), new FreeObject(id));
      }
    }
  }

  /** The owner of a result whose primary copy is here freed it. Never blocks. */
  void onFreeObject(ObjectId id) {
    if (copiesOfOthers.remove(id) != null) {
      try {
        executor.execute(() -> deleteQuietly(id)); // unmapping a large copy takes a while
      } catch (RejectedExecutionException stopping) {
        // the node is stopping: its store goes with it
      }
    }
  }

  /** Serialized value and the ObjectRefs found inside it (each counted once more until released). */
  private record Encoded(byte[] bytes, List<RefId> contained) {}

  private Encoded encode(Object value) {
    ContainedRefs.begin();
    byte[] bytes;
    List<RefId> contained;
    try {
      bytes = serializer.serialize(value);
    } finally {
      contained = ContainedRefs.end();
    }
    if (!contained.isEmpty()) {
      contained.forEach(this::count); // the value keeps them alive, wherever their owners are
    }
    return new Encoded(bytes, contained);
  }

  private ObjectValue storeValue(ObjectId id, byte[] bytes) {
    if (bytes.length <= INLINE_LIMIT) {
      return ObjectValue.inline(bytes);
    }
    reclaimStoreMemory(bytes.length);
    store.put(id, bytes, true);
    return ObjectValue.inStore(nodeId, bytes.length);
  }

  /**
   * Stores a large byte array as the serializer would, with one copy and no serialized copy on
   * the heap; null if the serializer frames arrays in a way this does not know.
   */
  private ObjectValue storeArray(ObjectId id, byte[] array) {
    ByteArrayFraming framing = arrayFraming();
    if (framing == null) {
      return null;
    }
    byte[] header = framing.header(array.length);
    long size = (long) header.length + array.length;
    reclaimStoreMemory(size);
    ObjectWriter writer = store.create(id, size, true);
    try {
      writer.write(ByteBuffer.wrap(header));
      writer.write(ByteBuffer.wrap(array));
      writer.seal();
    } finally {
      writer.abort(); // a no-op once sealed
    }
    return ObjectValue.inStore(nodeId, size);
  }

  /** How the serializer frames a byte[], learned once; null if in a way this does not know. */
  private ByteArrayFraming arrayFraming() {
    ByteArrayFraming framing = arrayFraming;
    if (framing == null && !arrayFramingUnknown) {
      framing = ByteArrayFraming.learn(serializer);
      arrayFramingUnknown = framing == null;
      arrayFraming = framing;
    }
    return framing;
  }

  /**
   * Lets unreachable ObjectRefs free their objects before a large value needs memory the store
   * does not have, or fresh memory when a kept mapping might come back: refs are counted down by
   * the RefTracker, which sees them only after a GC, and a loop of large puts makes little heap garbage.
   * As NIO does for direct memory. A GC that freed nothing makes the next wait for a quarter of
   * the store's capacity in new large objects.
   */
  private synchronized void reclaimStoreMemory(long size) {
    long used = store.usedBytes();
    if (used < usedAfterReclaim) {
      lastReclaimFreed = true; // the RefTracker caught up after the last wait
    }
    boolean full = used + size > store.capacity();
    boolean reuseLikely = size >= RECLAIM_MIN_BYTES && largeSinceReclaim > 0
        && (lastReclaimFreed || largeSinceReclaim >= store.capacity() / 4)
        && !store.hasReusable(size);
    if (!full && !reuseLikely) {
      if (size >= RECLAIM_MIN_BYTES) {
        largeSinceReclaim += size;
      }
      return;
    }
    HeapKeepingGc.run();
    long deadline = System.nanoTime() + RECLAIM_WAIT_NANOS;
    while (store.usedBytes() >= used && !store.hasReusable(size) && System.nanoTime() < deadline) {
      LockSupport.parkNanos(500_000);
    }
    usedAfterReclaim = store.usedBytes();
    lastReclaimFreed = usedAfterReclaim < used;
    largeSinceReclaim = size;
  }

  private ObjectValue errorValue(RayException error) {
    try {
      return ObjectValue.failure(serializer.serialize(error));
    } catch (RuntimeException e) {
      // the user's exception holds something unserializable: keep its message and trace
      Throwable root = error.getCause() != null ? error.getCause() : error;
      RayException copy = new RayException(root.getMessage());
      copy.setStackTrace(root.getStackTrace());
      RayException outer = error instanceof RayActorException a
          ? new RayActorException(a.getActorId(), error.getMessage(), copy)
          : new RayTaskException(error.getMessage() + " (" + root.getClass().getName()
              + " could not be serialized: " + e.getMessage() + ")", copy);
      return ObjectValue.failure(serializer.serialize(outer));
    }
  }

  // ---------------------------------------------------------------- put / get / wait

  <T> ObjectRef<T> put(T value) {
    TaskContext ctx = context();
    ObjectId id = ctx.nextPutId();
    if (value instanceof byte[] array && array.length > INLINE_LIMIT) {
      ObjectValue stored = storeArray(id, array);
      if (stored != null) {
        return new ObjectRefImpl<>(id, ownerAddress, owned, stored, List.of());
      }
    }
    Encoded e = encode(value);
    return new ObjectRefImpl<>(id, ownerAddress, owned, storeValue(id, e.bytes()), e.contained());
  }

  private CompletableFuture<ObjectValue> locate(ObjectRefImpl<?> ref) {
    OwnedObjects.Entry entry = ref.entry();
    if (entry != null) {
      return entry.value;
    }
    if (ref.ownerAddress().equals(ownerAddress)) {
      CompletableFuture<ObjectValue> f = owned.future(ref.getId());
      if (f != null) {
        return f;
      }
      return CompletableFuture.failedFuture(new UnreconstructableException(ref.getId(),
          "its owner freed it (no reference was left) or lost it"));
    }
    return askOwner(ref.getId(), ref.ownerAddress());
  }

  /** Asks a remote owner for an object's value or location, waiting as long as it takes. */
  private CompletableFuture<ObjectValue> askOwner(ObjectId id, String owner) {
    CompletableFuture<ObjectValue> f = new CompletableFuture<>();
    Set<CompletableFuture<ObjectValue>> pending =
        remoteRequests.computeIfAbsent(owner, o -> ConcurrentHashMap.newKeySet());
    pending.add(f);
    f.whenComplete((v, e) -> pending.remove(f));
    links.request(ownerNode(owner), new ObjectRequest(id)).whenComplete((v, e) -> {
      if (e == null) {
        f.complete((ObjectValue) v);
      } else {
        f.completeExceptionally(new UnreconstructableException(id,
            "its owner (" + owner + ") cannot give it: " + e.getMessage()));
      }
    });
    return f;
  }

  /**
   * Records, or tells the owner, that a normal task is now on {@code node} (forwarded there, or
   * started there), so the owner can retry it if that node dies. Never blocks.
   */
  public void locate(TaskSpec spec, UniqueId node) {
    if (spec.kind() != TaskKind.NORMAL) {
      return; // actors fail or restart through the actor table instead
    }
    if (spec.ownerAddress().equals(ownerAddress)) {
      onTaskLocated(spec.returnId(), node);
    } else {
      sendToOwner(spec.ownerAddress(), new TaskLocated(spec.returnId(), node));
    }
  }

  void onTaskLocated(ObjectId returnId, UniqueId node) {
    TaskSpec spec = pendingSpecs.get(returnId);
    if (spec == null) {
      return; // done already
    }
    if (node.equals(nodeId)) {
      remoteTasks.remove(returnId);
    } else {
      remoteTasks.put(returnId, new RemoteTask(spec, node));
    }
  }

  /**
   * A node (or driver) left the cluster: what it owned is lost to us (the copies of its objects
   * here are deleted), and our tasks that ran there are retried elsewhere while they have retries
   * left, else fail.
   */
  public void onNodeDied(UniqueId node) {
    links.onNodeDied(node);
    for (Map.Entry<ObjectId, RemoteTask> e : remoteTasks.entrySet()) {
      TaskSpec spec = e.getValue().spec();
      if (!e.getValue().node().equals(node) || !remoteTasks.remove(e.getKey(), e.getValue())) {
        continue;
      }
      if (spec.maxRetries() < 0 || spec.attempt() < spec.maxRetries()) {
        LOG.info("retrying task " + spec + " (attempt " + (spec.attempt() + 1) + "): node "
            + node + " died while running it");
        submitToScheduler(spec.retried());
      } else {
        failCall(spec.returnId(), new RayWorkerException("task " + spec + " failed: node " + node
            + " died while running it, and its " + spec.maxRetries() + " retries are used up"));
      }
    }
    Set<CompletableFuture<ObjectValue>> pending = remoteRequests.remove(ownerAddress(node));
    if (pending != null) {
      for (CompletableFuture<ObjectValue> f : pending) {
        f.completeExceptionally(new UnreconstructableException(null,
            "its owner, node " + node + ", died"));
      }
    }
    copiesOfOthers.forEach((id, owner) -> {
      if (owner.equals(node) && copiesOfOthers.remove(id, owner)) {
        deleteQuietly(id);
      }
    });
  }

  private void deleteQuietly(ObjectId id) {
    try {
      store.delete(id);
    } catch (IllegalStateException closed) {
      // this node is stopping: its store went first
    }
  }

  private static ObjectRefImpl<?> impl(ObjectRef<?> ref) {
    if (ref instanceof ObjectRefImpl<?> r) {
      return r;
    }
    throw new IllegalArgumentException("not an ObjectRef made by jray: " + ref);
  }

  <T> T get(ObjectRef<T> ref, long timeoutMs) {
    ObjectRefImpl<?> r = impl(Objects.requireNonNull(ref, "ObjectRef"));
    CompletableFuture<ObjectValue> f = locate(r);
    if (!f.isDone()) {
      if (mayRunInline(timeoutMs)) {
        runIfUnstarted(r.getId(), f);
      }
      awaitBlocking(f, timeoutMs, () -> "get timed out after " + timeoutMs + " ms waiting for 1 object(s)");
    }
    return decode(r.getId(), r.ownerAddress(), f, context().loader());
  }

  <T> List<T> get(List<ObjectRef<T>> refs, long timeoutMs) {
    List<CompletableFuture<ObjectValue>> futures = new ArrayList<>(refs.size());
    for (ObjectRef<T> r : refs) {
      futures.add(locate(impl(Objects.requireNonNull(r, "ObjectRef in list"))));
    }
    CompletableFuture<?> all = allOfPending(futures);
    if (mayRunInline(timeoutMs)) {
      for (int i = 0; i < futures.size() && !all.isDone(); i++) {
        if (!futures.get(i).isDone()) {
          runIfUnstarted(refs.get(i).getId(), all);
        }
      }
    }
    awaitBlocking(all, timeoutMs, () -> "get timed out after " + timeoutMs + " ms waiting for "
        + refs.size() + " object(s)");
    ClassLoader loader = context().loader();
    List<T> values = new ArrayList<>(refs.size());
    for (int i = 0; i < refs.size(); i++) {
      ObjectRefImpl<?> r = impl(refs.get(i));
      values.add(decode(r.getId(), r.ownerAddress(), futures.get(i), loader));
    }
    return values;
  }

  /** Completes when all of {@code futures} have; combines only those not done yet. */
  private static CompletableFuture<?> allOfPending(List<CompletableFuture<ObjectValue>> futures) {
    List<CompletableFuture<ObjectValue>> pending = null;
    for (CompletableFuture<ObjectValue> f : futures) {
      if (!f.isDone()) {
        if (pending == null) {
          pending = new ArrayList<>();
        }
        pending.add(f);
      }
    }
    if (pending == null) {
      return CompletableFuture.completedFuture(null);
    }
    return pending.size() == 1 ? pending.get(0)
        : CompletableFuture.allOf(pending.toArray(new CompletableFuture[0]));
  }

  <T> CompletableFuture<T> getAsync(ObjectRef<T> ref) {
    ClassLoader loader = context().loader();
    ObjectRefImpl<?> r = impl(ref);
    ObjectId id = r.getId();
    CompletableFuture<ObjectValue> f = locate(r);
    // large or remote values are decoded on a worker thread: never on the event loop
    return f.thenCompose(v -> v.isInline() || v.error() ? CompletableFuture.completedFuture(v)
            : fetchIfRemote(id, r.ownerAddress(), v).thenApply(x -> v))
        .handleAsync((v, e) -> decode(id, r.ownerAddress(), f, loader), executor);
  }

  /** Pulls a copy of an object stored on another node into this node's store, unless it is here. */
  private CompletableFuture<Void> fetchIfRemote(ObjectId id, String owner, ObjectValue v) {
    if (v.isInline() || nodeId.equals(v.storeNode()) || store.contains(id)) {
      return CompletableFuture.completedFuture(null);
    }
    return fetcher.fetch(id, v.storeNode()).thenRun(() -> keepCopyOf(id, owner));
  }

  /** Notes a copy here of an object {@code owner} owns, unless that is this worker. */
  private void keepCopyOf(ObjectId id, String owner) {
    if (owner == null || owner.equals(ownerAddress)) {
      return; // its freeing deletes this node's copy
    }
    copiesOfOthers.put(id, ownerNode(owner));
    if (copiesOfOthers.size() >= prunedCopiesAt) {
      pruneCopies();
    }
  }

  /** Forgets the copies the store evicted; amortized over the puts since the last prune. */
  private void pruneCopies() {
    synchronized (copiesPruning) {
      if (copiesOfOthers.size() < prunedCopiesAt) {
        return;
      }
      copiesOfOthers.keySet().removeIf(id -> !store.contains(id));
      prunedCopiesAt = Math.max(MIN_COPIES_PRUNE, 2 * copiesOfOthers.size());
    }
  }

  <T> WaitResult<T> wait(List<ObjectRef<T>> refs, int numReturns, int timeoutMs) {
    List<CompletableFuture<ObjectValue>> futures = new ArrayList<>(refs.size());
    for (ObjectRef<T> r : refs) {
      futures.add(locate(impl(Objects.requireNonNull(r, "ObjectRef in list"))));
    }
    CompletableFuture<Void> enough = new CompletableFuture<>();
    if (numReturns == 0) {
      enough.complete(null);
    }
    AtomicInteger ready = new AtomicInteger();
    for (CompletableFuture<ObjectValue> f : futures) {
      f.whenComplete((v, e) -> {
        if (ready.incrementAndGet() == numReturns) {
          enough.complete(null);
        }
      });
    }
    try {
      awaitBlocking(enough, timeoutMs, () -> "");
    } catch (RayTimeoutException expected) {
      // wait returns what is ready when its timeout passes
    }
    List<ObjectRef<T>> readyRefs = new ArrayList<>();
    List<ObjectRef<T>> unready = new ArrayList<>();
    for (int i = 0; i < refs.size(); i++) {
      if (futures.get(i).isDone() && readyRefs.size() < numReturns) {
        readyRefs.add(refs.get(i));
      } else {
        unready.add(refs.get(i));
      }
    }
    return new WaitResult<>(readyRefs, unready);
  }

  /**
   * Blocks until {@code f} completes or the timeout passes. A normal task lends its CPU to the
   * node while it waits, so tasks that wait on their own subtasks cannot starve the node.
   */
  private void awaitBlocking(CompletableFuture<?> f, long timeoutMs, java.util.function.Supplier<String> timeoutMessage) {
    if (f.isDone()) {
      return;
    }
    starts.flushCurrentThread(); // a task this thread submitted must not wait for it
    links.flushCurrentThread(); // nor a call or task it sent to another node
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("blocking get/wait on a Vert.x event loop would stall it: "
          + "use ObjectRef.toCompletableFuture() there");
    }
    AdaptiveSpin spin = SPINS.get();
    if (spin.spinUntil(f::isDone)) {
      return;
    }
    TaskContext ctx = TaskContext.current();
    boolean lend = ctx != null && ctx.kind() == TaskKind.NORMAL && !ctx.isDriver();
    if (lend) {
      scheduler.blocked(ctx.taskId(), true);
    }
    try {
      if (timeoutMs < 0) {
        f.get();
      } else {
        f.get(timeoutMs, TimeUnit.MILLISECONDS);
      }
    } catch (TimeoutException e) {
      throw new RayTimeoutException(timeoutMessage.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RayException("interrupted while waiting for objects", e);
    } catch (ExecutionException e) {
      // the failed object's error is raised by decode
    } finally {
      spin.ended();
      if (lend) {
        scheduler.blocked(ctx.taskId(), false);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private <T> T decode(ObjectId id, String owner, CompletableFuture<ObjectValue> f,
      ClassLoader loader) {
    ObjectValue v;
    try {
      v = f.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new RayException("object " + id, e.getCause());
    }
    if (v.error()) {
      throw (RuntimeException) serializer.deserialize(v.data(), loader);
    }
    return (T) decodeValue(id, owner, v, loader);
  }

  private Object decodeValue(ObjectId id, String owner, ObjectValue v, ClassLoader loader) {
    if (v.isInline()) {
      byte[] data = v.data();
      int header = arrayHeader(ByteBuffer.wrap(data), data.length);
      // a small byte[] (a common result) is its bytes after the header: no serializer round
      return header < 0 ? serializer.deserialize(data, loader)
          : Arrays.copyOfRange(data, header, data.length);
    }
    // a pulled copy may be evicted before it is read: pull once more then
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        fetchIfRemote(id, owner, v).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RayException("interrupted while fetching object " + id, e);
      } catch (ExecutionException e) {
        throw new UnreconstructableException(id, "its copy on node " + v.storeNode()
            + " cannot be fetched: " + e.getCause().getMessage());
      }
      try (StoredObject stored = store.get(id)) {
        if (stored != null) {
          return readStored(stored, loader);
        }
      }
      if (nodeId.equals(v.storeNode())) {
        break;
      }
    }
    throw new UnreconstructableException(id, "its copy in the object store of node "
        + v.storeNode() + " is gone");
  }

  /**
   * Reads a stored byte[] with one copy into a new array ({@link StoredObject#read} spares the
   * page faults of a mapping not yet mapped); anything else through the serializer.
   */
  private Object readStored(StoredObject stored, ClassLoader loader) {
    int header = arrayHeader(stored.buffer(), stored.size());
    if (header < 0) {
      return serializer.deserialize(stored.buffer(), loader);
    }
    byte[] array = new byte[(int) (stored.size() - header)];
    try {
      stored.read(header, array, 0, array.length);
    } catch (ClosedByInterruptException e) {
      throw new RayException("interrupted while reading object " + stored.id(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read object " + stored.id(), e);
    }
    return array;
  }

  /** The header length if {@code object} is a serialized top-level byte[], else -1. */
  private int arrayHeader(ByteBuffer object, long size) {
    ByteArrayFraming framing = arrayFraming();
    return framing == null ? -1 : framing.headerLength(object, size);
  }

  // ---------------------------------------------------------------- submission

  private PreparedArgs prepareArgs(Object[] args) {
    if (args.length == 0) {
      return PreparedArgs.NONE;
    }
    Object[] items = new Object[args.length];
    List<CompletableFuture<?>> deps = new ArrayList<>();
    List<RefId> pins = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        if (args[i] instanceof ObjectRefImpl<?> ref) {
          items[i] = ref;
          deps.add(locate(ref));
          if (ref.entry() != null) {
            ref.entry().publish(ref); // the pin is counted by id
          }
          RefId pin = new RefId(ref.getId(), ref.ownerAddress());
          count(pin); // until the call's result arrives
          pins.add(pin);
        } else {
          Encoded e = encode(args[i]);
          items[i] = e.bytes();
          pins.addAll(e.contained());
        }
      }
    } catch (RuntimeException e) {
      pins.forEach(this::uncount);
      throw e;
    }
    return new PreparedArgs(items, deps.toArray(new CompletableFuture<?>[0]), pins);
  }

  /** Registers a pending call's return object; its pins go when the result arrives. */
  private ObjectRefImpl<?> expectResult(ObjectId returnId, PreparedArgs args, Runnable alsoOnResult) {
    Runnable onResult = args.pins.isEmpty() ? alsoOnResult : () -> {
      args.pins.forEach(this::uncount);
      if (alsoOnResult != null) {
        alsoOnResult.run();
      }
    };
    return new ObjectRefImpl<>(returnId, ownerAddress, owned, onResult);
  }

  /** A result arrives for an object this worker owns (from a worker, or a failure here). */
  void onTaskResult(ObjectId returnId, ObjectValue value, List<RefId> contained) {
    pendingSpecs.remove(returnId);
    remoteTasks.remove(returnId);
    owned.complete(returnId, value, contained); // releases the call's pins and slot first
  }

  void failCall(ObjectId returnId, RayException error) {
    onTaskResult(returnId, errorValue(error), List.of());
  }

  /**
   * Fails a call whose argument failed: as if the call had run and raised the argument's error,
   * so the dependent call adds its own layer to the cause chain.
   */
  void failDependency(ObjectId returnId, JobId job, FunctionDescriptor fd,
      PreparedArgs.DependencyFailedException e) {
    Throwable cause = e.error != null
        ? (Throwable) serializer.deserialize(e.error.data(), loaderOf(job))
        : e.getCause();
    failCall(returnId, new RayTaskException(fd.className() + "." + fd.methodName()
        + " did not run: an argument failed: " + cause, cause));
  }

  ObjectRef<?> submitTask(RayFunc func, Object[] args, CallOptions options) {
    TaskContext ctx = context();
    FunctionDescriptor fd = functions.describe(func);
    ResourceSet resources = options.resources.isEmpty() ? ONE_CPU : ResourceSet.of(options.resources);
    if (!options.resources.containsKey(ResourceSet.CPU) && resources != ONE_CPU) {
      resources = resources.plus(ONE_CPU);
    }
    if (options.group != null) {
      resources = PlacementGroupClient.demand(options.group, options.bundleIndex, resources);
    }
    TaskId taskId = IdFactory.newTaskId(ctx.jobId());
    ObjectId returnId = IdFactory.objectId(taskId, 1);
    PreparedArgs prepared = prepareArgs(args);
    ObjectRefImpl<?> ref = expectResult(returnId, prepared, null);
    ResourceSet shape = resources;
    if (prepared.resolved.isDone()) {
      sendTask(taskId, ctx.jobId(), fd, prepared, shape, returnId, options, true);
    } else {
      prepared.resolved.thenRun(
          () -> sendTask(taskId, ctx.jobId(), fd, prepared, shape, returnId, options, false));
    }
    return ref;
  }

  /**
   * Submits a normal task whose arguments are resolved.
   *
   * @param bySubmitter whether the thread that submitted it sends it, so it may soon get the
   *     result and run the task itself (it starts lazily then)
   */
  private void sendTask(TaskId taskId, JobId job, FunctionDescriptor fd, PreparedArgs prepared,
      ResourceSet shape, ObjectId returnId, CallOptions options, boolean bySubmitter) {
    TaskSpec spec;
    try {
      spec = new TaskSpec(taskId, job, TaskKind.NORMAL, options.name, fd, prepared.toTaskArgs(),
          shape, ownerAddress, returnId, options.maxRetries, 0, null, null, 0);
    } catch (PreparedArgs.DependencyFailedException e) {
      failDependency(returnId, job, fd, e);
      return;
    }
    pendingSpecs.put(returnId, spec);
    TaskSpec now = scheduler.submit(spec);
    if (now == null) {
      return;
    }
    if (bySubmitter) {
      starts.startSoon(now);
    } else {
      dispatch(now);
    }
  }

  private void submitToScheduler(TaskSpec spec) {
    TaskSpec now = scheduler.submit(spec);
    if (now != null) {
      dispatch(now);
    }
  }

  /**
   * Runs on this thread an own task whose resources are reserved but that no worker thread has
   * started, as a caller about to block on its result: no thread wake-up on either side. While
   * {@code awaited} is not done, it goes on with the next own task the scheduler reserves, as a
   * pool thread would. Never on an event loop.
   */
  private void runIfUnstarted(ObjectId returnId, CompletableFuture<?> awaited) {
    if (Context.isOnEventLoopThread()) {
      return;
    }
    TaskSpec spec = starts.claim(returnId);
    while (spec != null) {
      TaskSpec next;
      try {
        runNormal(spec);
      } finally {
        next = scheduler.releaseAndNext(spec.taskId());
      }
      spec = null;
      if (next != null) {
        if (!awaited.isDone() && isOwnNormal(next)) {
          spec = next;
        } else {
          dispatch(next);
        }
      }
    }
  }

  /**
   * Whether a get may run the tasks it waits for itself: only without a deadline, since a task
   * run on the caller's thread cannot be left behind when the timeout passes.
   */
  private static boolean mayRunInline(long timeoutMs) {
    return timeoutMs < 0;
  }

  private boolean isOwnNormal(TaskSpec spec) {
    return spec.kind() == TaskKind.NORMAL && spec.ownerAddress().equals(ownerAddress);
  }

  <A> ActorHandle<A> createActor(RayFunc factory, Object[] args, ActorCreationOptions options) {
    TaskContext ctx = context();
    FunctionDescriptor fd = functions.describe(factory);
    ResourceSet resources = options.group == null ? ResourceSet.of(options.resources)
        : PlacementGroupClient.demand(options.group, options.bundleIndex,
            ResourceSet.of(options.resources));
    ActorId actorId = IdFactory.newActorId(ctx.jobId());
    String namespace = options.namespace != null ? options.namespace : ctx.namespace();
    boolean detached = options.lifetime == ActorLifetime.DETACHED;
    ActorRecord record = new ActorRecord(actorId, ctx.jobId(), fd.className(), options.name,
        namespace, detached, options.maxRestarts, ActorState.PENDING_CREATION, null, 0, null, null);
    gcs.actors().put(actorId, record);
    if (options.name != null) {
      reserveName(namespace, options.name, actorId);
    }
    PreparedArgs prepared = prepareArgs(args);
    ActorTaskSubmitter submitter = submitterFor(actorId);
    TaskId creationTask = IdFactory.newTaskId(actorId);
    ObjectId creationReturn = IdFactory.objectId(creationTask, 1);
    expectResult(creationReturn, prepared, null);
    ActorSpec actor = new ActorSpec(actorId, options.maxConcurrency, options.maxRestarts,
        options.maxTaskRetries);
    Runnable send = () -> {
      try {
        TaskSpec spec = new TaskSpec(creationTask, ctx.jobId(), TaskKind.ACTOR_CREATION,
            options.name, fd, prepared.toTaskArgs(), resources,
            ownerAddress, creationReturn, 0, 0, actor, null, 0);
        if (options.maxRestarts != 0) {
          // kept so that the actor can be created again elsewhere if its node dies
          gcs.kv().put(creationSpecKey(actorId), serializer.serialize(spec));
        }
        submitToScheduler(spec);
      } catch (PreparedArgs.DependencyFailedException e) {
        failDependency(creationReturn, ctx.jobId(), fd, e);
        markActorDead(actorId, "an argument of its constructor failed: " + e.getCause(), null);
      }
    };
    if (prepared.resolved.isDone()) {
      send.run();
    } else {
      prepared.resolved.thenRun(send);
    }
    return new ActorHandleImpl<>(actorId, options.maxPendingCalls);
  }

  private static String creationSpecKey(ActorId actorId) {
    return "actor-spec:" + actorId.toHex();
  }

  /**
   * Creates again, on a node that has room, an actor whose node died; called by the GCS leader.
   * Blocks on the GCS: not on an event loop.
   *
   * @return false if it cannot be restarted (no restarts left, or no creation spec kept)
   */
  public boolean restartActor(ActorRecord record) {
    byte[] bytes = record.canRestart() ? gcs.kv().get(creationSpecKey(record.actorId())) : null;
    if (bytes == null) {
      return false;
    }
    TaskSpec spec = (TaskSpec) serializer.deserialize(bytes, CoreWorker.class.getClassLoader());
    ActorRecord now = gcs.actors().update(record.actorId(),
        a -> a.state() == ActorState.DEAD ? a : a.restarting());
    if (now == null || now.state() != ActorState.RESTARTING) {
      return false;
    }
    LOG.info("restarting actor " + record.actorId() + " (restart " + now.numRestarts() + " of "
        + (record.maxRestarts() < 0 ? "unlimited" : record.maxRestarts()) + "): its node "
        + record.nodeId() + " died");
    scheduler.submitAndDispatch(spec.retried());
    return true;
  }

  private void reserveName(String namespace, String name, ActorId actorId) {
    String key = Gcs.actorNameKey(namespace, name);
    while (true) {
      ActorId existing = gcs.actorNames().putIfAbsent(key, actorId);
      if (existing == null) {
        return;
      }
      ActorRecord other = gcs.actors().get(existing);
      if (other != null && other.state() != ActorState.DEAD) {
        gcs.actors().remove(actorId);
        throw new IllegalArgumentException("an actor named '" + name
            + "' already exists in namespace '" + namespace + "'");
      }
      gcs.actorNames().remove(key); // the holder is dead: the name is free again
    }
  }

  <A> Optional<ActorHandle<A>> getActor(String name, String namespace) {
    String ns = namespace != null ? namespace : context().namespace();
    ActorId id = gcs.actorNames().get(Gcs.actorNameKey(ns, name));
    if (id == null) {
      return Optional.empty();
    }
    ActorRecord r = gcs.actors().get(id);
    if (r == null || r.state() == ActorState.DEAD) {
      return Optional.empty();
    }
    return Optional.of(new ActorHandleImpl<>(id, -1));
  }

  /**
   * The submitter of this worker's calls to an actor. Reads the actor's state from the GCS once,
   * when created; later changes arrive through the actor table's listener, so calls stay off
   * the GCS.
   */
  ActorTaskSubmitter submitterFor(ActorId actorId) {
    ActorTaskSubmitter s = actorSubmitters.get(actorId);
    if (s != null) {
      return s;
    }
    ActorTaskSubmitter created = new ActorTaskSubmitter(this, actorId);
    s = actorSubmitters.putIfAbsent(actorId, created);
    if (s != null) {
      return s;
    }
    created.refreshState();
    return created;
  }

  ObjectRef<?> callActor(ActorHandle<?> handle, RayFunc func, Object[] args) {
    ActorHandleImpl<?> h = (ActorHandleImpl<?>) handle;
    TaskContext ctx = context();
    FunctionDescriptor fd = functions.describe(func);
    ActorTaskSubmitter submitter = submitterFor(h.getId());
    submitter.reserveSlot(h.maxPendingCalls());
    TaskId taskId = IdFactory.newTaskId(h.getId());
    ObjectId returnId = IdFactory.objectId(taskId, 1);
    PreparedArgs prepared;
    try {
      prepared = prepareArgs(args);
    } catch (RuntimeException e) {
      submitter.releaseSlot(null);
      throw e;
    }
    ObjectRefImpl<?> ref = expectResult(returnId, prepared, () -> submitter.releaseSlot(returnId));
    submitter.enqueue(new ActorTaskSubmitter.Call(taskId, ctx.jobId(), fd, prepared, returnId));
    return ref;
  }

  /** The actor call's spec once its arguments are resolved. */
  TaskSpec actorCallSpec(ActorTaskSubmitter.Call call, ActorId actorId, List<TaskArg> args) {
    return new TaskSpec(call.taskId(), call.jobId(), TaskKind.ACTOR_TASK, null, call.function(),
        args, ResourceSet.EMPTY, ownerAddress, call.returnId(), 0, 0, null, actorId, 0);
  }

  /**
   * Sends a call to the actor on {@code node}: straight into its mailbox if this JVM hosts it,
   * else over the link to its node.
   */
  void sendToActor(ActorId actorId, UniqueId node, TaskSpec spec) {
    ActorInstance local = hostedActors.get(actorId);
    if (local != null) {
      local.accept(spec);
    } else {
      links.send(node, spec);
    }
  }

  /** A call to an actor that should be hosted here: into its mailbox, or failed if it is gone. */
  void acceptActorCall(TaskSpec spec) {
    ActorInstance local = hostedActors.get(spec.actorId());
    if (local != null) {
      local.accept(spec);
    } else {
      deliverError(spec, new RayActorException(spec.actorId(), "the actor is dead: it is not on node " + nodeId));
    }
  }

  /** Ends or restarts an actor hosted here; an actor not here is gone already. Never blocks. */
  void acceptKill(KillActor kill) {
    ActorInstance local = hostedActors.get(kill.actorId());
    if (local != null) {
      local.kill(kill);
    }
  }

  /** Sends a kill to the node an actor's record names (nowhere if it has none yet). */
  private void sendKill(ActorRecord record, KillActor kill) {
    if (record == null || record.nodeId() == null) {
      return;
    }
    if (record.nodeId().equals(nodeId)) {
      acceptKill(kill);
    } else {
      links.send(record.nodeId(), kill);
    }
  }

  /** Kills an actor whose job's driver is gone (non-detached actors die with their driver). */
  public void killActor(ActorId actorId, String cause) {
    markActorDead(actorId, cause, null);
    sendKill(gcs.actors().get(actorId), new KillActor(actorId, true, cause));
  }

  void killActor(ActorId actorId, boolean noRestart) {
    ActorRecord r = gcs.actors().get(actorId);
    if (r == null) {
      throw new IllegalArgumentException("no actor " + actorId);
    }
    if (r.state() == ActorState.DEAD) {
      return;
    }
    String cause = "it was killed by ActorHandle.kill()";
    boolean restart = !noRestart && r.canRestart() && r.state() == ActorState.ALIVE;
    if (restart) {
      gcs.actors().update(actorId, a -> a.state() == ActorState.ALIVE ? a.withState(ActorState.RESTARTING, a.nodeId()) : a);
    } else {
      markActorDead(actorId, cause, null);
    }
    sendKill(r, new KillActor(actorId, !restart, cause));
  }

  void markActorDead(ActorId actorId, String cause, byte[] error) {
    ActorRecord r = gcs.actors().update(actorId, a -> a.state() == ActorState.DEAD ? a : a.dead(cause, error));
    if (r != null && r.maxRestarts() != 0) {
      gcs.kv().remove(creationSpecKey(actorId)); // dead for good: no restart needs it
    }
  }

  void exitActor() {
    TaskContext ctx = TaskContext.current();
    if (ctx == null || ctx.actorId().isNil()) {
      throw new IllegalStateException("Ray.exitActor() may only be called inside an actor method");
    }
    throw new ActorInstance.ExitSignal();
  }

  // ---------------------------------------------------------------- execution (worker side)

  /**
   * The node's worker pool: starts a task whose resources are reserved on a worker thread, which
   * then keeps taking the next runnable task from the scheduler. Never blocks.
   */
  public void dispatch(TaskSpec spec) {
    if (isOwnNormal(spec)) {
      starts.startNow(spec); // its owner may block on it before a pool thread wakes up
    } else if (spec.kind() == TaskKind.ACTOR_CREATION) {
      ActorRunners.runOnce(actorRunners, () -> createHostedActor(spec));
    } else {
      executor.execute(() -> runFrom(spec));
    }
  }

  private void runFrom(TaskSpec first) {
    TaskSpec spec = first;
    try {
      while (spec != null) {
        if (spec.kind() == TaskKind.ACTOR_CREATION) {
          // its resources stay reserved while the actor lives
          TaskSpec creation = spec;
          ActorRunners.runOnce(actorRunners, () -> createHostedActor(creation));
          return;
        }
        try {
          runNormal(spec);
        } finally {
          spec = scheduler.releaseAndNext(spec.taskId());
        }
      }
    } finally {
      links.flushCurrentThread(); // the results this thread sent, before it idles
    }
  }

  /** Writes what this thread sent to other nodes and left waiting; before it blocks or idles. */
  void flushSends() {
    links.flushCurrentThread();
  }

  /** Runs a normal task whose resources are reserved on this thread and delivers its result. */
  private void runNormal(TaskSpec spec) {
    TaskContext ctx = TaskContext.of(spec.jobId(), spec.taskId(), ActorId.NIL,
        namespaceOf(spec.jobId()), loaderOf(spec.jobId()), TaskKind.NORMAL, false, false);
    if (spec.hops() == 0) {
      locate(spec, nodeId); // (a forwarded task's owner heard where it went from the forwarder)
    }
    GroupTask groupTask = null;
    if (BundleResources.inAnyGroup(spec.resources())) {
      groupTask = new GroupTask(spec, Thread.currentThread());
      groupTasks.put(spec.taskId(), groupTask);
    }
    Outcome outcome = invoke(spec, ctx, null);
    if (groupTask != null) {
      boolean failedByRemoval;
      synchronized (groupTask) {
        groupTask.ended = true;
        failedByRemoval = groupTasks.remove(spec.taskId()) == null;
      }
      Thread.interrupted(); // an interrupt aimed at this task must not hit what the thread does next
      if (failedByRemoval) {
        return;
      }
    }
    deliver(spec, outcome);
  }

  /** The outcome of running one function: a value, or the exception it threw. */
  record Outcome(Object value, Throwable thrown) {}

  /**
   * Runs the spec's function on this thread in {@code ctx}, then restores the thread's own
   * context (a caller may run a task inline); user exceptions are returned.
   */
  Outcome invoke(TaskSpec spec, TaskContext ctx, Object target) {
    TaskContext outer = TaskContext.current();
    ClassLoader outerLoader = ctx.enter();
    try {
      FunctionResolver.Invocable f = functions.resolve(spec.function(), ctx.loader());
      Object[] args = new Object[spec.args().size()];
      for (int i = 0; i < args.length; i++) {
        TaskArg a = spec.args().get(i);
        args[i] = decodeValue(a.objectId(), a.owner(), a.value(), ctx.loader());
      }
      return new Outcome(f.invoke(target, args), null);
    } catch (Throwable t) {
      return new Outcome(null, t);
    } finally {
      TaskContext.restore(outer, outerLoader);
    }
  }

  /** Sends the outcome of a task or actor call to its owner. */
  void deliver(TaskSpec spec, Outcome outcome) {
    if (outcome.thrown() != null) {
      Throwable t = outcome.thrown();
      String what = spec.kind() == TaskKind.ACTOR_TASK ? "actor method " : "task ";
      deliver(spec, errorValue(new RayTaskException(what + spec.function().className() + "."
          + spec.function().methodName() + " failed on node " + nodeId + ": " + t, t)), List.of());
      return;
    }
    ObjectValue array = storeResultArray(spec, outcome.value());
    if (array != null) {
      deliver(spec, array, List.of());
      return;
    }
    Encoded e;
    try {
      e = encode(outcome.value());
    } catch (SerializationException ex) {
      deliver(spec, errorValue(new RayTaskException("the return value of " + spec.function()
          + " cannot be serialized: " + ex.getMessage(), ex)), List.of());
      return;
    }
    deliver(spec, storeValue(spec.returnId(), e.bytes()), e.contained());
  }

  /** A task's large byte-array result goes into the store without a serialized copy. */
  private ObjectValue storeResultArray(TaskSpec spec, Object value) {
    if (value instanceof byte[] array && array.length > INLINE_LIMIT) {
      return storeArray(spec.returnId(), array);
    }
    return null;
  }

  void deliver(TaskSpec spec, ObjectValue value, List<RefId> contained) {
    if (spec.ownerAddress().equals(ownerAddress)) {
      onTaskResult(spec.returnId(), value, contained);
    } else {
      if (!value.isInline()) {
        // before the result leaves: the owner's FreeObject may come right after it
        keepCopyOf(spec.returnId(), spec.ownerAddress());
      }
      sendToOwner(spec.ownerAddress(), new TaskResult(spec.returnId(), value, contained));
    }
  }

  void deliverError(TaskSpec spec, RayException error) {
    deliver(spec, errorValue(error), List.of());
  }

  private void createHostedActor(TaskSpec spec) {
    ActorId actorId = spec.actor().actorId();
    ActorRecord record = gcs.actors().get(actorId);
    if (record == null || record.state() == ActorState.DEAD) {
      deliver(spec, ObjectValue.inline(serializer.serialize(null)), List.of());
      scheduler.release(spec.taskId());
      return;
    }
    ClassLoader loader = loaderOf(spec.jobId());
    String namespace = namespaceOf(spec.jobId());
    TaskContext ctx = TaskContext.of(spec.jobId(), spec.taskId(), actorId, namespace, loader,
        TaskKind.ACTOR_CREATION, false, record.numRestarts() > 0);
    Outcome outcome = invoke(spec, ctx, null);
    if (outcome.thrown() != null) {
      Throwable t = outcome.thrown();
      RayActorException error = new RayActorException(actorId,
          "its constructor " + spec.function() + " threw " + t, t);
      markActorDead(actorId, "its constructor threw " + t, errorValue(error).data());
      deliverError(spec, error);
      scheduler.release(spec.taskId());
      return;
    }
    ActorInstance actor = new ActorInstance(this, actorRunners, spec, outcome.value(), loader,
        namespace, record.numRestarts() > 0);
    hostedActors.put(actorId, actor);
    ActorRecord now = gcs.actors().update(actorId,
        r -> r.state() == ActorState.DEAD ? r : r.withState(ActorState.ALIVE, nodeId));
    deliver(spec, ObjectValue.inline(serializer.serialize(null)), List.of());
    if (now == null || now.state() == ActorState.DEAD) {
      actor.die("it was killed while being created", null, false);
    }
  }

  /** A job ended without its driver's say (the driver died): its groups go. Blocks. */
  public void removePlacementGroupsOf(JobId job) {
    placementGroups.removeAllOf(job);
  }

  /** Whether this node holds anything of the group: bundles, queued work, actors, tasks. */
  boolean holdsAnyOf(PlacementGroupId group) {
    return scheduler.holdsAnyOf(group)
        || hostedActors.values().stream().anyMatch(a -> BundleResources.belongsTo(a.creation().resources(), group))
        || groupTasks.values().stream().anyMatch(t -> BundleResources.belongsTo(t.spec.resources(), group));
  }

  /** This JVM's side of placement groups. Set once started. */
  PlacementGroupClient placementGroups() {
    return placementGroups;
  }

  /**
   * A placement group was removed: the work of the group queued on this node fails, its actors
   * here die for good, and its tasks running here fail at once (their threads are interrupted).
   * Blocks on the GCS: not on an event loop.
   */
  public void onPlacementGroupRemoved(PlacementGroupId group) {
    String why = "its placement group " + group + " was removed";
    for (TaskSpec spec : scheduler.removeGroup(group)) {
      if (spec.kind() == TaskKind.ACTOR_CREATION) {
        markActorDead(spec.actor().actorId(), why, null);
        deliverError(spec, new RayActorException(spec.actor().actorId(), why));
      } else {
        deliverError(spec, new RayTaskException("task " + spec + " did not run: " + why, null));
      }
    }
    for (ActorInstance actor : hostedActors.values()) {
      if (BundleResources.belongsTo(actor.creation().resources(), group)) {
        markActorDead(actor.creation().actor().actorId(), why, null);
        actor.die(why, null, true); // here and now: calls after the removal must fail
      }
    }
    for (GroupTask t : groupTasks.values()) {
      if (!BundleResources.belongsTo(t.spec.resources(), group)) {
        continue;
      }
      synchronized (t) {
        if (t.ended || groupTasks.remove(t.spec.taskId()) == null) {
          continue;
        }
        t.thread.interrupt();
      }
      deliverError(t.spec, new RayTaskException("task " + t.spec + " was ended: " + why, null));
    }
  }

  /** Called by a hosted actor once it has died: its resources go back to the scheduler. */
  void onHostedActorDied(ActorInstance actor, TaskSpec creation) {
    hostedActors.remove(creation.actor().actorId(), actor);
    scheduler.release(creation.taskId());
  }

  /**
   * The class loader of a job's code: the driver's own here, else one over the job's packages,
   * fetched from the GCS the first time. Blocks on the GCS then: not on an event loop.
   */
  ClassLoader loaderOf(JobId job) {
    ClassLoader loader = jobLoaders.get(job);
    if (loader != null) {
      return loader;
    }
    JobRecord record = gcs.jobs().get(job);
    if (record == null || record.packages().isEmpty()) {
      loader = defaultLoader;
    } else {
      loader = JobPackages.classLoader(gcs, record.packages(), PACKAGE_CACHE, defaultLoader);
    }
    ClassLoader raced = jobLoaders.putIfAbsent(job, loader);
    return raced != null ? raced : loader;
  }

  String namespaceOf(JobId job) {
    return jobNamespaces.computeIfAbsent(job, j -> {
      JobRecord r = gcs.jobs().get(j);
      return r != null ? r.namespace() : "default";
    });
  }

  Map<ActorId, ActorInstance> hostedActors() {
    return hostedActors;
  }
}
