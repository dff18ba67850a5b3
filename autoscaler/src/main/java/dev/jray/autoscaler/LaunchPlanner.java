package dev.jray.autoscaler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which nodes to launch for the pending demand, as Ray's resource demand scheduler: the fewest
 * nodes that hold it. The demand is packed first-fit decreasing into the room the running and
 * launching nodes have, then into new nodes, each of the smallest node type that holds the next
 * shape, within each type's {@code max_workers} and the cluster's; a STRICT_SPREAD group's
 * bundles each go to a node of their own, a STRICT_PACK group's to one node. Types below their
 * {@code min_workers} are topped up first. A shape no node type holds is infeasible: it launches
 * nothing and is reported.
 *
 * <p>Stateless and pure: called by the leader's autoscaler with a snapshot of the cluster.
 */
public final class LaunchPlanner {
  private LaunchPlanner() {}

  /**
   * A node the planner may place demand on.
   *
   * @param type its node type's name (null: a node no type describes, started by hand)
   * @param available its room now; a launching node's is its type's whole resources
   * @param head whether it is the head (not counted among the workers)
   */
  public record Node(String id, String type, Map<String, Double> available, boolean head) {
    public Node {
      Objects.requireNonNull(id, "id");
      available = Map.copyOf(available);
    }
  }

  /**
   * The decision.
   *
   * @param launch how many nodes of each type to launch, in the YAML's order
   * @param infeasible shapes no node type holds, as text
   * @param capped shapes that need a node beyond {@code max_workers}, as text
   */
  public record Plan(Map<String, Integer> launch, List<String> infeasible, List<String> capped) {
    public Plan {
      launch = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(launch));
      infeasible = List.copyOf(infeasible);
      capped = List.copyOf(capped);
    }

    /** Nodes to launch in all. */
    public int total() {
      return launch.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /** Where the plan places demand: running, launching and planned nodes. */
  private static final class Bin {
    final String id;
    final String type;
    Map<String, Double> room;

    Bin(String id, String type, Map<String, Double> room) {
      this.id = id;
      this.type = type;
      this.room = room;
    }
  }

  /**
   * @param nodes the running and launching nodes (launching ones with their type's resources)
   */
  public static Plan plan(ClusterSpec spec, List<Node> nodes, List<Demand> demand) {
    List<Bin> bins = new ArrayList<>();
    Map<String, Integer> workers = new HashMap<>();
    for (Node n : nodes) {
      bins.add(new Bin(n.id(), n.type(), new HashMap<>(n.available())));
      if (!n.head() && n.type() != null) {
        workers.merge(n.type(), 1, Integer::sum);
      }
    }
    Planning p = new Planning(spec, bins, workers);
    for (NodeType t : spec.nodeTypes().values()) {
      while (p.workersOf(t) < t.minWorkers() && p.hasRoomFor(t)) {
        p.launch(t);
      }
    }
    List<Demand.Shape> shapes = new ArrayList<>();
    for (Demand d : demand) {
      if (d instanceof Demand.Group g) {
        p.placeGroup(g, shapes);
      } else {
        shapes.add((Demand.Shape) d);
      }
    }
    shapes.sort(Comparator.comparingDouble((Demand.Shape s) -> Shapes.size(s.resources()))
        .reversed());
    for (Demand.Shape s : shapes) {
      for (int i = 0; i < s.count(); i++) {
        if (!p.place(s.resources(), Set.of())) {
          break; // the rest of this shape fares the same
        }
      }
    }
    return p.plan();
  }

  /** One planning pass's state. */
  private static final class Planning {
    final ClusterSpec spec;
    final List<Bin> bins;
    final Map<String, Integer> workers;
    final Map<String, Integer> launch = new LinkedHashMap<>();
    final List<String> infeasible = new ArrayList<>();
    final List<String> capped = new ArrayList<>();
    int planned;

    Planning(ClusterSpec spec, List<Bin> bins, Map<String, Integer> workers) {
      this.spec = spec;
      this.bins = bins;
      this.workers = workers;
    }

    int workersOf(NodeType t) {
      return workers.getOrDefault(t.name(), 0);
    }

    boolean hasRoomFor(NodeType t) {
      int all = workers.values().stream().mapToInt(Integer::intValue).sum();
      return workersOf(t) < t.maxWorkers() && all < spec.maxWorkers();
    }

    Bin launch(NodeType t) {
      workers.merge(t.name(), 1, Integer::sum);
      launch.merge(t.name(), 1, Integer::sum);
      Bin b = new Bin("planned-" + (++planned), t.name(), new HashMap<>(t.resources()));
      bins.add(b);
      return b;
    }

    /** A group's bundles: STRICT_SPREAD one node each, STRICT_PACK all on one, else shapes. */
    void placeGroup(Demand.Group g, List<Demand.Shape> shapes) {
      switch (g.strategy()) {
        case "STRICT_PACK" -> {
          Map<String, Double> all = Map.of();
          for (Map<String, Double> b : g.bundles()) {
            all = Shapes.plus(all, b);
          }
          if (!all.isEmpty()) {
            place(all, Set.of());
          }
        }
        case "STRICT_SPREAD" -> {
          Set<String> used = new HashSet<>(g.holders());
          List<Map<String, Double>> bundles = new ArrayList<>(g.bundles());
          bundles.sort(Comparator.comparingDouble(Shapes::size).reversed());
          for (Map<String, Double> b : bundles) {
            Bin at = placeOn(b, used);
            if (at == null) {
              return;
            }
            used.add(at.id);
          }
        }
        default -> g.bundles().forEach(b -> shapes.add(new Demand.Shape(b, 1)));
      }
    }

    boolean place(Map<String, Double> shape, Set<String> avoid) {
      return placeOn(shape, avoid) != null;
    }

    /** First fit into the bins not in {@code avoid}, else a new node; null if neither. */
    Bin placeOn(Map<String, Double> shape, Set<String> avoid) {
      for (Bin b : bins) {
        if (!avoid.contains(b.id) && Shapes.fits(shape, b.room)) {
          b.room = Shapes.minus(b.room, shape);
          return b;
        }
      }
      NodeType best = null;
      boolean anyFits = false;
      for (NodeType t : spec.nodeTypes().values()) {
        if (t.fits(shape)) {
          anyFits = true;
          if (hasRoomFor(t) && (best == null
              || Shapes.size(t.resources()) < Shapes.size(best.resources()))) {
            best = t;
          }
        }
      }
      if (best == null) {
        String text = new java.util.TreeMap<>(shape).toString();
        List<String> into = anyFits ? capped : infeasible;
        if (!into.contains(text)) {
          into.add(text);
        }
        return null;
      }
      Bin b = launch(best);
      b.room = Shapes.minus(b.room, shape);
      return b;
    }

    Plan plan() {
      Map<String, Integer> ordered = new LinkedHashMap<>();
      for (String type : spec.nodeTypes().keySet()) {
        if (launch.containsKey(type)) {
          ordered.put(type, launch.get(type));
        }
      }
      return new Plan(ordered, infeasible, capped);
    }
  }
}
