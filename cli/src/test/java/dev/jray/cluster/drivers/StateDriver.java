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
 * and called three times, one task that logs a line through SLF4J ({@code RESULT
 * logged-task=ID}), one task running until {@code releaseFile} exists, and a 3 MiB object
 * put in the driver's store ({@code RESULT big-object=ID}). Prints {@code RESULT ready=true} once
 * they are there and {@code RESULT failed-task=ID}, then waits for the release (at most 5
 * minutes).
 */
public final class StateDriver {
  /** The size of the object the driver puts and keeps. */
  public static final int BIG_BYTES = 3 << 20;

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
      ObjectRef<String> logged = Ray.task(StateDriver::logHello).remote();
      logged.get();
      Driver.result("logged-task", logged.getId().getTaskId().toHex());
      ObjectRef<byte[]> big = Ray.put(new byte[BIG_BYTES]); // in the driver's store
      Driver.result("big-object", big.getId().toHex());
      ObjectRef<String> waiting = Ray.task(StateDriver::waitFor, release.toString()).remote();
      Driver.result("ready", true);
      Await.until("the test to release the driver", Duration.ofMinutes(5),
          () -> Files.exists(release));
      Driver.check("released".equals(waiting.get()), "the waiting task's result");
      Driver.check(big.get().length == BIG_BYTES, "the big object");
    });
  }

  public static int fail() {
    throw new IllegalStateException("state-driver failure");
  }

  /** Logs one line through SLF4J, as user code does: the node's log line names this task. */
  public static String logHello() {
    org.slf4j.LoggerFactory.getLogger(StateDriver.class).info("state-driver says hello");
    return Fns.nodeId();
  }

  /** Runs until {@code file} exists (at most 5 minutes). */
  public static String waitFor(String file) {
    Await.until("the release file", Duration.ofMinutes(5), () -> Files.exists(Path.of(file)));
    return "released";
  }
}
