package dev.jray.cluster.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code ActorDriver calls resource amount}: creates a {@link Counter} asking for {@code amount}
 * of {@code resource}, calls increment {@code calls} times (the first alone, the rest all at
 * once), prints {@code RESULT counts=1,2,...} and {@code RESULT actor-node=hex}.
 */
public final class ActorDriver {
  public static void main(String[] args) {
    int calls = Integer.parseInt(args[0]);
    String resource = args[1];
    double amount = Double.parseDouble(args[2]);
    Driver.run("ActorDriver", () -> {
      ActorHandle<Counter> counter = Ray.actor(Counter::new).setResource(resource, amount).remote();
      List<Integer> counts = new ArrayList<>();
      counts.add(counter.task(Counter::increment).remote().get(120_000));
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int i = 1; i < calls; i++) {
        refs.add(counter.task(Counter::increment).remote());
      }
      counts.addAll(Ray.get(refs, 120_000));
      Driver.result("counts", counts.stream().map(String::valueOf).collect(Collectors.joining(",")));
      Driver.result("actor-node", counter.task(Counter::nodeId).remote().get(60_000));
    });
  }
}
