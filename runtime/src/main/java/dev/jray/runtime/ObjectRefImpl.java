package dev.jray.runtime;

import dev.jray.api.ObjectRef;
import dev.jray.api.id.ObjectId;
import dev.jray.task.ObjectValue;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The runtime's ObjectRef: an object id and the event-bus address of its owner. Each instance
 * counts as one reference at the owner while it is reachable. Serialized as a {@link
 * SerializedRef}, so that the copy re-registers where it is deserialized.
 */
final class ObjectRefImpl<T> implements ObjectRef<T>, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final ObjectId id;
  private final String ownerAddress;
  /** The object's entry if this is the first ref of an object this JVM owns, else null. */
  private final transient OwnedObject entry;

  ObjectRefImpl(ObjectId id, String ownerAddress) {
    this.id = id;
    this.ownerAddress = ownerAddress;
    this.entry = null;
    CoreWorker.current().refs().registerRef(this);
  }

  /**
   * A ref of an object another worker owns whose borrow by this worker the owner counted already
   * (an object put for an actor elsewhere, see {@link PutForActor}); its collection gives it back.
   */
  ObjectRefImpl(ObjectId id, String ownerAddress, boolean countedByOwner) {
    this.id = id;
    this.ownerAddress = ownerAddress;
    this.entry = null;
    CoreWorker.current().refs().watchBorrow(this);
  }

  /** The first ref of an object put into {@code owned} with its value. */
  ObjectRefImpl(ObjectId id, String ownerAddress, ReferenceCounter owned, ObjectValue value,
      List<RefId> contained) {
    this.id = id;
    this.ownerAddress = ownerAddress;
    this.entry = owned.createReady(id, this, value, contained);
  }

  /**
   * The first ref of a call's return object, pending in {@code owned}; {@code onResult} (may be
   * null) runs when the result arrives, before the value is set.
   */
  ObjectRefImpl(ObjectId id, String ownerAddress, ReferenceCounter owned, Runnable onResult) {
    this.id = id;
    this.ownerAddress = ownerAddress;
    this.entry = owned.createPending(id, this, onResult);
  }

  /** The entry of the object this first ref was made with, or null for any other ref. */
  OwnedObject entry() {
    return entry;
  }

  @Override
  public T get() {
    return CoreWorker.current().reader().get(this, -1);
  }

  @Override
  public T get(long timeoutMs) {
    return CoreWorker.current().reader().get(this, timeoutMs);
  }

  @Override
  public ObjectId getId() {
    return id;
  }

  String ownerAddress() {
    return ownerAddress;
  }

  @Override
  public CompletableFuture<T> toCompletableFuture() {
    return CoreWorker.current().reader().getAsync(this);
  }

  @Serial
  private Object writeReplace() throws ObjectStreamException {
    Object replaced = ObjectRefReplacement.of(this);
    if (replaced != null) {
      return replaced; // written for a Ray Client: its handle, which keeps this ref
    }
    if (entry != null) {
      entry.publish(this); // the copy will be counted by id
    }
    ContainedRefs.record(id, ownerAddress);
    return new SerializedRef(id, ownerAddress);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectRefImpl<?> r && r.id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "ObjectRef(" + id + ")";
  }

  /**
   * The wire form of an ObjectRef; becomes a registered {@link ObjectRefImpl} when read. A class,
   * not a record: FST cannot create records.
   */
  static final class SerializedRef implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private final ObjectId id;
    private final String ownerAddress;

    SerializedRef(ObjectId id, String ownerAddress) {
      this.id = id;
      this.ownerAddress = ownerAddress;
    }

    @Serial
    private Object readResolve() throws ObjectStreamException {
      return new ObjectRefImpl<>(id, ownerAddress);
    }
  }
}
