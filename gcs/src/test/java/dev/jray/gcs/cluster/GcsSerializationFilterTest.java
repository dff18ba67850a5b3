package dev.jray.gcs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.jray.api.id.JobId;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.ids.IdFactory;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What a member decodes of what another member (or a stranger with the name) wrote. */
@Tag("hazelcast")
class GcsSerializationFilterTest {
  /** Set if a {@link Foreign}'s own decoding code ever runs. */
  private static final AtomicBoolean FOREIGN_CODE_RAN = new AtomicBoolean();

  /** A serializable class that is no jray record: what an attacker would write into a map. */
  static final class Foreign implements Serializable {
    private static final long serialVersionUID = 1L;

    private Object readResolve() {
      FOREIGN_CODE_RAN.set(true);
      return this;
    }
  }

  @Test
  void jraysRecordsTravelAndAValueOfAnotherClassIsRefusedBeforeItsCodeRuns() {
    try (TestCluster cluster = new TestCluster()) {
      HazelcastInstance head = cluster.startHead();
      HazelcastInstance driver = cluster.startDriver();
      IMap<JobId, Object> written = driver.getMap("jray.jobs");
      IMap<JobId, Object> read = head.getMap("jray.jobs");
      JobRecord job = new JobRecord(JobId.fromInt(3), "ns", IdFactory.newUniqueId(), 1, 0,
          List.of("pkg:abc"));

      written.set(job.jobId(), job);
      written.set(JobId.fromInt(4), new Foreign());

      assertEquals(job, read.get(job.jobId()));
      RuntimeException refused = assertThrows(RuntimeException.class,
          () -> read.get(JobId.fromInt(4)));
      assertTrue(causes(refused).contains(Foreign.class.getName()), () -> causes(refused));
      assertFalse(FOREIGN_CODE_RAN.get(), "the refused class's readResolve ran");
    }
  }

  private static String causes(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c).append('\n');
    }
    return sb.toString();
  }
}
