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
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * This worker's calls to one actor, in submission order (Ray's per-actor client queue): a call
 * leaves only when the actor is alive and every call before it has left (its ObjectRef arguments
 * resolved). When the actor restarts, as Ray's: with {@code maxTaskRetries} 0 (the default) the
 * calls in flight fail and a call made while it restarts fails at once, with {@link
 * RayActorException}; with retries, calls in flight are sent again to the new instance (each at
 * most {@code maxTaskRetries} times; -1: no limit) and new calls wait for it. Calls queued before
 * the restart wait for the new instance. When it dies, queued and in-flight calls fail.
 *
 * <p>Threading: thread-safe, never blocks; the queue, the calls in flight, the pending counts and
 * the actor's state are guarded by this object's lock. Calls are sent under it (sends never
 * block), so they leave in order; calls are failed outside it. State changes come on GCS threads.
 */
final class ActorCallQueue {
  /** A call waiting to be sent; {@code concurrencyGroup} null unless the caller picked one. */
  record Call(TaskId taskId, JobId jobId, FunctionDescriptor function, String concurrencyGroup,
      PreparedArgs args, ObjectId returnId, int attempt) {
    Call retried() {
      return new Call(taskId, jobId, function, concurrencyGroup, args, returnId, attempt + 1);
    }
  }

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
  private final ArrayDeque<Call> inFlight = new ArrayDeque<>();
  /**
   * Per caller (a task, or the driver), its calls made and not answered through handles with a
   * {@code maxPendingCalls} limit (Ray counts per caller); guarded by this.
   */
  private final Map<TaskId, Integer> pendingByCaller = new HashMap<>();
  /** The actor's state as last heard; guarded by this. */
  private ActorState state = ActorState.PENDING_CREATION;
  /** The node the actor is alive on; set with state ALIVE; guarded by this. */
  private UniqueId node;
  /** The actor's {@code maxTaskRetries}, from its record (0 until heard); guarded by this. */
  private int maxTaskRetries;
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

  /**
   * Counts a call of {@code caller} against {@code maxPendingCalls} (none if not positive).
   *
   * @return the caller to give {@link #releaseSlot}: null if the call is not counted
   * @throws PendingCallsLimitExceededException if the caller has that many calls in flight
   */
  TaskId reserveSlot(int maxPendingCalls, TaskId caller) {
    if (maxPendingCalls <= 0) {
      return null;
    }
    synchronized (this) {
      int pending = pendingByCaller.getOrDefault(caller, 0);
      if (pending >= maxPendingCalls) {
        PendingCallsLimitExceededException full = new PendingCallsLimitExceededException("actor "
            + actorId + " already has " + pending + " pending calls from this caller"
            + " (maxPendingCalls=" + maxPendingCalls + ")");
        full.actorId = actorId;
        throw full;
      }
      pendingByCaller.put(caller, pending + 1);
    }
    return caller;
  }

  /**
   * A call finished, or was never submitted ({@code returnId} null); {@code counted} is what
   * {@link #reserveSlot} returned for it.
   */
  synchronized void releaseSlot(ObjectId returnId, TaskId counted) {
    if (counted != null) {
      pendingByCaller.computeIfPresent(counted, (caller, n) -> n > 1 ? n - 1 : null);
    }
    if (returnId == null) {
      return;
    }
    Call first = inFlight.peekFirst();
    if (first != null && first.returnId() == returnId) { // the same instance it was sent with
      inFlight.pollFirst();
      return;
    }
    // near the head: an iterator's remove shifts the few before it (removeIf scans and shifts
    // the whole deque, quadratic in the calls in flight of a concurrent actor)
    for (Iterator<Call> it = inFlight.iterator(); it.hasNext(); ) {
      if (it.next().returnId().equals(returnId)) {
        it.remove();
        return;
      }
    }
  }

  void enqueue(Call call) {
    boolean resolved = call.args().resolved().isDone();
    boolean failNow;
    synchronized (this) {
      if (resolved && state == ActorState.ALIVE && queue.isEmpty()) {
        send(call); // the common case: nothing before it, so it leaves now, under one lock
        return;
      }
      failNow = state == ActorState.RESTARTING && maxTaskRetries == 0;
      if (!failNow) {
        queue.add(call);
      }
    }
    if (failNow) {
      taskManager.failCall(call.returnId(), new RayActorException(actorId, "the actor is"
          + " restarting: a call made meanwhile fails, as its maxTaskRetries is 0 (calls made once"
          + " it is ALIVE again run; setMaxTaskRetries lets calls wait for it)", null));
      return;
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
      maxTaskRetries = record.maxTaskRetries();
      if (state == ActorState.ALIVE) {
        node = record.nodeId();
      }
      if (state == ActorState.DEAD) {
        deathRecord = record;
      }
    }
    if (record.state() == ActorState.RESTARTING) {
      retryOrFailInFlight(); // queued calls wait for the new instance
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
        lost = new ArrayList<>(inFlight.size());
        for (Call c : inFlight) {
          lost.add(c.returnId());
        }
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
      inFlight.add(call);
      submitter.sendToActor(actorId, node, spec);
    } catch (PreparedArgs.DependencyFailedException e) {
      taskManager.failDependency(call.returnId(), call.jobId(), call.function(), e);
    }
  }

  /** The calls sent and not answered, if the actor was last heard alive on {@code onNode}. */
  synchronized List<ObjectId> inFlightOn(UniqueId onNode) {
    return onNode.equals(node) ? inFlight.stream().map(Call::returnId).toList() : List.of();
  }

  /**
   * The calls in flight on the instance that died: sent again to the new one, ahead of the
   * queue and in their order, while their retries allow; the others fail.
   */
  private void retryOrFailInFlight() {
    List<ObjectId> lost = new ArrayList<>();
    int retries;
    synchronized (this) {
      retries = maxTaskRetries;
      List<Call> again = new ArrayList<>();
      for (Call c : inFlight) {
        if (maxTaskRetries == -1 || c.attempt() < maxTaskRetries) {
          again.add(c.retried());
        } else {
          lost.add(c.returnId());
        }
      }
      inFlight.clear();
      for (int i = again.size() - 1; i >= 0; i--) {
        queue.addFirst(again.get(i));
      }
    }
    RayActorException error = new RayActorException(actorId, "the actor is restarting: the call"
        + " was running on the instance that died" + (retries == 0 ? "" : ", and its " + retries
        + " retries are used up"), null);
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
    return new RayActorException(actorId, "the actor is dead: " + cause, null);
  }
}
