package dev.jray.cluster.drivers;

import dev.jray.api.PlacementGroups;
import dev.jray.api.Ray;
import dev.jray.api.options.ActorLifetime;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The placement groups of {@code ElasticPlacementGroupIT}, in namespace {@value #NAMESPACE}.
 *
 * <p>{@code elastic}: an elastic STRICT_SPREAD group of at least 2, at most 4 one-CPU bundles;
 * prints its state and reserved bundles once created ({@code RESULT created=...}), waits until it
 * holds 4 (the autoscaler launches nodes for the missing ones), prints the node and pid of a task
 * in each bundle ({@code BUNDLE node:pid}) and {@code GROWN}; then watches the group every 100 ms,
 * printing each change as {@code SEEN STATE:reserved} until, after a drop, it holds 4 again (or 3
 * minutes pass), and {@code RESULT seen=...} with all it saw.
 *
 * <p>{@code detached-create}: a detached group "kept" and a group "dropped" of one CPU each,
 * created; the driver then ends (its job with it). {@code detached-check}: what became of both,
 * then removes "kept".
 */
public final class ElasticDriver {
  static final String NAMESPACE = "elastic-it";

  private ElasticDriver() {}

  public static void main(String[] args) {
    System.setProperty("jray.namespace", NAMESPACE);
    Driver.run("elastic " + args[0], () -> {
      switch (args[0]) {
        case "elastic" -> elastic();
        case "detached-create" -> detachedCreate();
        case "detached-check" -> detachedCheck();
        default -> throw new IllegalArgumentException(args[0]);
      }
    });
  }

  private static String seen(PlacementGroup pg) {
    return pg.getState() + ":" + pg.getReservedBundleIndexes().size();
  }

  private static void elastic() {
    PlacementGroup pg = PlacementGroups.createPlacementGroup(
        new PlacementGroupCreationOptions.Builder().setBundles(PlacementDriver.cpus(4, 1))
            .setMinBundles(2).setStrategy(PlacementStrategy.STRICT_SPREAD).build());
    Driver.check(pg.wait(60), "the elastic group was not created with its minimum in 60 s");
    Driver.result("created", pg.getState() + " " + pg.getReservedBundleIndexes());
    Await.until(Time.SYSTEM, Duration.ofSeconds(180),
        () -> pg.getReservedBundleIndexes().size() == 4);
    Driver.result("grown", pg.getState() + " " + pg.getReservedBundleIndexes());
    Driver.check(pg.getReservedBundleIndexes().size() == 4, "it did not grow to 4 in 3 minutes");
    for (int i = 0; i < 4; i++) {
      String nodeAndPid = Ray.task(Fns::nodeAndPid).setPlacementGroup(pg, i).remote().get(60_000);
      System.out.println("BUNDLE " + nodeAndPid);
    }
    System.out.println("GROWN");
    System.out.flush();

    List<String> seen = new ArrayList<>(List.of(seen(pg)));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    boolean dropped = false;
    while (System.nanoTime() < deadline) {
      String now = seen(pg);
      if (!now.equals(seen.get(seen.size() - 1))) {
        seen.add(now);
        System.out.println("SEEN " + now);
        System.out.flush();
        dropped |= !now.endsWith(":4");
        if (dropped && now.equals("CREATED:4")) {
          break; // regrown on the node launched in place of the one lost
        }
      }
      Time.SYSTEM.park(TimeUnit.MILLISECONDS.toNanos(100));
    }
    Driver.result("seen", String.join(",", seen));
  }

  private static PlacementGroup oneCpu(String name, ActorLifetime lifetime) {
    PlacementGroup pg = PlacementGroups.createPlacementGroup(
        new PlacementGroupCreationOptions.Builder().setName(name)
            .setBundles(PlacementDriver.cpus(1, 1)).setStrategy(PlacementStrategy.PACK)
            .setLifetime(lifetime).build());
    Driver.check(pg.wait(60), name + " was not created in 60 s");
    return pg;
  }

  private static void detachedCreate() {
    Driver.result("kept", oneCpu("kept", ActorLifetime.DETACHED).getId());
    Driver.result("dropped", oneCpu("dropped", ActorLifetime.NON_DETACHED).getId());
  }

  private static void detachedCheck() {
    PlacementGroup kept = PlacementGroups.getPlacementGroup("kept");
    Driver.result("kept", kept == null ? "missing" : kept.getId() + " " + kept.getState()
        + " detached=" + kept.isDetached());
    Driver.result("dropped", PlacementGroups.getAllPlacementGroups().stream()
        .filter(g -> "dropped".equals(g.getName())).map(g -> g.getState().toString())
        .findFirst().orElse("missing"));
    if (kept != null) {
      PlacementGroups.removePlacementGroup(kept.getId());
      Driver.result("kept-after-remove", kept.getState());
    }
  }
}
