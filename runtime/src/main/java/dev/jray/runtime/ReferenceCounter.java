package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.task.ObjectValue;
import dev.jray.task.TaskSpec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Ray's reference counter: the objects this worker owns, with their values (inline) or
 * locations and their reference counts, and the counts this worker holds on objects others own
 * (sent to their owners as {@link BorrowChange}s). What other nodes hold on objects owned here
 * is noted per node ({@link Borrowers}) and given back when that node dies.
 * An object lives while a live {@code ObjectRef} to it exists in this JVM, a pending task uses
 * it as an argument, or an object that contains it lives; then it is freed (and its store copy
 * deleted).
 *
 * <p>Each object's first ref holds its {@link OwnedObject}; a {@link TrackedRef} watches that ref for
 * collection when freeing the object has something to do. Only objects that can be reached by id are in the id map: pending ones (their
 * result comes by id) and published ones (whose id left the first ref: serialized, or pinned by a
 * call). A put or call result nobody else sees never touches the map after it completes, so
 * the map stays as small as the work in flight.
 *
 * <p>An owned result whose only copy is in another node's store keeps the spec of the task that
 * made it ({@link Lineage}) until it is freed, so that it can be made again if that node dies:
 * {@link #markLost} makes such an object pending again (a fresh value future) for {@link
 * ObjectRecovery} to run its task once more, or fails it saying why it cannot be rebuilt.
 *
 * <p>Threading: thread-safe, never blocks. Refs are counted from any thread, including the
 * {@link RefTracker}'s (which runs the release callbacks); each entry's state is guarded by the
 * entry's lock, but for its reference count (compare-and-set), its published flag and its value
 * future (volatile, set under the lock); the id map is concurrent; the lineage is guarded by its
 * own lock, never taken under an entry's. {@code onFree} runs on the thread that drops the last
 * reference.
 */
final class ReferenceCounter {
  /**
   * An object reachable by id here, for the state API.
   *
   * @param value null while pending
   * @param borrowers how many other nodes hold refs to it
   */
  record Listed(ObjectId id, int refs, ObjectValue value, int borrowers) {}

  /** Objects reachable by id (pending or published); concurrent, entries guarded by themselves. */
  private final ConcurrentHashMap<ObjectId, OwnedObject> entries = new ConcurrentHashMap<>();
  private final Owners owners;
  /** What other nodes hold on objects owned here, per node, to give back when one dies. */
  private final Borrowers borrowers = new Borrowers();
  private final BiConsumer<ObjectId, ObjectValue> onFree;
  private final Lineage lineage;
  /** {@link #uncount}, made once: releasing a value's refs allocates nothing. */
  private final Consumer<RefId> uncounter = this::uncount;

  /**
   * @param owners this worker's owner address, and the way to the others' (borrows go there)
   * @param onFree called with each freed object's value, to delete its store copy
   * @param lineage where the specs of results stored on other nodes are kept
   */
  ReferenceCounter(Owners owners, BiConsumer<ObjectId, ObjectValue> onFree, Lineage lineage) {
    this.owners = Objects.requireNonNull(owners, "owners");
    this.onFree = Objects.requireNonNull(onFree, "onFree");
    this.lineage = Objects.requireNonNull(lineage, "lineage");
  }

  /**
   * Counts a live ObjectRef: here if this worker owns the object, else as a borrow at the owner
   * (the message leaves before anything this worker sends the owner later, such as the result
   * of the task that received the ref, so the owner cannot free the object in between).
   */
  void registerRef(ObjectRefImpl<?> ref) {
    ObjectId id = ref.getId();
    String owner = ref.ownerAddress();
    if (owners.isSelf(owner)) {
      addRef(id);
      new TrackedRef(ref) {
        @Override
        void released() {
          removeRef(id);
        }
      };
    } else {
      owners.send(owner, new BorrowChange(id, 1, owners.selfNode()));
      watchBorrow(ref);
    }
  }

