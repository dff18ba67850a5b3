package dev.jray.cluster.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.exception.RayTaskException;
import dev.jray.gcs.time.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code StateDriver releaseFile}: leaves tasks in every state for the state API to show: five
 * finished tasks of {@link Fns#nodeId} (two named "named-node-id"), one failed, an actor created
 * and called three times, and one task running until {@code releaseFile} exists. Prints {@code
 * RESULT ready=true} once they are there and {@code RESULT failed-task=ID}, then waits for the
 * release (at most 5 minutes).
 */
public final class StateDriver {
  public static void main(String[] args) {
    Path release = Path.of(args[0]);
    Driver.run("StateDriver", () -> {
      List<ObjectRef<String>> done = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        done.add(Ray.task(Fns::nodeId).remote());
      }
      for (int i = 0; i < 2; i++) {
        done.add(Ray.task(Fns::nodeId).setName("named-node-id").remote());
      }
      Ray.get(done);
      ObjectRef<Integer> failing = Ray.task(StateDriver::fail).remote();
      try {
        failing.get();
        throw new AssertionError("the failing task returned");
      } catch (RayTaskException expected) {
        Driver.result("failed-task", failing.getId().getTaskId().toHex());
      }
      ActorHandle<Counter> counter = Ray.actor(Counter::new).remote();
      for (int i = 0; i < 3; i++) {
        counter.task(Counter::increment).remote().get();
      }
      ObjectRef<String> waiting = Ray.task(StateDriver::waitFor, release.toString()).remote();
      Driver.result("ready", true);
      Await.until("the test to release the driver", Duration.ofMinutes(5),
          () -> Files.exists(release));
      Driver.check("released".equals(waiting.get()), "the waiting task's result");
    });
  }

  public static int fail() {
    throw new IllegalStateException("state-driver failure");
  }

  /** Runs until {@code file} exists (at most 5 minutes). */
  public static String waitFor(String file) {
    Await.until("the release file", Duration.ofMinutes(5), () -> Files.exists(Path.of(file)));
    return "released";
  }
}
