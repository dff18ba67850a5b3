package dev.jray.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.jray.api.ActorHandle;
import dev.jray.api.Ray;
import dev.jray.api.runtimecontext.RuntimeContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** jray.jar's {@code %taskIds}: the ids of the task a line was logged for, read on its thread. */
class TaskIdsConverterTest {

  @BeforeAll
  static void init() {
    Ray.init();
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  /** A line as jray.jar's console writes it, logged on the calling thread. */
  static String line(String message) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    LoggingEvent event = new LoggingEvent(TaskIdsConverterTest.class.getName(),
        context.getLogger("dev.jray.example"), Level.INFO, message, null, null);
    @SuppressWarnings("unchecked")
    OutputStreamAppender<ILoggingEvent> console =
        (OutputStreamAppender<ILoggingEvent>) root.getAppender("CONSOLE");
    return new String(console.getEncoder().encode(event), StandardCharsets.UTF_8);
  }

  /** [the line, then the job, task and actor hex the runtime context gives]. */
  static List<String> logged() {
    RuntimeContext c = Ray.getRuntimeContext();
    return List.of(line("working"), c.getCurrentJobId().toHex(), c.getCurrentTaskId().toHex(),
        c.getCurrentActorId().isNil() ? "" : c.getCurrentActorId().toHex());
  }

  public static class Worker {
    public Worker() {}

    public List<String> log() {
      return logged();
    }
  }

  @Test
  void aTasksLineNamesItsJobAndTask() {
    List<String> seen = Ray.task(TaskIdsConverterTest::logged).remote().get(30_000);

    assertTrue(seen.get(0).endsWith(" dev.jray.example [jobId=" + seen.get(1) + ", taskId="
        + seen.get(2) + "] - working" + System.lineSeparator()), seen.toString());
  }

  @Test
  void anActorCallsLineNamesItsActorToo() {
    ActorHandle<Worker> actor = Ray.actor(Worker::new).remote();
    List<String> seen = actor.task(Worker::log).remote().get(30_000);

    assertEquals(actor.getId().toHex(), seen.get(3));
    assertTrue(seen.get(0).contains(" [jobId=" + seen.get(1) + ", taskId=" + seen.get(2)
        + ", actorId=" + seen.get(3) + "] - working"), seen.toString());
  }

  @Test
  void theDriversThreadNamesItsJobAndTheApplicationsMdcFollows() {
    MDC.put("requestId", "r-7");
    MDC.put("Id", "short-key"); // a key that ends another's name is still written
    String job = Ray.getRuntimeContext().getCurrentJobId().toHex();

    String line = line("between tasks");
    assertTrue(line.contains(" dev.jray.example [jobId=" + job + ", ")
        && line.contains(", requestId=r-7") && line.contains(", Id=short-key")
        && line.endsWith("] - between tasks" + System.lineSeparator()), line);
  }

  @Test
  void aThreadThatWorksForNoJobHasNoBrackets() throws InterruptedException {
    String[] out = new String[1];
    Thread other = new Thread(() -> out[0] = line("idle"));
    other.start();
    other.join();

    assertTrue(out[0].endsWith(" dev.jray.example - idle" + System.lineSeparator()), out[0]);
  }
}
