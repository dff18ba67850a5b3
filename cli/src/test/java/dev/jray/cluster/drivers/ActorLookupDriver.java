package dev.jray.cluster.drivers;

import dev.jray.api.Ray;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.time.Duration;

/**
 * {@code ActorLookupDriver NAME}, run with {@code -Djray.namespace}: waits up to 30 s for the
 * named actor to be gone and prints {@code RESULT found=true|false}.
 */
public final class ActorLookupDriver {
  public static void main(String[] args) {
    String name = args[0];
    Driver.run("ActorLookupDriver", () -> {
      boolean gone = Await.until(Time.SYSTEM, Duration.ofSeconds(30), () -> Ray.getActor(name).isEmpty());
      Driver.result("found", !gone);
    });
  }
}
