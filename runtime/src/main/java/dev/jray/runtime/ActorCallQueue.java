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
import dev.jray.gcs.serialization.Serializer;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * This worker's calls to one actor, in submission order (Ray's per-actor client queue): a call
 * leaves only when the actor is alive and every call before it has left (its ObjectRef arguments
 * resolved). When the actor restarts, the calls in flight fail and queued ones wait for the new
 * instance; when it dies, queued and in-flight calls fail with {@link RayActorException}.
 *
 * <p>Threading: thread-safe, never blocks; the queue, the calls in flight, the pending count and
 * the actor's state are guarded by this object's lock. Calls are sent under it (sends never
 * block), so they leave in order; calls are failed outside it. State changes come on GCS threads.
 */
final class ActorCallQueue {
  /** A call waiting to be sent. */
  record Call(TaskId taskId, JobId jobId, FunctionDescriptor function, PreparedArgs args,
      ObjectId returnId) {}

  private final ActorSubmitter submitter;
  private final TaskManager taskManager;
  private final Serializer serializer;
  private final ActorId actorId;
  /** Calls not sent yet, in order; guarded by this. */
  private final ArrayDeque<Call> queue = new ArrayDeque<>();
  /**
   * Return ids of the calls sent and not answered, in the order sent; guarded by this. Answers
   * come about in that order (out of it by at most the actor's concurrency), so an answered call
   * is found at or near the head: no hashing per call.
   */
  private final ArrayDeque<ObjectId> inFlight = new ArrayDeque<>();
  /** Calls made and not answered (maxPendingCalls counts them); guarded by this. */
  private int pending;
  /** The actor's state as last heard; guarded by this. */
  private ActorState state = ActorState.PENDING_CREATION;
  /** The node the actor is alive on; set with state ALIVE; guarded by this. */
  private UniqueId node;
  /** The record that said DEAD; guarded by this (read after state is DEAD). */
  private ActorRecord deathRecord;

  /** @param serializer decodes the error an actor died of, from its record */
  ActorCallQueue(ActorSubmitter submitter, TaskManager taskManager, Serializer serializer,
      ActorId actorId) {
    this.submitter = submitter;
    this.taskManager = taskManager;
    this.serializer = serializer;
    this.actorId = actorId;
  }

  /** @throws PendingCallsLimitExceededException if {@code maxPendingCalls} calls are in flight */
  synchronized void reserveSlot(int maxPendingCalls) {
    if (maxPendingCalls > 0 && pending >= maxPendingCalls) {
      throw new PendingCallsLimitExceededException("actor " + actorId + " already has "
          + pending + " pending calls (maxPendingCalls=" + maxPendingCalls + ")");
    }
    pending++;
  }

  /** A call finished (or was never submitted, {@code returnId} null). */
  synchronized void releaseSlot(ObjectId returnId) {
    pending--;
    if (returnId == null) {
      return;
    }
    if (inFlight.peekFirst() == returnId) { // the same instance the call was sent with
      inFlight.pollFirst();
    } else {
      inFlight.removeFirstOccurrence(returnId);
    }
  }

  void enqueue(Call call) {
    boolean resolved = call.args().resolved().isDone();
    synchronized (this) {
      if (resolved && state == ActorState.ALIVE && queue.isEmpty()) {
        send(call); // the common case: nothing before it, so it leaves now, under one lock
        return;
      }
      queue.add(call);
    }
    if (resolved) {
      flush();
    } else {
      call.args().resolved().thenRun(this::flush);
    }
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
        while (state == ActorState.ALIVE && !queue.isEmpty() && queue.peek().args().resolved().isDone()) {
          send(queue.poll());
        }
      }
    }
    if (deathError != null) {
      for (Call c : failed) {
        taskManager.failCall(c.returnId(), deathError);
      }
      for (ObjectId id : lost) {
        taskManager.failCall(id, deathError);
      }
    }
  }

  /** Under the lock: sends a call whose arguments are resolved to the live actor. */
  private void send(Call call) {
    try {
      TaskSpec spec = submitter.callSpec(call, actorId, call.args().toTaskArgs());
      inFlight.add(call.returnId());
      submitter.sendToActor(actorId, node, spec);
    } catch (PreparedArgs.DependencyFailedException e) {
      taskManager.failDependency(call.returnId(), call.jobId(), call.function(), e);
    }
  }

  /** The calls sent and not answered, if the actor was last heard alive on {@code onNode}. */
  synchronized List<ObjectId> inFlightOn(UniqueId onNode) {
    return onNode.equals(node) ? new ArrayList<>(inFlight) : List.of();
  }

  private void failInFlight() {
    List<ObjectId> lost;
    synchronized (this) {
      lost = new ArrayList<>(inFlight);
      inFlight.clear();
    }
    RayActorException error = new RayActorException(actorId,
        "the actor is restarting: the call was running when its node died");
    lost.forEach(id -> taskManager.failCall(id, error));
  }

  private RayException deathError() {
    ActorRecord r = deathRecord;
    String cause = r != null && r.deathCause() != null ? r.deathCause() : "it is dead";
    if (r != null && r.deathError() != null) {
      Object e = serializer.deserialize(r.deathError(), getClass().getClassLoader());
      if (e instanceof RayActorException a) {
        return a;
      }
    }
    return new RayActorException(actorId, "the actor is dead: " + cause);
  }
}
