package dev.jray.node;

import dev.jray.gcs.time.Time;

/**
 * How long each phase of a start took, for a FINE log line that says where a slow start went.
 * Marked from one thread at a time (each phase follows the previous one).
 */
final class StartPhases {
  private final StringBuilder done = new StringBuilder();
  private final Time time;
  private long last;

  StartPhases(Time time) {
    this.time = time;
    this.last = time.nanoseconds();
  }

  /** Ends the phase that ran since the previous mark. */
  synchronized void mark(String phase) {
    long now = time.nanoseconds();
    if (done.length() > 0) {
      done.append(", ");
    }
    done.append(phase).append(' ').append((now - last) / 1_000_000).append(" ms");
    last = now;
  }

  @Override
  public synchronized String toString() {
    return done.toString();
  }
}
