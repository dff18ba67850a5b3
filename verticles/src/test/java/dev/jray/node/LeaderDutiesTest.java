package dev.jray.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.cluster.AttachedNodes;
import dev.jray.gcs.cluster.Membership;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.time.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The leader's bookkeeping on an in-memory GCS, a membership the test sets and a manual clock:
 * deaths recorded by the leader only, and the reconciliation that repairs what a leader that
 * died half way left behind.
 */
class LeaderDutiesTest {
  private static final Duration INTERVAL = Duration.ofSeconds(3);

  private final InMemoryGcs gcs = new InMemoryGcs();
  private final ManualTime time = new ManualTime();
  private final TestMembership membership = new TestMembership();
  private final RecordingActions actions = new RecordingActions();
  private final LeaderDuties duties = new LeaderDuties(gcs, membership, actions, time, INTERVAL,
      Runnable::run);

  private final UniqueId self = node("worker", true);
  private final JobId job = JobId.fromInt(1);

  @Test
  void reconciliationRepairsNodesActorsAndJobsThatADeadLeaderLeftHalfDone() {
    UniqueId unrecorded = node("worker", true); // the old leader died before recording its death
    UniqueId recordedDead = node("worker", false); // recorded dead; its actors never handled
    UniqueId driver = node("driver", false);
    membership.live.remove(unrecorded);
    membership.live.remove(recordedDead);
    membership.live.remove(driver);
    JobId liveJob = JobId.fromInt(2);
    gcs.jobs().put(job, new JobRecord(job, "ns", driver, 1, 0, List.of()));
    gcs.jobs().put(liveJob, new JobRecord(liveJob, "ns", self, 1, 0, List.of()));

    ActorId onUnrecorded = actor(liveJob, ActorState.ALIVE, unrecorded, 1, true);
    ActorId restartable = actor(liveJob, ActorState.ALIVE, recordedDead, 1, true);
    ActorId noRestartsLeft = actor(liveJob, ActorState.ALIVE, recordedDead, 0, true);
    ActorId restartingByDeadLeader = actor(liveJob, ActorState.RESTARTING, recordedDead, 3, true);
    ActorId healthy = actor(liveJob, ActorState.ALIVE, self, 1, true);
    ActorId ofDeadDriver = actor(job, ActorState.ALIVE, self, 1, false);
    ActorId deadDriversOnDeadNode = actor(job, ActorState.ALIVE, recordedDead, 1, false);
    actions.cannotRestart.add(noRestartsLeft);

    assertEquals(0, duties.reconcile(), "the first pass that misses a node leaves it to its event");
    assertEquals(List.of(), actions.restartAsked);
    int repaired = duties.reconcile();

    assertFalse(gcs.nodes().get(unrecorded).alive(), "the unrecorded death is recorded");
    assertEquals(Set.of(onUnrecorded, restartable, noRestartsLeft, restartingByDeadLeader),
        Set.copyOf(actions.restartAsked), "actors on nodes that left are restarted");
    assertEquals(ActorState.DEAD, gcs.actors().get(noRestartsLeft).state(),
        "an actor with no restart left is marked DEAD");
    assertEquals(ActorState.DEAD, gcs.actors().get(deadDriversOnDeadNode).state(),
        "a non-detached actor of a dead driver is not restarted but marked DEAD");
    assertEquals(ActorState.ALIVE, gcs.actors().get(healthy).state());
    assertEquals(List.of(ofDeadDriver), actions.killed, "the dead driver's live actor is killed");
    assertEquals(List.of(job), actions.groupsRemoved, "the dead driver's groups are removed");
    assertTrue(gcs.jobs().get(job).isFinished(), "the dead driver's job is finished");
    assertFalse(gcs.jobs().get(liveJob).isFinished(), "a live driver's job runs on");
    assertEquals(1 + 4 + 1, repaired, "one node, four actors on nodes recorded dead, one job");

    actions.clear();
    assertEquals(0, duties.reconcile(), "a second pass finds nothing left to repair");
    assertEquals(List.of(), actions.restartAsked);
  }

  @Test
  void theLeaderRecordsADeathAndOthersDoNot() {
    UniqueId gone = node("worker", true);
    ActorId a = actor(job, ActorState.ALIVE, gone, 1, true);
    membership.live.remove(gone);
    membership.leader = false;
    duties.nodeLeft(gone);
    assertTrue(gcs.nodes().get(gone).alive(), "a member that does not lead records nothing");
    assertEquals(List.of(), actions.restartAsked);

    membership.leader = true; // the leader died too: this member leads now
    duties.nodeLeft(gone);
    assertFalse(gcs.nodes().get(gone).alive());
    assertEquals(List.of(a), actions.restartAsked);
  }

