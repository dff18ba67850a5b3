package dev.jray.chaos;

import dev.jray.api.Ray;
import dev.jray.cluster.JvmResult;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The driver side of a scenario: a main class of these test sources, run in a JVM of its own by
 * {@link ChaosCluster#startDriver}, runs its body between {@code Ray.init()} and {@code
 * Ray.shutdown()}, as a user's main does. It reports through its stdout: {@code RESULT
 * key=value} lines (read with {@code JvmResult.result}), {@code STEP name} lines the
 * test waits for, and {@code DRIVER_FAILED} with the stack trace and exit code 1 on a failure.
 * The test tells it to go on by creating a file ({@link #awaitGo}). It repeats cli's {@code
 * Driver} on purpose: a driver JVM's class path is the fat jar and these test classes only.
 */
public final class ChaosDriver {
  /** The body of a driver. */
  public interface Body {
    void run() throws Exception;
  }

  private ChaosDriver() {}

  public static void run(String name, Body body) {
    long start = System.currentTimeMillis();
    try {
      Ray.init();
      result("driver-node", Ray.getRuntimeContext().getCurrentNodeId().toHex());
      body.run();
    } catch (Throwable t) {
      System.out.println("DRIVER_FAILED " + name + ": " + t);
      t.printStackTrace(System.out);
      System.out.flush();
      try {
        Ray.shutdown();
      } finally {
        System.exit(1);
      }
    }
    Ray.shutdown();
    System.out.println("DRIVER_DONE " + name + " in " + (System.currentTimeMillis() - start) + " ms");
    System.out.flush();
  }

  public static void result(String key, Object value) {
    System.out.println("RESULT " + key + "=" + value);
    System.out.flush();
  }

  /** Says the driver reached {@code name}: the test waits for the line {@code STEP name}. */
  public static void step(String name) {
    System.out.println("STEP " + name);
    System.out.flush();
  }

  /** Waits until the test creates {@code file} (it broke the cluster); fails after {@code timeout}. */
  public static void awaitGo(Path file, Duration timeout) {
    if (!Await.until(Time.SYSTEM, timeout, () -> Files.exists(file))) {
      throw new IllegalStateException("the test did not create " + file + " within "
          + timeout.toSeconds() + " s");
    }
  }

  public static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }
}
