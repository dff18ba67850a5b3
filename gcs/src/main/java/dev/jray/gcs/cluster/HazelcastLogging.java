package dev.jray.gcs.cluster;

import com.hazelcast.logging.AbstractLogger;
import com.hazelcast.logging.ILogger;
import com.hazelcast.logging.LogEvent;
import com.hazelcast.logging.LoggerFactory;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.slf4j.Logger;

/**
 * Hazelcast's logs, written to SLF4J (whatever binding the application has) on loggers named as
 * Hazelcast names them, and kept quiet: its warnings only ({@link #quietTo}), none of the start
 * notices jray does not need (CP's "UNSAFE" mode, closed JDK internals), and jray's one line in
 * place of its warnings about peers without this cluster's token ({@link RefusedPeers}).
 * Hazelcast takes a logger factory by class name from the system property {@value
 * #LOGGING_CLASS} only; {@link #install} sets it unless the application chose its own.
 *
 * <p>Hazelcast's {@code ILogger} speaks {@code java.util.logging} levels: this bridge is the one
 * place in jray that reads them. Threading: loggers are called on any Hazelcast thread; the level
 * floor is a volatile written by whoever builds a member or client config.
 */
public final class HazelcastLogging implements LoggerFactory {
  /** Hazelcast's system property naming its logger factory class. */
  static final String LOGGING_CLASS = "hazelcast.logging.class";
  /** Loggers whose start notices jray drops: only their errors pass. */
  private static final String[] ERRORS_ONLY = {
      // warns that JDK internals are closed: jray needs none of them (the fat jar opens them)
      "com.hazelcast.instance.impl.HazelcastInstanceFactory",
      // jray uses no CP data structure, yet every member warns at start that CP runs "UNSAFE"
      "com.hazelcast.cp.CPSubsystem"};
  /** Loggers of refusals, which pass warnings even in a quiet client process. */
  private static final String[] REFUSALS = {
      "com.hazelcast.internal.cluster.impl.ClusterJoinManager",
      "com.hazelcast.client.impl.protocol.task.AuthenticationMessageTask"};

  /** The levels Hazelcast logs at, lowest first. */
  private static final Level[] LEVELS = {Level.FINEST, Level.FINE, Level.INFO, Level.WARNING,
      Level.SEVERE};

  /** Hazelcast's records below this are dropped; written by any thread building a config. */
  private static volatile Level floor = Level.WARNING;

  /** Hazelcast instantiates it by name. */
  public HazelcastLogging() {}

  /**
   * Makes Hazelcast instances created from now on log through this factory (unless the
   * application named its own in {@value #LOGGING_CLASS}), their warnings and errors. Process-wide,
   * as Hazelcast's factory is.
   */
  static void installForMembers() {
    install(Level.WARNING);
  }

  /** As {@link #installForMembers}, for a client that only reads the GCS: errors only. */
  static void installForClient() {
    install(Level.SEVERE);
  }

  private static void install(Level level) {
    floor = level;
    if (System.getProperty(LOGGING_CLASS) == null) {
      System.setProperty(LOGGING_CLASS, HazelcastLogging.class.getName());
    }
  }

  @Override
  public ILogger getLogger(String name) {
    return new Slf4jLogger(name, minimumOf(name));
  }

  /** The fixed minimum of {@code name}, or null where the process-wide floor applies. */
  private static Level minimumOf(String name) {
    for (String quiet : ERRORS_ONLY) {
      if (name.equals(quiet)) {
        return Level.SEVERE;
      }
    }
    for (String refusals : REFUSALS) {
      if (name.equals(refusals)) {
        return Level.WARNING;
      }
    }
    return null;
  }

  /**
   * Whether a warning only says that a member left without saying goodbye (a driver or worker
   * process ended, a node died): connections to it reset or refused, it is suspected dead.
   */
  static boolean isDeparture(String message) {
    return message != null && (message.contains("is suspected to be dead")
        || message.startsWith("Removing connection to endpoint")
        || message.contains("Reason: Exception in Connection") && message.contains("closed."));
  }

  /** One Hazelcast logger on the SLF4J logger of the same name. */
  private static final class Slf4jLogger extends AbstractLogger {
    private final Logger logger;
    /** A fixed minimum for this name, or null for the process-wide {@link #floor}. */
    private final Level minimum;

    Slf4jLogger(String name, Level minimum) {
      this.logger = org.slf4j.LoggerFactory.getLogger(name);
      this.minimum = minimum;
    }

    @Override
    public void log(Level level, String message) {
      log(level, message, null);
    }

    @Override
    public void log(Level level, String message, Throwable thrown) {
      if (!isLoggable(level) || !RefusedPeers.instance().passes(message, thrown)) {
        return;
      }
      int value = level.intValue();
      if (value == Level.WARNING.intValue() && isDeparture(message)) {
        logger.debug(message, thrown); // jray says itself what a member's death means
        return;
      }
      if (value >= Level.SEVERE.intValue()) {
        logger.error(message, thrown);
      } else if (value >= Level.WARNING.intValue()) {
        logger.warn(message, thrown);
      } else if (value >= Level.INFO.intValue()) {
        logger.info(message, thrown);
      } else if (value >= Level.FINE.intValue()) {
        logger.debug(message, thrown);
      } else {
        logger.trace(message, thrown);
      }
    }

    @Override
    public void log(LogEvent event) {
      LogRecord record = event.getLogRecord();
      log(record.getLevel(), record.getMessage(), record.getThrown());
    }

    @Override
    public Level getLevel() {
      for (Level level : LEVELS) {
        if (isLoggable(level)) {
          return level;
        }
      }
      return Level.OFF;
    }

    @Override
    public boolean isLoggable(Level level) {
      int value = level.intValue();
      if (value < (minimum == null ? floor : minimum).intValue() || level == Level.OFF) {
        return false;
      }
      if (value >= Level.SEVERE.intValue()) {
        return logger.isErrorEnabled();
      } else if (value >= Level.WARNING.intValue()) {
        return logger.isWarnEnabled();
      } else if (value >= Level.INFO.intValue()) {
        return logger.isInfoEnabled();
      } else if (value >= Level.FINE.intValue()) {
        return logger.isDebugEnabled();
      }
      return logger.isTraceEnabled();
    }
  }
}
