package dev.jray.examples;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Monte Carlo estimate of π with parallel tasks: each task throws darts at the unit square and
 * counts those inside the quarter circle; the driver adds the counts up.
 *
 * <p>Run with {@code java -cp verticles/target/jray.jar dev.jray.examples.PiExample [tasks
 * [samplesPerTask]]}.
 */
public final class PiExample {
  public static final int DEFAULT_TASKS = 8;
  public static final long DEFAULT_SAMPLES_PER_TASK = 2_000_000L;

  private PiExample() {}

  /** The remote function: a static method of a public class. Returns the hits out of {@code samples}. */
  public static long sample(long samples) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long hits = 0;
    for (long i = 0; i < samples; i++) {
      double x = random.nextDouble();
      double y = random.nextDouble();
      if (x * x + y * y <= 1.0) {
        hits++;
      }
    }
    return hits;
  }

  /** Estimates π with {@code tasks} tasks of {@code samplesPerTask} samples each. */
  public static double estimate(int tasks, long samplesPerTask) {
    if (tasks < 1 || samplesPerTask < 1) {
      throw new IllegalArgumentException("tasks and samplesPerTask must be >= 1");
    }
    List<ObjectRef<Long>> refs = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      refs.add(Ray.task(PiExample::sample, samplesPerTask).remote());
    }
    long hits = 0;
    for (long h : Ray.get(refs)) {
      hits += h;
    }
    return 4.0 * hits / ((double) tasks * samplesPerTask);
  }

  /**
   * Runs the default estimate. Assumes {@link Ray#init()} was called; does not shut Ray down.
   *
   * @return the summary line {@link #main} prints
   */
  public static String run() {
    return run(DEFAULT_TASKS, DEFAULT_SAMPLES_PER_TASK);
  }

  /** As {@link #run()}, with the given task count and samples per task. */
  public static String run(int tasks, long samplesPerTask) {
    double pi = estimate(tasks, samplesPerTask);
    return String.format(java.util.Locale.ROOT, "Pi: %d tasks x %,d samples: pi ~ %.5f (error %.5f)",
        tasks, samplesPerTask, pi, Math.abs(pi - Math.PI));
  }

  public static void main(String[] args) {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_TASKS;
    long samples = args.length > 1 ? Long.parseLong(args[1]) : DEFAULT_SAMPLES_PER_TASK;
    Ray.init();
    try {
      System.out.println(run(tasks, samples));
    } finally {
      Ray.shutdown();
    }
  }
}
