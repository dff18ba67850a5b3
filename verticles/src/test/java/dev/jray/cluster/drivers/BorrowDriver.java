package dev.jray.cluster.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import java.lang.ref.WeakReference;
import java.util.List;

/**
 * Hands an actor on another node a ref nested in a list (so the actor keeps the ref, not the
 * value), drops its own ref and lets the GC collect it: the actor must still read the value.
 */
public final class BorrowDriver {
  private BorrowDriver() {}

  /** Keeps refs it was given, reads them later. */
  public static final class Holder {
    private List<ObjectRef<String>> kept = List.of();

    public int keep(List<ObjectRef<String>> refs) {
      kept = refs;
      return refs.size();
    }

    public String read() {
      return kept.get(0).get(30_000);
    }
  }

  public static void main(String[] args) {
    Driver.run("borrow", () -> {
      ActorHandle<Holder> holder = Ray.actor(Holder::new).setResource("GPUX", 0.1).remote();
      ObjectRef<String> ref = Ray.put("kept alive by its borrower");
      holder.task(Holder::keep, List.of(ref)).remote().get();
      WeakReference<ObjectRef<String>> gone = new WeakReference<>(ref);
      ref = null;
      for (int i = 0; i < 50 && gone.get() != null; i++) {
        System.gc();
        Thread.sleep(20); // the driver's own ref must be collected (its Cleaner runs then)
      }
      Driver.check(gone.get() == null, "the driver's ref was not collected");
      Thread.sleep(500); // give the Cleaner time to release the driver's own count
      Driver.result("read", holder.task(Holder::read).remote().get(60_000));
    });
  }
}
