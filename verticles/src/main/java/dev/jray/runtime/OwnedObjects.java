package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.scheduler.ObjectValue;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The objects this worker owns: their values (inline) or locations, and their reference counts.
 * An object lives while a live {@code ObjectRef} to it exists in this JVM, a pending task uses
 * it as an argument, or an object that contains it lives; then it is freed (and its store copy
 * deleted). Thread-safe: refs are counted from any thread, including the Cleaner's.
 */
final class OwnedObjects {
  private static final class Entry {
    final CompletableFuture<ObjectValue> value;
    /** Starts at 1: the ObjectRef made with the object. */
    int refs = 1;
    List<RefId> contained = List.of();

    Entry(CompletableFuture<ObjectValue> value) {
      this.value = value;
    }
  }

  private final ConcurrentHashMap<ObjectId, Entry> entries = new ConcurrentHashMap<>();
  private final BiConsumer<ObjectId, ObjectValue> onFree;
  private final Consumer<RefId> release;

  /**
   * @param onFree called with each freed object's value, to delete its store copy
   * @param release gives back the count an object held on a ref inside it (here or at its owner)
   */
  OwnedObjects(BiConsumer<ObjectId, ObjectValue> onFree, Consumer<RefId> release) {
    this.onFree = Objects.requireNonNull(onFree, "onFree");
    this.release = Objects.requireNonNull(release, "release");
  }

  /**
   * Registers an object whose value comes later (a task's return), counting the one reference
   * its caller makes with it.
   */
  void createPending(ObjectId id) {
    entries.put(id, new Entry(new CompletableFuture<>()));
  }

  /** Registers an object with its value (a put), counting the one reference made with it. */
  void createReady(ObjectId id, ObjectValue value, List<RefId> contained) {
    Entry e = new Entry(CompletableFuture.completedFuture(value));
    e.contained = contained;
    entries.put(id, e);
  }

  /**
   * Sets a pending object's value; a value for an object freed meanwhile is dropped.
   *
   * @param contained the refs inside the value, already counted by the caller
   */
  void complete(ObjectId id, ObjectValue value, List<RefId> contained) {
    Entry e = entries.get(id);
    if (e == null) {
      onFree.accept(id, value);
      contained.forEach(release);
      return;
    }
    synchronized (e) {
      if (!e.value.isDone()) {
        e.contained = contained;
      } else {
        contained.forEach(release);
      }
    }
    e.value.complete(value);
  }

  /** The object's value as a future, or null if this worker does not hold it (freed or lost). */
  CompletableFuture<ObjectValue> future(ObjectId id) {
    Entry e = entries.get(id);
    return e == null ? null : e.value;
  }

  boolean owns(ObjectId id) {
    return entries.containsKey(id);
  }

  void addRef(ObjectId id) {
    entries.computeIfPresent(id, (k, e) -> {
      e.refs++;
      return e;
    });
  }

  void removeRef(ObjectId id) {
    Entry[] freed = new Entry[1];
    entries.computeIfPresent(id, (k, e) -> {
      if (--e.refs > 0) {
        return e;
      }
      freed[0] = e;
      return null;
    });
    if (freed[0] != null) {
      free(id, freed[0]);
    }
  }

  private void free(ObjectId id, Entry e) {
    List<RefId> contained;
    synchronized (e) {
      contained = e.contained;
      e.contained = List.of();
    }
    ObjectValue v = e.value.getNow(null);
    if (v != null) {
      onFree.accept(id, v);
    }
    contained.forEach(release);
  }

  int size() {
    return entries.size();
  }
}
