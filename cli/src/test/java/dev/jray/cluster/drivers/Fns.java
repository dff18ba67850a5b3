package dev.jray.cluster.drivers;

import dev.jray.api.Ray;

/** The remote functions of the cluster drivers: public static methods of a public class. */
public final class Fns {
  private Fns() {}

  /** The id (hex) of the node running the calling task. */
  public static String nodeId() {
    return Ray.getRuntimeContext().getCurrentNodeId().toHex();
  }

  /** "node:pid": the id (hex) of the node running the calling task and its JVM's pid. */
  public static String nodeAndPid() {
    return nodeId() + ":" + ProcessHandle.current().pid();
  }

  /** Sleeps {@code ms}, then tells which node ran it. */
  public static String sleepThenNode(int ms) throws InterruptedException {
    Thread.sleep(ms);
    return nodeId();
  }

  /**
   * The code packages in the running node's cache ({@code -Djray.package-cache}), as
   * "sha.jar,..." sorted; "" when it holds none or is not set.
   */
  public static String cachedPackages() throws java.io.IOException {
    String dir = System.getProperty("jray.package-cache");
    if (dir == null || !java.nio.file.Files.isDirectory(java.nio.file.Path.of(dir))) {
      return "";
    }
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of(dir))) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted()
          .collect(java.util.stream.Collectors.joining(","));
    }
  }

  /** The byte at index {@code i} of every test array. */
  public static byte pattern(long i) {
    return (byte) (i % 251);
  }

  /** An array of {@code size} bytes filled with {@link #pattern}. */
  public static byte[] bytes(int size) {
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) {
      data[i] = pattern(i);
    }
    return data;
  }

  /** "length,sum,hash" of an array: what {@link #digest} gives for {@link #bytes} of that size. */
  public static String expectedDigest(int size) {
    long sum = 0;
    long hash = 0;
    for (int i = 0; i < size; i++) {
      byte b = pattern(i);
      sum += b;
      hash = hash * 31 + b;
    }
    return size + "," + sum + "," + hash;
  }

  /** "length,sum,hash@node": the array's length, the sum of its bytes, a positional hash. */
  public static String digest(byte[] data) {
    long sum = 0;
    long hash = 0;
    for (byte b : data) {
      sum += b;
      hash = hash * 31 + b;
    }
    return data.length + "," + sum + "," + hash + "@" + nodeId();
  }
}