  @Test
  void theLeaderReconcilesOnceEveryIntervalOnItsClock() {
    UniqueId gone = node("worker", true);
    membership.live.remove(gone);

    duties.tick();
    assertTrue(gcs.nodes().get(gone).alive(), "no reconciliation before the interval passed");
    time.advance(INTERVAL.minusMillis(1));
    duties.tick();
    assertTrue(gcs.nodes().get(gone).alive(), "nor 1 ms before it");

    membership.leader = false;
    time.advance(Duration.ofMillis(1));
    duties.tick();
    assertTrue(gcs.nodes().get(gone).alive(), "a member that does not lead does not reconcile");

    membership.leader = true;
    time.advance(INTERVAL);
    duties.tick();
    assertTrue(gcs.nodes().get(gone).alive(), "the first pass that misses a node waits");
    time.advance(INTERVAL);
    duties.tick();
    assertFalse(gcs.nodes().get(gone).alive(), "the leader reconciles once the interval passed");
  }

  @Test
  void anAttachedNodeAliveWithALiveHostIsNotMissingThoughTheMembershipHasNotSeenIt() {
    // the membership here lists members only, as a real one does before the table's event lands
    UniqueId process = attached("worker-process", self, true);
    UniqueId driver = attached("driver", self, true);
    JobId driversJob = JobId.fromInt(3);
    gcs.jobs().put(driversJob, new JobRecord(driversJob, "ns", driver, 1, 0, List.of()));
    ActorId onProcess = actor(driversJob, ActorState.ALIVE, process, 1, false);

    assertEquals(0, duties.reconcile());
    assertEquals(0, duties.reconcile(), "two passes: still nothing to repair");

    assertTrue(gcs.nodes().get(process).alive());
    assertTrue(gcs.nodes().get(driver).alive());
    assertEquals(ActorState.ALIVE, gcs.actors().get(onProcess).state());
    assertFalse(gcs.jobs().get(driversJob).isFinished());
    assertEquals(List.of(), actions.restartAsked);
  }

  @Test
  void anAttachedNodeWhoseHostLeftHasItsDeathRecordedAsAMembersWould() {
    UniqueId host = node("worker", true);
    UniqueId process = attached("worker-process", host, true);
    UniqueId driver = attached("driver", host, true);
    JobId driversJob = JobId.fromInt(3);
    gcs.jobs().put(driversJob, new JobRecord(driversJob, "ns", driver, 1, 0, List.of()));
    gcs.jobs().put(job, new JobRecord(job, "ns", self, 1, 0, List.of()));
    ActorId restartable = actor(job, ActorState.ALIVE, process, 1, true);
    ActorId ofTheDriver = actor(driversJob, ActorState.ALIVE, self, 1, false);
    membership.live.remove(host); // the host died and no leader recorded anything yet

    assertEquals(0, duties.reconcile(), "the first pass that misses a node leaves it to its event");
    int repaired = duties.reconcile();

    assertFalse(gcs.nodes().get(host).alive());
    assertFalse(gcs.nodes().get(process).alive(), "its host's death is its own");
    assertFalse(gcs.nodes().get(driver).alive());
    assertEquals(List.of(restartable), actions.restartAsked, "its actors restart elsewhere");
    assertEquals(List.of(ofTheDriver), actions.killed, "an attached driver's job ends as a"
        + " member driver's does");
    assertTrue(gcs.jobs().get(driversJob).isFinished());
    assertFalse(gcs.jobs().get(job).isFinished());
    assertEquals(3, repaired, "three nodes, whose actors and job go with them");
  }

  @Test
  void aMovableDriverWhoseHostLeftHasTheGraceToMoveBeforeItsDeathIsRecorded() {
    UniqueId host = node("worker", true);
    UniqueId moving = attached("driver", host, true);
    gcs.nodes().update(moving, r -> r.movedTo(host));
    UniqueId lost = attached("driver", host, true);
    gcs.nodes().update(lost, r -> r.movedTo(host));
    JobId movingJob = JobId.fromInt(3);
    JobId lostJob = JobId.fromInt(4);
    gcs.jobs().put(movingJob, new JobRecord(movingJob, "ns", moving, 1, 0, List.of()));
    gcs.jobs().put(lostJob, new JobRecord(lostJob, "ns", lost, 1, 0, List.of()));
    membership.live.remove(host);

    duties.reconcile();
    time.advance(INTERVAL);
    duties.reconcile();
    assertFalse(gcs.nodes().get(host).alive(), "the host is recorded dead at once");
    assertTrue(gcs.nodes().get(moving).alive(), "two passes are not the mover's grace");
    assertTrue(gcs.nodes().get(lost).alive());

    gcs.nodes().update(moving, r -> r.movedTo(self)); // it reached another member
    time.advance(LeaderDuties.MOVER_GRACE.minus(INTERVAL).minusMillis(1));
    duties.reconcile();
    assertTrue(gcs.nodes().get(lost).alive(), "1 ms short of the grace");
    time.advance(Duration.ofMillis(1));
    duties.reconcile();

    assertTrue(gcs.nodes().get(moving).alive(), "moved: live under its new host");
    assertFalse(gcs.jobs().get(movingJob).isFinished());
    assertFalse(gcs.nodes().get(lost).alive(), "no new host within the grace: dead");
    assertTrue(gcs.jobs().get(lostJob).isFinished(), "and its job ended");
  }

