package dev.jray.chaos.drivers;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.exception.RayException;
import dev.jray.chaos.ChaosDriver;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code StoreFailureDriver storeBytes goFile}: on the worker with resource SMALLSTORE (whose
 * object store holds {@code storeBytes}), runs a task whose result is larger than that store, and
 * one whose result fits; says {@code STEP stored} and waits for {@code goFile} (the test made
 * spilling fail there), then runs a task whose result needs a spill. Reports each outcome
 * ({@code ok} or the error's message), and then whether the first result still reads back and a
 * small task still runs there.
 */
public final class StoreFailureDriver {
  static final long GET_TIMEOUT_MS = 60_000;

  private StoreFailureDriver() {}

  public static byte[] bytes(int size) {
    byte[] b = new byte[size];
    b[size - 1] = 7;
    return b;
  }

  public static String where() {
    return Ray.getRuntimeContext().getCurrentNodeId().toHex();
  }

  private static String outcome(ObjectRef<byte[]> ref, int size) {
    try {
      byte[] b = ref.get(GET_TIMEOUT_MS);
      return b.length == size && b[size - 1] == 7 ? "ok" : "wrong value";
    } catch (RayException e) {
      return e.getMessage().replace('\n', ' ');
    }
  }

  public static void main(String[] args) {
    int store = Integer.parseInt(args[0]);
    Path go = Path.of(args[1]);
    ChaosDriver.run("StoreFailureDriver", () -> {
      int tooLarge = store + (8 << 20);
      ChaosDriver.result("too-large", outcome(Ray.task(StoreFailureDriver::bytes, tooLarge)
          .setResource("SMALLSTORE", 1.0).remote(), tooLarge));
      int fits = store * 5 / 8;
      ObjectRef<byte[]> kept = Ray.task(StoreFailureDriver::bytes, fits)
          .setResource("SMALLSTORE", 1.0).remote();
      ChaosDriver.result("fits", outcome(kept, fits));
      ChaosDriver.step("stored");
      ChaosDriver.awaitGo(go, Duration.ofMinutes(3));
      ChaosDriver.result("needs-spill", outcome(Ray.task(StoreFailureDriver::bytes, fits)
          .setResource("SMALLSTORE", 1.0).remote(), fits));
      ChaosDriver.result("kept-after", outcome(kept, fits));
      ChaosDriver.result("small-task-node", Ray.task(StoreFailureDriver::where)
          .setResource("SMALLSTORE", 1.0).remote().get(GET_TIMEOUT_MS));
    });
  }
}
