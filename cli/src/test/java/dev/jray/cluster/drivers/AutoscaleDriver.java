package dev.jray.cluster.drivers;

import dev.jray.api.ObjectRef;
import dev.jray.api.PlacementGroups;
import dev.jray.api.Ray;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementStrategy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The work AutoscalerIT gives a cluster that must grow for it. {@code spread N}: a STRICT_SPREAD
 * group of N one-CPU bundles, created within 3 minutes, its bundles' nodes printed. {@code tasks
 * N MS}: N one-CPU tasks of MS each, the nodes that ran them printed. {@code infeasible}: a task
 * no node type can run is submitted and left waiting while the driver prints WAITING and sleeps.
 */
public final class AutoscaleDriver {
  private AutoscaleDriver() {}

  public static void main(String[] args) {
    Driver.run("autoscale " + args[0], () -> {
      switch (args[0]) {
        case "spread" -> {
          int n = Integer.parseInt(args[1]);
          PlacementGroup pg = PlacementDriver.create(PlacementStrategy.STRICT_SPREAD, null,
              PlacementDriver.cpus(n, 1));
          Driver.check(pg.wait(180), "STRICT_SPREAD of " + n + " not created within 3 minutes");
          Driver.result("spread-nodes", String.join(",", PlacementDriver.bundleNodes(pg)));
          PlacementGroups.removePlacementGroup(pg.getId());
        }
        case "tasks" -> {
          int n = Integer.parseInt(args[1]);
          int ms = Integer.parseInt(args[2]);
          List<ObjectRef<String>> refs = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            refs.add(Ray.task(Fns::sleepThenNode, ms).remote());
          }
          List<String> nodes = Ray.get(refs, 300_000);
          Driver.result("ran", nodes.size());
          Driver.result("task-nodes", String.join(",", new HashSet<>(nodes)));
        }
        case "infeasible" -> {
          Ray.task(Fns::nodeId).setResources(Map.of("TPU", 1.0)).remote();
          System.out.println("WAITING");
          System.out.flush();
          Thread.sleep(Long.parseLong(args[1]));
        }
        case "needs" -> Driver.result("node", Ray.task(Fns::nodeId)
            .setResources(Map.of(args[1], 1.0)).remote().get(240_000));
        default -> throw new IllegalArgumentException(args[0]);
      }
    });
  }
}
