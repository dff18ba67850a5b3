package dev.jray.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import dev.jray.gcs.ids.IdFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The leader keeps at most a bound of each kind of the dead in the GCS, the oldest going first. */
class GcsRetentionTest {
  private final InMemoryGcs gcs = new InMemoryGcs();
  private final List<ActorRecord> forgotten = new ArrayList<>();
  private final GcsRetention retention = new GcsRetention(gcs, dead -> {
    forgotten.add(dead);
    gcs.actors().remove(dead.actorId());
  }, 2);

  @Test
  void theOldestDeadNodesAndRemovedGroupsOverTheBoundGoAndTheLivingStay() {
    UniqueId oldest = node(false, 10);
    UniqueId older = node(false, 20);
    UniqueId newer = node(false, 30);
    UniqueId newest = node(false, 40);
    UniqueId alive = node(true, 1);
    PlacementGroupId firstRemoved = group(PlacementGroupState.REMOVED, 5);
    PlacementGroupId removed = group(PlacementGroupState.REMOVED, 6);
    PlacementGroupId lastRemoved = group(PlacementGroupState.REMOVED, 7);
    PlacementGroupId created = group(PlacementGroupState.CREATED, 1);

    assertEquals(3, prune());
    assertNull(gcs.nodes().get(oldest));
    assertNull(gcs.nodes().get(older));
    for (UniqueId kept : List.of(newer, newest, alive)) {
      assertTrue(gcs.nodes().containsKey(kept), "kept " + kept);
    }
    assertNull(gcs.placementGroups().get(firstRemoved));
    for (PlacementGroupId kept : List.of(removed, lastRemoved, created)) {
      assertTrue(gcs.placementGroups().containsKey(kept), "kept " + kept);
    }
    assertEquals(0, prune(), "within the bound now");
  }

  @Test
  void finishedJobsGoOldestFirstButNotWhileAnActorOfThemLives() {
    JobId first = job(100);
    JobId second = job(200);
    JobId withDetachedActor = job(50);
    JobId third = job(300);
    JobId running = job(0);
    actor(withDetachedActor, ActorState.ALIVE);
    gcs.kv().put(JobRecord.SUBMISSION_KEY_PREFIX + first.toHex(),
        "raysubmit_1".getBytes(StandardCharsets.UTF_8));
    gcs.kv().put(JobRecord.DRIVER_PROCESS_KEY_PREFIX + first.toHex(),
        new dev.jray.gcs.DriverProcess(42, "java Main").bytes());

    assertEquals(1, prune());
    assertNull(gcs.jobs().get(first), "the oldest finished job over the bound of 2 goes");
    assertFalse(gcs.kv().containsKey(JobRecord.SUBMISSION_KEY_PREFIX + first.toHex()),
        "with its submission id");
    assertFalse(gcs.kv().containsKey(JobRecord.DRIVER_PROCESS_KEY_PREFIX + first.toHex()),
        "and its driver's process");
    for (JobId kept : List.of(second, withDetachedActor, third, running)) {
      assertTrue(gcs.jobs().containsKey(kept), "kept " + kept);
    }
  }

  @Test
  void deadActorsOfFinishedJobsGoFirstThenTheOldestSeen() {
    JobId finished = job(100);
    JobId running = job(0);
    ActorId ofRunningSeenFirst = actor(running, ActorState.DEAD);
    prune(); // sees it dead first
    ActorId ofFinished1 = actor(finished, ActorState.DEAD);
    ActorId ofFinished2 = actor(finished, ActorState.DEAD);
    ActorId ofRunningSeenLater = actor(running, ActorState.DEAD);
    ActorId living = actor(running, ActorState.ALIVE);

    assertEquals(2, prune());
    assertEquals(Set.of(ofFinished1, ofFinished2),
        forgotten.stream().map(ActorRecord::actorId).collect(Collectors.toSet()));
    for (ActorId kept : List.of(ofRunningSeenFirst, ofRunningSeenLater, living)) {
      assertTrue(gcs.actors().containsKey(kept), "kept " + kept);
    }
    actor(running, ActorState.DEAD);
    assertEquals(1, prune());
    assertEquals(ofRunningSeenFirst, forgotten.get(2).actorId(), "then the one seen dead first");
  }

  @Test
  void aBoundThatIsNotAWholeNumberIsRefusedNamingTheProperty() {
    System.setProperty(GcsRetention.MAX_DEAD_PROPERTY, "lots");
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          GcsRetention::maxDeadOfProcess);
      assertTrue(e.getMessage().contains("jray.gcs.max-dead-records"), e.getMessage());
    } finally {
      System.clearProperty(GcsRetention.MAX_DEAD_PROPERTY);
    }
    assertEquals(GcsRetention.DEFAULT_MAX_DEAD, GcsRetention.maxDeadOfProcess());
  }

  private int prune() {
    return retention.prune(gcs.nodes().snapshot(), gcs.actors().snapshot(), gcs.jobs().snapshot());
  }

  private UniqueId node(boolean alive, long startMs) {
    UniqueId id = IdFactory.newUniqueId();
    gcs.nodes().put(id, new NodeRecord(id, "worker", "127.0.0.1", "localhost", alive,
        Map.of("CPU", 2.0), 0, 0, startMs, null));
    return id;
  }

  private PlacementGroupId group(PlacementGroupState state, long createdMs) {
    PlacementGroupId id = IdFactory.newPlacementGroupId(JobId.fromInt(1));
    gcs.placementGroups().put(id, PlacementGroupRecord.pending(id, null, "ns", JobId.fromInt(1),
        List.of(Map.of("CPU", 1.0)), PlacementStrategy.PACK, createdMs).withState(state));
    return id;
  }

  private int jobs;

  /** A job that ended at {@code endMs} (0: still running). */
  private JobId job(long endMs) {
    JobId id = JobId.fromInt(++jobs);
    gcs.jobs().put(id, new JobRecord(id, "ns", IdFactory.newUniqueId(), 1, endMs, List.of()));
    return id;
  }

  private ActorId actor(JobId job, ActorState state) {
    ActorId id = IdFactory.newActorId(job);
    gcs.actors().put(id, new ActorRecord(id, job, "C", null, "ns", true, 0, 0, state, null, 0,
        null, null));
    return id;
  }
}
