package dev.jray.cluster.drivers;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.exception.RayActorException;
import java.util.concurrent.atomic.AtomicReference;
import java.time.Duration;
import dev.jray.gcs.time.Await;
import java.util.function.Supplier;

/**
 * Runs a driver body between {@code Ray.init()} and {@code Ray.shutdown()}, as a user's main
 * does. Results go to stdout as {@code RESULT key=value} lines for the ITs to read. On success
 * main returns normally (the JVM must then exit by itself, as a user's driver's does); on a
 * failure it prints the stack trace and exits with 1.
 */
final class Driver {
  interface Body {
    void run() throws Exception;
  }

  private Driver() {}

  static void run(String name, Body body) {
    long start = System.currentTimeMillis();
    try {
      Ray.init();
      result("driver-node", Ray.getRuntimeContext().getCurrentNodeId().toHex());
      result("init-ms", System.currentTimeMillis() - start);
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

  static void result(String key, Object value) {
    System.out.println("RESULT " + key + "=" + value);
    System.out.flush();
  }

  /**
   * The answer of a call to an actor that may be restarting: as in Ray (maxTaskRetries 0), a call
   * made meanwhile fails at once with RayActorException, so the call is made again until the
   * actor answers or {@code timeoutMs} passes.
   */
  static <T> T callWhileRestarting(Supplier<ObjectRef<T>> call, long timeoutMs) {
    AtomicReference<T> answer = new AtomicReference<>();
    Await.until("the actor answers", Duration.ofMillis(timeoutMs), () -> {
      try {
        answer.set(call.get().get(timeoutMs));
        return true;
      } catch (RayActorException restarting) {
        return false;
      }
    });
    return answer.get();
  }


  static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }
}