  @Test
  void anAttachedNodeItsHostRecordedGoneHasItsActorsRestartedOnItsDeathOrByReconciliation() {
    UniqueId driver = attached("driver", self, true);
    JobId driversJob = JobId.fromInt(3);
    gcs.jobs().put(driversJob, new JobRecord(driversJob, "ns", driver, 1, 0, List.of()));
    UniqueId heard = attached("worker-process", self, true);
    UniqueId missed = attached("worker-process", self, true);
    ActorId onHeard = actor(driversJob, ActorState.ALIVE, heard, 1, false);
    ActorId onMissed = actor(driversJob, ActorState.ALIVE, missed, 1, false);
    AttachedNodes.recordGone(gcs, heard);
    AttachedNodes.recordGone(gcs, missed);

    duties.nodeLeft(heard); // what the membership reports on every member

    assertEquals(List.of(onHeard), actions.restartAsked,
        "restarted: its driver, attached to a live host, lives on");
    assertEquals(List.of(), actions.killed);

    actions.clear(); // the leader died before it heard of the other one: the next one repairs
    duties.reconcile();
    duties.reconcile();
    assertEquals(List.of(onMissed), actions.restartAsked);
    assertFalse(gcs.jobs().get(driversJob).isFinished());
  }

  /** An attached node hanging off {@code host}, which the test membership never lists itself. */
  private UniqueId attached(String role, UniqueId host, boolean alive) {
    UniqueId id = IdFactory.newUniqueId();
    gcs.nodes().put(id, new NodeRecord(id, role, "127.0.0.1", "localhost", alive,
        Map.of(), 0, 0, 1, host));
    return id;
  }

  private UniqueId node(String role, boolean alive) {
    UniqueId id = IdFactory.newUniqueId();
    gcs.nodes().put(id, new NodeRecord(id, role, "127.0.0.1", "localhost", alive,
        Map.of("CPU", 2.0), 0, 0, 1, null));
    membership.live.add(id);
    return id;
  }

  private ActorId actor(JobId owner, ActorState state, UniqueId node, int maxRestarts,
      boolean detached) {
    ActorId id = IdFactory.newActorId(owner);
    gcs.actors().put(id, new ActorRecord(id, owner, "C", null, "ns", detached, maxRestarts, 0,
        state, node, 0, null, null));
    return id;
  }

  /** A membership the test sets: who is in, who leads. */
  private static final class TestMembership implements Membership {
    final Set<UniqueId> live = new HashSet<>();
    boolean leader = true;

    @Override
    public Registration onNodeLeft(Consumer<UniqueId> listener) {
      return () -> { };
    }

    @Override
    public Registration onMembersChanged(Runnable listener) {
      return () -> { };
    }

    @Override
    public Registration onSplitOff(Runnable listener) {
      return () -> { };
    }

    @Override
    public boolean isLeader() {
      return leader;
    }

    @Override
    public String localAddress() {
      return "127.0.0.1:1";
    }

    @Override
    public Set<UniqueId> liveNodes() {
      return Set.copyOf(live);
    }

    @Override
    public List<String> fullMemberAddresses() {
      return List.of(localAddress());
    }
  }

  /**
   * Records what the leader asked of its worker and changes the records as the worker would:
   * restarts succeed (RESTARTING by this node) unless listed; kills mark DEAD.
   */
  private final class RecordingActions implements LeaderDuties.Actions {
    final List<ActorId> restartAsked = new ArrayList<>();
    final Set<ActorId> cannotRestart = new HashSet<>();
    final List<ActorId> killed = new ArrayList<>();
    final List<JobId> groupsRemoved = new ArrayList<>();

    @Override
    public boolean restartActor(ActorRecord actor) {
      restartAsked.add(actor.actorId());
      if (cannotRestart.contains(actor.actorId())) {
        return false;
      }
      gcs.actors().update(actor.actorId(), a -> a.restarting(self));
      return true;
    }

    @Override
    public void killActor(ActorId actor, String cause) {
      killed.add(actor);
      gcs.actors().update(actor, a -> a.dead(cause, null));
    }

    @Override
    public void removePlacementGroupsOf(JobId job) {
      groupsRemoved.add(job);
    }

    @Override
    public void forgetActor(ActorRecord dead) {
      gcs.actors().remove(dead.actorId());
    }

    void clear() {
      restartAsked.clear();
      killed.clear();
      groupsRemoved.clear();
    }
  }
}
