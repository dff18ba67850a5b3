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
 * <p>On the hot path: a thread remembers the hex of the job and actor it last ran, so a run of
 * one job's tasks or one actor's calls formats only the task id; with a binding that keeps no
 * MDC (none, or slf4j-nop) it does nothing at all. Threading: each thread touches its own state.
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
    /** The job of the driver started on this thread, kept between its inline tasks; or null. */
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
    MDC.put(JOB_ID, last.jobHex);
    MDC.put(TASK_ID, ctx.taskId().toHex());
    if (ctx.actorId().isNil()) {
      MDC.remove(ACTOR_ID);
      return;
    }
    if (!ctx.actorId().equals(last.actor)) {
      last.actor = ctx.actorId();
      last.actorHex = ctx.actorId().toHex();
    }
    MDC.put(ACTOR_ID, last.actorHex);
  }

  /**
   * Gives the thread back the ids of {@code outer} (a caller that ran a task inline), or none.
   * A driver's thread keeps its job id.
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
    MDC.remove(ACTOR_ID);
    String driverJob = LAST.get().driverJobHex;
    if (driverJob == null) {
      MDC.remove(JOB_ID);
    } else {
      MDC.put(JOB_ID, driverJob);
    }
  }

  /** Names {@code job} in the MDC of the thread that starts its driver (usually main). */
  static void enterDriver(JobId job) {
    if (ENABLED) {
      LastIds last = LAST.get();
      last.driverJobHex = job.toHex();
      MDC.put(JOB_ID, last.driverJobHex);
    }
  }
}
