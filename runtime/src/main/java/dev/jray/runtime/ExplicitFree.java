package dev.jray.runtime;

import dev.jray.api.ObjectRef;
import dev.jray.api.exception.UnreconstructableException;
import dev.jray.api.id.ObjectId;
import dev.jray.task.ObjectValue;
import dev.jray.task.TaskSpec;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Objects;

/**
 * {@code Ray.internal().free(refs, localOnly)}, as Ray's core worker deletes objects: an object
 * this worker owns is freed at once though references to it remain (reading it fails from then
 * on with {@link UnreconstructableException}; it is not rebuilt) and its copy here goes, and,
 * unless {@code localOnly}, so does its primary on the node that made it. Of an object owned
 * elsewhere, the copy here goes, and, unless {@code localOnly}, its owner is asked to free it.
 *
 * <p>Threading: thread-safe, never blocks; an entry is changed under its own lock.
 */
final class ExplicitFree {
  private final Owners owners;
  private final ReferenceCounter refs;
  private final Lineage lineage;
  private final ObjectCopies copies;
  private final ValueCodec codec;

  ExplicitFree(Owners owners, ReferenceCounter refs, Lineage lineage, ObjectCopies copies,
      ValueCodec codec) {
    this.owners = Objects.requireNonNull(owners, "owners");
    this.refs = Objects.requireNonNull(refs, "refs");
    this.lineage = Objects.requireNonNull(lineage, "lineage");
    this.copies = Objects.requireNonNull(copies, "copies");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  void free(List<? extends ObjectRef<?>> objectRefs, boolean localOnly) {
    for (ObjectRef<?> r : objectRefs) {
      if (!(r instanceof ObjectRefImpl<?> ref)) {
        throw new IllegalArgumentException("not an ObjectRef of this runtime: " + r);
      }
      OwnedObject e = ref.entry() != null ? ref.entry() : refs.entry(ref.getId());
      if (e != null) {
        freeOwned(e, localOnly);
      } else if (!owners.isSelf(ref.ownerAddress())) {
        copies.onFreeObject(ref.getId());
        if (!localOnly) {
          owners.links().send(owners.nodeOf(ref.ownerAddress()), new FreeObject(ref.getId()));
        }
      }
    }
  }

  /**
   * An owner asked by a borrower ({@link FreeObject}) frees the object if it owns it; true if
   * it did.
   */
  boolean freeIfOwned(ObjectId id) {
    OwnedObject e = refs.entry(id);
    if (e == null) {
      return false;
    }
    freeOwned(e, false);
    return true;
  }

  private void freeOwned(OwnedObject e, boolean localOnly) {
    ObjectValue freedValue = codec.errorValue(new UnreconstructableException(e.id,
        "it was freed by Ray.internal().free"));
    ObjectValue was;
    List<RefId> contained;
    boolean hadLineage;
    synchronized (e) {
      if (e.freed || !e.value.isDone() || e.value.isCompletedExceptionally()) {
        return; // gone already, or still being made: nothing stored to delete yet
      }
      was = e.value.join();
      if (was.error()) {
        return;
      }
      e.value = CompletableFuture.completedFuture(freedValue);
      hadLineage = e.lineage instanceof TaskSpec;
      e.lineage = "it was freed by Ray.internal().free";
      contained = e.contained;
      e.contained = List.of();
    }
    if (hadLineage) {
      lineage.forget(e);
    }
    if (localOnly) {
      copies.deleteLocalCopy(e.id, was);
    } else {
      copies.deleteFreed(e.id, was);
    }
    contained.forEach(refs::uncount);
  }
}
