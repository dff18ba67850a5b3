package dev.jray.jobs.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A job read back from a history or replica an earlier jray wrote shows Ray's error_type names. */
class JobEntryTest {
  private static JsonObject failed(String errorType) {
    return new JsonObject().put("entrypoint", "true").put("submission_id", "old")
        .put("status", "FAILED").put("message", "m").put("error_type", errorType)
        .put("start_time", 1L).put("end_time", 2L);
  }

  private static String errorTypeOf(JsonObject details) {
    return JobEntry.takeOver(new ReplicatedJobs.Replica(0, details, true, false), Path.of("log"))
        .details().getString("error_type");
  }

  @Test
  void earlierErrorTypeNamesReadBackAsRays() {
    assertEquals("JOB_SUPERVISOR_ACTOR_DIED", errorTypeOf(failed("JOB_SUPERVISOR_DIED")));
    assertEquals("RUNTIME_ENV_SETUP_FAILURE", errorTypeOf(failed("RUNTIME_ENV_SETUP_FAILED")));
    assertEquals("JOB_ENTRYPOINT_COMMAND_ERROR", errorTypeOf(failed("JOB_ENTRYPOINT_COMMAND_ERROR")));
    assertNull(errorTypeOf(failed(null).put("status", "SUCCEEDED")));
  }
}
