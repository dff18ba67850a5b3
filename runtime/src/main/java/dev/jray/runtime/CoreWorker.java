package dev.jray.runtime;

import dev.jray.api.exception.RayException;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.serialization.Serializer;
import dev.jray.gcs.time.Time;
import dev.jray.link.LinkInbox;
import dev.jray.link.NodeLinks;
import dev.jray.scheduler.ResourceScheduler;
import dev.jray.store.ObjectStore;
import dev.jray.task.ObjectValue;
import dev.jray.task.TaskSpec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * This JVM's worker, as Ray's core worker: it owns the objects its callers create, submits tasks
 * and actor calls, and runs the tasks and actors the node's scheduler gives it. Tasks go caller
 * → scheduler → worker pool; results go straight back to the owner; actor calls go straight to
 * the actor's address. None of that touches the GCS.
 *
 * <p>It only wires its parts, each named as in Ray's core worker (see docs/ARCHITECTURE.md):
 * {@link JobRegistry}, {@link ReferenceCounter} (with its {@link Lineage}), {@link ValueCodec},
 * {@link ObjectReader}, {@link ObjectCopies}, {@link TaskManager}, {@link ObjectRecovery},
 * {@link NormalTaskSubmitter}, {@link ActorSubmitter}, {@link TaskExecutor}, {@link
 * HostedActors}, {@link ActorDirectory} and {@link PlacementGroupClient}; its methods pass
 * straight to them.
 *
 * <p>Threading: thread-safe, as every part is; the parts are final, made by the constructor, and
 * the placement-group client is set once by {@link #start} (volatile). The blocking calls
 * ({@code get}, {@code wait}) refuse to run on an event loop.
 */
public final class CoreWorker {
  /** The worker the API of this JVM uses; set by start, cleared by stop. */
  private static volatile CoreWorker current;

  private final Vertx vertx;
  private final UniqueId nodeId;
  private final Gcs gcs;
  private final Time time;
  private final Owners owners;
  private final JobRegistry jobs;
  private final ObjectCopies copies;
  private final ReferenceCounter refs;
  private final ValueCodec codec;
  private final TaskManager taskManager;
  /** This node's object store, listed for the state API. */
  private final ObjectStore store;
  /** The state changes of the tasks this node owns and runs, for the state API. */
  private final TaskEvents taskEvents;
  private final TaskExecutor tasks;
  private final ObjectReader reader;
  private final NormalTaskSubmitter normalTasks;
  private final ActorDirectory directory;
  private final HostedActors hosted;
  private final ActorSubmitter actors;
  private final ObjectRecovery recovery;
  private final ExplicitFree explicitFree;
  private final PutForActor putForActor;
  /** Recovers what links to live nodes lost, after a grace. */
  private final LinkLosses linkLosses;
  /** This JVM's side of placement groups; set once by start. */
  private volatile PlacementGroupClient placementGroups;
  /** Its part in worker processes, either side. */
  private final WorkerProcessRole processRole;
  /** Why the cluster cut this driver off, or null; set once by {@link #disconnect}. */
  private volatile RayException disconnected;

  /**
   * @param executor runs tasks and actor calls (threads are created as needed; resources bound
   *     how many tasks run at once)
   */
  public CoreWorker(Vertx vertx, UniqueId nodeId, Gcs gcs, Serializer serializer,
      ObjectStore store, ExecutorService executor) {
    this(vertx, nodeId, gcs, serializer, store, executor, Time.SYSTEM);
  }

  /** @param time the clock of get timeouts, retries and waits (a ManualTime in tests) */
  public CoreWorker(Vertx vertx, UniqueId nodeId, Gcs gcs, Serializer serializer,
      ObjectStore store, ExecutorService executor, Time time) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.gcs = Objects.requireNonNull(gcs, "gcs");
    this.time = Objects.requireNonNull(time, "time");
    Objects.requireNonNull(serializer, "serializer");
    this.store = Objects.requireNonNull(store, "store");
    Objects.requireNonNull(executor, "executor");
    FunctionResolver functions = new FunctionResolver();
    owners = new Owners(nodeId);
    jobs = new JobRegistry(gcs, CoreWorker.class.getClassLoader(),
        new PackageCache(PackageCache.defaultDirectory(), id -> JobPackages.download(gcs, id),
            time));
    copies = new ObjectCopies(nodeId, store, owners, executor);
    Lineage lineage = new Lineage(Lineage.maxBytes(System.getProperty(Lineage.MAX_BYTES_PROPERTY)));
    refs = new ReferenceCounter(owners, copies::deleteFreed, lineage);
    codec = new ValueCodec(nodeId, serializer, store, refs, copies, time);
    taskEvents = TaskEvents.create(time);
    taskManager = new TaskManager(nodeId, owners, refs, codec, jobs, taskEvents,
        this::retryTasksLocatedLate);
    // hosted, made below, needs tasks: creations reach it through hostActor, run later
    tasks = new TaskExecutor(nodeId, owners, executor, functions, jobs, codec, copies,
        taskManager, this::hostActor, time);
    directory = new ActorDirectory(gcs, nodeId,
        spec -> tasks.scheduler().submitAndDispatch(spec));
    hosted = new HostedActors(nodeId, jobs, codec, tasks, directory, time);
    recovery = new ObjectRecovery(owners, refs, lineage, codec, taskManager,
        spec -> tasks.scheduler().submitAndDispatch(spec));
    reader = new ObjectReader(jobs, owners, refs, codec, copies, tasks, hosted, recovery,
        executor, time);
    explicitFree = new ExplicitFree(owners, refs, lineage, copies, codec);
    putForActor = new PutForActor(jobs, owners, codec, copies, directory, reader, time);
    normalTasks = new NormalTaskSubmitter(owners, jobs, functions, refs, codec, reader,
        taskManager, tasks);
    actors = new ActorSubmitter(owners, jobs, functions, refs, codec, reader, taskManager,
        normalTasks, directory, hosted);
    processRole = new WorkerProcessRole(nodeId, tasks, taskManager, hosted, owners, normalTasks,
        this::holdsObjects);
    linkLosses = new LinkLosses(time, (node, tasksUpTo, calls) -> {
      normalTasks.onLinkLost(node, tasksUpTo);
      actors.failLostCalls(node, calls);
    });
  }

  /**
   * The name of the owner on a node (or driver) that receives results and object requests, as
   * task specs and refs carry it; messages to it go over the link to that node.
   */
  public static String ownerAddress(UniqueId nodeId) {
    return Owners.addressOf(nodeId);
  }

  /**
   * What nodes send each other over their links, requests and replies: a link decodes its peer's
   * messages into these types (and what their fields hold) only.
   */
  public static List<Class<?>> linkMessageTypes() {
    return List.of(TaskSpec.class, TaskResult.class, BorrowChange.class, TaskLocated.class,
        FreeObject.class, KillActor.class, ObjectRequest.class, ObjectValue.class,
        AdoptObject.class, RunInWorker.class, WorkerTaskDone.class, WorkerReady.class,
        WorkerDied.class, WorkerRetire.class);
  }

  /** The actors this worker hosts now (live or being created), for metrics. Never blocks. */
  public int hostedActorCount() {
    return hosted.count();
  }

  /** What this worker does with the messages other nodes send it over their links. */
  public LinkInbox inbox() {
    return new WorkerInbox(tasks, taskManager, refs, copies, hosted, recovery, explicitFree,
        this::onLinkLost, processRole::onMessage, processRole::mayRetire);
  }

  /**
   * Runs work whose runtime env asks for a JVM of its own (or all work, as the pool decides) in
   * {@code processes}. Once, at the node's start, before work comes.
   */
  public void useWorkerProcesses(WorkerProcesses processes) {
    processRole.useProcesses(processes);
  }

  /**
   * Makes this worker a worker process of the node {@code parent}: it runs what that node hands
   * it, exits once the actor it hosted is gone ({@code exit}), and says it is ready. Once, after
   * {@link #start}.
   */
  public void serveAsWorkerProcess(UniqueId parent, Runnable exit) {
    processRole.serve(parent, exit);
  }

  /** Asks a node over its link (a worker process, say); completes with its reply. Never blocks. */
  public CompletableFuture<Object> request(UniqueId node, Object message) {
    return owners.links().request(node, message);
  }

  /**
   * The calling thread is about to idle: what it submitted or sent leaves now, rather than when
   * the link's flusher gets to it (a millisecond later). Never blocks.
   */
  public void flushCurrentThread() {
    tasks.flushCurrentThread();
    hosted.flushCurrentThread();
  }

  /** Sends {@code message} to a node over its link (to a worker process, say). Never blocks. */
  public void send(UniqueId node, Object message) {
    owners.links().send(node, message);
    owners.links().flushCurrentThread();
  }

  /**
   * The node the running code is on, as Ray's {@code getCurrentNodeId}: in a worker process, the
   * node that started it (not the process's own member).
   */
  public UniqueId hostNodeId() {
    return processRole.hostNodeId();
  }

  /**
   * The local file of a runtime env's {@code java_jars} entry, for a worker process's class path:
   * a package ({@code gcs://pkg-<sha256>.jar}) fetched into this node's cache and checked, else
   * the entry as a local path. Blocks on the GCS and on files.
   *
   * @throws dev.jray.api.exception.RuntimeEnvException naming the field if it is neither
   */
  public Path localJar(String entry) {
    return jobs.envJars().localJar(entry);
  }

  /** Whether objects live here that would be lost with this JVM. */
  private boolean holdsObjects() {
    return refs.size() > 0 || store.stats().objectCount() > 0;
  }

  /**
   * The link to or from a node not known dead broke: once its grace passes, if the node is still
   * not known dead, this worker's tasks that were there then are retried (or fail) and its calls
   * to actors there that are still unanswered fail. Never blocks.
   */
  private void onLinkLost(UniqueId node) {
    linkLosses.onLinkLost(node, taskManager.lastLocation(), actors.callsInFlightTo(node));
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
    tasks.start(Objects.requireNonNull(scheduler, "scheduler"));
    copies.start(fetcher);
    owners.start(Objects.requireNonNull(links, "links"));
    placementGroups = new PlacementGroupClient(vertx, gcs, nodeId, tasks, hosted, directory, time);
    current = this;
  }

  /** Stops; objects it owns are gone with it. */
  public void stop() {
    if (current == this) {
      current = null;
    }
    linkLosses.close();
    hosted.stop();
    actors.close();
    if (placementGroups != null) {
      placementGroups.close();
    }
    tasks.stop();
    processRole.close();
    taskEvents.close();
    JobId driverJob = jobs.driverJob();
    if (driverJob != null) {
      TaskLogContext.exitDriver(driverJob);
    }
  }

  /**
   * This node's objects as state API rows: those it owns that are reachable by id and the copies
   * in its store, at most {@code max} of each.
   */
  public List<JsonObject> objectRows(int max) {
    return ObjectRows.of(refs.list(max), store.list(max), nodeId, ProcessHandle.current().pid());
  }

  /** How many rows {@link #objectRows} would make with no cap. */
  public int objectRowsHeld() {
    return refs.size() + store.sealedCount();
  }

  /** This node's recent task events. */
  public TaskEvents taskEvents() {
    return taskEvents;
  }

  /**
   * The cluster dropped this driver (declared its node dead and ended its job while it was cut
   * off): every pending result and object request fails with {@code why}, and so do later
   * requests to other owners and every later submission or put ({@link #checkConnected}), rather
   * than wait for a cluster that forgot it; values already here stay readable. Never blocks.
   */
  public void disconnect(String why) {
    RayException cause = new RayException(why);
    disconnected = cause;
    taskManager.failAllPending(cause);
    reader.cutOff(cause);
  }

  /** Whether the cluster still has this driver: {@link #disconnect} has not run. */
  public boolean connected() {
    return disconnected == null;
  }

  /**
   * Throws why the cluster dropped this driver, if it did: for what would start new work.
   *
   * @throws RayException naming the cause, once {@link #disconnect} ran
   */
  public void checkConnected() {
    RayException cause = disconnected;
    if (cause != null) {
      throw new RayException(cause.getMessage(), cause);
    }
  }

  /** Makes this worker run a driver for {@code job}, whose code is in {@code loader}. */
  public void startDriver(JobId job, String namespace, ClassLoader loader) {
    startDriver(job, namespace, loader, null);
  }

  /**
   * As above, with the job's runtime env ({@link #validRuntimeEnv}), which its tasks and actors
   * inherit under their own, as Ray's job-level runtime env.
   */
  public void startDriver(JobId job, String namespace, ClassLoader loader, String runtimeEnv) {
    jobs.startDriver(job, namespace, loader, runtimeEnv);
    TaskLogContext.enterDriver(job); // the driver's own lines (this thread's) name its job
  }

  /**
   * A runtime env given as JSON (as {@code RuntimeEnv.serialize} makes it), checked: null for
   * none (null, blank or empty).
   *
   * @throws dev.jray.api.exception.RuntimeEnvException naming the field if it is not valid
   */
  public static String validRuntimeEnv(String json) {
    return json == null || json.isBlank() ? null
        : RuntimeEnvImpl.serialized(RuntimeEnvImpl.deserialize(json));
  }

  /** Where tasks of {@code job} load their classes from. */
  public void registerJob(JobId job, String namespace, ClassLoader loader) {
    jobs.register(job, namespace, loader);
  }

  /**
   * Records, or tells the owner, that a normal task is now on {@code node} (forwarded there, or
   * started there), so the owner can retry it if that node dies. Never blocks.
   */
  public void locate(TaskSpec spec, UniqueId node) {
    taskManager.locate(spec, node);
  }

  /** A task's location came after its node's death was taken: it is retried, or fails. */
  private void retryTasksLocatedLate(UniqueId deadNode) {
    normalTasks.onNodeDied(deadNode);
  }

  /**
   * The node's worker pool: starts a task whose resources are reserved on a worker thread, which
   * then keeps taking the next runnable task from the scheduler. Never blocks.
   */
  public void dispatch(TaskSpec spec) {
    tasks.dispatch(spec);
  }

  /**
   * A node (or driver) left the cluster: what it owned is lost to us (the copies of its objects
   * here are deleted, transfers with it end), what it borrowed from us is given back, what it
   * still sends is ignored, our tasks that ran there are retried elsewhere while they have
   * retries left, else fail, and the objects we own whose copy it held are rebuilt from their
   * lineage where it allows, else fail.
   */
  public void onNodeDied(UniqueId node) {
    linkLosses.onNodeDied(node); // membership recovers it all
    owners.links().onNodeDied(node);
    normalTasks.onNodeDied(node);
    reader.onOwnerDied(node);
    copies.onNodeLeft(node);
    refs.onHolderDied(node);
    recovery.onNodeDied(node);
  }

  /**
   * Creates again, on a node that has room, an actor whose node died; called by the GCS leader.
   * Blocks on the GCS: not on an event loop.
   *
   * @return false if it cannot be restarted (no restarts left, or no creation spec kept)
   */
  public boolean restartActor(ActorRecord record) {
    return directory.restartActor(record);
  }

  /** Forgets a dead actor for good: the leader keeps the GCS's dead bounded. Blocks on the GCS. */
  public void forgetActor(ActorRecord dead) {
    directory.forget(dead);
  }

  /**
   * Drops what this node keeps for jobs that finished (their class loaders and namespaces),
   * except those whose actors still live here. Blocks on the GCS: call it off the event loop.
   *
   * @return the jobs dropped
   */
  public List<JobId> forgetFinishedJobs() {
    return jobs.forgetFinished(hosted::hostsAnyOf);
  }

  /** Kills an actor whose job's driver is gone (non-detached actors die with their driver). */
  public void killActor(ActorId actorId, String cause) {
    actors.killActor(actorId, cause);
  }

  /** A job ended (its driver stopped, or died): its groups go, detached ones aside. Blocks. */
  public void removePlacementGroupsOf(JobId job) {
    placementGroups.removeAllOf(job);
  }

  /**
   * A placement group was removed: the work of the group queued on this node fails, its actors
   * here die for good, and its tasks running here fail at once. Blocks on the GCS: not on an
   * event loop.
   */
  public void onPlacementGroupRemoved(PlacementGroupId group) {
    placementGroups.onRemoved(group);
  }

  private void hostActor(TaskSpec creation) {
    hosted.create(creation);
  }

  UniqueId nodeId() {
    return nodeId;
  }

  Gcs gcs() {
    return gcs;
  }

  JobRegistry jobs() {
    return jobs;
  }

  ReferenceCounter refs() {
    return refs;
  }

  PutForActor putForActor() {
    return putForActor;
  }

  ExplicitFree explicitFree() {
    return explicitFree;
  }

  ObjectReader reader() {
    return reader;
  }

  NormalTaskSubmitter normalTasks() {
    return normalTasks;
  }

  ActorSubmitter actors() {
    return actors;
  }

  ActorDirectory directory() {
    return directory;
  }

  /** This JVM's side of placement groups. Set once started. */
  PlacementGroupClient placementGroups() {
    return placementGroups;
  }
}
