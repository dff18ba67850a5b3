package dev.jray.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * jray.jar's logging (the jray command, every node JVM), set up in code: parsing an XML file cost
 * a node's start a third of a second. Quiet by default: jray, Vert.x and the rest at INFO,
 * Hazelcast its warnings only (HazelcastLogging keeps its floor), on stderr, which is a background
 * node's log file too. {@code -Djray.log.level=debug} raises jray's own loggers for one run; {@code
 * -Dlogback.configurationFile=FILE}, or a {@code logback.xml} on the class path, replaces this
 * set-up (logback's own configurators then run).
 *
 * <p>Found by logback through {@code META-INF/services}; called once, on the thread that first
 * asks SLF4J for a logger.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class JrayLogbackConfigurator extends ContextAwareBase implements Configurator {
  /** jobId, taskId, actorId (while a task or actor call runs) and the MDC, in brackets. */
  static final String PATTERN =
      "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36}%taskIds - %msg%n";
  static final String LEVEL_PROPERTY = "jray.log.level";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null
        || getClass().getClassLoader().getResource("logback-test.xml") != null
        || getClass().getClassLoader().getResource("logback.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    NopStatusListener quiet = new NopStatusListener();
    context.getStatusManager().add(quiet);

    // java.util.logging (bridged at start) skips the records logback would drop
    LevelChangePropagator julLevels = new LevelChangePropagator();
    julLevels.setContext(context);
    julLevels.setResetJUL(true);
    context.addListener(julLevels);
    julLevels.start();

    PatternLayout layout = new PatternLayout();
    layout.setContext(context);
    layout.getInstanceConverterMap().put("taskIds", TaskIdsConverter::new);
    layout.setPattern(PATTERN);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    LoneDriverErrorFilter loneDriver = new LoneDriverErrorFilter();
    loneDriver.setContext(context);
    loneDriver.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("CONSOLE");
    console.setTarget("System.err");
    console.addFilter(loneDriver);
    console.setEncoder(encoder);
    console.start();

    context.getLogger("dev.jray").setLevel(Level.toLevel(System.getProperty(LEVEL_PROPERTY), Level.INFO));
    // Vert.x's clustered event bus registers its handler gauge twice: Micrometer would warn at
    // each start (the gauge works)
    context.getLogger("io.micrometer.core.instrument.MeterRegistry").setLevel(Level.ERROR);
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
