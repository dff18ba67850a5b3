package dev.jray.bench;

import dev.jray.api.Ray;

/**
 * The entrypoint of the job rows, and the driver of the row of a driver started as {@code jray
 * driver-env} says: it joins the cluster (JRAY_ADDRESS, set by the job supervisor, or
 * jray.address), prints {@link #JOINED} and the seconds its {@code Ray.init()} took, and leaves.
 */
public final class JobJoinDriver {
  static final String JOINED = "BENCH_DRIVER_JOINED";

  private JobJoinDriver() {}

  public static void main(String[] args) {
    long start = System.nanoTime();
    Ray.init();
    System.out.println(JOINED + " " + (System.nanoTime() - start) / 1e9);
    System.out.flush();
    Ray.shutdown();
  }
}
