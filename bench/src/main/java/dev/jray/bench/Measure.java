package dev.jray.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * Runs a workload: a warm-up (on past its time while the heap grows, the JIT is busy or the rate
 * still climbs), then {@link Settings#rounds()} rounds, each running the workload repeatedly for at
 * least {@link Settings#roundNanos()}; the figure is the median rate over the rounds. A workload
 * that throws yields a {@link Figure#failed failed figure}: the suite goes on. Single-threaded: one
 * measurement at a time, on the caller's thread.
 */
final class Measure {
  /** One run of a workload; returns the nanoseconds of its measured part. */
  @FunctionalInterface
  interface Workload {
    long run() throws Exception;
  }

  /** A workload measured from its start to its end. */
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  /** The longest a warm-up goes on past its time while the JVM has not settled. */
  private static final long MAX_SETTLE_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** How long the warm-up runs between two looks at the heap and the JIT. */
  private static final long SETTLE_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  /** The JIT compilers' share of a slice's wall time above which the JVM is still warming. */
  private static final double COMPILING_SHARE = 0.05;
  /**
   * A slice this much faster than the one before means the workload is still warming, in JVMs
   * this one cannot see: the cross-node rows' nodes and their JIT compilers.
   */
  private static final double CLIMBING_RATIO = 1.10;

  private final Settings settings;

  Measure(Settings settings) {
    this.settings = settings;
  }

  Settings settings() {
    return settings;
  }

  static Workload whole(Action action) {
    return () -> {
      long t0 = System.nanoTime();
      action.run();
      return System.nanoTime() - t0;
    };
  }

  /** Units per second (ops, or GB) where each run does {@code unitsPerRun} units. */
  Figure rate(double unitsPerRun, Action action) {
    return rateTimed(unitsPerRun, whole(action));
  }

  /** As {@link #rate(double, Action)}, timing only the part the workload reports. */
  Figure rateTimed(double unitsPerRun, Workload workload) {
    try {
      warmUp(workload);
      double[] rates = new double[settings.rounds()];
      for (int i = 0; i < rates.length; i++) {
        long[] runsAndNanos = runFor(settings.roundNanos(), workload);
        rates[i] = runsAndNanos[0] * unitsPerRun / (runsAndNanos[1] / 1e9);
      }
      return Figure.of(rates);
    } catch (Throwable t) {
      return Figure.failed(t);
    }
  }

  /**
   * Runs the warm-up time, then on in slices of {@link #SETTLE_SLICE_NANOS} while the JVM has not
   * settled (at most {@link #MAX_SETTLE_NANOS} more): while a slice grew the committed heap, since
   * a JVM that takes fresh memory from the OS pays a page fault per 4 KiB page (on VMs at a
   * fraction of copy speed, 0.2 GB/s here), the machine's first touch and not the row, which
   * whichever contender ran first would pay for the others; or while the JIT compilers worked
   * more than {@link #COMPILING_SHARE} of a slice, since on two cores they take the CPU the
   * workload's own threads need (a fresh driver JVM measured cross-node tasks at 20-30k/s for its
   * first 3-6 s, then 100-185k/s); or while a slice ran more than {@link #CLIMBING_RATIO} times
   * faster than the slice before it.
   */
  private void warmUp(Workload workload) throws Exception {
    runFor(settings.warmUpNanos(), workload);
    if (settings.quick()) {
      return; // a smoke run's figures are not measurements: it does not wait for the JVM
    }
    long deadline = System.nanoTime() + MAX_SETTLE_NANOS;
    double lastRate = 0;
    while (System.nanoTime() < deadline) {
      long committed = committedHeap();
      long compiling = compilingMillis();
      long[] runsAndNanos = runFor(SETTLE_SLICE_NANOS, workload);
      double rate = runsAndNanos[0] / (double) runsAndNanos[1];
      boolean heapGrew = committedHeap() > committed;
      boolean jitBusy = compilingMillis() - compiling
          > TimeUnit.NANOSECONDS.toMillis(SETTLE_SLICE_NANOS) * COMPILING_SHARE;
      boolean climbing = rate > lastRate * CLIMBING_RATIO;
      lastRate = rate;
      if (!heapGrew && !jitBusy && !climbing) {
        return;
      }
    }
  }

  private static long committedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
  }

  /** The JIT compilers' total time so far, or 0 where the JVM does not tell. */
  private static long compilingMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
  }

  /** Runs the workload at least once and until {@code nanos} of wall time passed. */
  private static long[] runFor(long nanos, Workload workload) throws Exception {
    long start = System.nanoTime();
    long runs = 0;
    long measured = 0;
    do {
      measured += workload.run();
      runs++;
    } while (System.nanoTime() - start < nanos);
    return new long[] {runs, Math.max(1, measured)};
  }

  /** Seconds a one-off action takes (a start-up), measured once. */
  static Figure seconds(Action action) {
    try {
      long t0 = System.nanoTime();
      action.run();
      return Figure.single((System.nanoTime() - t0) / 1e9);
    } catch (Throwable t) {
      return Figure.failed(t);
    }
  }
}
