package dev.jray.node;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps the GCS bounded over a long life, as Ray's GCS caps what it keeps of the dead: at most
 * {@code maxDead} records each of dead nodes, removed placement groups, finished jobs and dead
 * actors, the oldest going first (nodes by start, groups by creation, jobs by end; actors of
 * finished jobs before the others, then in the order this member saw them dead). A finished job
 * stays while an actor of it lives (a detached one needs its code); its submission id goes with
 * it. A call to an actor whose record is gone fails as a call to a dead one ({@link
 * ActorRecord#forgotten}); the Jobs API keeps the history of jobs elsewhere.
 *
 * <p>Threading: used by the leader duties' thread only; blocks on the GCS.
 */
final class GcsRetention {
  /** System property: how many records of each kind of the dead the GCS keeps. */
  static final String MAX_DEAD_PROPERTY = "jray.gcs.max-dead-records";
  static final int DEFAULT_MAX_DEAD = 1_000;

  private final Gcs gcs;
  private final Consumer<ActorRecord> forgetActor;
  private final int maxDead;
  /** Dead actors in the order this member saw them dead; the duties' thread only. */
  private final LinkedHashSet<ActorId> deadActorsSeen = new LinkedHashSet<>();

  /**
   * @param forgetActor removes a dead actor's record, name and creation spec
   * @param maxDead how many records of each kind of the dead to keep; at least 0
   */
  GcsRetention(Gcs gcs, Consumer<ActorRecord> forgetActor, int maxDead) {
    this.gcs = Objects.requireNonNull(gcs, "gcs");
    this.forgetActor = Objects.requireNonNull(forgetActor, "forgetActor");
    if (maxDead < 0) {
      throw new IllegalArgumentException(MAX_DEAD_PROPERTY + " must be at least 0, got " + maxDead);
    }
    this.maxDead = maxDead;
  }

  /** {@value #MAX_DEAD_PROPERTY}, else {@value #DEFAULT_MAX_DEAD}. */
  static int maxDeadOfProcess() {
    String value = System.getProperty(MAX_DEAD_PROPERTY);
    if (value == null) {
      return DEFAULT_MAX_DEAD;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(MAX_DEAD_PROPERTY + " must be a whole number, got '"
          + value + "'", e);
    }
  }

  /**
   * Removes the oldest records of the dead over the bound, reading nodes, actors and jobs from
   * the snapshots given (the leader's pass took them); returns how many it removed.
   */
  int prune(Map<UniqueId, NodeRecord> nodes, Map<ActorId, ActorRecord> actors,
      Map<JobId, JobRecord> jobs) {
    int removed = 0;
    List<NodeRecord> deadNodes = nodes.values().stream()
        .filter(n -> !n.alive()).sorted(Comparator.comparingLong(NodeRecord::startTimeMs)).toList();
    for (NodeRecord n : oldestOver(deadNodes)) {
      gcs.nodes().remove(n.nodeId());
      removed++;
    }
    List<PlacementGroupRecord> removedGroups = gcs.placementGroups().snapshot().values().stream()
        .filter(PlacementGroupRecord::isRemoved)
        .sorted(Comparator.comparingLong(PlacementGroupRecord::createdAtMs)).toList();
    for (PlacementGroupRecord g : oldestOver(removedGroups)) {
      gcs.placementGroups().remove(g.id());
      removed++;
    }
    Set<JobId> withLiveActors = new HashSet<>();
    List<ActorRecord> dead = new ArrayList<>();
    for (ActorRecord a : actors.values()) {
      if (a.state() == ActorState.DEAD) {
        dead.add(a);
      } else {
        withLiveActors.add(a.jobId());
      }
    }
    List<JobRecord> finished = jobs.values().stream()
        .filter(j -> j.isFinished() && !withLiveActors.contains(j.jobId()))
        .sorted(Comparator.comparingLong(JobRecord::endTimeMs)).toList();
    for (JobRecord j : oldestOver(finished)) {
      gcs.jobs().remove(j.jobId());
      gcs.kv().remove(JobRecord.SUBMISSION_KEY_PREFIX + j.jobId().toHex());
      gcs.kv().remove(JobRecord.DRIVER_PROCESS_KEY_PREFIX + j.jobId().toHex());
      removed++;
    }
    removed += pruneDeadActors(dead, jobs);
    return removed;
  }

  private int pruneDeadActors(List<ActorRecord> dead, Map<JobId, JobRecord> jobs) {
    Set<ActorId> deadIds = new HashSet<>();
    dead.forEach(a -> deadIds.add(a.actorId()));
    deadActorsSeen.retainAll(deadIds);
    dead.forEach(a -> deadActorsSeen.add(a.actorId()));
    if (deadActorsSeen.size() <= maxDead) {
      return 0;
    }
    Map<ActorId, ActorRecord> byId = new HashMap<>();
    dead.forEach(a -> byId.put(a.actorId(), a));
    List<ActorRecord> oldestFirst = new ArrayList<>();
    List<ActorRecord> ofLiveJobs = new ArrayList<>();
    for (ActorId id : deadActorsSeen) {
      ActorRecord a = byId.get(id);
      JobRecord job = jobs.get(a.jobId());
      (job == null || job.isFinished() ? oldestFirst : ofLiveJobs).add(a);
    }
    oldestFirst.addAll(ofLiveJobs);
    List<ActorRecord> over = oldestOver(oldestFirst);
    for (ActorRecord a : over) {
      forgetActor.accept(a);
      deadActorsSeen.remove(a.actorId());
    }
    return over.size();
  }

  /** The first records of {@code oldestFirst} beyond the {@code maxDead} newest. */
  private <T> List<T> oldestOver(List<T> oldestFirst) {
    int over = oldestFirst.size() - maxDead;
    return over <= 0 ? List.of() : List.copyOf(oldestFirst.subList(0, over));
  }
}
