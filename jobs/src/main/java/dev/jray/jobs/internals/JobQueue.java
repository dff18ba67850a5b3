package dev.jray.jobs.internals;

import dev.jray.jobs.QueueQuota;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The PENDING jobs of each queue in admission order (highest priority first, FIFO within a
 * priority) and the per-queue quotas that hold them back. A queue's first waiting job holds back
 * the later ones of the same queue; other queues go on. Admission looks at each queue's first
 * jobs only, so a submission costs the same with 1,000 jobs waiting as with none: the first
 * waiting job of a queue says what it waits for, the others that they wait behind it.
 *
 * <p>Threading: not thread-safe; guarded by the owning {@link JobSupervisor}'s lock.
 */
final class JobQueue {
  private static final Comparator<JobEntry> ORDER = Comparator
      .comparingInt((JobEntry e) -> -e.submission.priority()).thenComparingLong(e -> e.seq);

  private final Map<String, QueueQuota> quotas;
  /** The waiting jobs by queue, each set in admission order; a queue with none has no set. */
  private final Map<String, TreeSet<JobEntry>> pending = new HashMap<>();

  JobQueue(Map<String, QueueQuota> quotas) {
    this.quotas = Map.copyOf(quotas);
  }

  QueueQuota quota(String queue) {
    return quotas.getOrDefault(queue, QueueQuota.UNLIMITED);
  }

  void add(JobEntry entry) {
    String queue = entry.submission.queue();
    TreeSet<JobEntry> waiting = pending.computeIfAbsent(queue, q -> new TreeSet<>(ORDER));
    JobEntry first = waiting.isEmpty() ? null : waiting.first();
    waiting.add(entry);
    if (first != null) {
      // the later of the two now waits behind the earlier; admit() words the first one's wait
      (ORDER.compare(entry, first) < 0 ? first : entry).message = behind(queue);
    }
  }

  boolean remove(JobEntry entry) {
    TreeSet<JobEntry> waiting = pending.get(entry.submission.queue());
    if (waiting == null || !waiting.remove(entry)) {
      return false;
    }
    if (waiting.isEmpty()) {
      pending.remove(entry.submission.queue());
    }
    return true;
  }

  int size() {
    return pending.values().stream().mapToInt(TreeSet::size).sum();
  }

  /**
   * Takes out the jobs that fit their queue's quota beside {@code running}, in admission order;
   * the first job left in each queue gets a message saying what it waits for.
   */
  List<JobEntry> admit(Collection<JobEntry> running) {
    Map<String, int[]> runningJobs = new HashMap<>();
    Map<String, double[]> runningCpus = new HashMap<>();
    for (JobEntry r : running) {
      runningJobs.computeIfAbsent(r.submission.queue(), q -> new int[1])[0]++;
      runningCpus.computeIfAbsent(r.submission.queue(), q -> new double[1])[0] += r.submission.numCpus();
    }
    List<JobEntry> admitted = new ArrayList<>();
    for (Map.Entry<String, TreeSet<JobEntry>> q : pending.entrySet()) {
      String queue = q.getKey();
      QueueQuota quota = quota(queue);
      int jobs = runningJobs.getOrDefault(queue, new int[1])[0];
      double cpus = runningCpus.getOrDefault(queue, new double[1])[0];
      for (JobEntry e : q.getValue()) {
        if (jobs >= quota.maxRunning()) {
          e.message = "It is waiting for queue '" + queue + "': " + jobs + " of its "
              + quota.maxRunning() + " running jobs are in use.";
          break;
        }
        if (cpus + e.submission.numCpus() > quota.cpus()) {
          e.message = "It is waiting for queue '" + queue + "': it needs " + e.submission.numCpus()
              + " CPUs, " + cpus + " of its " + quota.cpus() + " are in use.";
          break;
        }
        admitted.add(e);
        jobs++;
        cpus += e.submission.numCpus();
      }
    }
    admitted.forEach(this::remove);
    admitted.sort(ORDER);
    return admitted;
  }

  private static String behind(String queue) {
    return "It is waiting behind an earlier or higher-priority job of queue '" + queue + "'.";
  }
}
