package dev.jray.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops Vert.x's error (and its stack trace) when a driver, a lite member, finds no node of its
 * cluster: jray's join error already names the cause in one line ({@code JoinFailures}). Set on
 * jray.jar's console appender ({@link JrayLogbackConfigurator}); an application with its own binding sees
 * Vert.x's error beside jray's. Logback calls it on the logging thread; it keeps no state.
 */
public final class LoneDriverErrorFilter extends Filter<ILoggingEvent> {
  private static final String VERTX = "io.vertx.core.impl.VertxImpl";
  private static final String NO_DATA_MEMBER =
      "com.hazelcast.partition.NoDataMemberInClusterException";

  @Override
  public FilterReply decide(ILoggingEvent event) {
    if (!VERTX.equals(event.getLoggerName())) {
      return FilterReply.NEUTRAL;
    }
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      if (NO_DATA_MEMBER.equals(t.getClassName())) {
        return FilterReply.DENY;
      }
    }
    return FilterReply.NEUTRAL;
  }
}