  /** Gives back this node's borrow of a ref's object (owned elsewhere) once the ref is collected. */
  void watchBorrow(ObjectRefImpl<?> ref) {
    ObjectId id = ref.getId();
    String owner = ref.ownerAddress();
    UniqueId self = owners.selfNode();
    new TrackedRef(ref) {
      @Override
      void released() {
        owners.send(owner, new BorrowChange(id, -1, self));
      }
    };
  }

  /**
   * Owns an object another node put for an actor hosted here ({@link AdoptObject}): reachable by
   * id, its one reference counted as the putter's borrow (given back by it, or by its death).
   */
  void adopt(AdoptObject a) {
    OwnedObject e = new OwnedObject(this, a.objectId(), CompletableFuture.completedFuture(a.value()),
        a.contained());
    synchronized (e) {
      e.published = true;
      e.inMap = true;
    }
    entries.put(e.id, e);
    if (!borrowers.change(a.holder(), e.id, 1)) {
      release(e); // the putter died meanwhile: nobody holds it
    }
  }

  /** Counts one more reference to an object: here if this worker owns it, else at its owner. */
  void count(RefId ref) {
    change(ref, 1, null);
  }

  /**
   * Counts a reference that the worker of owner address {@code holder} will hold and give back
   * (the refs inside a result this worker made for that owner), so the holder's death gives it
   * back.
   */
  void count(RefId ref, String holder) {
    change(ref, 1, holder);
  }

  /** Gives back a reference {@link #count(RefId)} counted. */
  void uncount(RefId ref) {
    change(ref, -1, null);
  }

  /** Gives back a reference {@link #count(RefId, String)} counted for {@code holder}. */
  void uncount(RefId ref, String holder) {
    change(ref, -1, holder);
  }

  /** @param holder the owner address holding the count; null for this worker */
  private void change(RefId ref, int delta, String holder) {
    boolean mine = holder == null || owners.isSelf(holder);
    if (owners.isSelf(ref.owner())) {
      if (mine || borrowers.change(owners.nodeOf(holder), ref.id(), delta)) {
        addOrRemove(ref.id(), delta);
      }
    } else {
      owners.send(ref.owner(), new BorrowChange(ref.id(), delta,
          mine ? owners.selfNode() : owners.nodeOf(holder)));
    }
  }

  /** A count change for an object this worker owns, from another node; ignored if its holder died. */
  void onBorrowChange(BorrowChange borrow) {
    if (owners.selfNode().equals(borrow.holder())
        || borrowers.change(borrow.holder(), borrow.objectId(), borrow.delta())) {
      addOrRemove(borrow.objectId(), borrow.delta());
    }
  }

  /** A node died: the references it held on objects owned here are given back. */
  void onHolderDied(UniqueId node) {
    borrowers.holderDied(node).forEach((id, n) -> {
      for (int i = 0; i < n; i++) {
        removeRef(id);
      }
    });
  }

  /** How many objects owned here {@code node} holds references to, for tests. */
  int borrowedBy(UniqueId node) {
    return borrowers.heldBy(node);
  }

  private void addOrRemove(ObjectId id, int delta) {
    if (delta > 0) {
      addRef(id);
    } else {
      removeRef(id);
    }
  }

  /**
   * The first ref of a pending call's return object, owned here; the call's argument pins are
   * given back when the result arrives, then {@code alsoOnResult} (may be null) runs.
   */
  ObjectRefImpl<?> expectResult(ObjectId returnId, PreparedArgs args, Runnable alsoOnResult) {
    Runnable onResult = args.pins().isEmpty() ? alsoOnResult : () -> {
      args.pins().forEach(uncounter);
      if (alsoOnResult != null) {
        alsoOnResult.run();
      }
    };
    return new ObjectRefImpl<>(returnId, owners.self(), this, onResult);
  }

