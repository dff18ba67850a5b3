package dev.jray.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.ids.IdFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One node serves the Jobs API while it lives; the next takes it once it is gone, with its settings. */
class JobsApiLeaseTest {
  private final Gcs gcs = new InMemoryGcs();

  private String node(boolean alive) {
    UniqueId nodeId = IdFactory.newUniqueId();
    gcs.nodes().put(nodeId, new NodeRecord(nodeId, "worker", "127.0.0.1", "localhost", alive,
        Map.of("CPU", 1.0), 0, 0, 0, null));
    return nodeId.toHex();
  }

  private static JobsApiLease.Holder holder(String node) {
    return new JobsApiLease.Holder(node, "http://127.0.0.1:8265", Map.of("qa",
        new QueueQuota(1, Double.POSITIVE_INFINITY), "qb", new QueueQuota(Integer.MAX_VALUE, 4)),
        new HistoryRetention(Duration.ofHours(12), 1000));
  }

  @Test
  void aLiveHolderKeepsItAndTheNextNodeTakesItOnceTheHolderIsGone() {
    String first = node(true);
    String second = node(true);
    assertNull(JobsApiLease.acquire(gcs, holder(first)));
    assertEquals(first, JobsApiLease.acquire(gcs, holder(second)).nodeId());
    assertEquals(first, JobsApiLease.serving(gcs).nodeId());

    gcs.nodes().update(UniqueId.fromHexString(first), NodeRecord::dead);
    assertNull(JobsApiLease.serving(gcs));
    assertEquals(first, JobsApiLease.last(gcs).nodeId(), "the last holder's settings stay for the next");
    assertNull(JobsApiLease.acquire(gcs, holder(second)));
    assertEquals(second, JobsApiLease.serving(gcs).nodeId());
  }

  @Test
  void onlyTheHolderReleasesIt() {
    String first = node(true);
    assertNull(JobsApiLease.acquire(gcs, holder(first)));
    JobsApiLease.release(gcs, node(true));
    assertEquals(first, JobsApiLease.serving(gcs).nodeId());
    JobsApiLease.release(gcs, first);
    assertNull(JobsApiLease.last(gcs));
  }

  @Test
  void theQueuesAndRetentionSurviveTheRecord() {
    String first = node(true);
    JobsApiLease.acquire(gcs, holder(first));
    JobsApiLease.Holder read = JobsApiLease.last(gcs);
    assertEquals(holder(first).queues(), read.queues());
    assertEquals(holder(first).retention(), read.retention());
    assertEquals("http://127.0.0.1:8265", read.url());
  }
}
