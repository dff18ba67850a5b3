package dev.jray.jobs.internals;

import dev.jray.jobs.QueueQuota;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The PENDING jobs in admission order (highest priority first, FIFO within a priority) and the
 * per-queue quotas that hold them back. A queue's first waiting job holds back the later ones of
 * the same queue; other queues go on.
 *
 * <p>Threading: not thread-safe; guarded by the owning {@link JobSupervisor}'s lock.
 */
final class JobQueue {
  private static final Comparator<JobEntry> ORDER = Comparator
      .comparingInt((JobEntry e) -> -e.submission.priority()).thenComparingLong(e -> e.seq);

  private final Map<String, QueueQuota> quotas;
  private final TreeSet<JobEntry> pending = new TreeSet<>(ORDER);

  JobQueue(Map<String, QueueQuota> quotas) {
    this.quotas = Map.copyOf(quotas);
  }

  QueueQuota quota(String queue) {
    return quotas.getOrDefault(queue, QueueQuota.UNLIMITED);
  }

  void add(JobEntry entry) {
    pending.add(entry);
  }

  boolean remove(JobEntry entry) {
    return pending.remove(entry);
  }

  int size() {
    return pending.size();
  }

  /**
   * Takes out the jobs that fit their queue's quota beside {@code running}, in order; each job
   * left gets a message saying what it waits for.
   */
  List<JobEntry> admit(Collection<JobEntry> running) {
    Map<String, int[]> runningJobs = new HashMap<>();
    Map<String, double[]> runningCpus = new HashMap<>();
    for (JobEntry r : running) {
      runningJobs.computeIfAbsent(r.submission.queue(), q -> new int[1])[0]++;
      runningCpus.computeIfAbsent(r.submission.queue(), q -> new double[1])[0] += r.submission.numCpus();
    }
    List<JobEntry> admitted = new ArrayList<>();
    Set<String> blocked = new HashSet<>();
    for (JobEntry e : pending) {
      String queue = e.submission.queue();
      if (blocked.contains(queue)) {
        e.message = "Job is waiting behind an earlier or higher-priority job of queue '" + queue + "'.";
        continue;
      }
      QueueQuota quota = quota(queue);
      int jobs = runningJobs.getOrDefault(queue, new int[1])[0];
      double cpus = runningCpus.getOrDefault(queue, new double[1])[0];
      if (jobs >= quota.maxRunning()) {
        e.message = "Job is waiting for queue '" + queue + "': " + jobs + " of its "
            + quota.maxRunning() + " running jobs are in use.";
        blocked.add(queue);
      } else if (cpus + e.submission.numCpus() > quota.cpus()) {
        e.message = "Job is waiting for queue '" + queue + "': it needs " + e.submission.numCpus()
            + " CPUs, " + cpus + " of its " + quota.cpus() + " are in use.";
        blocked.add(queue);
      } else {
        admitted.add(e);
        runningJobs.computeIfAbsent(queue, q -> new int[1])[0]++;
        runningCpus.computeIfAbsent(queue, q -> new double[1])[0] += e.submission.numCpus();
      }
    }
    admitted.forEach(pending::remove);
    return admitted;
  }
}
