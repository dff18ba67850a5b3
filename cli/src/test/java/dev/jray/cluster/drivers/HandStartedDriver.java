package dev.jray.cluster.drivers;

import dev.jray.gcs.time.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code HandStartedDriver releaseFile}: a driver started by hand (not submitted): joins, prints
 * {@code RESULT up=true}, and stays until {@code releaseFile} exists (at most 5 minutes).
 */
public final class HandStartedDriver {
  public static void main(String[] args) {
    Path release = Path.of(args[0]);
    Driver.run("HandStartedDriver", () -> {
      Driver.result("up", true);
      Await.until("the test to release the driver", Duration.ofMinutes(5), () -> Files.exists(release));
    });
  }
}
