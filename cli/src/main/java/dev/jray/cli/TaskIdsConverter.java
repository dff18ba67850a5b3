package dev.jray.cli;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.jray.runtime.TaskLogContext;
import java.util.Map;

/**
 * {@code %taskIds} in jray.jar's logback pattern: " [jobId=…, taskId=…, actorId=…]" for the job,
 * task and actor the logging thread works for ({@link TaskLogContext}), followed by the line's
 * other MDC entries; nothing when there are none.
 *
 * <p>Reads the ids when the line is formatted, so it must run on the thread that logged: true of
 * the synchronous appenders in logback.xml. A line formatted elsewhere (an asynchronous appender)
 * names only what its MDC holds.
 */
public final class TaskIdsConverter extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    StringBuilder ids = new StringBuilder();
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (Thread.currentThread().getName().equals(event.getThreadName())) {
      append(ids, TaskLogContext.JOB_ID, TaskLogContext.jobId());
      append(ids, TaskLogContext.TASK_ID, TaskLogContext.taskId());
      append(ids, TaskLogContext.ACTOR_ID, TaskLogContext.actorId());
    }
    for (Map.Entry<String, String> e : mdc.entrySet()) {
      if (ids.indexOf(e.getKey() + "=") < 0) { // -Djray.log.mdc=true: named once
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
