package dev.jray.cluster.drivers;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.WaitResult;
import java.util.List;

/**
 * {@code LateDriver resource waitMs}: submits a task needing 1 of {@code resource}, which no node
 * has yet; checks with {@code Ray.wait(.., waitMs)} that it is still unready, prints {@code
 * PENDING}, then waits (up to 3 minutes) for it and prints {@code RESULT late-node=hex}.
 */
public final class LateDriver {
  public static void main(String[] args) {
    String resource = args[0];
    int waitMs = Integer.parseInt(args[1]);
    Driver.run("LateDriver", () -> {
      ObjectRef<String> ref = Ray.task(Fns::nodeId).setResource(resource, 1.0).remote();
      WaitResult<String> w = Ray.wait(List.of(ref), 1, waitMs);
      Driver.result("ready-after-wait", w.getReady().size());
      Driver.result("unready-after-wait", w.getUnready().size());
      Driver.check(w.getUnready().size() == 1, "the task ran although no node has " + resource);
      System.out.println("PENDING");
      System.out.flush();
      long start = System.currentTimeMillis();
      Driver.result("late-node", ref.get(180_000));
      Driver.result("late-wait-ms", System.currentTimeMillis() - start);
    });
  }
}
