package dev.jray.runtime;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.TaskId;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskKind;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 *
 * <p>A ring may keep an archive: a larger ring that the owner copies its events into when it is
 * full, at most once per {@link #SPILL_INTERVAL_MS}. The ring the hot path writes stays small
 * enough to stay in the core's cache (a 1,024-event ring on each of two threads cost actor calls
 * a fifth of their rate), while a thread that records slower than that keeps its whole history;
 * one that records faster keeps its latest events and a sample of the older ones.
 */
final class TaskEventRing {
  private static final VarHandle WRITTEN;
  private static final VarHandle SPILLED;
  private static final VarHandle SPILLS;
  private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);
  /** How often at most a full ring copies its events into its archive. */
  static final long SPILL_INTERVAL_MS = 10;
  /** {@link #counts} index of a failure its owner decided (the other indexes: state ordinals). */
  static final int FAILED_BY_OWNER = TaskEvent.State.values().length;

  static {
    try {
      WRITTEN = MethodHandles.lookup().findVarHandle(TaskEventRing.class, "written", long.class);
      SPILLED = MethodHandles.lookup().findVarHandle(TaskEventRing.class, "spilled", long.class);
      SPILLS = MethodHandles.lookup().findVarHandle(TaskEventRing.class, "spills", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final TaskKind[] KINDS = TaskKind.values();
  private static final TaskEvent.State[] STATES = TaskEvent.State.values();
  /** Bytes per event in {@link #events}: the task id, then its time and meta as one long. */
  private static final int STRIDE = 32;
  private static final VarHandle LONG_AT =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  /** Meta bits: kind (0: unknown, else ordinal + 1), state, attempt, and which references are set. */
  private static final int STATE_SHIFT = 2;
  private static final int ATTEMPT_SHIFT = 5;
  private static final int MAX_ATTEMPT = (1 << 20) - 1;
  private static final long HAS_NAME = 1L << 25;
  private static final long HAS_ERROR = 1L << 26;
  private static final int META_BITS = 27;
  /** The latest time a ring keeps apart: 2^37 ms, four years after its first event. */
  private static final long MAX_OFFSET_MS = (1L << (64 - META_BITS)) - 1;

  // The events, written by the owner thread only. Each event's primitives lie side by side in
  // one array (an event touches one cache line, not one per field: the ring outgrows L1), and a
  // reference is stored only when its slot's differs (the same function again, no name, no
  // error: no store): a reference stored into these long-lived arrays costs G1's write barrier
  // a fence, which cost a synchronous task half its speed.
  private final byte[] events;
  /** Times are kept as milliseconds since this (37 bits: four years). */
  private final long baseMs;
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
  /** Where full rings' events go, or null; written by the owner only. */
  private final TaskEventRing archive;
  /**
   * The events before this one are in the archive or lost; written by the owner (release), read
   * by anyone (acquire).
   */
  @SuppressWarnings("unused")
  private long spilled;
  /**
   * Twice the copies into the archive begun, plus one while one runs (a seqlock: a reader that
   * sees it change copies again); written by the owner (release), read by anyone (acquire).
   */
  @SuppressWarnings("unused")
  private long spills;
  /** When the owner last copied into the archive; the owner's. */
  private long lastSpillMs = Long.MIN_VALUE / 2; // the first spill is never too soon

  /**
   * @param capacity a power of two
   * @param baseMs a time at or before the ring's first event
   */
  TaskEventRing(int capacity, Thread owner, long baseMs) {
    this(capacity, owner, baseMs, null);
  }

  /** @param archive where the events go when this ring is full (same base time), or null */
  TaskEventRing(int capacity, Thread owner, long baseMs, TaskEventRing archive) {
    if (archive != null && archive.baseMs != baseMs) {
      throw new IllegalArgumentException("an archive keeps times from another base");
    }
    this.archive = archive;
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity " + capacity + " is not a power of two");
    }
    events = new byte[capacity * STRIDE];
    this.baseMs = baseMs;
    functions = new FunctionDescriptor[capacity];
    names = new String[capacity];
    errorTypes = new String[capacity];
    errorMessages = new String[capacity];
    mask = capacity - 1;
    this.owner = owner;
  }

  /** Records one event; called by the owner thread only. */
  void record(TaskId taskId, TaskKind kind, FunctionDescriptor function, String name,
      int attempt, TaskEvent.State state, long timeMs, String errorType, String errorMessage) {
    long n = (long) WRITTEN.getOpaque(this);
    int i = (int) n & mask;
    int at = i * STRIDE;
    long before = (long) LONG_AT.get(events, at + TaskId.LENGTH);
    taskId.copyTo(events, at);
    long meta = (kind == null ? 0 : kind.ordinal() + 1) | state.ordinal() << STATE_SHIFT
        | (long) Math.min(attempt, MAX_ATTEMPT) << ATTEMPT_SHIFT
        | (name != null ? HAS_NAME : 0) | (errorType != null ? HAS_ERROR : 0);
    LONG_AT.set(events, at + TaskId.LENGTH,
        Math.min(MAX_OFFSET_MS, Math.max(0, timeMs - baseMs)) << META_BITS | meta);
    if (functions[i] != function) {
      functions[i] = function;
    }
    if ((name != null || (before & HAS_NAME) != 0) && names[i] != name) {
      names[i] = name;
    }
    if (errorType != null || (before & HAS_ERROR) != 0) {
      errorTypes[i] = errorType;
      errorMessages[i] = errorMessage;
    }
    int counted = kind == null && state == TaskEvent.State.FAILED ? FAILED_BY_OWNER
        : state.ordinal();
    COUNT.setOpaque(counts, counted, (long) COUNT.getOpaque(counts, counted) + 1);
    WRITTEN.setRelease(this, n + 1);
    if (archive != null && n + 1 - (long) SPILLED.getOpaque(this) >= mask + 1
        && timeMs - lastSpillMs >= SPILL_INTERVAL_MS) {
      spill(n + 1, timeMs); // full: the next event would overwrite one not archived yet
    }
  }

  /** Copies the events from {@link #spilled} (or the oldest kept) to {@code end} into the archive. */
  private void spill(long end, long timeMs) {
    long version = (long) SPILLS.getOpaque(this);
    SPILLS.setRelease(this, version + 1);
    VarHandle.storeStoreFence(); // a reader that sees an archived event sees the spill begun
    for (long n = Math.max((long) SPILLED.getOpaque(this), end - mask - 1); n < end; n++) {
      int i = (int) n & mask;
      int at = i * STRIDE;
      archive.append(events, at, functions[i], names[i], errorTypes[i], errorMessages[i]);
    }
    SPILLED.setRelease(this, end);
    SPILLS.setRelease(this, version + 2);
    lastSpillMs = timeMs;
  }

  /** Appends one event of a ring with the same base time, as it was packed there; owner only. */
  private void append(byte[] from, int fromAt, FunctionDescriptor function, String name,
      String errorType, String errorMessage) {
    long n = (long) WRITTEN.getOpaque(this);
    int i = (int) n & mask;
    System.arraycopy(from, fromAt, events, i * STRIDE, STRIDE);
    functions[i] = function;
    names[i] = name;
    errorTypes[i] = errorType;
    errorMessages[i] = errorMessage;
    WRITTEN.setRelease(this, n + 1);
  }

  /** Adds the events this ring counted, by {@link #counts} index, to {@code into}. */
  void addCountsTo(long[] into) {
    for (int i = 0; i < counts.length; i++) {
      into[i] += (long) COUNT.getOpaque(counts, i);
    }
  }

  /**
   * Adds the events the ring and its archive hold, oldest first, that were not overwritten while
   * copied. A copy into the archive meanwhile (once per {@link #SPILL_INTERVAL_MS} at most) makes
   * it copy again; after three such, it adds this ring's events alone, never one twice.
   */
  void copyTo(List<TaskEvent> into) {
    if (archive == null) {
      copyTo(into, 0);
      return;
    }
    int from = into.size();
    for (int attempt = 0; attempt < 3; attempt++) {
      long version = (long) SPILLS.getAcquire(this);
      if ((version & 1) == 0) {
        long spilledUpTo = (long) SPILLED.getAcquire(this);
        archive.copyTo(into, 0);
        copyTo(into, spilledUpTo);
        VarHandle.acquireFence(); // the copies were read before the version is read again
        if ((long) SPILLS.getAcquire(this) == version) {
          return;
        }
        into.subList(from, into.size()).clear();
      }
      Thread.onSpinWait();
    }
    copyTo(into, 0);
  }

  /** As {@link #copyTo(List)}, this ring's events from the {@code first}-th on only. */
  private void copyTo(List<TaskEvent> into, long first) {
    long end = (long) WRITTEN.getAcquire(this);
    long start = Math.max(first, Math.max(0, end - functions.length));
    int from = into.size();
    for (long n = start; n < end; n++) {
      int i = (int) n & mask;
      int at = i * STRIDE;
      TaskId taskId = new TaskId(Arrays.copyOfRange(events, at, at + TaskId.LENGTH));
      long packed = (long) LONG_AT.get(events, at + TaskId.LENGTH);
      int kindBits = (int) packed & 3;
      TaskKind kind = kindBits == 0 ? null : KINDS[kindBits - 1];
      ActorId actor = taskId.getActorId();
      boolean failed = (packed & HAS_ERROR) != 0;
      into.add(new TaskEvent(taskId, actor.getJobId(), kind,
          kind == null || kind == TaskKind.NORMAL ? null : actor, functions[i],
          (packed & HAS_NAME) != 0 ? names[i] : null, (int) (packed >>> ATTEMPT_SHIFT) & MAX_ATTEMPT,
          STATES[(int) (packed >>> STATE_SHIFT) & 7], baseMs + (packed >>> META_BITS),
          failed ? errorTypes[i] : null, failed ? errorMessages[i] : null));
    }
    VarHandle.acquireFence(); // the slots were read before the count is read again
    // the writer may be filling the slot after the last it published, unseen: one more is unsafe
    long overwrittenUpTo = (long) WRITTEN.getAcquire(this) + 1 - functions.length;
    int torn = (int) Math.max(0, Math.min(Math.max(0, end - start), overwrittenUpTo - start));
    into.subList(from, from + torn).clear();
  }
}
