package dev.jray.browser;

import dev.jray.api.ActorHandle;
import dev.jray.api.PlacementGroups;
import dev.jray.api.Ray;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.api.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A driver that gives the dashboard something to show: three named actors {@link #ACTOR}-0..2
 * (each called once, so ALIVE), the placement group {@link #GROUP} (placed) and {@link
 * #PENDING_GROUP} (64 CPUs: no node has them, so it stays PENDING), then runs short tasks without
 * end (for the tasks chart), prints {@link #READY} and goes on until the test ends it.
 */
public final class DashboardDriver {
  static final String ACTOR = "dash-actor";
  static final String GROUP = "dash-pg";
  static final String PENDING_GROUP = "dash-pg-pending";
  static final int ACTORS = 3;
  static final String READY = "DASHBOARD_DRIVER_READY";

  public static void main(String[] args) throws Exception {
    Ray.init();
    for (int i = 0; i < ACTORS; i++) {
      ActorHandle<DashCounter> counter = Ray.actor(DashCounter::new).setName(ACTOR + "-" + i)
          .remote();
      if (counter.task(DashCounter::increment).remote().get(60_000) != 1) {
        throw new AssertionError("the actor did not count");
      }
    }
    PlacementGroup group = PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions
        .Builder().setBundles(List.of(Map.of("CPU", 1.0))).setStrategy(PlacementStrategy.PACK)
        .setName(GROUP).build());
    if (!group.wait(60)) {
      throw new AssertionError("the placement group was not placed within 60 s");
    }
    PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions.Builder()
        .setBundles(List.of(Map.of("CPU", 64.0))).setStrategy(PlacementStrategy.PACK)
        .setName(PENDING_GROUP).build());
    System.out.println(READY);
    System.out.flush();
    long end = System.nanoTime() + 15 * 60_000_000_000L; // the test ends this JVM before
    while (System.nanoTime() < end) {
      List<ObjectRef<Integer>> batch = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        batch.add(Ray.task(DashCounter::work, i).remote());
      }
      Ray.get(batch);
    }
  }
}
