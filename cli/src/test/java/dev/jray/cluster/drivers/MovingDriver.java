package dev.jray.cluster.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.gcs.time.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code MovingDriver goFile graceMs}: a driver started by hand whose node dies under it. It
 * creates an actor on the node with {@code ACTORHOST}, puts 1 MB, starts 20 tasks, says {@code
 * STEP attached} and waits for {@code goFile} (the test killed the node it hangs off); then runs
 * 20 more tasks and reads everything back; waits {@code graceMs} (past the leader's grace for a
 * driver without a node) and checks that its job lives on: its actor still answers, with every
 * call counted once, and a new task runs.
 */
public final class MovingDriver {
  private MovingDriver() {}

  public static void main(String[] args) {
    Path go = Path.of(args[0]);
    long graceMs = Long.parseLong(args[1]);
    Driver.run("MovingDriver", () -> {
      ActorHandle<Counter> counter = Ray.actor(Counter::new).setResource("ACTORHOST", 1.0)
          .remote();
      Driver.check(counter.task(Counter::increment).remote().get(60_000) == 1, "first call");
      byte[] data = Fns.bytes(1_000_000);
      ObjectRef<byte[]> put = Ray.put(data);
      List<ObjectRef<String>> before = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        before.add(Ray.task(Fns::sleepThenNode, 50).remote());
      }
      System.out.println("STEP attached");
      System.out.flush();
      Await.until("the test to kill the driver's node", Duration.ofMinutes(3),
          () -> Files.exists(go));

      List<ObjectRef<String>> after = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        after.add(Ray.task(Fns::sleepThenNode, 10).remote());
      }
      int count = counter.task(Counter::increment).remote().get(60_000);
      Driver.result("tasks-before", Ray.get(before, 120_000).size());
      Driver.result("tasks-after", Ray.get(after, 120_000).size());
      Driver.result("count-after-move", count);
      Driver.result("put-intact", Arrays.equals(data, put.get(60_000)));

      Thread.sleep(graceMs); // the leader would have counted a driver without a node dead by now
      Driver.result("count-after-grace", counter.task(Counter::increment).remote().get(60_000));
      Driver.result("task-after-grace", Ray.task(Fns::nodeId).remote().get(60_000));
    });
  }
}
