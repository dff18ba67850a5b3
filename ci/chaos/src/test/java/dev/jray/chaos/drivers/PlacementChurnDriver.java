package dev.jray.chaos.drivers;

import dev.jray.api.PlacementGroups;
import dev.jray.api.exception.RayException;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.chaos.ChaosDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * {@code PlacementChurnDriver stopFile}: creates and removes placement groups of two bundles of
 * {@code PGW:4} (SPREAD: each fills one of the two workers) without pause, several in flight at
 * once, so that the placement leader is always placing one; says {@code STEP started}
 * after the first round, goes on until {@code stopFile} appears (the test killed the leader
 * meanwhile), then removes every group it made and reports how many were created.
 */
public final class PlacementChurnDriver {
  private static final int IN_FLIGHT = 4;

  private PlacementChurnDriver() {}

  public static void main(String[] args) {
    Path stop = Path.of(args[0]);
    ChaosDriver.run("PlacementChurnDriver", () -> {
      List<PlacementGroup> all = new ArrayList<>();
      int created = 0;
      int round = 0;
      while (!Files.exists(stop)) {
        List<PlacementGroup> batch = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
          batch.add(PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions.Builder()
              .setStrategy(PlacementStrategy.SPREAD)
              .setBundles(Collections.nCopies(2, Map.of("PGW", 4.0))).build()));
        }
        all.addAll(batch);
        for (PlacementGroup g : batch) {
          long t0 = System.nanoTime();
          boolean made = g.wait(60);
          if (made) {
            created++;
          }
          long t1 = System.nanoTime();
          remove(g); // each group fills the workers: the next one fits once this one is gone
          if (!made || System.nanoTime() - t0 > 10_000_000_000L) { // slow: say what happened
            System.err.println(java.time.LocalTime.now() + " group " + g.getId() + " created "
                + made + " after " + (t1 - t0) / 1_000_000 + " ms, removed after "
                + (System.nanoTime() - t1) / 1_000_000 + " ms, now " + g.getState());
          }
        }
        if (++round == 1) {
          ChaosDriver.step("started");
        }
      }
      for (PlacementGroup g : all) {
        try {
          PlacementGroups.removePlacementGroup(g.getId());
        } catch (RayException | IllegalArgumentException alreadyGone) {
          // removed above
        }
      }
      ChaosDriver.result("created", created);
      ChaosDriver.result("groups", all.size());
      ChaosDriver.step("removed");
    });
  }

  /** Removes a group; a failure is printed (the client itself asks again through a leader change). */
  private static void remove(PlacementGroup g) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      try {
        PlacementGroups.removePlacementGroup(g.getId());
        return;
      } catch (RayException leaderGone) {
        System.err.println("removing " + g.getId() + ": " + leaderGone);
        if (System.nanoTime() > deadline) {
          return; // removed again at the end
        }
        Thread.sleep(500);
      }
    }
  }
}
