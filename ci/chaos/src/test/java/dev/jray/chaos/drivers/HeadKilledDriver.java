package dev.jray.chaos.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.options.ActorLifetime;
import dev.jray.chaos.ChaosDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code HeadKilledDriver TASKS goFile}: runs TASKS tasks (half before the head is killed, half
 * after) and calls a detached actor on the worker holding {@code ACTORHOST} all along; says {@code
 * STEP started} once the first half is submitted and waits for {@code goFile} (the test killed
 * the head) before the second half. Reports how many results were right and where they ran.
 */
public final class HeadKilledDriver {
  private HeadKilledDriver() {}

  /** A detached counter on one worker. */
  public static final class Counter {
    private int count;

    public int add() {
      return ++count;
    }
  }

  /** Long enough that the first half is still running when the head dies. */
  public static String square(int x) throws InterruptedException {
    Thread.sleep(30);
    return (long) x * x + "@" + Ray.getRuntimeContext().getCurrentNodeId().toHex();
  }

  public static void main(String[] args) {
    int tasks = Integer.parseInt(args[0]);
    Path go = Path.of(args[1]);
    ChaosDriver.run("HeadKilledDriver", () -> {
      ActorHandle<Counter> counter = Ray.actor(Counter::new).setName("head-killed-counter")
          .setLifetime(ActorLifetime.DETACHED).setResource("ACTORHOST", 1.0).remote();
      ChaosDriver.check(counter.task(Counter::add).remote().get(60_000) == 1, "first count");
      List<ObjectRef<String>> results = new ArrayList<>();
      List<ObjectRef<Integer>> counts = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        if (i == tasks / 2) {
          ChaosDriver.step("started");
          ChaosDriver.awaitGo(go, Duration.ofMinutes(3));
        }
        results.add(Ray.task(HeadKilledDriver::square, i).remote());
        if (i % 10 == 0) {
          counts.add(counter.task(Counter::add).remote());
        }
      }
      int right = 0;
      Map<String, Integer> perNode = new TreeMap<>();
      List<String> wrong = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        String r = results.get(i).get(120_000);
        String[] valueAndNode = r.split("@");
        if (Long.parseLong(valueAndNode[0]) == (long) i * i) {
          right++;
        } else if (wrong.size() < 5) {
          wrong.add(i + " -> " + r);
        }
        if (i >= tasks / 2) {
          perNode.merge(valueAndNode[1], 1, Integer::sum);
        }
      }
      boolean inOrder = true;
      for (int k = 0; k < counts.size(); k++) {
        inOrder &= counts.get(k).get(120_000) == k + 2;
      }
      ChaosDriver.result("right", right);
      ChaosDriver.result("wrong", wrong);
      ChaosDriver.result("calls-in-order", inOrder + "/" + counts.size());
      ChaosDriver.result("second-half-nodes", perNode);
    });
  }
}
