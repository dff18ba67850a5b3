package dev.jray.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.time.ManualTime;
import dev.jray.gcs.time.Time;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The job history on the head's disk: read back by the next head, pruned by the retention. */
class JobHistoryTest {
  private Path dir;

  @BeforeEach
  void makeDir() throws Exception {
    dir = Files.createTempDirectory("job-history");
  }

  @AfterEach
  void deleteDir() throws Exception {
    JobsApi.deleteDir(dir);
  }

  private static JsonObject job(String id, String entrypoint) {
    return new JsonObject().put("submission_id", id).put("entrypoint", entrypoint);
  }

  private List<String> ids(JobsApi api) {
    return api.call(HttpMethod.GET, "/api/jobs/", null).bodyAsJsonArray().stream()
        .map(o -> ((JsonObject) o).getString("submission_id")).toList();
  }

  @Test
  void theNextHeadListsEveryJobAndServesItsLogs() throws Exception {
    try (JobsApi first = new JobsApi(Time.SYSTEM, Map.of(), dir, HistoryRetention.DEFAULT)) {
      first.submit(job("done", "echo kept across restarts"));
      first.awaitStatus("done", "SUCCEEDED");
      first.submit(job("failed", "exit 4"));
      first.awaitStatus("failed", "FAILED");
      first.submit(job("cut-off", "sleep 60"));
      first.awaitStatus("cut-off", "RUNNING");
    }
    try (JobsApi second = new JobsApi(Time.SYSTEM, Map.of(), dir, HistoryRetention.DEFAULT)) {
      assertEquals(List.of("done", "failed", "cut-off"), ids(second));
      JsonObject done = second.job("done");
      assertEquals("SUCCEEDED", done.getString("status"));
      assertEquals(0, done.getInteger("driver_exit_code"));
      assertEquals("echo kept across restarts", done.getString("entrypoint"));
      assertEquals("kept across restarts\n", second.logs("done"));
      assertEquals(4, second.job("failed").getInteger("driver_exit_code"));
      JsonObject cut = second.job("cut-off");
      assertEquals("FAILED", cut.getString("status"));
      assertEquals("JOB_SUPERVISOR_ACTOR_DIED", cut.getString("error_type"));
      assertTrue(cut.getString("message").contains("head stopped while the job was RUNNING"), cut.getString("message"));
      assertEquals(409, second.call(HttpMethod.POST, "/api/jobs/", job("done", "true")).statusCode(),
          "a submission id of the history is taken");
      second.submit(job("after", "true"));
      second.awaitStatus("after", "SUCCEEDED");
      assertEquals(List.of("done", "failed", "cut-off", "after"), ids(second));
    }
  }

  @Test
  void endedJobsBeyondTheCountOrAgeArePrunedWithTheirLogs() throws Exception {
    ManualTime time = new ManualTime(1_000_000);
    try (JobsApi api = new JobsApi(time, Map.of(), dir, HistoryRetention.parse("1d,2"))) {
      for (String id : List.of("a", "b", "c")) {
        api.submit(job(id, "echo " + id));
        api.awaitStatus(id, "SUCCEEDED");
      }
      api.submit(job("running", "sleep 60"));
      assertEquals(List.of("a", "b", "c", "running"), ids(api), "pruned once a minute");
      time.advance(Duration.ofSeconds(61));
      dev.jray.gcs.time.Await.until("the oldest ended job is pruned", Duration.ofSeconds(30),
          () -> ids(api).equals(List.of("b", "c", "running")));
      assertTrue(Files.notExists(dir.resolve("jobs/runs/a")), "its log went with it");
      assertEquals(404, api.call(HttpMethod.GET, "/api/jobs/a/logs", null).statusCode());

      time.advance(Duration.ofDays(2));
      dev.jray.gcs.time.Await.until("the ended jobs older than a day are pruned", Duration.ofSeconds(30),
          () -> ids(api).equals(List.of("running")));
      api.call(HttpMethod.POST, "/api/jobs/running/stop", null);
    }
  }
}
