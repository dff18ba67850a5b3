package dev.jray.chaos;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.chaos.drivers.StoppedDriverDriver;
import dev.jray.cluster.ChildJvm;
import dev.jray.cluster.JvmResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A driver waiting in a {@code get} with no timeout is SIGSTOPped for 10 s (past the 7 s failure
 * detection), then SIGCONTed. The cluster declared it dead and ended its job meanwhile; the
 * resumed driver learns it was dropped (its fence reads its own record) and its get throws,
 * naming the cause, long before the 90 s task it waited for could end; a later call throws too.
 */
@Timeout(600)
class StoppedDriverChaosIT {
  private static final Duration STOPPED = Duration.ofSeconds(10);
  private static final long TASK_MILLIS = 90_000;

  @RegisterExtension
  final ChaosExtension chaos = new ChaosExtension(c -> {
    c.startHead(null);
    c.startWorkers("{\"PIN\":1}", "worker1");
  });

  @Test
  void aDriverStoppedPastTheFailureDetectionFailsItsGetAndLaterCalls() throws Exception {
    ChaosCluster c = chaos.get();
    ChildJvm driver = c.startDriver(StoppedDriverDriver.class, Long.toString(TASK_MILLIS));
    driver.awaitLine("^STEP ready$", Duration.ofMinutes(2));

    c.stop(driver);
    Thread.sleep(STOPPED.toMillis()); // the fault's length, not a wait for a condition
    c.cont(driver);
    long resumed = System.nanoTime();

    // without the fence the get would wait for the task's 90 s, or for ever
    JvmResult r = driver.await(Duration.ofSeconds(60));
    long tookMs = (System.nanoTime() - resumed) / 1_000_000;
    assertTrue(r.ok(), r.describe());
    String error = r.result("error");
    assertTrue(error != null && error.contains("was dropped by the cluster"),
        "the get throws naming the cause: " + r.describe());
    assertTrue(r.result("later").contains("was dropped by the cluster"),
        "a put after it throws too: " + r.describe());
    assertFalse(r.describe().contains("RESULT got="), r.describe());
    assertTrue(tookMs < 45_000, "the driver took " + tookMs + " ms after SIGCONT to give up");
  }
}
