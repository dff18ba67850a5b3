package dev.jray.bench;

import dev.jray.api.Ray;

/**
 * The entrypoint of the job rows: a driver that joins the cluster (JRAY_ADDRESS, set by the job
 * supervisor), prints {@link #JOINED} and leaves.
 */
public final class JobJoinDriver {
  static final String JOINED = "BENCH_DRIVER_JOINED";

  private JobJoinDriver() {}

  public static void main(String[] args) {
    Ray.init();
    System.out.println(JOINED);
    System.out.flush();
    Ray.shutdown();
  }
}
