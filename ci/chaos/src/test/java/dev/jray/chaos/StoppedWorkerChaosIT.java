package dev.jray.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.chaos.drivers.StoppedWorkerDriver;
import dev.jray.cluster.ChildJvm;
import dev.jray.cluster.JvmResult;
import dev.jray.cluster.LocalNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker hosting an actor is SIGSTOPped for 8 s (longer than the 5 s failure detection), then
 * SIGCONTed. The cluster declares it dead and restarts the actor on the other worker; the stopped
 * one, resumed, fences itself (says so and exits) instead of going on with
 * its stale view; no call is answered by both instances; every get returns or throws within its
 * timeout.
 */
@Timeout(600)
class StoppedWorkerChaosIT {
  private static final Duration STOPPED = Duration.ofSeconds(8);

  @RegisterExtension
  final ChaosExtension chaos = new ChaosExtension(c -> {
    c.startHead(null);
    c.startWorkers("{\"PIN\":1}", "worker1", "worker2");
  });

  @Test
  void aWorkerStoppedPastTheFailureDetectionFencesAndNoCallIsAnsweredTwice() throws Exception {
    ChaosCluster c = chaos.get();
    Path answers = c.local().logDir().resolve("answers.txt");
    Path go = c.local().logDir().resolve("go");
    ChildJvm driver = c.startDriver(StoppedWorkerDriver.class, answers.toString(),
        go.toString(), "40");
    String host = driver.awaitLine("^RESULT host=(\\S+)$", Duration.ofMinutes(3)).group(1);
    driver.awaitLine("^STEP ready$", Duration.ofMinutes(1));
    LocalNode stopped = c.node("worker1").nodeId().equals(host) ? c.node("worker1") : c.node("worker2");
    LocalNode other = stopped == c.node("worker1") ? c.node("worker2") : c.node("worker1");
    assertEquals(host, stopped.nodeId(), "the actor runs on a worker");

    c.stop(stopped);
    Files.createFile(go); // the driver calls on while the node is stopped, and after
    Thread.sleep(STOPPED.toMillis()); // the fault's length, not a wait for a condition
    c.cont(stopped);

    assertTrue(stopped.process().waitFor(90, TimeUnit.SECONDS),
        "the resumed worker still runs 90 s after SIGCONT: it did not fence itself");
    // its exit code is 75 unless the JVM's class-archive dump at exit fails and makes it 1
    assertTrue(Files.readString(stopped.log()).contains("fenced itself"),
        "the worker says it fenced itself (exit code " + stopped.process().exitValue() + ")");

    JvmResult r = driver.await(Duration.ofMinutes(3));
    assertTrue(r.ok(), r.describe());
    assertTrue(Long.parseLong(r.result("worst-over-ms")) <= 5_000,
        "a get outlasted its 10 s timeout by " + r.result("worst-over-ms") + " ms");
    assertEquals(other.nodeId(), r.result("last-node"), "the actor answers from the other worker");
    assertTrue(Integer.parseInt(r.result("answered")) > 0, r.describe());

    Map<String, String> answeredBy = new HashMap<>();
    for (String line : Files.readAllLines(answers)) {
      String[] callAndNode = line.split(" ");
      String first = answeredBy.putIfAbsent(callAndNode[0], callAndNode[1]);
      assertTrue(first == null, "call " + callAndNode[0] + " was answered by " + first + " and by "
          + callAndNode[1]);
    }
    List<String> late = Files.readAllLines(answers).stream()
        .filter(l -> l.endsWith(stopped.nodeId())).toList();
    assertNotEquals(0, late.size(), "the first call, answered before the stop, is in the log");
  }
}
