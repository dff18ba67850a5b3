package dev.jray.node;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.CodePackages;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.time.Time;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the job code packages nobody uses, as Ray deletes a runtime-env package once no job
 * or actor refers to it: a package in the GCS KV ({@link CodePackages}) that no unfinished job
 * names, nor a finished job one of whose actors lives (a detached actor restarts from its code),
 * nor any holder's reference, is removed once it has stayed so for {@code grace} (as Ray's
 * temporary reference of an uploaded package: a package is uploaded before the job that names
 * it is recorded). Nodes then drop their cached copies ({@code PackageCache.prune}).
 *
 * <p>Threading: used by the leader duties' thread only; blocks on the GCS. The grace is read on
 * the injected {@link Time}, counted from when this member first saw the package unused (a new
 * leader starts counting afresh, which only keeps a package longer).
 */
final class PackageCollection {
  private static final Logger LOG = LoggerFactory.getLogger(PackageCollection.class);

  private final Gcs gcs;
  private final Time time;
  private final long graceNanos;
  /** Unused packages by when this member first saw them unused; the duties' thread only. */
  private final Map<String, Long> unusedSince = new HashMap<>();

  PackageCollection(Gcs gcs, Time time, Duration grace) {
    this.gcs = Objects.requireNonNull(gcs, "gcs");
    this.time = Objects.requireNonNull(time, "time");
    this.graceNanos = grace.toNanos();
  }

  /**
   * Removes the packages unused for the grace period, judging use from the snapshots given and,
   * before each removal, from the job table read again (a driver may have named the package
   * since); returns how many it removed.
   */
  int collect(Map<ActorId, ActorRecord> actors, Map<JobId, JobRecord> jobs) {
    Set<String> stored = new HashSet<>();
    Set<String> referenced = new HashSet<>();
    Set<String> activeJobs = activeJobs(actors, jobs.values());
    for (String key : gcs.kv().keys()) {
      String id = CodePackages.packageOf(key);
      if (id != null) {
        stored.add(id);
      }
      String kept = CodePackages.referencedBy(key);
      String job = CodePackages.jobOfReference(key);
      if (kept != null && job != null && !activeJobs.contains(job)) {
        gcs.kv().remove(key); // a job's runtime env jars: the job and its actors are gone
      } else if (kept != null) {
        referenced.add(kept);
      }
    }
    Set<String> used = inUse(actors, jobs.values());
    used.addAll(referenced);
    unusedSince.keySet().retainAll(stored);
    unusedSince.keySet().removeAll(used);
    long now = time.nanoseconds();
    Set<String> due = new HashSet<>();
    for (String id : stored) {
      if (!used.contains(id) && now - unusedSince.computeIfAbsent(id, k -> now) >= graceNanos) {
        due.add(id);
      }
    }
    if (due.isEmpty()) {
      return 0;
    }
    due.removeAll(inUse(actors, gcs.jobs().snapshot().values()));
    for (String id : due) {
      gcs.kv().remove(CodePackages.key(id));
      unusedSince.remove(id);
      LOG.atDebug().log(() -> "collected code package " + id + ": no job or holder used it for "
          + Duration.ofNanos(graceNanos));
    }
    return due.size();
  }

  /** The jobs (hex) unfinished, or finished with a live actor. */
  private static Set<String> activeJobs(Map<ActorId, ActorRecord> actors,
      Collection<JobRecord> jobs) {
    Set<JobId> withLiveActors = new HashSet<>();
    for (ActorRecord a : actors.values()) {
      if (a.state() != ActorState.DEAD) {
        withLiveActors.add(a.jobId());
      }
    }
    Set<String> active = new HashSet<>();
    for (JobRecord j : jobs) {
      if (!j.isFinished() || withLiveActors.contains(j.jobId())) {
        active.add(j.jobId().toHex());
      }
    }
    return active;
  }

  /** The packages of the unfinished jobs and of the finished ones with a live actor. */
  private static Set<String> inUse(Map<ActorId, ActorRecord> actors, Collection<JobRecord> jobs) {
    Set<String> active = activeJobs(actors, jobs);
    Set<String> used = new HashSet<>();
    for (JobRecord j : jobs) {
      if (active.contains(j.jobId().toHex())) {
        used.addAll(j.packages());
      }
    }
    return used;
  }

}
