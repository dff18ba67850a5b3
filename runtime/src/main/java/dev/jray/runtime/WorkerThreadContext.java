package dev.jray.runtime;

/**
 * What one thread of this JVM keeps for the core worker, as Ray's per-thread worker context: the
 * task or actor call it runs now, and the task-event ring it records into. One thread-local entry
 * holds both, so a task's start and end look the thread up once (a thread-local lookup that misses
 * the cache cost more than the recording itself).
 *
 * <p>Padded to cache lines of its own: a worker thread writes {@link #task} twice per task, and a
 * caller spinning on another core reads its own context as often; after a GC copies the two side
 * by side, sharing a line would cost the caller a miss per call.
 *
 * <p>Threading: each instance is read and written by its own thread only.
 */
final class WorkerThreadContext extends WorkerThreadContextFields {
  /**
   * A thread that an actor's method starts runs as the actor (in Ray the whole worker is the
   * actor): it inherits an actor call's context, nothing else. jray's own threads inherit nothing
   * ({@link #newThread}).
   */
  private static final ThreadLocal<WorkerThreadContext> OF_THREAD = new InheritableThreadLocal<>() {
    @Override
    protected WorkerThreadContext initialValue() {
      return new WorkerThreadContext();
    }

    @Override
    protected WorkerThreadContext childValue(WorkerThreadContext parent) {
      WorkerThreadContext child = new WorkerThreadContext();
      TaskContext task = parent.task;
      if (task != null && !task.actorId().isNil()) {
        child.task = task;
      }
      return child;
    }
  };

  @SuppressWarnings("unused")
  private long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p20, p21, p22, p23, p24, p25;

  private WorkerThreadContext() {}

  /**
   * A thread for running tasks or actor calls, which inherits no context from the thread that
   * happens to start it (each task or call brings its own).
   */
  static Thread newThread(Runnable run, String name) {
    return new Thread(null, run, name, 0, false);
  }

  /** The calling thread's context. */
  static WorkerThreadContext current() {
    return OF_THREAD.get();
  }
}

/** Before the fields: a superclass's fields come first in an object's layout. */
abstract class WorkerThreadContextPad {
  @SuppressWarnings("unused")
  private long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

/** The fields of {@link WorkerThreadContext}, between its paddings. */
abstract class WorkerThreadContextFields extends WorkerThreadContextPad {
  /** The task or actor call running on this thread, or null. */
  TaskContext task;
  /** The events buffer that {@link #ring} belongs to; a thread records into one at a time. */
  TaskEvents ringOwner;
  /** This thread's ring in {@link #ringOwner}. */
  TaskEventRing ring;
}
