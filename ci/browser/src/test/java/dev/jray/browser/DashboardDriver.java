package dev.jray.browser;

import dev.jray.api.ActorHandle;
import dev.jray.api.PlacementGroups;
import dev.jray.api.Ray;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementStrategy;
import java.util.List;
import java.util.Map;

/**
 * A driver that gives the dashboard something to show: the named actor {@link #ACTOR} (called
 * once, so it is ALIVE) and the placement group {@link #GROUP} (placed), then prints {@link
 * #READY} and stays until the test ends it, as its job's actors and groups end with it.
 */
public final class DashboardDriver {
  static final String ACTOR = "dash-actor";
  static final String GROUP = "dash-pg";
  static final String READY = "DASHBOARD_DRIVER_READY";

  public static void main(String[] args) throws Exception {
    Ray.init();
    ActorHandle<DashCounter> counter = Ray.actor(DashCounter::new).setName(ACTOR).remote();
    if (counter.task(DashCounter::increment).remote().get(60_000) != 1) {
      throw new AssertionError("the actor did not count");
    }
    PlacementGroup group = PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions
        .Builder().setBundles(List.of(Map.of("CPU", 1.0))).setStrategy(PlacementStrategy.PACK)
        .setName(GROUP).build());
    if (!group.wait(60)) {
      throw new AssertionError("the placement group was not placed within 60 s");
    }
    System.out.println(READY);
    System.out.flush();
    Thread.sleep(15 * 60_000L); // until the test ends this JVM
  }
}
