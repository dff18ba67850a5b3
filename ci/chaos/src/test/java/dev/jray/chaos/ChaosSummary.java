package dev.jray.chaos;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints the suite's closing line, {@code chaos: N passed, M failed}, when the test plan ends.
 * Registered through {@code META-INF/services}, so the JUnit launcher of the failsafe run finds
 * it. A scenario counts once: passed, or failed (an assertion, an error, or an abort); a class
 * whose cluster did not start counts as one failure.
 *
 * <p>Threading: JUnit may report from several threads; the counts are atomic.
 */
public final class ChaosSummary implements TestExecutionListener {
  private final AtomicInteger passed = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    boolean ok = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
    if (test.isTest()) {
      (ok ? passed : failed).incrementAndGet();
    } else if (!ok && test.getSource().isPresent()) {
      failed.incrementAndGet(); // a class that failed around its tests
    }
  }

  @Override
  public void testPlanExecutionFinished(TestPlan plan) {
    System.out.println("chaos: " + passed.get() + " passed, " + failed.get() + " failed");
    System.out.flush();
  }
}
