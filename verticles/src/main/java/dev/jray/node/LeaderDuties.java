package dev.jray.node;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.CodePackages;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.cluster.Membership;
import dev.jray.gcs.time.Time;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GCS bookkeeping the cluster's leader (the oldest full member) does for everyone: when a
 * node dies, its record goes dead, its actors restart elsewhere or die (per {@code
 * maxRestarts}), and if it was a driver, its job ends (non-detached actors killed, non-detached
 * groups removed). Every member has one; only the leader's acts, so the duties move to the next oldest
 * member when the leader dies.
 *
 * <p>A leader may die half way through, so the leader also reconciles the GCS with the
 * membership every {@code interval} (read on the injected {@link Time}): nodes recorded alive
 * that are gone, actors ALIVE or RESTARTING on a node that is gone, and unfinished jobs whose
 * driver is gone are repaired as if their node had just died. An attached node (a record with a
 * host) is live while its record is alive and its host is a live member: one whose host left is
 * gone, as is one its host recorded gone ({@code AttachedNodes.recordGone}), whose actors are
 * repaired here if the leader that heard of it died first; a movable one (a driver started by
 * hand) gets {@link #MOVER_GRACE} to name a new host. A node counts as gone once two
 * passes in a row miss it, so a death whose membership event is still on its way is left to
 * that event. Each pass also prunes the oldest records of the dead over a bound ({@link
 * GcsRetention}) and collects the code packages nobody uses ({@link PackageCollection}). Prepared placement bundles whose
 * lease ran out are returned by the node holding them (its scheduler), not from here: only that
 * node knows them.
 *
 * <p>Threading: the duties run on {@code duties}, an executor that runs one at a time (a
 * single thread in a node; the caller's thread in tests), so a death and a reconciliation never
 * race on the same records; {@link #nodeLeft} and {@link #tick} only hand work to it. {@code
 * lastReconcileNanos} is touched by {@link #tick}'s caller only (the node's timer), {@code
 * missingLastPass} by the duties only.
 */
final class LeaderDuties {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderDuties.class);
  /**
   * How long a movable node (a driver started by hand) may be without a live host before it counts
   * as dead: it finds a new one within a second of its host's death.
   */
  static final Duration MOVER_GRACE = Duration.ofSeconds(10);

  /** What the leader asks of its node's core worker. Each call may block on the GCS. */
  interface Actions {
    /** Restarts an actor whose node died; false if it cannot (then it is marked DEAD). */
    boolean restartActor(ActorRecord actor);

    /** Kills an actor whose driver died. */
    void killActor(ActorId actor, String cause);

    /** Removes the placement groups of a job whose driver died, detached ones aside. */
    void removePlacementGroupsOf(JobId job);

    /** Forgets a dead actor for good: its record, name and creation spec. */
    void forgetActor(ActorRecord dead);
  }

  private final Gcs gcs;
  private final Membership membership;
  private final Actions actions;
  private final Time time;
  private final long intervalNanos;
  private final Executor duties;
  /** Keeps the GCS's records of the dead bounded; the duties' thread only. */
  private final GcsRetention retention;
  /** Collects the code packages nobody uses; the duties' thread only. */
  private final PackageCollection packages;
  /** When the last reconciliation was handed to {@code duties}; the timer's thread only. */
  private long lastReconcileNanos;
  /** The nodes the GCS names that the membership missed on the last pass; the duties' only. */
  private Set<UniqueId> missingLastPass = Set.of();
  /** When each movable node missing now was first missed; the duties' only. */
  private final Map<UniqueId, Long> moverMissingSince = new HashMap<>();

  LeaderDuties(Gcs gcs, Membership membership, Actions actions, Time time, Duration interval,
      Executor duties) {
    this.gcs = Objects.requireNonNull(gcs, "gcs");
    this.membership = Objects.requireNonNull(membership, "membership");
    this.actions = Objects.requireNonNull(actions, "actions");
    this.time = Objects.requireNonNull(time, "time");
    this.intervalNanos = interval.toNanos();
    this.duties = Objects.requireNonNull(duties, "duties");
    this.retention = new GcsRetention(gcs, actions::forgetActor, GcsRetention.maxDeadOfProcess());
    this.packages = new PackageCollection(gcs, time, CodePackages.graceOfProcess());
    this.lastReconcileNanos = time.nanoseconds();
  }

  /** A member left: the leader records its death. Never blocks. */
  void nodeLeft(UniqueId gone) {
    duties.execute(() -> {
      if (membership.isLeader()) {
        guarded("recording the death of node " + gone, () -> recordDeath(gone));
      }
    });
  }

  /** Called often (every second); reconciles when {@code interval} has passed. Never blocks. */
  void tick() {
    long now = time.nanoseconds();
    if (now - lastReconcileNanos < intervalNanos) {
      return;
    }
    lastReconcileNanos = now;
    duties.execute(() -> {
      if (membership.isLeader()) {
        guarded("reconciling and pruning the GCS", this::reconcileAndPrune);
      }
    });
  }

  /** The tables a pass reads, snapshotted once. */
  private record Tables(Map<UniqueId, NodeRecord> nodes, Map<ActorId, ActorRecord> actors,
      Map<JobId, JobRecord> jobs) {}

  /**
   * The GCS before the membership: a node joins before it writes its records, so any node these
   * records name that is not in the later membership has really left.
   */
  private Tables tables() {
    return new Tables(gcs.nodes().snapshot(), gcs.actors().snapshot(), gcs.jobs().snapshot());
  }

  /**
   * One pass on one snapshot: repairs, then prunes (pruning from the records as they were before
   * the repairs only leaves a record one pass longer).
   */
  private void reconcileAndPrune() {
    Tables t = tables();
    reconcile(t);
    retention.prune(t.nodes(), t.actors(), t.jobs());
    packages.collect(t.actors(), t.jobs());
  }

  /**
   * Repairs what a dead leader left half done, for the nodes this pass and the last one both
   * missed; returns how many records it repaired. Runs on {@code duties}; blocks on the GCS.
   */
  int reconcile() {
    return reconcile(tables());
  }

  private int reconcile(Tables t) {
    Map<UniqueId, NodeRecord> nodes = t.nodes();
    Map<ActorId, ActorRecord> actors = t.actors();
    Map<JobId, JobRecord> jobs = t.jobs();
    Set<UniqueId> live = liveNodes(nodes);
    Set<UniqueId> missing = new HashSet<>();
    nodes.keySet().stream().filter(n -> !live.contains(n)).forEach(missing::add);
    actors.values().stream().map(ActorRecord::nodeId)
        .filter(n -> n != null && !live.contains(n)).forEach(missing::add);
    jobs.values().stream().map(JobRecord::driverNodeId).filter(n -> !live.contains(n))
        .forEach(missing::add);
    Set<UniqueId> gone = new HashSet<>(missing);
    gone.retainAll(missingLastPass);
    missingLastPass = missing;
    waitForMovers(nodes, missing, gone);
    int repaired = 0;
    for (NodeRecord n : nodes.values()) {
      if (n.alive() && gone.contains(n.nodeId())) {
        LOG.info("reconciling: node " + n.nodeId() + " is recorded alive but left the cluster");
        recordDeath(n.nodeId());
        repaired++;
      }
    }
    for (ActorRecord a : actors.values()) {
      if (a.state() != ActorState.DEAD && gone.contains(a.nodeId())
          && !nodesHandled(nodes, gone, a.nodeId())) {
        LOG.info("reconciling: actor " + a.actorId() + " is " + a.state() + " on node " + a.nodeId()
            + ", which left the cluster");
        restartOrBury(a, "its node " + a.nodeId() + " died", jobs);
        repaired++;
      }
    }
    for (JobRecord j : jobs.values()) {
      if (!j.isFinished() && gone.contains(j.driverNodeId())
          && !nodesHandled(nodes, gone, j.driverNodeId())) {
        LOG.info("reconciling: job " + j.jobId() + " is running but its driver (node "
            + j.driverNodeId() + ") left the cluster");
        endJob(j, "its driver (node " + j.driverNodeId() + ") died");
        repaired++;
      }
    }
    return repaired;
  }

  /**
   * Keeps in {@code gone} only the movable nodes ({@link NodeRecord#movable}: drivers started by
   * hand, which move to another host when theirs dies) missing for {@link #MOVER_GRACE} or more:
   * a mover between two hosts is missing for the moment it takes to reach the next.
   */
  private void waitForMovers(Map<UniqueId, NodeRecord> nodes, Set<UniqueId> missing,
      Set<UniqueId> gone) {
    long now = time.nanoseconds();
    moverMissingSince.keySet().retainAll(missing);
    for (UniqueId id : missing) {
      NodeRecord r = nodes.get(id);
      if (r == null || !r.alive() || !r.movable()) {
        continue;
      }
      long since = moverMissingSince.computeIfAbsent(id, k -> now);
      if (now - since < MOVER_GRACE.toNanos()) {
        gone.remove(id);
      }
    }
  }

  /**
   * The membership's live nodes, plus each attached node {@code nodes} records alive whose host is
   * a live member: the membership learns of attached nodes from the node table's events, which
   * may lag the snapshot this pass reads, so the snapshot decides.
   */
  private Set<UniqueId> liveNodes(Map<UniqueId, NodeRecord> nodes) {
    Set<UniqueId> members = membership.liveNodes();
    Set<UniqueId> live = new HashSet<>(members);
    for (NodeRecord n : nodes.values()) {
      if (n.attached() && n.alive() && members.contains(n.host())) {
        live.add(n.nodeId());
      }
    }
    return live;
  }

  /** Whether {@code node} is live now: as {@link #liveNodes(Map)}, reading only its own record. */
  private boolean isLive(UniqueId node) {
    Set<UniqueId> live = membership.liveNodes();
    if (live.contains(node)) {
      return true;
    }
    NodeRecord r = gcs.nodes().get(node);
    return r != null && r.attached() && r.alive() && live.contains(r.host());
  }

  /** Whether the first loop of {@link #reconcile} just recorded this node's death (and work). */
  private static boolean nodesHandled(Map<UniqueId, NodeRecord> nodes, Set<UniqueId> gone,
      UniqueId node) {
    NodeRecord n = nodes.get(node);
    return n != null && n.alive() && gone.contains(node);
  }

  /**
   * A node died: its record, its actors, and, for a driver (or a worker process: neither runs
   * tasks of its own), its job. The same for a member and an attached node. Blocks on the GCS.
   */
  void recordDeath(UniqueId gone) {
    NodeRecord record = gcs.nodes().update(gone, NodeRecord::dead);
    gcs.kv().remove(ClusterNode.LOAD_KEY_PREFIX + gone.toHex());
    boolean driver = record != null && !record.runsTasks();
    Map<JobId, JobRecord> jobs = gcs.jobs().snapshot();
    for (ActorRecord actor : gcs.actors().snapshot().values()) {
      if (actor.state() == ActorState.DEAD) {
        continue;
      }
      if (gone.equals(actor.nodeId())) {
        restartOrBury(actor, "its node " + gone + " died", jobs);
      }
    }
    if (driver) {
      for (JobRecord job : jobs.values()) {
        if (gone.equals(job.driverNodeId()) && !job.isFinished()) {
          endJob(job, "its driver (node " + gone + ") died");
        }
      }
    }
  }

  /**
   * An actor whose node died restarts elsewhere while its restarts allow and its job lives on
   * (a detached actor outlives its job), else is marked DEAD.
   */
  private void restartOrBury(ActorRecord actor, String cause, Map<JobId, JobRecord> jobs) {
    boolean jobEnded = !actor.detached() && driverGone(jobs.get(actor.jobId()));
    if (jobEnded || !actions.restartActor(actor)) {
      gcs.actors().update(actor.actorId(),
          a -> a.sameIncarnation(actor) && a.state() != ActorState.DEAD ? a.dead(cause, null) : a);
    }
  }

  private boolean driverGone(JobRecord job) {
    return job != null && (job.isFinished() || !isLive(job.driverNodeId()));
  }

  /**
   * A job whose driver died ends: its non-detached actors die, its non-detached groups go, it is
   * finished.
   */
  private void endJob(JobRecord job, String cause) {
    for (ActorRecord actor : gcs.actors().snapshot().values()) {
      if (actor.jobId().equals(job.jobId()) && !actor.detached()
          && actor.state() != ActorState.DEAD) {
        actions.killActor(actor.actorId(), cause);
      }
    }
    actions.removePlacementGroupsOf(job.jobId());
    gcs.jobs().update(job.jobId(), j -> j.isFinished() ? j : j.finished(time.milliseconds()));
  }

  private static void guarded(String what, Runnable duty) {
    try {
      duty.run();
    } catch (Exception e) { // a codec may throw a checked exception undeclared
      LOG.warn(what, e);
    }
  }
}
