package dev.jray.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How long each figure is warmed up and measured, and the sizes of the workloads: the full suite,
 * or the quick smoke run (one short warm-up, three tiny rounds, small objects).
 *
 * @param warmUpNanos time spent running the workload before the rounds
 * @param roundNanos each round runs the workload repeatedly for at least this long
 * @param rounds rounds per figure; the figure is their median
 * @param largeBytes the object of the put/get gigabytes rows (Ray: 800 MB; the issue: 512 MB)
 * @param transferBytes the object moved across nodes
 * @param placementGroups placement groups created (then removed) per run
 * @param manyActors actors of the many actors row (the scale: 10,000)
 * @param manyTasks no-op tasks of the many queued tasks row (the scale: 1,000,000)
 */
record Settings(boolean quick, long warmUpNanos, long roundNanos, int rounds, int largeBytes,
    int transferBytes, int placementGroups, int manyActors, int manyTasks) {
  /** Ray's batch: 1,000 calls per run of the async rows. */
  static final int BATCH = 1_000;
  /** Clients of the multi client rows, as Ray's microbenchmark has 4. */
  static final int MULTI_CLIENTS = 4;

  static Settings full() {
    return new Settings(false, TimeUnit.SECONDS.toNanos(2), TimeUnit.SECONDS.toNanos(1), 5,
        512 << 20, 256 << 20, 100, 10_000, 1_000_000);
  }

  static Settings quickRun() {
    return new Settings(true, TimeUnit.MILLISECONDS.toNanos(150), TimeUnit.MILLISECONDS.toNanos(100), 3,
        16 << 20, 16 << 20, 10, 500, 20_000);
  }

  /** The n of the n:n and 1:n rows: one actor (and one client) per core of this machine. */
  static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** The arguments that give a child JVM these settings. */
  List<String> args() {
    return quick ? List.of("--quick") : List.of();
  }
}
