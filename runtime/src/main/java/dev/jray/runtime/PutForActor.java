package dev.jray.runtime;

import dev.jray.api.ObjectRef;
import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayException;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.ObjectId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.time.Time;
import dev.jray.task.ObjectValue;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code Ray.put(value, owner)}: the object is owned by the worker of the node hosting the owner
 * actor, so it outlives this worker; its value stays here if large (as Ray's stays in the putter's
 * store, deleted when the owner frees it) and this worker holds a borrowed ref.
 *
 * <p>Threading: thread-safe; {@link #put} blocks until the owner's node answers (at most {@value
 * #ADOPT_TIMEOUT_MS} ms), on the injected {@link Time}.
 */
final class PutForActor {
  private static final long ADOPT_TIMEOUT_MS = 60_000;

  private final JobRegistry jobs;
  private final Owners owners;
  private final ValueCodec codec;
  private final ObjectCopies copies;
  private final ActorDirectory directory;
  private final ObjectReader reader;
  private final Time time;

  PutForActor(JobRegistry jobs, Owners owners, ValueCodec codec, ObjectCopies copies,
      ActorDirectory directory, ObjectReader reader, Time time) {
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.owners = Objects.requireNonNull(owners, "owners");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.copies = Objects.requireNonNull(copies, "copies");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.reader = Objects.requireNonNull(reader, "reader");
    this.time = Objects.requireNonNull(time, "time");
  }

  /**
   * @throws RayActorException if the owner is dead, unknown or not created yet
   * @throws RayException if its node does not take the object within the timeout
   */
  <T> ObjectRef<T> put(T value, ActorId owner) {
    ActorRecord r = aliveOrFail(owner);
    if (r.nodeId().equals(owners.selfNode())) {
      return reader.put(value); // this node's worker owns what its actors own
    }
    String ownerAddress = Owners.addressOf(r.nodeId());
    ObjectId id = jobs.context().nextPutId();
    ValueCodec.Encoded e = codec.encode(value, ownerAddress);
    ObjectValue v = codec.storeValue(id, e.bytes());
    if (!v.isInline()) {
      copies.keepCopyOf(id, ownerAddress); // deleted when the owner frees it, or dies
    }
    CompletableFuture<Object> adopted = owners.request(ownerAddress,
        new AdoptObject(id, v, e.contained(), owners.selfNode()));
    try {
      if (!TimedWait.await(adopted, TimeUnit.MILLISECONDS.toNanos(ADOPT_TIMEOUT_MS), time)) {
        throw new RayException("the node of actor " + owner + " did not take the object within "
            + ADOPT_TIMEOUT_MS + " ms");
      }
      adopted.get();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      undo(id, v, e, ownerAddress);
      throw new RayException("interrupted while actor " + owner + " took an object", ex);
    } catch (ExecutionException ex) {
      undo(id, v, e, ownerAddress);
      throw new RayException("the node of actor " + owner + " did not take the object: "
          + ex.getCause().getMessage(), ex.getCause());
    } catch (RayException ex) {
      undo(id, v, e, ownerAddress);
      throw ex;
    }
    return new ObjectRefImpl<>(id, ownerAddress, true);
  }

  /**
   * The owner's record once it is ALIVE (a put right after creating it waits for the actor, up
   * to the timeout, as its calls would).
   */
  private ActorRecord aliveOrFail(ActorId owner) {
    CompletableFuture<ActorRecord> alive = new CompletableFuture<>();
    try (AutoCloseable listening = directory.listen((id, record) -> {
      if (id.equals(owner) && record != null && record.state() != ActorState.PENDING_CREATION) {
        alive.complete(record);
      }
    })) {
      ActorRecord r = directory.get(owner);
      if (r != null && r.state() == ActorState.PENDING_CREATION) {
        TimedWait.await(alive, TimeUnit.MILLISECONDS.toNanos(ADOPT_TIMEOUT_MS), time);
        r = directory.get(owner);
      }
      if (r == null || r.state() != ActorState.ALIVE || r.nodeId() == null) {
        throw new RayActorException(owner, "actor " + owner + " cannot own an object: it is "
            + (r == null ? "unknown" : r.state() == ActorState.PENDING_CREATION
                ? "still not created after " + ADOPT_TIMEOUT_MS + " ms" : r.state().name()), null);
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RayException("interrupted while waiting for actor " + owner + " to own an object",
          e);
    } catch (RayException e) {
      throw e;
    } catch (Exception closing) {
      throw new RayException("waiting for actor " + owner + ": " + closing, closing);
    }
  }

  private void undo(ObjectId id, ObjectValue v, ValueCodec.Encoded e, String ownerAddress) {
    codec.release(e.contained(), ownerAddress);
    if (!v.isInline()) {
      copies.onFreeObject(id);
    }
  }
}
