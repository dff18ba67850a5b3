package dev.jray.attach;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import dev.jray.gcs.ids.IdFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** GCS records as tests need them, each field set. */
final class GcsRecords {
  private GcsRecords() {}

  static NodeRecord node(UniqueId id) {
    return new NodeRecord(id, "worker-process", "127.0.0.1", "host-a", true,
        Map.of("CPU", 4.0, "memory", 1e9, "GPU", 1.0), 4711, 4712, 1_700_000_000_000L, null);
  }

  static JobRecord job(JobId id) {
    return new JobRecord(id, "ns", IdFactory.newUniqueId(), 1L, 0L, List.of("pkg-a", "pkg-b"));
  }

  /** A dead actor with a death error: a record holding a byte[]. */
  static ActorRecord deadActor(JobId job) {
    ActorId id = IdFactory.newActorId(job);
    return new ActorRecord(id, job, "com.example.Counter", "counter", "ns", false, 3, -1,
        ActorState.ALIVE, IdFactory.newUniqueId(), 0, null, null)
        .dead("killed", new byte[] {1, 2, 3});
  }

  /** An elastic, detached group: at least 1 of its 2 bundles, one reserved. */
  static PlacementGroupRecord elasticGroup(JobId job) {
    PlacementGroupId id = IdFactory.newPlacementGroupId(job);
    return PlacementGroupRecord.pending(id, null, "ns", job,
        List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0)), PlacementStrategy.STRICT_SPREAD, 6L, 1,
        true).placedOn(Arrays.asList(IdFactory.newUniqueId(), null));
  }

  /** A group with one bundle placed and one not (a null in its node list). */
  static PlacementGroupRecord group(JobId job) {
    PlacementGroupId id = IdFactory.newPlacementGroupId(job);
    return new PlacementGroupRecord(id, "pg", "ns", job,
        List.of(Map.of("CPU", 1.0), Map.of("CPU", 2.0)), PlacementStrategy.SPREAD,
        dev.jray.api.placementgroup.PlacementGroupState.RESCHEDULING,
        Arrays.asList(IdFactory.newUniqueId(), null), 5L);
  }
}
