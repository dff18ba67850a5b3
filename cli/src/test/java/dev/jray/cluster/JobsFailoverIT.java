package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Jobs API after head death (issue #19 item 1): a head serving the API and two workers, one
 * named for the API ({@code --jobs-api-standby}) on the head's dashboard port. The head is
 * SIGKILLed while a job runs on a worker, another waits for resources no node has and a third has
 * ended; the API comes back at the same URL (same host, same port) on the named worker with every
 * job as it was: the running one runs on to SUCCEEDED with its whole log, the waiting one is still
 * PENDING and can be stopped, the ended one keeps its status and log, and new jobs run. Then the
 * named member is SIGKILLed too: with none named left, the leader takes the API over, the same.
 */
@Timeout(value = 600)
class JobsFailoverIT {
  private static final Duration CLI = Duration.ofSeconds(120);
  private static final Duration STATE = Duration.ofSeconds(120);

  /** worker2's own cluster port: `status` goes through it once the head is dead. */
  private static final int WORKER2_PORT = LocalCluster.freePort();

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("JobsFailoverIT", c -> {
    c.startHead(null);
    String port = Integer.toString(URI.create(c.jobsAddress()).getPort());
    var standby = c.startNode("standby", List.of("start", "--address", c.headAddress(),
        "--num-cpus", "2", "--resources", "{\"W\":1}", "--dashboard-port", port,
        "--jobs-api-standby", "--block"), List.of());
    var plain = c.startNode("worker2", List.of("start", "--address", c.headAddress(),
        "--port", Integer.toString(WORKER2_PORT), "--num-cpus", "2", "--dashboard-port", port,
        "--block"), List.of());
    c.awaitUp(standby, Duration.ofSeconds(120));
    c.awaitUp(plain, Duration.ofSeconds(120));
  });

  private static JvmResult job(String url, String sub, String... args) {
    List<String> all = new ArrayList<>(List.of("job", sub, "--address", url));
    all.addAll(List.of(args));
    return CLUSTER.get().cli(CLI, List.of(), all.toArray(String[]::new));
  }

  /** The job's details as {@code job list} prints them; null if it is not listed or no API answers. */
  private static JsonObject details(String url, String id) {
    JvmResult r = job(url, "list");
    if (!r.ok()) {
      return null;
    }
    String out = r.output();
    for (Object o : new JsonArray(out.substring(out.indexOf('['), out.lastIndexOf(']') + 1))) {
      if (id.equals(((JsonObject) o).getString("submission_id"))) {
        return (JsonObject) o;
      }
    }
    return null;
  }

  private static void awaitStatus(String url, String id, String status) {
    String[] last = new String[1];
    boolean reached = Await.until(Time.SYSTEM, STATE, () -> {
      JsonObject d = details(url, id);
      last[0] = d == null ? "not listed" : d.getString("status");
      return status.equals(last[0]);
    });
    assertTrue(reached, "job " + id + " is " + last[0] + ", not " + status);
  }

  @Test
  void theApiComesBackOnTheNamedMemberWithEveryJobAsItWas() {
    LocalCluster c = CLUSTER.get();
    String url = c.jobsAddress();
    assertEquals(0, job(url, "submit", "--submission-id", "ended-1", "--", "echo", "ended output")
        .exitCode());
    JvmResult long1 = job(url, "submit", "--submission-id", "long-1", "--no-wait",
        "--entrypoint-resources", "{\"W\":1}", "--", "sh", "-c",
        "echo long started; sleep 25; echo long finished");
    assertTrue(long1.ok(), long1.describe());
    JvmResult waiting = job(url, "submit", "--submission-id", "waiting-1", "--no-wait",
        "--entrypoint-resources", "{\"NOWHERE\":1}", "--", "echo", "never");
    assertTrue(waiting.ok(), waiting.describe());
    awaitStatus(url, "long-1", "RUNNING");
    String standbyId = c.node("standby").nodeId();
    assertEquals(standbyId, details(url, "long-1").getString("driver_node_id"));

    c.kill(c.head());
    long killedAt = System.nanoTime();
    awaitStatus(url, "waiting-1", "PENDING");
    c.log("the Jobs API answered again " + (System.nanoTime() - killedAt) / 1_000_000 + " ms after SIGKILL");
    assertEquals("SUCCEEDED", details(url, "ended-1").getString("status"));
    JvmResult endedLog = job(url, "logs", "ended-1");
    assertTrue(endedLog.ok() && endedLog.output().contains("ended output"), endedLog.describe());
    Status status = c.status("127.0.0.1:" + WORKER2_PORT);
    assertTrue(status.text().contains("Jobs API: " + url + " (node_" + standbyId + ")"),
        status.text());

    awaitStatus(url, "long-1", "SUCCEEDED");
    JvmResult longLog = job(url, "logs", "long-1");
    assertTrue(longLog.ok() && longLog.output().contains("long started")
        && longLog.output().contains("long finished"), longLog.describe());
    JvmResult stop = job(url, "stop", "waiting-1");
    assertTrue(stop.ok(), stop.describe());
    awaitStatus(url, "waiting-1", "STOPPED");
    JvmResult after = job(url, "submit", "--submission-id", "after-1", "--", "echo", "after output");
    assertEquals(0, after.exitCode(), after.describe());
    assertTrue(after.output().contains("after output"), after.describe());

    // no member is named now: the leader (worker2, the last one) takes the API over
    c.kill(c.node("standby"));
    awaitStatus(url, "after-1", "SUCCEEDED");
    assertEquals("STOPPED", details(url, "waiting-1").getString("status"));
    assertEquals("SUCCEEDED", details(url, "long-1").getString("status"));
    Status last = c.status("127.0.0.1:" + WORKER2_PORT);
    assertTrue(last.text().contains("Jobs API: " + url + " (node_" + c.node("worker2").nodeId()
        + ")"), last.text());
    JvmResult again = job(url, "submit", "--submission-id", "after-2", "--", "echo", "again");
    assertEquals(0, again.exitCode(), again.describe());
  }
}
