package dev.jray.bench.remote;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The remote functions of the suite, as Ray's microbenchmark defines them. This package is what
 * the cross-node driver ships to the nodes, so it references nothing but the JDK.
 */
public final class BenchFunctions {
  private static final byte[] OK = {'o', 'k'};
  /** Closed while the many queued tasks row fills the queue; only in the embedded node's JVM. */
  private static volatile CountDownLatch gate = new CountDownLatch(0);
  private static final AtomicInteger HELD = new AtomicInteger();

  private BenchFunctions() {}

  /** Ray's {@code small_value}: returns b"ok". */
  public static byte[] smallValue() {
    return OK;
  }

  /** A new array of {@code size} bytes (its last byte set, so it is not all zeros). */
  public static byte[] bytes(int size) {
    byte[] b = new byte[size];
    b[size - 1] = 1;
    return b;
  }

  /** Closes the gate: {@link #holdWhileGated} tasks wait until {@link #openGate}. */
  public static void closeGate() {
    gate = new CountDownLatch(1);
    HELD.set(0);
  }

  public static void openGate() {
    gate.countDown();
  }

  /** How many tasks wait at the gate now. */
  public static int held() {
    return HELD.get();
  }

  /** Holds its CPU until the gate opens (at most a minute), so the tasks submitted after queue. */
  public static byte[] holdWhileGated() throws InterruptedException {
    HELD.incrementAndGet();
    try {
      gate.await(1, TimeUnit.MINUTES);
    } finally {
      HELD.decrementAndGet();
    }
    return OK;
  }
}