  /** Up to {@code max} of the objects reachable by id here (pending or published). */
  List<Listed> list(int max) {
    Map<ObjectId, Integer> holders = borrowers.holdersByObject();
    List<Listed> listed = new ArrayList<>();
    for (OwnedObject e : entries.values()) {
      if (listed.size() >= max) {
        break;
      }
      CompletableFuture<ObjectValue> v = e.value();
      listed.add(new Listed(e.id, e.refs, v.isDone() && !v.isCompletedExceptionally()
          ? v.join() : null, holders.getOrDefault(e.id, 0)));
    }
    return listed;
  }

  /** The first ref of an object put here with its value. */
  <T> ObjectRefImpl<T> ready(ObjectId id, ObjectValue value, List<RefId> contained) {
    return new ObjectRefImpl<>(id, owners.self(), this, value, contained);
  }

  /**
   * Registers an object whose value comes later (a task's return), counting {@code firstRef},
   * the reference its caller makes with it, until that is collected. It stays in the id map
   * until its result comes, even if freed before, so that {@code onResult} runs.
   *
   * @param onResult runs when the result arrives, before the value is set; may be null
   */
  OwnedObject createPending(ObjectId id, Object firstRef, Runnable onResult) {
    OwnedObject e = new OwnedObject(this, id, new CompletableFuture<>(), List.of());
    e.onResult = onResult; // no other thread sees e yet
    e.watch = new OwnedObject.FirstRefWatch(Objects.requireNonNull(firstRef, "firstRef"), e);
    e.inMap = true;
    entries.put(id, e);
    return e;
  }

  /**
   * Registers an object with its value (a put). Its first ref is watched for collection only if
   * freeing it does something (a store copy to delete, refs inside to give back); an inline value
   * holding no refs, unpublished, just goes with its first ref: a loop of small puts makes no work
   * for the GC's reference processing or the tracker. Publishing watches it from then on.
   */
  OwnedObject createReady(ObjectId id, Object firstRef, ObjectValue value, List<RefId> contained) {
    Objects.requireNonNull(firstRef, "firstRef");
    OwnedObject e = new OwnedObject(this, id, CompletableFuture.completedFuture(value), contained);
    if (!value.isInline() || !contained.isEmpty()) {
      e.watch = new OwnedObject.FirstRefWatch(firstRef, e);
    }
    return e;
  }

  void publish(OwnedObject e, Object firstRef) {
    if (e.published) {
      return; // an object passed as an argument again and again: no lock each time
    }
    synchronized (e) {
      if (e.published || e.freed) {
        return;
      }
      e.published = true;
      if (e.watch == null) {
        e.watch = new OwnedObject.FirstRefWatch(firstRef, e);
      }
      if (!e.inMap) {
        e.inMap = true;
        entries.put(e.id, e);
      }
    }
  }

  /**
   * Sets a pending object's value; a value for an object freed meanwhile is dropped.
   *
   * @param contained the refs inside the value, already counted by the caller
   * @param madeBy the normal task that made it, kept as its lineage if the value is stored on
   *     another node; null for an actor call or a failure
   */
  void complete(ObjectId id, ObjectValue value, List<RefId> contained, TaskSpec madeBy) {
    OwnedObject e = entries.get(id);
    if (e == null) {
      onFree.accept(id, value);
      releaseAll(contained);
      return;
    }
    boolean kept;
    boolean freed;
    Runnable r;
    TrackedRef unwatched = null;
    CompletableFuture<ObjectValue> future;
    List<RefId> before = List.of();
    Object lineageBefore = null;
    Object lineageNow = null;
    synchronized (e) {
      r = e.onResult;
      e.onResult = null;
      freed = e.freed;
      future = e.value;
      kept = !freed && !future.isDone();
      if (kept) {
        before = e.contained; // a rebuilt object's first value's refs, given back below
        e.contained = contained;
        lineageBefore = e.lineage;
        if (!value.isInline() || lineageBefore != null) { // most results are inline: no lineage
          lineageNow = Lineage.of(value, madeBy, owners.selfNode());
          e.lineage = lineageNow;
        }
      }
      if (freed || (kept && !e.published)) {
        e.inMap = false; // freed, or only its first ref holds it: nobody else asks by id
        entries.remove(id, e);
      }
      if (kept && !e.published && value.isInline() && contained.isEmpty()) {
        // now as a small put: freeing it does nothing, so its refs need not survive a GC to say so
        unwatched = e.watch;
        e.watch = null;
      }
    }
    if (unwatched != null) {
      unwatched.unwatch();
    }
    if (r != null) {
      r.run(); // first: a caller woken by the value must see what it releases released
    }
    if (freed) {
      onFree.accept(id, value);
    }
    if (!kept) {
      releaseAll(contained);
    }
    if (lineageNow instanceof TaskSpec spec) {
      markEvicted(lineage.keep(e, spec));
      if (isFreed(e)) {
        lineage.forget(e); // freed while it was being kept: its release forgot it before
      }
    } else if (lineageBefore instanceof TaskSpec) {
      lineage.forget(e);
    }
    releaseAll(before);
    future.complete(value);
  }

