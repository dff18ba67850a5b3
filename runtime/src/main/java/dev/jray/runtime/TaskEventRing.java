package dev.jray.runtime;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.TaskId;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskKind;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
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

  private static final TaskKind[] KINDS = TaskKind.values();
  private static final TaskEvent.State[] STATES = TaskEvent.State.values();

  // The events, slot by slot, written by the owner thread only. Primitives, and references only
  // when a slot's differs (the same function again: no store): a reference stored into these
  // long-lived arrays costs G1's write barrier a fence, which cost a synchronous task half its speed.
  private final byte[] taskIds;
  private final long[] times;
  /** Kind (0: unknown, else ordinal + 1), state and attempt, packed by {@link #meta}. */
  private final int[] metas;
  private final FunctionDescriptor[] functions;
  private final String[] names;
  /** Error type and message of FAILED events, else null. */
  private final String[] errorTypes;
  private final String[] errorMessages;
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
    taskIds = new byte[capacity * TaskId.LENGTH];
    times = new long[capacity];
    metas = new int[capacity];
    functions = new FunctionDescriptor[capacity];
    names = new String[capacity];
    errorTypes = new String[capacity];
    errorMessages = new String[capacity];
    mask = capacity - 1;
    this.owner = owner;
  }

  private static int meta(TaskKind kind, TaskEvent.State state, int attempt) {
    return (kind == null ? 0 : kind.ordinal() + 1) | state.ordinal() << 2 | attempt << 5;
  }

  /** Records one event; called by the owner thread only. */
  void record(TaskId taskId, TaskKind kind, FunctionDescriptor function, String name,
      int attempt, TaskEvent.State state, long timeMs, String errorType, String errorMessage) {
    long n = (long) WRITTEN.getOpaque(this);
    int i = (int) n & mask;
    taskId.copyTo(taskIds, i * TaskId.LENGTH);
    times[i] = timeMs;
    metas[i] = meta(kind, state, attempt);
    if (functions[i] != function) {
      functions[i] = function;
    }
    if (names[i] != name) {
      names[i] = name;
    }
    if (errorTypes[i] != errorType) {
      errorTypes[i] = errorType;
    }
    if (errorMessages[i] != errorMessage) {
      errorMessages[i] = errorMessage;
    }
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
    long start = Math.max(0, end - metas.length);
    int from = into.size();
    for (long n = start; n < end; n++) {
      int i = (int) n & mask;
      TaskId taskId = new TaskId(Arrays.copyOfRange(taskIds, i * TaskId.LENGTH,
          (i + 1) * TaskId.LENGTH));
      int meta = metas[i];
      TaskKind kind = (meta & 3) == 0 ? null : KINDS[(meta & 3) - 1];
      ActorId actor = taskId.getActorId();
      into.add(new TaskEvent(taskId, actor.getJobId(), kind,
          kind == null || kind == TaskKind.NORMAL ? null : actor, functions[i], names[i],
          meta >>> 5, STATES[(meta >>> 2) & 7], times[i], errorTypes[i], errorMessages[i]));
    }
    VarHandle.acquireFence(); // the slots were read before the count is read again
    // the writer may be filling the slot after the last it published, unseen: one more is unsafe
    long overwrittenUpTo = (long) WRITTEN.getAcquire(this) + 1 - metas.length;
    int torn = (int) Math.max(0, Math.min(end - start, overwrittenUpTo - start));
    into.subList(from, from + torn).clear();
  }
}
