package dev.jray.bench.remote;

/**
 * The remote functions of the suite, as Ray's microbenchmark defines them. This package is what
 * the cross-node driver ships to the nodes, so it references nothing but the JDK.
 */
public final class BenchFunctions {
  private static final byte[] OK = {'o', 'k'};

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
}
