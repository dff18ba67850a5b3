package dev.jray.cluster.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.PlacementGroups;
import dev.jray.api.Ray;
import dev.jray.api.exception.RayException;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code PlacementDriver <scenario> [args]}: placement groups on a real cluster of 2-CPU nodes,
 * each scenario printing what it saw as {@code RESULT} lines for {@code PlacementGroupIT}. Node
 * placement is read from actors pinned to each bundle ({@link Keeper#nodeId()}).
 */
public final class PlacementDriver {
  public static void main(String[] args) {
    String scenario = args[0];
    Driver.run("PlacementDriver " + scenario, () -> {
      switch (scenario) {
        case "acceptance" -> acceptance();
        case "strategies" -> strategies();
        case "reserved" -> reserved();
        case "concurrent" -> concurrent(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        case "pending" -> pending(Integer.parseInt(args[1]));
        case "reschedule" -> reschedule(Integer.parseInt(args[1]), Path.of(args[2]));
        default -> throw new IllegalArgumentException("unknown scenario " + scenario);
      }
    });
  }

  static PlacementGroup create(PlacementStrategy strategy, String name, List<Map<String, Double>> bundles) {
    return PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions.Builder()
        .setBundles(bundles).setStrategy(strategy).setName(name).build());
  }

  static List<Map<String, Double>> cpus(int n, double each) {
    return Collections.nCopies(n, Map.of("CPU", each));
  }

  /** The node of each bundle, read from an actor pinned to it. */
  static List<String> bundleNodes(PlacementGroup pg) {
    List<ObjectRef<String>> refs = new ArrayList<>();
    for (int i = 0; i < pg.getBundles().size(); i++) {
      ActorHandle<Keeper> a = Ray.actor(Keeper::new).setPlacementGroup(pg, i).remote();
      refs.add(a.task(Keeper::nodeId).remote());
    }
    return Ray.get(refs, 60_000);
  }

  private static void acceptance() {
    PlacementGroup pg = create(PlacementStrategy.PACK, "pg1", cpus(2, 1));
    Driver.result("wait", pg.wait(60));
    Driver.result("name", pg.getName());
    ActorHandle<Keeper> inBundle0 = Ray.actor(Keeper::new).setPlacementGroup(pg, 0).remote();
    ActorHandle<Keeper> anyBundle = Ray.actor(Keeper::new).setPlacementGroup(pg).remote();
    Driver.result("bundle0-answers", inBundle0.task(Keeper::nodeId).remote().get(60_000) != null);
    Driver.result("any-answers", anyBundle.task(Keeper::nodeId).remote().get(60_000) != null);
    PlacementGroup byName = PlacementGroups.getPlacementGroup("pg1");
    PlacementGroup byId = PlacementGroups.getPlacementGroup(pg.getId());
    Driver.result("lookups-agree", byName.getId().equals(byId.getId()) && byId.getId().equals(pg.getId())
        && byName.getBundles().equals(byId.getBundles()) && "pg1".equals(byId.getName()));
    PlacementGroups.removePlacementGroup(pg.getId());
    Driver.result("state-after-remove", pg.getState());
    try {
      pg.wait(5);
      Driver.result("wait-after-remove", "returned");
    } catch (RayException e) {
      Driver.result("wait-after-remove", "threw");
    }
  }

  private static void strategies() {
    placed("strict-spread", PlacementStrategy.STRICT_SPREAD, cpus(3, 1));
    placed("strict-pack", PlacementStrategy.STRICT_PACK, cpus(2, 1));
    // 3 CPUs cannot fit on one 2-CPU node: PACK spans as few nodes as it can (2)
    placed("pack", PlacementStrategy.PACK, cpus(3, 1));
    placed("spread", PlacementStrategy.SPREAD, cpus(3, 0.5));
    // 4 bundles of 1 CPU over 3 two-CPU nodes: SPREAD still places them, reusing one node
    placed("spread4", PlacementStrategy.SPREAD, cpus(4, 1));
  }

  /** Creates a group, prints the node of each bundle as RESULT {@code key}, removes it. */
  private static void placed(String key, PlacementStrategy strategy, List<Map<String, Double>> bundles) {
    PlacementGroup pg = create(strategy, null, bundles);
    Driver.check(pg.wait(60), key + ": " + strategy + " of " + bundles.size() + " not created");
    Driver.result(key, String.join(",", bundleNodes(pg)));
    PlacementGroups.removePlacementGroup(pg.getId());
  }

  private static void reserved() {
    PlacementGroup all = create(PlacementStrategy.STRICT_PACK, null, cpus(1, 2));
    Driver.check(all.wait(60), "a group of one node's 2 CPUs was not created");
    String reservedNode = bundleNodes(all).get(0);
    Driver.result("reserved-node", reservedNode);
    List<ObjectRef<String>> plain = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      plain.add(Ray.task(Fns::sleepThenNode, 200).remote());
    }
    Driver.result("plain-nodes", String.join(",", new HashSet<>(Ray.get(plain, 120_000))));
    Driver.result("in-group-node", Ray.task(Fns::nodeId).setPlacementGroup(all, 0).remote().get(60_000));

    PlacementGroup impossible = create(PlacementStrategy.PACK, null, List.of(Map.of("CPU", 1.0, "NOWHERE", 1.0)));
    Driver.result("impossible-wait5", impossible.wait(5));
    ObjectRef<String> waiting = Ray.task(Fns::nodeId).setPlacementGroup(impossible).remote();
    Driver.result("outside-task-runs", Ray.task(Fns::nodeId).remote().get(60_000) != null);
    Driver.result("in-impossible-ready", !Ray.wait(List.of(waiting), 1, 2_000).getReady().isEmpty());
    PlacementGroups.removePlacementGroup(impossible.getId());
    PlacementGroups.removePlacementGroup(all.getId());
  }

  /**
   * Creates {@code n} one-CPU groups from 8 threads at once; counts how many are created once
   * {@code room} of them (the cluster's CPUs) are, or a minute passed.
   */
  private static void concurrent(int n, int room) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<PlacementGroup>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fs.add(pool.submit(() -> create(PlacementStrategy.PACK, null, cpus(1, 1))));
    }
    List<PlacementGroup> groups = new ArrayList<>();
    for (Future<PlacementGroup> f : fs) {
      groups.add(f.get());
    }
    pool.shutdown();
    Await.until(Time.SYSTEM, Duration.ofSeconds(60), () -> created(groups).size() >= room); // the test checks the count
    List<PlacementGroup> created = created(groups);
    Driver.result("created", created.size());
    Map<String, Integer> perNode = new java.util.TreeMap<>();
    for (PlacementGroup g : created) {
      perNode.merge(bundleNodes(g).get(0), 1, Integer::sum);
    }
    Driver.result("max-per-node", perNode.values().stream().mapToInt(Integer::intValue).max().orElse(0));
    for (PlacementGroup g : created) {
      PlacementGroups.removePlacementGroup(g.getId());
    }
    int later = 0;
    for (PlacementGroup g : groups) {
      if (!created.contains(g) && g.wait(60)) {
        later++;
      }
    }
    Driver.result("created-after-removal", later);
    for (PlacementGroup g : groups) {
      PlacementGroups.removePlacementGroup(g.getId());
    }
  }

  private static List<PlacementGroup> created(List<PlacementGroup> groups) {
    return groups.stream().filter(g -> g.getState() == PlacementGroupState.CREATED).toList();
  }

  /** STRICT_SPREAD over more bundles than nodes: pending until enough nodes joined. */
  private static void pending(int bundles) {
    PlacementGroup pg = create(PlacementStrategy.STRICT_SPREAD, "spread" + bundles, cpus(bundles, 1));
    Driver.result("wait5", pg.wait(5));
    Driver.result("state-while-pending", pg.getState());
    System.out.println("PENDING");
    System.out.flush();
    Driver.result("wait-later", pg.wait(180));
    Driver.result("nodes", String.join(",", bundleNodes(pg)));
    PlacementGroups.removePlacementGroup(pg.getId());
  }

  /**
   * A STRICT_SPREAD group of one bundle per node with a restartable actor in each; prints each
   * bundle's node and READY, then waits for {@code killedFlag} (the test kills a worker and
   * writes it): the group must go RESCHEDULING (fewer nodes than bundles now; prints
   * RESCHEDULING), and once the test adds a node, CREATED again with the lost bundle's actor
   * restarted there.
   */
  private static void reschedule(int bundles, Path killedFlag) throws Exception {
    PlacementGroup pg = create(PlacementStrategy.STRICT_SPREAD, "resched", cpus(bundles, 1));
    Driver.check(pg.wait(60), "the group was not created");
    List<ActorHandle<Keeper>> actors = new ArrayList<>();
    List<ObjectRef<String>> nodes = new ArrayList<>();
    for (int i = 0; i < bundles; i++) {
      ActorHandle<Keeper> a = Ray.actor(Keeper::new).setPlacementGroup(pg, i).setMaxRestarts(-1).remote();
      actors.add(a);
      nodes.add(a.task(Keeper::nodeId).remote());
    }
    Driver.result("before", String.join(",", Ray.get(nodes, 60_000)));
    System.out.println("READY");
    System.out.flush();
    Await.until("the test says it killed a worker", Duration.ofSeconds(120), () -> Files.exists(killedFlag));
    Await.until(Time.SYSTEM, Duration.ofSeconds(30), () -> pg.getState() == PlacementGroupState.RESCHEDULING);
    Driver.result("state-after-kill", pg.getState());
    System.out.println("RESCHEDULING");
    System.out.flush();
    Driver.result("wait-after", pg.wait(180));
    List<String> after = new ArrayList<>();
    for (ActorHandle<Keeper> a : actors) {
      after.add(Driver.callWhileRestarting(() -> a.task(Keeper::nodeId).remote(), 120_000));
    }
    Driver.result("after", String.join(",", after));
    PlacementGroups.removePlacementGroup(pg.getId());
  }
}
