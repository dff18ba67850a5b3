package dev.jray.cluster.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.Ray;
import dev.jray.api.options.ActorLifetime;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.time.Duration;
import java.util.Optional;

/**
 * Run with {@code -Djray.namespace=n}. {@code NamedActorDriver create VALUE}: creates the detached
 * actor "keeper" holding VALUE and the non-detached actor "temp", then exits. {@code
 * NamedActorDriver read}: looks both up by name; prints whether each is found and keeper's value,
 * then kills keeper (it is detached: nothing else would end it).
 */
public final class NamedActorDriver {
  public static void main(String[] args) {
    String mode = args[0];
    Driver.run("NamedActorDriver " + mode, () -> {
      Driver.result("namespace", Ray.getRuntimeContext().getNamespace());
      if (mode.equals("create")) {
        ActorHandle<Keeper> keeper = Ray.actor(Keeper::new).setName("keeper")
            .setLifetime(ActorLifetime.DETACHED).remote();
        Driver.result("keeper-set", keeper.task(Keeper::set, args[1]).remote().get(60_000));
        Driver.result("keeper-node", keeper.task(Keeper::nodeId).remote().get(60_000));
        ActorHandle<Keeper> temp = Ray.actor(Keeper::new).setName("temp").remote();
        Driver.result("temp-set", temp.task(Keeper::set, "temporary").remote().get(60_000));
        Driver.result("temp-node", temp.task(Keeper::nodeId).remote().get(60_000));
      } else {
        Optional<ActorHandle<Keeper>> keeper = Ray.getActor("keeper");
        Driver.result("keeper-found", keeper.isPresent());
        if (keeper.isPresent()) {
          Driver.result("keeper-value", keeper.get().task(Keeper::get).remote().get(60_000));
        }
        // The first driver has exited, so its non-detached actor died with its job; allow the
        // cluster a moment to record that, and report how long it took.
        long start = System.currentTimeMillis();
        boolean gone = Await.until(Time.SYSTEM, Duration.ofSeconds(10), () -> Ray.getActor("temp").isEmpty());
        Driver.result("temp-found", !gone);
        Driver.result("temp-gone-after-ms", System.currentTimeMillis() - start);
        Driver.result("keeper-in-other-namespace", Ray.getActor("keeper", "not-" + Ray.getRuntimeContext().getNamespace()).isPresent());
        keeper.ifPresent(ActorHandle::kill);
      }
    });
  }
}
