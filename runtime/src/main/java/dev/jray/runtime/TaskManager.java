package dev.jray.runtime;

import dev.jray.api.exception.RayException;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.id.JobId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.ObjectValue;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Ray's task manager on the owner's side: the normal tasks this worker owns until they finish,
 * with the node each runs on (so they can be retried when it dies), and the completion of every
 * call's return object, by its result or by a failure.
 *
 * <p>Threading: thread-safe, never blocks. Both maps are concurrent, the dead nodes locked; results arrive on worker
 * threads, link readers and the submitting thread. Completing an object runs its release
 * callbacks, then wakes its waiters, on the calling thread.
 */
final class TaskManager {
  /**
   * A normal task owned here that runs on another node.
   *
   * @param seq when it was located there, in {@link #locationSeq}'s order
   */
  record RemoteTask(TaskSpec spec, UniqueId node, long seq) {}

  private final UniqueId nodeId;
  private final Owners owners;
  private final ReferenceCounter refs;
  private final ValueCodec codec;
  private final JobRegistry jobs;
  /** Specs of this worker's pending normal tasks, by return id, until they finish; concurrent. */
  private final ConcurrentHashMap<ObjectId, TaskSpec> pending = new ConcurrentHashMap<>();
  /** Pending normal tasks that run on other nodes, by return id; concurrent. */
  private final ConcurrentHashMap<ObjectId, RemoteTask> remote = new ConcurrentHashMap<>();
  /** Numbers the locations of remote tasks, so a link's loss takes only those there before it. */
  private final AtomicLong locationSeq = new AtomicLong();
  /** Nodes that died, the latest {@value #MAX_DEAD_NODES}; guarded by itself. */
  private final LinkedHashSet<UniqueId> deadNodes = new LinkedHashSet<>();
  private static final int MAX_DEAD_NODES = 1024;
  private final Consumer<UniqueId> locatedOnDeadNode;
  private final TaskEvents events;

  /**
   * @param locatedOnDeadNode told when a task is located on a node whose death was already taken
   *     (the location came after the death: a forward that raced it); never blocks
   */
  TaskManager(UniqueId nodeId, Owners owners, ReferenceCounter refs, ValueCodec codec,
      JobRegistry jobs, TaskEvents events, Consumer<UniqueId> locatedOnDeadNode) {
    this.events = Objects.requireNonNull(events, "events");
    this.locatedOnDeadNode = Objects.requireNonNull(locatedOnDeadNode, "locatedOnDeadNode");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.owners = Objects.requireNonNull(owners, "owners");
    this.refs = Objects.requireNonNull(refs, "refs");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
  }

  /**
   * A normal task this worker owns is submitted (or submitted again: a retry, a rebuild); it is
   * pending until its result comes.
   */
  void addPending(TaskSpec spec) {
    pending.put(spec.returnId(), spec);
    events.submitted(spec);
  }

  /** Where this worker records its tasks' state changes. */
  TaskEvents events() {
    return events;
  }

  /**
   * Records, or tells the owner, that a normal task is now on {@code node} (forwarded there, or
   * started there), so the owner can retry it if that node dies.
   */
  void locate(TaskSpec spec, UniqueId node) {
    if (spec.kind() != TaskKind.NORMAL) {
      return; // actors fail or restart through the actor table instead
    }
    if (owners.isSelf(spec.ownerAddress())) {
      onTaskLocated(spec.returnId(), node);
    } else {
      owners.send(spec.ownerAddress(), new TaskLocated(spec.returnId(), node));
    }
  }

  /** A task this worker owns is on {@code node}. */
  void onTaskLocated(ObjectId returnId, UniqueId node) {
    TaskSpec spec = pending.get(returnId);
    if (spec == null) {
      return; // done already
    }
    if (node.equals(nodeId)) {
      remote.remove(returnId);
      return;
    }
    remote.put(returnId, new RemoteTask(spec, node, locationSeq.incrementAndGet()));
    boolean dead;
    synchronized (deadNodes) {
      dead = deadNodes.contains(node);
    }
    if (dead) {
      locatedOnDeadNode.accept(node); // its death was taken before: nothing else would retry it
    }
  }

  /** The sequence number of the latest location: tasks located up to it are where they are now. */
  long lastLocation() {
    return locationSeq.get();
  }

  /**
   * Takes the pending tasks that ran on a node that died: each to retry or fail. A task located
   * there later is handed to the {@code locatedOnDeadNode} callback.
   */
  List<TaskSpec> takeTasksOnDeadNode(UniqueId node) {
    synchronized (deadNodes) {
      if (deadNodes.add(node) && deadNodes.size() > MAX_DEAD_NODES) {
        Iterator<UniqueId> oldest = deadNodes.iterator();
        oldest.next();
        oldest.remove();
      }
    }
    return takeTasksOn(node, Long.MAX_VALUE);
  }

  /** Takes the pending tasks located on {@code node} up to location {@code upTo}. */
  List<TaskSpec> takeTasksOn(UniqueId node, long upTo) {
    List<TaskSpec> lost = new ArrayList<>();
    for (Map.Entry<ObjectId, RemoteTask> e : remote.entrySet()) {
      RemoteTask t = e.getValue();
      if (t.node().equals(node) && t.seq() <= upTo && remote.remove(e.getKey(), t)) {
        lost.add(t.spec());
      }
    }
    return lost;
  }

  /**
   * The spec of a pending task this worker owns, taken from where it was located (its worker
   * process died): null if its result came already.
   */
  TaskSpec takePending(ObjectId returnId) {
    remote.remove(returnId);
    return pending.get(returnId);
  }

  /** A result arrives for an object this worker owns (from a worker, or a failure here). */
  void onTaskResult(ObjectId returnId, ObjectValue value, List<RefId> contained) {
    TaskSpec spec = pending.remove(returnId);
    remote.remove(returnId);
    // the spec is kept as the value's lineage if the value lives on another node
    refs.complete(returnId, value, contained, spec); // releases the call's pins and slot first
  }

  /** The result of an actor call made here, from an actor in this JVM: it was never pending or remote. */
  void onLocalActorCallResult(ObjectId returnId, ObjectValue value, List<RefId> contained) {
    refs.complete(returnId, value, contained, null);
  }

  void failCall(ObjectId returnId, RayException error) {
    TaskSpec spec = pending.get(returnId);
    events.failedByOwner(spec != null ? spec.taskId() : returnId.getTaskId(),
        spec != null ? spec.attempt() : 0, error);
    onTaskResult(returnId, codec.errorValue(error), List.of());
  }

  /**
   * Fails every call whose result this worker still waits for, tasks and actor calls alike (the
   * cluster dropped this driver: no result will come).
   */
  void failAllPending(RayException error) {
    ObjectValue value = codec.errorValue(error);
    for (ObjectId id : refs.pendingIds()) {
      onTaskResult(id, value, List.of());
    }
  }

  /**
   * Fails a call whose argument failed: as if the call had run and raised the argument's error,
   * so the dependent call adds its own layer to the cause chain.
   */
  void failDependency(ObjectId returnId, JobId job, FunctionDescriptor fd,
      PreparedArgs.DependencyFailedException e) {
    Throwable cause = e.error() != null
        ? (Throwable) codec.serializer().deserialize(e.error().data(), jobs.loaderOf(job))
        : e.getCause();
    failCall(returnId, new RayTaskException(fd.className() + "." + fd.methodName()
        + " did not run: an argument failed: " + cause, cause));
  }
}
