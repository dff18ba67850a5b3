package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.runtimecontext.RuntimeContext;
import dev.jray.runtime.TaskLogContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The ids a log line carries ({@link TaskLogContext}): the job, task and actor while a task or an
 * actor call runs, and only then; a driver's thread names its job. In SLF4J's MDC (logback's
 * here) too when {@code -Djray.log.mdc=true} (this module's "log-mdc" run), else never.
 */
public class LogContextTest {

  @BeforeAll
  static void init() {
    Ray.init();
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  private static final boolean MDC_ON = Boolean.getBoolean("jray.log.mdc");

  /** [the log context's jobId, taskId, actorId, then the runtime context's job, task, actor]. */
  static List<String> seen() {
    RuntimeContext c = Ray.getRuntimeContext();
    List<String> logged = Arrays.asList(TaskLogContext.jobId(), TaskLogContext.taskId(),
        TaskLogContext.actorId(), c.getCurrentJobId().toHex(), c.getCurrentTaskId().toHex(),
        c.getCurrentActorId().isNil() ? null : c.getCurrentActorId().toHex());
    List<String> mdc = Arrays.asList(MDC.get("jobId"), MDC.get("taskId"), MDC.get("actorId"));
    assertEquals(MDC_ON ? logged.subList(0, 3) : Arrays.asList(null, null, null), mdc,
        "the MDC, jray.log.mdc=" + MDC_ON);
    return logged;
  }

  public static class Fns {
    public static List<String> logContext() {
      return seen();
    }
  }

  public static class Logger {
    public Logger() {}

    public List<String> logContext() {
      return seen();
    }
  }

  @Test
  void aTaskNamesItsJobAndTaskAndNoActor() {
    List<String> first = Ray.task(Fns::logContext).remote().get(30_000);
    List<String> second = Ray.task(Fns::logContext).remote().get(30_000);

    for (List<String> seen : List.of(first, second)) {
      assertEquals(seen.subList(3, 6), seen.subList(0, 3), "MDC vs runtime context: " + seen);
      assertEquals(Ray.getRuntimeContext().getCurrentJobId().toHex(), seen.get(0));
      assertNull(seen.get(2), "a normal task names no actor");
    }
    assertNotEquals(first.get(1), second.get(1), "each task its own id");
  }

  @Test
  void anActorCallNamesItsActorAndThenNothingLeaks() {
    ActorHandle<Logger> actor = Ray.actor(Logger::new).remote();
    List<String> call = actor.task(Logger::logContext).remote().get(30_000);

    assertEquals(call.subList(3, 6), call.subList(0, 3), "MDC vs runtime context: " + call);
    assertEquals(actor.getId().toHex(), call.get(2));
    // many tasks after it, some on the threads that ran actor calls: none names the actor
    List<ObjectRef<List<String>>> refs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      actor.task(Logger::logContext).remote();
      refs.add(Ray.task(Fns::logContext).remote());
    }
    for (ObjectRef<List<String>> ref : refs) {
      List<String> seen = ref.get(30_000);
      assertEquals(seen.subList(3, 6), seen.subList(0, 3), "MDC vs runtime context: " + seen);
    }
  }

  @Test
  void theDriversThreadNamesItsJobOnlyBetweenTasks() {
    Ray.task(Fns::logContext).remote().get(30_000); // may run on this thread, as a sync call does

    String job = Ray.getRuntimeContext().getCurrentJobId().toHex();
    assertEquals(job, TaskLogContext.jobId());
    assertNull(TaskLogContext.taskId());
    assertNull(TaskLogContext.actorId());
    assertEquals(MDC_ON ? job : null, MDC.get("jobId"));
    assertNull(MDC.get("taskId"));
    assertNull(MDC.get("actorId"));
  }
}
