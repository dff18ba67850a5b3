package dev.jray.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.chaos.drivers.LongRunDriver;
import dev.jray.cluster.ChildJvm;
import dev.jray.cluster.JvmResult;
import dev.jray.cluster.LocalNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A long run of mixed tasks, actor calls and placement groups while workers are SIGKILLed one at a
 * time and new ones join (1 minute in CI mode, 10 in nightly): no result is lost or wrong, and
 * the head, which survives it all, ends with as many threads and (after a full GC) about as much
 * heap as it had once warm.
 */
@Timeout(1800)
class LongRunChaosIT {
  private static final Duration RUN = ChaosMode.pick(Duration.ofMinutes(1), Duration.ofMinutes(10));
  private static final Duration KILL_EVERY = ChaosMode.pick(Duration.ofSeconds(15),
      Duration.ofSeconds(60));
  /** Threads the head may have grown by: pools that grew under load and idle out later. */
  private static final long MORE_THREADS_ALLOWED = 24;
  private static final long MORE_HEAP_ALLOWED = 96L << 20;
  /** Only workers have it: the driver's tasks ask for some, so every kill catches tasks running. */
  private static final String WORKER_RESOURCES = "{\"WORKER\":1000}";

  @RegisterExtension
  final ChaosExtension chaos = new ChaosExtension(c -> {
    c.startHead("{\"HEADONLY\":1000}");
    c.startWorkers(WORKER_RESOURCES, "worker1", "worker2");
  });

  @Test
  void mixedWorkLosesNothingWhileWorkersDieAndTheHeadStaysFlat() throws Exception {
    ChaosCluster c = chaos.get();
    LocalNode head = c.node("head");
    ChildJvm driver = c.startDriver(LongRunDriver.class, Long.toString(RUN.toSeconds()));
    driver.awaitLine("^STEP warm$", Duration.ofMinutes(4));
    long threadsWarm = head.procStatus("Threads");
    long heapWarm = head.heapUsedAfterGc();
    c.log("the head warm: " + threadsWarm + " threads, " + (heapWarm >> 20) + " MiB heap after GC");

    Deque<LocalNode> workers = new ArrayDeque<>(List.of(c.node("worker1"), c.node("worker2")));
    int started = 2;
    int killed = 0;
    long next = System.nanoTime() + KILL_EVERY.toNanos();
    while (driver.process().isAlive()) {
      if (System.nanoTime() >= next) {
        c.kill(workers.removeFirst());
        killed++;
        workers.addLast(c.startWorkers(WORKER_RESOURCES, "worker" + ++started).get(0));
        next = System.nanoTime() + KILL_EVERY.toNanos();
      }
      driver.process().waitFor(1, java.util.concurrent.TimeUnit.SECONDS);
    }
    JvmResult r = driver.await(Duration.ofMinutes(1));
    c.log("long run: " + r.results() + "; " + killed + " workers killed");
    assertTrue(r.ok(), r.describe());
    assertTrue(killed >= 2, "only " + killed + " workers were killed during the run");
    assertEquals("0", r.result("lost"), r.describe());
    assertEquals("0", r.result("wrong"), r.describe());

    long threadsEnd = head.procStatus("Threads");
    long heapEnd = head.heapUsedAfterGc();
    c.log("the head at the end: " + threadsEnd + " threads, " + (heapEnd >> 20) + " MiB heap after GC");
    assertTrue(threadsEnd <= threadsWarm + MORE_THREADS_ALLOWED, "the head's threads grew from "
        + threadsWarm + " to " + threadsEnd);
    assertTrue(heapEnd <= heapWarm + MORE_HEAP_ALLOWED, "the head's heap after GC grew from "
        + (heapWarm >> 20) + " to " + (heapEnd >> 20) + " MiB");
  }
}
