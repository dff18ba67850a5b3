package dev.jray.runtime;

import dev.jray.api.exception.PendingCallsLimitExceededException;
import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayException;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.scheduler.FunctionDescriptor;
import dev.jray.scheduler.TaskSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends this worker's calls to one actor, in submission order: a call leaves only when the
 * actor is alive and every call before it has left (its ObjectRef arguments resolved). When the
 * actor dies, queued and in-flight calls fail with {@link RayActorException}. Thread-safe: one
 * lock per actor, taken once per call by its caller; a result releases its call without it;
 * sends are non-blocking.
 */
final class ActorTaskSubmitter {
  /** A call waiting to be sent. */
  record Call(TaskId taskId, JobId jobId, FunctionDescriptor function, PreparedArgs args,
      ObjectId returnId) {}

  private final CoreWorker worker;
  private final ActorId actorId;
  private final ArrayDeque<Call> queue = new ArrayDeque<>();
  // Counted and released by the threads results arrive on, without the lock callers take.
  private final Set<ObjectId> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicInteger pending = new AtomicInteger();
  private ActorState state = ActorState.PENDING_CREATION;
  /** The node the actor is alive on; set with state ALIVE. */
  private UniqueId node;
  private ActorRecord deathRecord;

  ActorTaskSubmitter(CoreWorker worker, ActorId actorId) {
    this.worker = worker;
    this.actorId = actorId;
  }

  /** Reads the actor's state from the GCS (later changes arrive by {@link #onActorState}). */
  void refreshState() {
    ActorRecord r = worker.gcs.actors().get(actorId);
    if (r != null) {
      onActorState(r);
    }
  }

  /** @throws PendingCallsLimitExceededException if {@code maxPendingCalls} calls are in flight */
  void reserveSlot(int maxPendingCalls) {
    int now = pending.incrementAndGet();
    if (maxPendingCalls > 0 && now > maxPendingCalls) {
      pending.decrementAndGet();
      throw new PendingCallsLimitExceededException("actor " + actorId + " already has "
          + (now - 1) + " pending calls (maxPendingCalls=" + maxPendingCalls + ")");
    }
  }

  /** A call finished (or was never submitted, {@code returnId} null). Never blocks. */
  void releaseSlot(ObjectId returnId) {
    if (returnId != null) {
      inFlight.remove(returnId);
    }
    pending.decrementAndGet();
  }

  void enqueue(Call call) {
    if (!call.args().resolved.isDone()) {
      synchronized (this) {
        queue.add(call);
      }
      call.args().resolved.thenRun(this::flush);
      return;
    }
    synchronized (this) {
      queue.add(call);
      if (state == ActorState.ALIVE) {
        sendResolved(); // the common case, under the one lock the call takes
        return;
      }
    }
    flush();
  }

  void onActorState(ActorRecord record) {
    synchronized (this) {
      if (state == ActorState.DEAD) {
        return;
      }
      state = record.state();
      if (state == ActorState.ALIVE) {
        node = record.nodeId();
      }
      if (state == ActorState.DEAD) {
        deathRecord = record;
      }
    }
    if (record.state() == ActorState.RESTARTING) {
      failInFlight(); // they were on the instance that died; queued calls wait for the new one
    }
    flush();
  }

  private void flush() {
    List<Call> failed = List.of();
    List<ObjectId> lost = List.of();
    RayException deathError = null;
    synchronized (this) {
      if (state == ActorState.DEAD) {
        failed = new ArrayList<>(queue);
        queue.clear();
        lost = new ArrayList<>(inFlight);
        inFlight.clear();
        deathError = deathError();
      } else {
        sendResolved();
      }
    }
    if (deathError != null) {
      for (Call c : failed) {
        worker.failCall(c.returnId(), deathError);
      }
      for (ObjectId id : lost) {
        worker.failCall(id, deathError);
      }
    }
  }

  /** Sends the queued calls, in order, while the actor is alive and the next one is resolved. */
  private void sendResolved() {
    assert Thread.holdsLock(this);
    while (state == ActorState.ALIVE && !queue.isEmpty() && queue.peek().args().resolved.isDone()) {
      Call call = queue.poll();
      try {
        TaskSpec spec = worker.actorCallSpec(call, actorId, call.args().toTaskArgs());
        inFlight.add(call.returnId());
        worker.sendToActor(actorId, node, spec);
      } catch (PreparedArgs.DependencyFailedException e) {
        worker.failDependency(call.returnId(), call.jobId(), call.function(), e);
      }
    }
  }

  private void failInFlight() {
    List<ObjectId> lost;
    synchronized (this) {
      lost = new ArrayList<>(inFlight);
      inFlight.clear();
    }
    RayActorException error = new RayActorException(actorId,
        "the actor is restarting: the call was running when its node died");
    lost.forEach(id -> worker.failCall(id, error));
  }

  private RayException deathError() {
    ActorRecord r = deathRecord;
    String cause = r != null && r.deathCause() != null ? r.deathCause() : "it is dead";
    if (r != null && r.deathError() != null) {
      Object e = worker.serializer.deserialize(r.deathError(), getClass().getClassLoader());
      if (e instanceof RayActorException a) {
        return a;
      }
    }
    return new RayActorException(actorId, "the actor is dead: " + cause);
  }
}
