package dev.jray.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import com.hazelcast.partition.NoDataMemberInClusterException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * jray.jar's logging ({@link JrayLogbackConfigurator}), as the fat jar loads it: its line format,
 * its filter, and that a configuration file of the user's replaces it.
 */
class LogbackConfigTest {
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ch.qos.logback.classic.Logger root =
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  @Test
  void aLineNamesItsMdcInBracketsAndNoBracketsWithoutOne() {
    MDC.put("jobId", "01000000");
    MDC.put("taskId", "ab12");
    String inTask = render(event("dev.jray.runtime.TaskExecutor", Level.WARN, "it failed", null));
    MDC.clear();
    String outside = render(event("dev.jray.node.NodeVerticle", Level.INFO, "node up", null));

    assertTrue(inTask.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[main\\]"
        + " dev\\.jray\\.runtime\\.TaskExecutor \\[(jobId=01000000, taskId=ab12|taskId=ab12,"
        + " jobId=01000000)\\] - it failed\\R"), inTask);
    assertTrue(outside.matches(".* INFO  \\[main\\] dev\\.jray\\.node\\.NodeVerticle - node up\\R"),
        outside);
  }

  @Test
  void javaUtilLoggingFollowsTheSameConfiguration() {
    JrayCommand.routeJavaLogging();
    JrayCommand.routeJavaLogging(); // once: a second call adds no second handler
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    ch.qos.logback.classic.Logger library = context.getLogger("some.jul.library");
    library.addAppender(captured);
    try {
      java.util.logging.Logger jul = java.util.logging.Logger.getLogger("some.jul.library");
      jul.fine("a detail");
      jul.info("started");
      jul.warning("careful");

      assertEquals(List.of("started", "careful"),
          captured.list.stream().map(ILoggingEvent::getMessage).toList());
      assertEquals(1, java.util.logging.Logger.getLogger("").getHandlers().length);
    } finally {
      library.detachAppender(captured);
    }
  }

  @Test
  void quietByDefault() {
    assertEquals(Level.INFO, root.getLevel());
    assertTrue(context.getLogger("dev.jray").isInfoEnabled());
    assertTrue(!context.getLogger("dev.jray").isDebugEnabled(), "jray.log.level is not set");
  }

  @Test
  void vertxsErrorForALoneDriverIsDroppedAndItsOtherErrorsPass() {
    LoneDriverErrorFilter filter = new LoneDriverErrorFilter();
    String vertx = "io.vertx.core.impl.VertxImpl";

    assertEquals(FilterReply.DENY, filter.decide(event(vertx, Level.ERROR,
        "Failed to initialize clustered Vert.x", new CompletionException(
            new NoDataMemberInClusterException("no data member")))));
    assertEquals(FilterReply.NEUTRAL, filter.decide(event(vertx, Level.ERROR,
        "Failed to initialize clustered Vert.x", new IllegalStateException("port taken"))));
    assertEquals(FilterReply.NEUTRAL, filter.decide(event("dev.jray.Other", Level.ERROR,
        "x", new NoDataMemberInClusterException("no data member"))));
    assertTrue(root.getAppender("CONSOLE").getCopyOfAttachedFiltersList().stream()
        .anyMatch(f -> f instanceof LoneDriverErrorFilter), "the console appender has the filter");
  }

  @Test
  void aConfigurationFileOfTheUsersReplacesJraysSetUp() {
    LoggerContext fresh = new LoggerContext();
    JrayLogbackConfigurator configurator = new JrayLogbackConfigurator();
    configurator.setContext(fresh);
    String before = System.getProperty("logback.configurationFile");
    System.setProperty("logback.configurationFile", "/etc/app/logback.xml");
    try {
      assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, configurator.configure(fresh));
      assertTrue(fresh.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE") == null,
          "nothing is set up when the user names a file");
    } finally {
      if (before == null) {
        System.clearProperty("logback.configurationFile");
      } else {
        System.setProperty("logback.configurationFile", before);
      }
    }
    assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, configurator.configure(fresh));
    assertTrue(fresh.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE") != null);
  }

  private ILoggingEvent event(String logger, Level level, String message, Throwable thrown) {
    LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger(logger), level,
        message, thrown, null);
    event.setThreadName("main");
    return event;
  }

  private String render(ILoggingEvent event) {
    OutputStreamAppender<ILoggingEvent> console =
        (OutputStreamAppender<ILoggingEvent>) root.getAppender("CONSOLE");
    return new String(console.getEncoder().encode(event), StandardCharsets.UTF_8);
  }
}
