package dev.jray.cluster.drivers;

import dev.jray.api.concurrencygroup.annotations.DefConcurrencyGroup;
import dev.jray.api.concurrencygroup.annotations.UseConcurrencyGroup;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An actor whose calls can only succeed when they run at once: {@link #meet} waits for a second
 * {@code meet}, {@link #awaitRelease} (in the default group) for {@link #release} (in the "gate"
 * group declared here); the driver gives it an "io" group for {@code meet}.
 */
@DefConcurrencyGroup(name = "gate", maxConcurrency = 1)
public class Rendezvous {
  private final CyclicBarrier pair = new CyclicBarrier(2);
  private final CountDownLatch released = new CountDownLatch(1);

  public boolean meet() throws Exception {
    try {
      pair.await(60, TimeUnit.SECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  public boolean awaitRelease() throws InterruptedException {
    return released.await(60, TimeUnit.SECONDS);
  }

  @UseConcurrencyGroup(name = "gate")
  public int release() {
    released.countDown();
    return 1;
  }

  public long pid() {
    return ProcessHandle.current().pid();
  }

  public String nodeId() {
    return dev.jray.api.Ray.getRuntimeContext().getCurrentNodeId().toHex();
  }
}
