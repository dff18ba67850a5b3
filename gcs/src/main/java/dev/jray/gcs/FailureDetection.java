package dev.jray.gcs;

import java.time.Duration;

/**
 * How soon the cluster drops a member that sends no heartbeat; what waits on a death (a broken
 * link's recovery, a paused node's fence) is timed from it.
 */
public final class FailureDetection {
  /**
   * Not shorter: a driver writing a 512 MiB value here stalled 6.5 s (page faults and GC) and was
   * dropped at 5 s, its gets then waiting for a cluster it had left.
   */
  public static final Duration TIMEOUT = Duration.ofSeconds(7);

  private FailureDetection() {}
}
