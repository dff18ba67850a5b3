package dev.jray.chaos.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.PlacementGroups;
import dev.jray.api.Ray;
import dev.jray.api.options.ActorLifetime;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.chaos.ChaosDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Records in every GCS table, read back through the public API after the test broke the cluster.
 * {@code create N M goFile}: N named detached actors and M named placement groups, all on the
 * head's {@code HEADONLY} resource (so no actor or bundle dies with a worker); says {@code STEP
 * created}, waits for {@code goFile}, then checks them all and reports. {@code check N M
 * expectedCount}: a later driver checks the same records by name.
 */
public final class RecordsDriver {
  private RecordsDriver() {}

  /** An actor that counts its calls. */
  public static final class Tally {
    private int count;

    public int add() {
      return ++count;
    }
  }

  static String actorName(int i) {
    return "records-actor-" + i;
  }

  static String groupName(int i) {
    return "records-group-" + i;
  }

  public static void main(String[] args) {
    int actors = Integer.parseInt(args[1]);
    int groups = Integer.parseInt(args[2]);
    ChaosDriver.run("RecordsDriver " + args[0], () -> {
      if (args[0].equals("create")) {
        create(actors, groups);
        ChaosDriver.step("created");
        ChaosDriver.awaitGo(Path.of(args[3]), Duration.ofMinutes(10));
        check(actors, groups, 3);
      } else {
        check(actors, groups, Integer.parseInt(args[3]));
      }
    });
  }

  private static void create(int actors, int groups) {
    List<ActorHandle<Tally>> handles = new ArrayList<>();
    for (int i = 0; i < actors; i++) {
      handles.add(Ray.actor(Tally::new).setName(actorName(i)).setLifetime(ActorLifetime.DETACHED)
          .setResource("HEADONLY", 1.0).remote());
    }
    for (ActorHandle<Tally> h : handles) {
      ChaosDriver.check(h.task(Tally::add).remote().get(60_000) == 1, "a new actor's first count");
    }
    List<PlacementGroup> created = new ArrayList<>();
    for (int i = 0; i < groups; i++) {
      created.add(PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions.Builder()
          .setName(groupName(i)).setStrategy(PlacementStrategy.PACK)
          .setBundles(List.of(Map.of("HEADONLY", 1.0))).build()));
    }
    for (PlacementGroup g : created) {
      ChaosDriver.check(g.wait(60), "placement group " + g.getName() + " was not created in 60 s");
    }
    ChaosDriver.result("created", actors + "/" + groups);
  }

  /** Every actor answers by name with the expected count; every group is CREATED by name. */
  private static void check(int actors, int groups, int expectedCount) {
    int answered = 0;
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < actors; i++) {
      Optional<ActorHandle<Tally>> h = Ray.getActor(actorName(i));
      if (h.isEmpty()) {
        problems.add(actorName(i) + " is not found by name");
        continue;
      }
      int count = h.get().task(Tally::add).remote().get(60_000);
      if (count == expectedCount) {
        answered++;
      } else {
        problems.add(actorName(i) + " counted " + count + ", not " + expectedCount);
      }
    }
    int found = 0;
    for (int i = 0; i < groups; i++) {
      PlacementGroup g = PlacementGroups.getPlacementGroup(groupName(i));
      if (g != null && g.getState() == PlacementGroupState.CREATED) {
        found++;
      } else {
        problems.add(groupName(i) + (g == null ? " is not found by name" : " is " + g.getState()));
      }
    }
    ChaosDriver.result("actors-answered", answered);
    ChaosDriver.result("groups-created", found);
    ChaosDriver.result("problems", problems.isEmpty() ? "none"
        : problems.size() + ": " + String.join("; ", problems.subList(0, Math.min(10, problems.size()))));
  }
}
