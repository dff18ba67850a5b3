package dev.jray.runtime;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import org.slf4j.MDC;
import org.slf4j.helpers.NOPMDCAdapter;

/**
 * The SLF4J MDC keys jray sets while a task or an actor call runs on a thread ({@link #JOB_ID},
 * {@link #TASK_ID}, {@link #ACTOR_ID}: hex ids), so that every line logged meanwhile, by jray or
 * by the task's own code, names them; and {@link #JOB_ID} on the thread that started a driver.
 *
 * <p>On the hot path, at the least cost: the task id is set and removed around each run; the job
 * id is set only when it changes on that thread (so a worker thread's lines between tasks name
 * the job it ran last), the actor id only when it changes or goes; a thread remembers the hex of
 * the job and actor it last formatted. With a binding that keeps no MDC (none, slf4j-nop,
 * slf4j-simple) it does nothing at all. Threading: each thread touches its own state only.
 */
public final class TaskMdc {
  /** MDC key: the job of the task or driver, hex. */
  public static final String JOB_ID = "jobId";
  /** MDC key: the running task or actor call, hex. */
  public static final String TASK_ID = "taskId";
  /** MDC key: the actor whose creation or call runs, hex; absent for a normal task. */
  public static final String ACTOR_ID = "actorId";

  /** Whether the binding keeps an MDC; fixed once SLF4J has found its binding. */
  private static final boolean ENABLED = !(MDC.getMDCAdapter() instanceof NOPMDCAdapter);
  private static final ThreadLocal<LastIds> LAST = ThreadLocal.withInitial(LastIds::new);

  /** The ids whose hex this thread formatted last; owned by that thread. */
  private static final class LastIds {
    JobId job;
    String jobHex;
    ActorId actor;
    String actorHex;
    /** The job of the driver started on this thread, named between its inline tasks; or null. */
    String driverJobHex;
  }

  private TaskMdc() {}

  /** Puts {@code ctx}'s ids in the calling thread's MDC (an actor id only for an actor's work). */
  static void enter(TaskContext ctx) {
    if (!ENABLED) {
      return;
    }
    LastIds last = LAST.get();
    if (!ctx.jobId().equals(last.job)) {
      last.job = ctx.jobId();
      last.jobHex = ctx.jobId().toHex();
    }
    // the same String while the job repeats: compared by identity, put only when it changed
    if (MDC.get(JOB_ID) != last.jobHex) {
      MDC.put(JOB_ID, last.jobHex);
    }
    MDC.put(TASK_ID, ctx.taskId().toHex());
    if (ctx.actorId().isNil()) {
      if (MDC.get(ACTOR_ID) != null) {
        MDC.remove(ACTOR_ID);
      }
      return;
    }
    if (!ctx.actorId().equals(last.actor)) {
      last.actor = ctx.actorId();
      last.actorHex = ctx.actorId().toHex();
    }
    if (MDC.get(ACTOR_ID) != last.actorHex) {
      MDC.put(ACTOR_ID, last.actorHex);
    }
  }

  /**
   * Gives the thread back the ids of {@code outer} (a caller that ran a task inline), or else
   * no task and no actor: a driver's thread names its job again, another keeps the job it ran.
   */
  static void restore(TaskContext outer) {
    if (!ENABLED) {
      return;
    }
    if (outer != null) {
      enter(outer);
      return;
    }
    MDC.remove(TASK_ID);
    if (MDC.get(ACTOR_ID) != null) {
      MDC.remove(ACTOR_ID);
    }
    String driverJob = LAST.get().driverJobHex;
    if (driverJob != null && MDC.get(JOB_ID) != driverJob) {
      MDC.put(JOB_ID, driverJob);
    }
  }

  /** Names {@code job} in the MDC of the thread that starts its driver (usually main). */
  static void enterDriver(JobId job) {
    if (ENABLED) {
      LastIds last = LAST.get();
      last.job = job;
      last.jobHex = job.toHex();
      last.driverJobHex = last.jobHex; // one String: its inline tasks find it in place
      MDC.put(JOB_ID, last.driverJobHex);
    }
  }
}
