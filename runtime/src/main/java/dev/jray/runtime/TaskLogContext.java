package dev.jray.runtime;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.BaseId;
import dev.jray.api.id.JobId;
import org.slf4j.MDC;
import org.slf4j.helpers.NOPMDCAdapter;

/**
 * The ids a log line names: the job, task and actor (hex) that the calling thread works for,
 * while a task or an actor call runs on it, and the job on the thread that started a driver.
 *
 * <p>Read when a line is formatted, never written per task: {@link #jobId()}, {@link #taskId()}
 * and {@link #actorId()} look at the thread's {@link TaskContext} and format its ids then, so the
 * hot path pays nothing for them (jray.jar's logback pattern reads them through a converter). A
 * per-task MDC cost a quarter of a synchronous task's time; an application whose own binding
 * should see the ids in SLF4J's MDC turns it on with {@code -Djray.log.mdc=true} ({@link
 * #JOB_ID}, {@link #TASK_ID}, {@link #ACTOR_ID}, set and removed around each run). Threading:
 * each thread reads and writes its own state only.
 */
public final class TaskLogContext {
  /** MDC key: the job of the task or driver, hex. */
  public static final String JOB_ID = "jobId";
  /** MDC key: the running task or actor call, hex. */
  public static final String TASK_ID = "taskId";
  /** MDC key: the actor whose creation or call runs, hex; absent for a normal task. */
  public static final String ACTOR_ID = "actorId";

  /** Whether the ids also go to SLF4J's MDC: asked for, and a binding that keeps one. */
  private static final boolean MDC_ON = Boolean.getBoolean("jray.log.mdc")
      && !(MDC.getMDCAdapter() instanceof NOPMDCAdapter);
  /** The driver this JVM runs and the thread that started it, or null; set by its core worker. */
  private static volatile DriverThread driver;

  private record DriverThread(Thread thread, JobId job) {}

  private TaskLogContext() {}

  /** The job the calling thread works for (its task's, or the driver's it started), or null. */
  public static String jobId() {
    TaskContext ctx = TaskContext.current();
    return hex(ctx != null ? ctx.jobId() : driverJob());
  }

  /** The task or actor call running on the calling thread, or null. */
  public static String taskId() {
    TaskContext ctx = TaskContext.current();
    return ctx == null ? null : hex(ctx.taskId());
  }

  /** The actor whose creation or call runs on the calling thread, or null. */
  public static String actorId() {
    TaskContext ctx = TaskContext.current();
    return ctx == null ? null : hex(ctx.actorId());
  }

  private static String hex(BaseId id) {
    return id == null || id.isNil() ? null : id.toHex();
  }

  /** After {@code ctx} became the thread's context: its ids into the MDC, if that is on. */
  static void enter(TaskContext ctx) {
    if (MDC_ON) {
      putMdc(ctx.jobId(), ctx.taskId().toHex(), ctx.actorId());
    }
  }

  /** After the thread got {@code outer} (or no task) back: the MDC follows, if that is on. */
  static void restore(TaskContext outer) {
    if (!MDC_ON) {
      return;
    }
    if (outer != null) {
      enter(outer);
    } else {
      putMdc(driverJob(), null, ActorId.NIL);
    }
  }

  /** The driver's job if the calling thread started it, else null. */
  private static JobId driverJob() {
    DriverThread d = driver;
    return d != null && d.thread == Thread.currentThread() ? d.job : null;
  }

  /** Names {@code job} on the thread that starts its driver (usually main). */
  static void enterDriver(JobId job) {
    driver = new DriverThread(Thread.currentThread(), job);
    if (MDC_ON) {
      MDC.put(JOB_ID, job.toHex());
    }
  }

  /** The driver of {@code job} ended: its thread names no job any more. */
  static void exitDriver(JobId job) {
    DriverThread d = driver;
    if (d != null && d.job.equals(job)) {
      driver = null;
      if (MDC_ON && d.thread == Thread.currentThread()) {
        MDC.remove(JOB_ID);
      }
    }
  }

  private static void putMdc(JobId job, String taskHex, ActorId actor) {
    put(JOB_ID, hex(job));
    put(TASK_ID, taskHex);
    put(ACTOR_ID, hex(actor));
  }

  private static void put(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
    } else {
      MDC.remove(key);
    }
  }
}
