package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.task.ObjectValue;
import dev.jray.task.TaskSpec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An object this worker owns, as its reference counter keeps it.
 *
 * <p>Threading: its fields are guarded by the object's own lock (its counter takes it), but for its
 * reference count (compare-and-set), its published flag and its value future (volatile, set under
 * the lock); only {@link ReferenceCounter} changes them.
 *
 * <p>One owned object. Its first ref holds it; once that ref is collected it is released, if it
 * is watched: only an object whose freeing has something to do is (see {@link
 * ReferenceCounter#createReady}).
 */
final class OwnedObject {
  static final VarHandle REFS;
  static final VarHandle VALUE;

  static {
    try {
      REFS = MethodHandles.lookup().findVarHandle(OwnedObject.class, "refs", int.class);
      VALUE = MethodHandles.lookup().findVarHandle(OwnedObject.class, "value", CompletableFuture.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The counter this object is counted by. */
  private final ReferenceCounter counter;
  final ObjectId id;
  /**
   * Replaced, under the lock, by a pending future when a lost copy is made again. Set in the
   * constructor by a plain write, as {@link #refs}.
   */
  volatile CompletableFuture<ObjectValue> value;
  /**
   * Starts at 1: the ObjectRef made with the object. Changed by compare-and-set, not under the
   * entry's lock: an argument pins and unpins it on every call, from the caller's and the
   * actor's threads, and a shared lock made them queue. 0 once released: never counts up again.
   * Set to 1 in the constructor by a plain write: a volatile one would fence every call.
   */
  volatile int refs;
  List<RefId> contained;
  /** Runs when a pending object's result arrives (also if the object was freed before). */
  Runnable onResult;
  boolean inMap;
  /** Set once under the lock; read without it for the fast path of a repeated publish. */
  volatile boolean published;
  boolean freed;
  /** Watches the first ref for collection; null while nothing needs to know. */
  FirstRefWatch watch;
  /**
   * For a value stored on another node: the {@link TaskSpec} that made it (kept in {@link
   * Lineage}), or a String saying why it cannot be made again; null otherwise.
   */
  Object lineage;

  OwnedObject(ReferenceCounter counter, ObjectId id, CompletableFuture<ObjectValue> value, List<RefId> contained) {
    REFS.set(this, 1); // published with the entry (id map, or the ref holding it)
    VALUE.set(this, value); // likewise: a volatile write would fence every call
    this.counter = counter;
    this.id = id;
    this.contained = contained;
  }

  ObjectId id() {
    return id;
  }

  /** The object's value or location, once known. */
  CompletableFuture<ObjectValue> value() {
    return value;
  }

  /**
   * Makes the object reachable by id: its id is about to leave {@code firstRef}, the ref this
   * entry was made with.
   */
  void publish(Object firstRef) {
    counter.publish(this, Objects.requireNonNull(firstRef, "firstRef"));
  }

  /** Whether the value holds no refs to other objects (freeing it gives nothing back). */
  synchronized boolean holdsNoRefs() {
    return contained.isEmpty();
  }

  /** The first ref was collected (called by its watch). */
  void released() {
    counter.release(this);
  }

  /** Whether the first ref is watched for collection. */
  synchronized boolean watched() {
    return watch != null;
  }


  /** Releases an entry once the first ref of its object is collected. */
  static final class FirstRefWatch extends TrackedRef {
    private final OwnedObject entry;

    FirstRefWatch(Object firstRef, OwnedObject entry) {
      super(firstRef);
      this.entry = entry;
    }

    @Override
    void released() {
      entry.released();
    }
  }
}
