package dev.jray.runtime;

import dev.jray.api.ObjectRef;
import dev.jray.api.WaitResult;
import dev.jray.api.exception.RayException;
import dev.jray.api.exception.RayTimeoutException;
import dev.jray.api.exception.UnreconstructableException;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.time.Time;
import dev.jray.task.ObjectValue;
import dev.jray.task.TaskKind;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Puts and gets objects, as Ray's core worker's Put/Get/Wait: a put stores the value with this
 * worker as its owner; a get finds an object's value with its owner (here, or asked over the
 * link), pulls a stored copy from another node when need be, and decodes it (a copy found lost
 * is rebuilt from its lineage, by {@link ObjectRecovery} here or by its owner, and waited for
 * within the get's timeout); wait returns the refs that are ready. A get that waits for a task of this worker's that no thread has started
 * runs it itself; a normal task that blocks in get or wait lends its CPU back to the node.
 *
 * <p>Threading: thread-safe. {@code get} and {@code wait} block the caller (spinning briefly,
 * then parking; timeouts are read on the injected {@link Time}) and refuse to run on a Vert.x
 * event loop; {@code getAsync} decodes on the worker pool. The map of requests to other owners
 * is concurrent; their replies arrive on link reader threads.
 */
final class ObjectReader {
  private static final ThreadLocal<AdaptiveSpin> SPINS = ThreadLocal.withInitial(AdaptiveSpin::new);
  /** How many rebuilds of one lost object a get waits for (each is also a task attempt). */
  private static final int MAX_REBUILDS_PER_GET = 10;

  private final JobRegistry jobs;
  private final Owners owners;
  private final ReferenceCounter refs;
  private final ValueCodec codec;
  private final ObjectCopies copies;
  private final TaskExecutor tasks;
  /** Runs a waited-for call to an actor here on the caller's thread, if no runner took it yet. */
  private final HostedActors hosted;
  /** Rebuilds an object owned here whose copy a get found lost. */
  private final ObjectRecovery recovery;
  private final Executor pool;
  private final Time time;
  /** Object requests this worker sent to other owners, by owner address, to fail if it dies. */
  private final ConcurrentHashMap<String, Set<CompletableFuture<ObjectValue>>> requests =
      new ConcurrentHashMap<>();
  /** Why the cluster cut this driver off, or null: requests to other owners then fail at once. */
  private volatile RayException cutOff;

  /** @param pool decodes the values of {@link #getAsync} (never an event loop) */
  ObjectReader(JobRegistry jobs, Owners owners, ReferenceCounter refs, ValueCodec codec,
      ObjectCopies copies, TaskExecutor tasks, HostedActors hosted, ObjectRecovery recovery,
      Executor pool, Time time) {
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.owners = Objects.requireNonNull(owners, "owners");
    this.refs = Objects.requireNonNull(refs, "refs");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.copies = Objects.requireNonNull(copies, "copies");
    this.tasks = Objects.requireNonNull(tasks, "tasks");
    this.hosted = Objects.requireNonNull(hosted, "hosted");
    this.recovery = Objects.requireNonNull(recovery, "recovery");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.time = Objects.requireNonNull(time, "time");
  }

  <T> ObjectRef<T> put(T value) {
    ObjectId id = jobs.context().nextPutId();
    ObjectValue array = codec.storeLargeArray(id, value);
    if (array != null) {
      return refs.ready(id, array, List.of());
    }
    return putEncoded(codec.encode(value));
  }

  /** Puts a value already encoded (a large task argument, which travels by ref). */
  <T> ObjectRef<T> putEncoded(ValueCodec.Encoded e) {
    ObjectId id = jobs.context().nextPutId();
    return refs.ready(id, codec.storeValue(id, e.bytes()), e.contained());
  }

  /** An object's value or location as its owner has it (or will). */
  CompletableFuture<ObjectValue> locate(ObjectRefImpl<?> ref) {
    OwnedObject entry = ref.entry();
    if (entry != null) {
      return entry.value();
    }
    if (owners.isSelf(ref.ownerAddress())) {
      CompletableFuture<ObjectValue> f = refs.future(ref.getId());
      if (f != null) {
        return f;
      }
      return CompletableFuture.failedFuture(new UnreconstructableException(ref.getId(),
          "its owner freed it (no reference was left) or lost it"));
    }
    return askOwner(ref.getId(), ref.ownerAddress(), null);
  }

  /**
   * Asks a remote owner for an object's value or location, waiting as long as it takes.
   *
   * @param lostOn null, or the node whose copy could not be fetched: the owner rebuilds it first
   */
  private CompletableFuture<ObjectValue> askOwner(ObjectId id, String owner, UniqueId lostOn) {
    RayException cause = cutOff;
    if (cause != null) {
      return CompletableFuture.failedFuture(cause);
    }
    CompletableFuture<ObjectValue> f = new CompletableFuture<>();
    Set<CompletableFuture<ObjectValue>> pending =
        requests.computeIfAbsent(owner, o -> ConcurrentHashMap.newKeySet());
    pending.add(f);
    f.whenComplete((v, e) -> pending.remove(f));
    owners.request(owner, new ObjectRequest(id, lostOn)).whenComplete((v, e) -> {
      if (e == null) {
        f.complete((ObjectValue) v);
      } else {
        f.completeExceptionally(new UnreconstructableException(id,
            "its owner (" + owner + ") cannot give it: " + e.getMessage()));
      }
    });
    return f;
  }

  /** A node left the cluster: what its worker owned is lost, and requests to it fail. */
  void onOwnerDied(UniqueId node) {
    failRequestsTo(Owners.addressOf(node),
        new UnreconstructableException(null, "its owner, node " + node + ", died"));
  }

  /**
   * The cluster dropped this driver: every request to another owner, unanswered or later, fails
   * with {@code cause} (what this worker holds stays readable).
   */
  void cutOff(RayException cause) {
    cutOff = cause;
    List.copyOf(requests.keySet()).forEach(owner -> failRequestsTo(owner, cause));
  }

  private void failRequestsTo(String owner, RuntimeException cause) {
    Set<CompletableFuture<ObjectValue>> pending = requests.remove(owner);
    if (pending != null) {
      pending.forEach(f -> f.completeExceptionally(cause));
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
    long deadline = deadline(timeoutMs);
    CompletableFuture<ObjectValue> f = locate(r);
    if (!f.isDone()) {
      if (mayRunInline(timeoutMs)) {
        tasks.runIfUnstarted(r.getId(), f);
        if (!f.isDone() && !Context.isOnEventLoopThread()) {
          hosted.runIfQueued(r.getId()); // a sync actor call: the caller runs it, no wake-up
        }
      }
      awaitBlocking(f, nanos(timeoutMs), () -> "get timed out after " + timeoutMs + " ms waiting for 1 object(s)");
    }
    return decodeOrRebuild(r, f, timeoutMs, deadline, jobs.context().loader());
  }

  /** The deadline of a get on {@link #time} (0 if it has no timeout: no clock read then). */
  private long deadline(long timeoutMs) {
    return timeoutMs < 0 ? 0 : time.nanoseconds() + nanos(timeoutMs);
  }

  /**
   * Decodes a ready object; if its stored copy turns out lost, waits (within the get's deadline)
   * for it to be rebuilt from its lineage, by this worker or by its owner, and decodes that, as
   * long as rebuilds come; else raises why it cannot be had.
   */
  @SuppressWarnings("unchecked")
  private <T> T decodeOrRebuild(ObjectRefImpl<?> r, CompletableFuture<ObjectValue> f,
      long timeoutMs, long deadline, ClassLoader loader) {
    UnreconstructableException first = null;
    for (int rebuilds = 0; ; rebuilds++) {
      try {
        return codec.decode(r.getId(), r.ownerAddress(), f, loader, left(timeoutMs, deadline));
      } catch (UnreconstructableException lost) {
        CompletableFuture<ObjectValue> rebuilt = rebuild(r, f);
        if (rebuilt == null || rebuilds >= MAX_REBUILDS_PER_GET) {
          // the rebuild's failure alone would hide why the copy could not be had
          throw first == null ? lost : new UnreconstructableException(r.getId(),
              lost.getReason() + " (a rebuild was tried because " + first.getReason() + ")");
        }
        if (first == null) {
          first = lost;
        }
        f = rebuilt;
        awaitBlocking(f, left(timeoutMs, deadline), () -> "get timed out after " + timeoutMs
            + " ms waiting for object " + r.getId() + " to be rebuilt: " + lost.getMessage());
      }
    }
  }

  /**
   * An object whose stored copy in {@code f} could not be had: its value as rebuilt (pending until
   * then) by its owner, this worker or another; null if there is nothing to wait for.
   */
  private CompletableFuture<ObjectValue> rebuild(ObjectRefImpl<?> r, CompletableFuture<ObjectValue> f) {
    ObjectValue v = f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
    if (v == null || v.isInline() || v.error()) {
      return null; // not a lost copy: the error stands
    }
    CompletableFuture<ObjectValue> rebuilt;
    if (owners.isSelf(r.ownerAddress())) {
      OwnedObject e = r.entry() != null ? r.entry() : refs.entry(r.getId());
      rebuilt = e == null ? null : recovery.recover(e, v.storeNode());
    } else {
      rebuilt = askOwner(r.getId(), r.ownerAddress(), v.storeNode());
    }
    return rebuilt == f ? null : rebuilt;
  }

  /** What is left until {@code deadline} of a get's timeout; -1 (none) without one. */
  private long left(long timeoutMs, long deadline) {
    return timeoutMs < 0 ? -1 : Math.max(0, deadline - time.nanoseconds());
  }

  <T> List<T> get(List<ObjectRef<T>> refList, long timeoutMs) {
    List<CompletableFuture<ObjectValue>> futures = new ArrayList<>(refList.size());
    for (ObjectRef<T> r : refList) {
      futures.add(locate(impl(Objects.requireNonNull(r, "ObjectRef in list"))));
    }
    CompletableFuture<ObjectValue> last = lastPending(futures);
    if (last != null && mayRunInline(timeoutMs)) {
      for (int i = 0; i < futures.size() && !last.isDone(); i++) {
        if (!futures.get(i).isDone()) {
          tasks.runIfUnstarted(refList.get(i).getId(), last);
        }
      }
    }
    // The pending ones one by one, the last first: calls to an actor, and mostly a caller's
    // tasks, complete in order, so the others are done by then. (A combined future would cost
    // each result a completion hop and this thread a tree of futures.)
    long deadline = deadline(timeoutMs);
    // as Ray's: the first failed task's error is thrown at once, whatever else is still running
    CompletableFuture<Void> failed = last == null ? null : firstError(futures);
    for (int i = futures.size() - 1; i >= 0 && last != null && !failed.isDone(); i--) {
      if (!futures.get(i).isDone()) {
        awaitBlocking(CompletableFuture.anyOf(futures.get(i), failed), left(timeoutMs, deadline),
            () -> "get timed out after " + timeoutMs + " ms waiting for " + refList.size()
                + " object(s)");
      }
    }
    ClassLoader loader = jobs.context().loader();
    if (failed != null && failed.isDone()) {
      for (int i = 0; i < refList.size(); i++) {
        CompletableFuture<ObjectValue> f = futures.get(i);
        if (f.isDone() && !f.isCompletedExceptionally() && f.join().error()) {
          decodeOrRebuild(impl(refList.get(i)), f, timeoutMs, deadline, loader); // throws its error
        }
      }
    }
    List<T> values = new ArrayList<>(refList.size());
    for (int i = 0; i < refList.size(); i++) {
      ObjectRefImpl<?> r = impl(refList.get(i));
      values.add(decodeOrRebuild(r, futures.get(i), timeoutMs, deadline, loader));
    }
    return values;
  }

  /** Completes once any of {@code futures} holds a task's error. */
  private static CompletableFuture<Void> firstError(List<CompletableFuture<ObjectValue>> futures) {
    CompletableFuture<Void> any = new CompletableFuture<>();
    for (CompletableFuture<ObjectValue> f : futures) {
      f.thenAccept(v -> {
        if (v.error()) {
          any.complete(null);
        }
      });
    }
    return any;
  }

  /** The last of {@code futures} that is not done; null if all are. */
  private static CompletableFuture<ObjectValue> lastPending(List<CompletableFuture<ObjectValue>> futures) {
    for (int i = futures.size() - 1; i >= 0; i--) {
      if (!futures.get(i).isDone()) {
        return futures.get(i);
      }
    }
    return null;
  }

  <T> CompletableFuture<T> getAsync(ObjectRef<T> ref) {
    ObjectRefImpl<?> r = impl(ref);
    return getAsync(r, locate(r), jobs.context().loader(), 0);
  }

  /** The value of {@code f} decoded; a lost copy is waited for again once rebuilt. */
  private <T> CompletableFuture<T> getAsync(ObjectRefImpl<?> r, CompletableFuture<ObjectValue> f,
      ClassLoader loader, int rebuilds) {
    ObjectId id = r.getId();
    // large or remote values are decoded on a worker thread: never on the event loop
    return f.thenCompose(v -> v.isInline() || v.error() ? CompletableFuture.completedFuture(v)
            : copies.fetchIfRemote(id, r.ownerAddress(), v).thenApply(x -> v))
        .handleAsync((v, e) -> {
          try {
            return CompletableFuture.completedFuture(codec.<T>decode(id, r.ownerAddress(), f, loader));
          } catch (UnreconstructableException lost) {
            CompletableFuture<ObjectValue> rebuilt = rebuild(r, f);
            if (rebuilt == null || rebuilds >= MAX_REBUILDS_PER_GET) {
              throw lost;
            }
            return this.<T>getAsync(r, rebuilt, loader, rebuilds + 1);
          }
        }, pool).thenCompose(x -> x);
  }

  /**
   * @param fetchLocal whether a ref counts as ready only once its value is in this node's store
   *     (fetched meanwhile), as Ray's; else once it is stored anywhere
   */
  <T> WaitResult<T> wait(List<ObjectRef<T>> refList, int numReturns, int timeoutMs,
      boolean fetchLocal) {
    List<CompletableFuture<ObjectValue>> futures = new ArrayList<>(refList.size());
    for (ObjectRef<T> r : refList) {
      ObjectRefImpl<?> ref = impl(Objects.requireNonNull(r, "ObjectRef in list"));
      CompletableFuture<ObjectValue> located = locate(ref);
      futures.add(!fetchLocal ? located : located.thenCompose(v -> v.isInline() || v.error()
          ? CompletableFuture.completedFuture(v)
          : copies.fetchIfRemote(ref.getId(), ref.ownerAddress(), v).thenApply(x -> v)));
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
      awaitBlocking(enough, nanos(timeoutMs), () -> "");
    } catch (RayTimeoutException expected) {
      // wait returns what is ready when its timeout passes
    }
    List<ObjectRef<T>> readyRefs = new ArrayList<>();
    List<ObjectRef<T>> unready = new ArrayList<>();
    for (int i = 0; i < refList.size(); i++) {
      if (futures.get(i).isDone() && readyRefs.size() < numReturns) {
        readyRefs.add(refList.get(i));
      } else {
        unready.add(refList.get(i));
      }
    }
    return new WaitResult<>(readyRefs, unready);
  }

  /**
   * Whether a get may run the tasks it waits for itself: only without a deadline, since a task
   * run on the caller's thread cannot be left behind when the timeout passes.
   */
  private static boolean mayRunInline(long timeoutMs) {
    return timeoutMs < 0;
  }

  /** A timeout in nanoseconds; negative (none) stays negative. */
  private static long nanos(long timeoutMs) {
    return timeoutMs < 0 ? -1 : TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  /**
   * Blocks until {@code f} completes or the timeout ({@code timeoutNanos}, none if negative)
   * passes. A normal task lends its CPU to the node while it waits, so tasks that wait on their
   * own subtasks cannot starve the node.
   */
  private void awaitBlocking(CompletableFuture<?> f, long timeoutNanos, Supplier<String> timeoutMessage) {
    if (f.isDone()) {
      return;
    }
    tasks.flushCurrentThread(); // what this thread submitted or sent must not wait for it
    hosted.flushCurrentThread(); // nor a call it made to an actor here
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
      tasks.blocked(ctx.taskId(), true);
    }
    try {
      if (timeoutNanos < 0) {
        f.get();
      } else {
        if (!TimedWait.await(f, timeoutNanos, time)) {
          throw new RayTimeoutException(timeoutMessage.get());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RayException("interrupted while waiting for objects", e);
    } catch (ExecutionException e) {
      // the failed object's error is raised by decode
    } finally {
      spin.ended();
      if (lend) {
        tasks.blocked(ctx.taskId(), false);
      }
    }
  }

}
