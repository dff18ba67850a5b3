package dev.jray.cluster.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.gcs.time.Await;
import java.lang.ref.WeakReference;
import java.time.Duration;
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

  /** Puts a value on the node this runs on and returns only a ref to it, inside a list. */
  public static List<ObjectRef<String>> makeRef() {
    return List.of(Ray.put("owned by the worker that made it"));
  }

  /** Collects garbage on the node this runs on: the ref made by makeRef() there is gone. */
  public static boolean collect() throws InterruptedException {
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return true;
  }

  public static void main(String[] args) {
    Driver.run("borrow", () -> {
      ActorHandle<Holder> holder = Ray.actor(Holder::new).setResource("GPUX", 0.1).remote();
      ObjectRef<String> ref = Ray.put("kept alive by its borrower");
      holder.task(Holder::keep, List.of(ref)).remote().get();
      WeakReference<ObjectRef<String>> gone = new WeakReference<>(ref);
      ref = null;
      // the driver's own ref must be collected (its Cleaner runs then)
      Await.until("the driver's ref is collected", Duration.ofSeconds(10), () -> {
        System.gc();
        return gone.get() == null;
      });
      Thread.sleep(500); // give the Cleaner time to release the driver's own count
      Driver.result("read", holder.task(Holder::read).remote().get(60_000));

      // refs returned inside a value live as long as the value, whichever node owns them
      List<ObjectRef<String>> made = Ray.task(BorrowDriver::makeRef).setResource("GPUX", 0.1).remote().get();
      Ray.task(BorrowDriver::collect).setResource("GPUX", 0.1).remote().get();
      Driver.result("returned", made.get(0).get(60_000));
    });
  }
}
