package dev.jray.runtime;

import dev.jray.api.ObjectRef;
import dev.jray.api.id.ObjectId;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
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

  ObjectRefImpl(ObjectId id, String ownerAddress) {
    this.id = id;
    this.ownerAddress = ownerAddress;
    CoreWorker.current().registerRef(this);
  }

  /** The first ref of an object {@code worker} just created, already counted by it. */
  ObjectRefImpl(ObjectId id, CoreWorker worker) {
    this.id = id;
    this.ownerAddress = worker.ownerAddress;
    worker.registerNewRef(this);
  }

  @Override
  public T get() {
    return CoreWorker.current().get(this, -1);
  }

  @Override
  public T get(long timeoutMs) {
    return CoreWorker.current().get(this, timeoutMs);
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
    return CoreWorker.current().getAsync(this);
  }

  @Serial
  private Object writeReplace() throws ObjectStreamException {
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
