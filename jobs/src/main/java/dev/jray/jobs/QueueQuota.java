package dev.jray.jobs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most a job queue may run at once (beyond Ray: Ray has no queues).
 *
 * @param maxRunning the most RUNNING jobs of the queue
 * @param cpus the most {@code entrypoint_num_cpus} its RUNNING jobs may hold together
 */
public record QueueQuota(int maxRunning, double cpus) {
  /** A queue no quota was set for. */
  public static final QueueQuota UNLIMITED = new QueueQuota(Integer.MAX_VALUE, Double.POSITIVE_INFINITY);

  public QueueQuota {
    if (maxRunning < 1) {
      throw new IllegalArgumentException("a queue's running quota must be at least 1, got " + maxRunning);
    }
    if (!(cpus > 0)) {
      throw new IllegalArgumentException("a queue's cpus quota must be positive, got " + cpus);
    }
  }

  /**
   * Parses {@code --job-queues}: {@code name:running=N,cpus=C;name2:running=M}, each key optional.
   *
   * @throws IllegalArgumentException naming the part that is wrong
   */
  public static Map<String, QueueQuota> parseAll(String spec) {
    Map<String, QueueQuota> quotas = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return quotas;
    }
    for (String queue : spec.split(";")) {
      if (queue.isBlank()) {
        continue;
      }
      int colon = queue.indexOf(':');
      String name = (colon < 0 ? queue : queue.substring(0, colon)).trim();
      if (name.isEmpty()) {
        throw new IllegalArgumentException("job queue '" + queue.trim() + "' has no name before ':'");
      }
      int running = Integer.MAX_VALUE;
      double cpus = Double.POSITIVE_INFINITY;
      for (String limit : colon < 0 ? new String[0] : queue.substring(colon + 1).split(",")) {
        String[] kv = limit.split("=", 2);
        String key = kv[0].trim();
        try {
          if (kv.length == 2 && key.equals("running")) {
            running = Integer.parseInt(kv[1].trim());
          } else if (kv.length == 2 && key.equals("cpus")) {
            cpus = Double.parseDouble(kv[1].trim());
          } else if (!limit.isBlank()) {
            throw new IllegalArgumentException("job queue '" + name + "': '" + limit.trim()
                + "' is not running=N or cpus=C");
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("job queue '" + name + "': '" + limit.trim()
              + "' is not a number");
        }
      }
      if (quotas.put(name, new QueueQuota(running, cpus)) != null) {
        throw new IllegalArgumentException("job queue '" + name + "' is given twice");
      }
    }
    return quotas;
  }
}
