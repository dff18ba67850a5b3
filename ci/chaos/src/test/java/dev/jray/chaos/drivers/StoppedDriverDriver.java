package dev.jray.chaos.drivers;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.exception.RayException;
import dev.jray.chaos.ChaosDriver;

/**
 * {@code StoppedDriverDriver taskMillis}: starts a task that takes {@code taskMillis} on the node
 * with resource PIN, says {@code STEP ready} and gets its result with no timeout (the test stops
 * this JVM meanwhile); reports the get's error (or {@code got}), how long it waited, and what a
 * later {@code put} does.
 */
public final class StoppedDriverDriver {
  private StoppedDriverDriver() {}

  public static String sleepThenNode(long millis) throws InterruptedException {
    Thread.sleep(millis); // the task's work: long enough to outlast the driver's stop
    return Ray.getRuntimeContext().getCurrentNodeId().toHex();
  }

  public static void main(String[] args) {
    long taskMillis = Long.parseLong(args[0]);
    ChaosDriver.run("StoppedDriverDriver", () -> {
      ObjectRef<String> slow = Ray.task(StoppedDriverDriver::sleepThenNode, taskMillis)
          .setResource("PIN", 1.0).remote();
      ChaosDriver.step("ready");
      long start = System.nanoTime();
      try {
        ChaosDriver.result("got", slow.get());
      } catch (RayException e) {
        ChaosDriver.result("error", e.getMessage());
      }
      ChaosDriver.result("waited-ms", (System.nanoTime() - start) / 1_000_000);
      try {
        Ray.put("later");
        ChaosDriver.result("later", "ok");
      } catch (RayException e) {
        ChaosDriver.result("later", e.getMessage());
      }
    });
  }
}
