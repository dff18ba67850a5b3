package dev.jray.cluster.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.options.ActorLifetime;
import java.util.List;
import java.util.Optional;

/**
 * Run with {@code -Djray.namespace=owned}. {@code OwnedPutDriver put RESOURCE}: creates the
 * detached actor "holder" (on the node offering RESOURCE), puts one value owned by the holder
 * ({@code Ray.put(value, holder)}) and one owned by this driver, gives the holder both refs, and
 * exits. {@code OwnedPutDriver read}: has the holder read both ({@code RESULT owned=ok:...},
 * {@code RESULT driver-owned=error:...}: its owner, the first driver, is gone), then kills it.
 */
public final class OwnedPutDriver {
  public static void main(String[] args) {
    String mode = args[0];
    Driver.run("OwnedPutDriver " + mode, () -> {
      if (mode.equals("put")) {
        ActorHandle<RefHolder> holder = Ray.actor(RefHolder::new).setName("holder")
            .setResource(args[1], 0.5).setLifetime(ActorLifetime.DETACHED).remote();
        ObjectRef<String> owned = Ray.put("owned by the holder", holder);
        ObjectRef<String> mine = Ray.put("owned by the first driver");
        Driver.result("owned-here", owned.get(30_000));
        Driver.result("held", holder.task(RefHolder::hold, List.of(owned, mine)).remote()
            .get(60_000));
      } else {
        Optional<ActorHandle<RefHolder>> holder = Ray.getActor("holder");
        Driver.result("holder-found", holder.isPresent());
        if (holder.isPresent()) {
          Driver.result("owned", holder.get().task(RefHolder::read, 0).remote().get(60_000));
          Driver.result("driver-owned", holder.get().task(RefHolder::read, 1).remote().get(60_000));
          holder.get().kill();
        }
      }
    });
  }
}
