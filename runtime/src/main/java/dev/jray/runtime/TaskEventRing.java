package dev.jray.runtime;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.TaskId;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskKind;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * The latest task events one thread recorded: a ring of preallocated slots that its owner thread
 * overwrites, oldest first, with no lock and no allocation, and that any thread may copy.
 *
 * <p>Threading: one writer, the thread that owns the ring ({@link #record}); any number of
 * readers ({@link #copyTo}). The writer fills a slot and then publishes its count with release
 * semantics; a reader copies the published slots and then rereads the count, dropping those the
 * writer may have overwritten meanwhile, and the oldest of a full ring, which the writer may be
 * overwriting unseen: a full ring shows one event less than it holds.
 */
final class TaskEventRing {
  private static final VarHandle WRITTEN;
  private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);
  /** {@link #counts} index of a failure its owner decided (the other indexes: state ordinals). */
  static final int FAILED_BY_OWNER = TaskEvent.State.values().length;

  static {
    try {
      WRITTEN = MethodHandles.lookup().findVarHandle(TaskEventRing.class, "written", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A reusable event; written by the owner thread only. */
  private static final class Slot {
    TaskId taskId;
    JobId jobId;
    TaskKind kind;
    ActorId actorId;
    FunctionDescriptor function;
    String name;
    int attempt;
    TaskEvent.State state;
    long timeMs;
    String errorType;
    String errorMessage;
  }

  private final Slot[] slots;
  private final int mask;
  /** The thread that writes; a ring whose thread ended may be dropped. */
  final Thread owner;
  /**
   * Events recorded so far by state, and failures decided by owners: written by the owner thread,
   * read by anyone (opaque: a count may lag, never tears).
   */
  private final long[] counts = new long[FAILED_BY_OWNER + 1];
  /** Events recorded so far; written by the owner (release), read by anyone (acquire). */
  @SuppressWarnings("unused")
  private long written;

  /** @param capacity a power of two */
  TaskEventRing(int capacity, Thread owner) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity " + capacity + " is not a power of two");
    }
    slots = new Slot[capacity];
    for (int i = 0; i < capacity; i++) {
      slots[i] = new Slot();
    }
    mask = capacity - 1;
    this.owner = owner;
  }

  /** Records one event; called by the owner thread only. */
  void record(TaskId taskId, JobId jobId, TaskKind kind, ActorId actorId,
      FunctionDescriptor function, String name, int attempt, TaskEvent.State state, long timeMs,
      String errorType, String errorMessage) {
    long n = (long) WRITTEN.getOpaque(this);
    Slot s = slots[(int) n & mask];
    s.taskId = taskId;
    s.jobId = jobId;
    s.kind = kind;
    s.actorId = actorId;
    s.function = function;
    s.name = name;
    s.attempt = attempt;
    s.state = state;
    s.timeMs = timeMs;
    s.errorType = errorType;
    s.errorMessage = errorMessage;
    int counted = kind == null && state == TaskEvent.State.FAILED ? FAILED_BY_OWNER
        : state.ordinal();
    COUNT.setOpaque(counts, counted, (long) COUNT.getOpaque(counts, counted) + 1);
    WRITTEN.setRelease(this, n + 1);
  }

  /** Adds the events this ring counted, by {@link #counts} index, to {@code into}. */
  void addCountsTo(long[] into) {
    for (int i = 0; i < counts.length; i++) {
      into[i] += (long) COUNT.getOpaque(counts, i);
    }
  }

  /** Adds the events the ring holds, oldest first, that were not overwritten while copied. */
  void copyTo(List<TaskEvent> into) {
    long end = (long) WRITTEN.getAcquire(this);
    long start = Math.max(0, end - slots.length);
    int from = into.size();
    for (long i = start; i < end; i++) {
      Slot s = slots[(int) i & mask];
      into.add(new TaskEvent(s.taskId, s.jobId, s.kind, s.actorId, s.function, s.name,
          s.attempt, s.state, s.timeMs, s.errorType, s.errorMessage));
    }
    VarHandle.acquireFence(); // the slots were read before the count is read again
    // the writer may be filling the slot after the last it published, unseen: one more is unsafe
    long overwrittenUpTo = (long) WRITTEN.getAcquire(this) + 1 - slots.length;
    int torn = (int) Math.max(0, Math.min(end - start, overwrittenUpTo - start));
    into.subList(from, from + torn).clear();
  }
}
