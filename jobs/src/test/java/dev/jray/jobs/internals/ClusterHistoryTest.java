package dev.jray.jobs.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.time.Time;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ClusterHistoryTest {
  private static JsonObject sample(long t, long ended) {
    return new JsonObject().put("t", t).put("tasks_ended_total", ended);
  }

  @Test
  void tasksPerSecondComeFromTheCountsOfSuccessiveSamples() {
    Vertx vertx = Vertx.vertx();
    try {
      ClusterHistory history = new ClusterHistory(vertx, new InMemoryGcs(), Time.SYSTEM);
      history.add(sample(10_000, 40));
      history.add(sample(12_000, 50)); // 10 in 2 s
      history.add(sample(14_000, 30)); // a node left with its count: none, not a negative rate
      history.add(sample(14_000, 35)); // no time passed: unknown
      JsonArray samples = history.toJson().getJsonArray("samples");
      assertNull(samples.getJsonObject(0).getValue("tasks_per_second"), "the first has no rate");
      assertEquals(5.0, samples.getJsonObject(1).getDouble("tasks_per_second"), 1e-9);
      assertEquals(0.0, samples.getJsonObject(2).getDouble("tasks_per_second"), 1e-9);
      assertNull(samples.getJsonObject(3).getValue("tasks_per_second"));
    } finally {
      vertx.close();
    }
  }
}