  /** The objects owned here whose value has not come yet (results of calls in flight). */
  /** How many objects are reachable by id here (owned, pending or ready). */
  int size() {
    return entries.size();
  }

  List<ObjectId> pendingIds() {
    List<ObjectId> ids = new ArrayList<>();
    entries.forEach((id, e) -> {
      if (!e.value.isDone()) {
        ids.add(id);
      }
    });
    return ids;
  }

  /** Entries whose lineage went over the budget: they cannot be rebuilt from now on. */
  private void markEvicted(List<OwnedObject> evicted) {
    for (OwnedObject e : evicted) {
      synchronized (e) {
        if (e.lineage instanceof TaskSpec) {
          e.lineage = lineage.evictedReason();
        }
      }
    }
  }

  /** Makes an owned object reachable by id (its result comes by id: it is being rebuilt). */
  void keepReachable(OwnedObject e) {
    entries.put(e.id, e);
  }

  private static boolean isFreed(OwnedObject e) {
    synchronized (e) {
      return e.freed;
    }
  }

  /** An owned object reachable by id (pending or published), or null. */
  OwnedObject entry(ObjectId id) {
    return entries.get(id);
  }

  /** The object's value as a future, or null if it is not reachable by id (freed or lost). */
  CompletableFuture<ObjectValue> future(ObjectId id) {
    OwnedObject e = entries.get(id);
    if (e == null) {
      return null;
    }
    synchronized (e) {
      return e.freed ? null : e.value;
    }
  }

  /** Counts one more reference to a published object. */
  void addRef(ObjectId id) {
    OwnedObject e = entries.get(id);
    if (e == null) {
      return;
    }
    for (int r = e.refs; r > 0; r = e.refs) { // 0: released, stays so
      if (OwnedObject.REFS.compareAndSet(e, r, r + 1)) {
        return;
      }
    }
  }

  /** Gives back one reference to a published object. */
  void removeRef(ObjectId id) {
    OwnedObject e = entries.get(id);
    if (e != null) {
      release(e);
    }
  }

  void release(OwnedObject e) {
    int r;
    do {
      r = e.refs;
      if (r <= 0) {
        return;
      }
    } while (!OwnedObject.REFS.compareAndSet(e, r, r - 1));
    if (r > 1) {
      return;
    }
    List<RefId> contained;
    boolean hadLineage;
    synchronized (e) { // the last reference went: only this thread gets here for e
      if (e.freed) {
        return;
      }
      e.freed = true;
      hadLineage = e.lineage instanceof TaskSpec;
      if (e.inMap && e.value.isDone()) { // a pending one stays until its result comes
        e.inMap = false;
        entries.remove(e.id, e);
      }
      contained = e.contained;
      e.contained = List.of();
    }
    if (hadLineage) {
      lineage.forget(e); // lineage goes with the object's last reference
    }
    ObjectValue v = e.value.getNow(null);
    if (v != null) {
      onFree.accept(e.id, v);
    }
    releaseAll(contained);
  }

  private void releaseAll(List<RefId> contained) {
    if (!contained.isEmpty()) { // most values hold no refs: no iterator for them
      contained.forEach(uncounter);
    }
  }
}
