package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job history outlives the cluster (issue #19 item 6): jobs that succeeded and failed on a
 * head and a worker are still listed, with their status and log, after every node stopped and a
 * new head started on the same JRAY_HOME.
 */
@Timeout(value = 600)
class JobsHistoryIT {
  private static final Duration CLI = Duration.ofSeconds(180);

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("JobsHistoryIT", c -> {
    c.startHead(null);
    c.startWorker("worker1", null);
  });

  private static JvmResult job(String sub, String... args) {
    LocalCluster c = CLUSTER.get();
    List<String> all = new ArrayList<>(List.of("job", sub, "--address", c.jobsAddress()));
    all.addAll(List.of(args));
    return c.cli(CLI, List.of(), all.toArray(String[]::new));
  }

  private static JsonObject details(String id) {
    JvmResult r = job("list");
    assertTrue(r.ok(), r.describe());
    String out = r.output();
    for (Object o : new JsonArray(out.substring(out.indexOf('['), out.lastIndexOf(']') + 1))) {
      if (id.equals(((JsonObject) o).getString("submission_id"))) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("job " + id + " is not listed: " + out);
  }

  @Test
  void everyJobAndItsLogAreThereAfterTheWholeClusterRestarts() {
    LocalCluster c = CLUSTER.get();
    assertEquals(0, job("submit", "--submission-id", "kept-ok", "--", "echo", "kept output").exitCode());
    assertEquals(1, job("submit", "--submission-id", "kept-failed", "--", "sh", "-c", "exit 4").exitCode());

    c.stopAllNodes();
    c.startHead(null);

    assertEquals("SUCCEEDED", details("kept-ok").getString("status"));
    JsonObject failed = details("kept-failed");
    assertEquals("FAILED", failed.getString("status"));
    assertEquals(4, failed.getInteger("driver_exit_code"), failed.encode());
    JvmResult logs = job("logs", "kept-ok");
    assertTrue(logs.ok() && logs.output().contains("kept output"), logs.describe());
  }
}
