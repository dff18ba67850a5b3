package dev.jray.cli;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.jray.runtime.TaskLogContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code %taskIds} in jray.jar's logback pattern: " [jobId=…, taskId=…, actorId=…]" for the job,
 * task and actor the logging thread works for ({@link TaskLogContext}), followed by the line's
 * other MDC entries; nothing when there are none.
 *
 * <p>Reads the ids when the line is formatted, so it must run on the thread that logged: true of
 * the synchronous appenders JrayLogbackConfigurator sets up. A line formatted elsewhere (an asynchronous appender)
 * names only what its MDC holds.
 */
public final class TaskIdsConverter extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    StringBuilder ids = new StringBuilder();
    Map<String, String> own = Map.of();
    if (Thread.currentThread().getName().equals(event.getThreadName())) {
      own = new LinkedHashMap<>();
      own.put(TaskLogContext.JOB_ID, TaskLogContext.jobId());
      own.put(TaskLogContext.TASK_ID, TaskLogContext.taskId());
      own.put(TaskLogContext.ACTOR_ID, TaskLogContext.actorId());
      own.forEach((key, value) -> append(ids, key, value));
    }
    for (Map.Entry<String, String> e : event.getMDCPropertyMap().entrySet()) {
      if (own.get(e.getKey()) == null) { // -Djray.log.mdc=true: an id named once
        append(ids, e.getKey(), e.getValue());
      }
    }
    return ids.isEmpty() ? "" : ids.append(']').toString();
  }

  private static void append(StringBuilder ids, String key, String value) {
    if (value != null) {
      ids.append(ids.isEmpty() ? " [" : ", ").append(key).append('=').append(value);
    }
  }
}
