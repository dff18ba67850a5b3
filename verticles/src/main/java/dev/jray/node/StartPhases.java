package dev.jray.node;

/**
 * How long each phase of a start took, for a FINE log line that says where a slow start went.
 * Marked from one thread at a time (each phase follows the previous one).
 */
final class StartPhases {
  private final StringBuilder done = new StringBuilder();
  private long last = System.nanoTime();

  /** Ends the phase that ran since the previous mark. */
  synchronized void mark(String phase) {
    long now = System.nanoTime();
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
