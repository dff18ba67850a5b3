package dev.jray.cluster.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Puts an actor that may restart once and a long task on the node holding resource W2, says
 * READY, waits until the test has killed that node (the file named by args[0] appears), then
 * checks that the actor answers again, restarted elsewhere, and the task's result arrives.
 */
public final class SurvivorDriver {
  private SurvivorDriver() {}

  /** A counter that says where it runs and whether it was restarted. */
  public static final class Tally {
    private int count;

    public String add() {
      count++;
      return count + "/" + Ray.getRuntimeContext().getCurrentNodeId().toHex() + "/"
          + Ray.getRuntimeContext().wasCurrentActorRestarted();
    }
  }

  /** Sleeps long enough for its node to be killed under it, then says where it finished. */
  public static String slow() throws InterruptedException {
    Thread.sleep(8_000);
    return Ray.getRuntimeContext().getCurrentNodeId().toHex();
  }

  public static void main(String[] args) {
    Path killed = Path.of(args[0]);
    Driver.run("survivor", () -> {
      ActorHandle<Tally> tally = Ray.actor(Tally::new).setResource("W2", 0.5).setMaxRestarts(1).remote();
      tally.task(Tally::add).remote().get();
      Driver.result("before", tally.task(Tally::add).remote().get());
      ObjectRef<String> slow = Ray.task(SurvivorDriver::slow).setResource("W2", 0.5).remote();
      System.out.println("READY");
      System.out.flush();
      // the test kills the node, then creates the file
      Await.until(Time.SYSTEM, Duration.ofSeconds(60), () -> Files.exists(killed));
      Driver.result("after", Driver.callWhileRestarting(() -> tally.task(Tally::add).remote(),
          90_000));
      Driver.result("slow-node", slow.get(90_000));
    });
  }
}
