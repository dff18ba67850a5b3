package dev.jray.cluster.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.concurrencygroup.ConcurrencyGroupBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code ActorDriver calls resource amount}: creates a {@link Counter} asking for {@code amount}
 * of {@code resource}, calls increment {@code calls} times (the first alone, the rest all at
 * once), prints {@code RESULT counts=1,2,...} and {@code RESULT actor-node=hex}. Then a {@link
 * Rendezvous} on the same resource, with concurrency groups: {@code RESULT met=true,true} when
 * its two "io" calls ran at once; while its default group is busy, a call picked into "io"
 * answers {@code RESULT rendezvous-node=hex} and a call of its "gate" group releases the busy
 * one: {@code RESULT released=true}.
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

      ActorHandle<Rendezvous> r = Ray.actor(Rendezvous::new).setResource(resource, amount)
          .setConcurrencyGroups(new ConcurrencyGroupBuilder<Rendezvous>().setName("io")
              .setMaxConcurrency(2).addMethod(Rendezvous::meet).build())
          .remote();
      ObjectRef<Boolean> first = r.task(Rendezvous::meet).remote();
      ObjectRef<Boolean> second = r.task(Rendezvous::meet).remote();
      Driver.result("met", first.get(120_000) + "," + second.get(120_000));
      ObjectRef<Boolean> busy = r.task(Rendezvous::awaitRelease).remote();
      Driver.result("rendezvous-node",
          r.task(Rendezvous::nodeId).setConcurrencyGroup("io").remote().get(60_000));
      r.task(Rendezvous::release).remote().get(60_000);
      Driver.result("released", busy.get(60_000));
    });
  }
}
