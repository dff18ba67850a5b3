package dev.jray.placement;

import dev.jray.api.id.PlacementGroupId;
import dev.jray.gcs.PlacementGroupRecord;
import java.util.Collection;
import dev.jray.api.id.UniqueId;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.resources.ResourceSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the nodes for a placement group's bundles under its strategy, from what each node has
 * available now. Pure: it reserves nothing (the two-phase reservation does).
 *
 * <ul>
 *   <li>STRICT_PACK: every bundle on one node, the one left with the least room (best fit, so
 *       big nodes stay free for big groups).
 *   <li>PACK: one node if any can hold the lot; else the fewest nodes, filling the roomiest
 *       first.
 *   <li>STRICT_SPREAD: every bundle on a different node (a search, so that a placement is found
 *       whenever one exists among the nodes' current room).
 *   <li>SPREAD: each bundle on the node holding fewest of the group's bundles so far, the
 *       roomiest among those.
 * </ul>
 *
 * <p>An elastic group ({@link #placeSome}) places as many of its unplaced bundles as fit now,
 * lowest indexes first, as long as that brings it to its minimum.
 */
public final class PlacementPolicy {
  /** Give up a STRICT_SPREAD search after this many steps (groups are small in practice). */
  private static final int MAX_SEARCH_STEPS = 100_000;

  /** A node that can take bundles, and its resources available now. */
  public record Candidate(UniqueId nodeId, ResourceSet available) {}

  private PlacementPolicy() {}

  /**
   * @param bundles every bundle of the group
   * @param placed the node of each bundle already placed (kept as is), null for those to place
   * @param candidates the live nodes that run tasks
   * @return the node of every bundle, or empty if the group cannot be placed now
   */
  public static Optional<List<UniqueId>> place(List<ResourceSet> bundles,
      PlacementStrategy strategy, List<UniqueId> placed, List<Candidate> candidates) {
    if (bundles.size() != placed.size()) {
      throw new IllegalArgumentException(bundles.size() + " bundles but " + placed.size() + " placements");
    }
    Map<UniqueId, ResourceSet> room = new LinkedHashMap<>();
    candidates.forEach(c -> room.put(c.nodeId(), c.available()));
    List<Integer> todo = new ArrayList<>();
    for (int i = 0; i < bundles.size(); i++) {
      if (placed.get(i) == null) {
        todo.add(i);
      }
    }
    // biggest first: the hard ones choose while there is most choice
    todo.sort(Comparator.comparingDouble((Integer i) -> weight(bundles.get(i))).reversed());
    List<UniqueId> result = new ArrayList<>(placed);
    boolean ok = switch (strategy) {
      case STRICT_PACK -> strictPack(bundles, todo, placed, room, result);
      case PACK -> strictPack(bundles, todo, placed, room, result) || pack(bundles, todo, room, result);
      case STRICT_SPREAD -> strictSpread(bundles, todo, 0, room, result, new int[] {0});
      case SPREAD -> spread(bundles, todo, room, result);
      // creation refuses it (PlacementGroupCreationOptions), so no group of the GCS has it
      case UNRECOGNIZED -> throw new IllegalArgumentException("placement strategy UNRECOGNIZED"
          + " is not a strategy");
    };
    return ok ? Optional.of(result) : Optional.empty();
  }

  /**
   * For a group that needs only {@code minReserved} of its bundles reserved (an elastic one): the
   * most of its unplaced bundles that can be placed now beside the placed ones, trying the lowest
   * indexes first (all unplaced, then all but the highest, ...), as long as at least {@code
   * minReserved} are then reserved and at least one more than now. With {@code minReserved} equal
   * to the bundle count this is {@link #place}.
   *
   * @param placed the node of each bundle already placed (kept as is), null for the others
   * @return the node of every bundle, null for those left unplaced; or empty if no such placement
   *     exists now
   */
  public static Optional<List<UniqueId>> placeSome(List<ResourceSet> bundles,
      PlacementStrategy strategy, List<UniqueId> placed, int minReserved,
      List<Candidate> candidates) {
    if (bundles.size() != placed.size()) {
      throw new IllegalArgumentException(bundles.size() + " bundles but " + placed.size() + " placements");
    }
    List<Integer> kept = new ArrayList<>();
    List<Integer> unplaced = new ArrayList<>();
    for (int i = 0; i < placed.size(); i++) {
      (placed.get(i) != null ? kept : unplaced).add(i);
    }
    int fewest = Math.max(1, minReserved - kept.size());
    for (int k = unplaced.size(); k >= fewest; k--) {
      List<Integer> subset = new ArrayList<>(kept);
      subset.addAll(unplaced.subList(0, k));
      List<ResourceSet> subBundles = new ArrayList<>();
      List<UniqueId> subPlaced = new ArrayList<>();
      for (int i : subset) {
        subBundles.add(bundles.get(i));
        subPlaced.add(placed.get(i));
      }
      Optional<List<UniqueId>> found = place(subBundles, strategy, subPlaced, candidates);
      if (found.isPresent()) {
        List<UniqueId> result = new ArrayList<>(placed);
        for (int j = 0; j < subset.size(); j++) {
          result.set(subset.get(j), found.get().get(j));
        }
        return Optional.of(result);
      }
    }
    return Optional.empty();
  }

  private static boolean strictPack(List<ResourceSet> bundles, List<Integer> todo,
      List<UniqueId> placed, Map<UniqueId, ResourceSet> room, List<UniqueId> result) {
    ResourceSet sum = ResourceSet.EMPTY;
    for (int i : todo) {
      sum = sum.plus(bundles.get(i));
    }
    Set<UniqueId> used = new HashSet<>(placed);
    used.remove(null);
    UniqueId best = null;
    double bestLeft = Double.POSITIVE_INFINITY;
    for (Map.Entry<UniqueId, ResourceSet> e : room.entrySet()) {
      if ((used.isEmpty() || used.contains(e.getKey())) && sum.fitsIn(e.getValue())) {
        double left = weight(e.getValue().minus(sum));
        if (left < bestLeft) {
          bestLeft = left;
          best = e.getKey();
        }
      }
    }
    if (best == null || used.size() > 1) {
      return false;
    }
    for (int i : todo) {
      result.set(i, best);
    }
    return true;
  }

  private static boolean pack(List<ResourceSet> bundles, List<Integer> todo,
      Map<UniqueId, ResourceSet> room, List<UniqueId> result) {
    Map<UniqueId, ResourceSet> left = new HashMap<>(room);
    List<UniqueId> open = new ArrayList<>(); // nodes holding bundles of the group, in order
    result.stream().filter(n -> n != null && !open.contains(n)).forEach(open::add);
    for (int i : todo) {
      ResourceSet b = bundles.get(i);
      UniqueId node = open.stream().filter(n -> left.containsKey(n) && b.fitsIn(left.get(n)))
          .findFirst().orElse(null);
      if (node == null) {
        node = roomiest(left, b, open);
        if (node == null) {
          return false;
        }
        open.add(node);
      }
      left.put(node, left.get(node).minus(b));
      result.set(i, node);
    }
    return true;
  }

  private static boolean spread(List<ResourceSet> bundles, List<Integer> todo,
      Map<UniqueId, ResourceSet> room, List<UniqueId> result) {
    Map<UniqueId, ResourceSet> left = new HashMap<>(room);
    Map<UniqueId, Integer> count = new HashMap<>();
    result.stream().filter(n -> n != null).forEach(n -> count.merge(n, 1, Integer::sum));
    for (int i : todo) {
      ResourceSet b = bundles.get(i);
      UniqueId best = null;
      for (UniqueId n : left.keySet()) {
        if (!b.fitsIn(left.get(n))) {
          continue;
        }
        if (best == null || count.getOrDefault(n, 0) < count.getOrDefault(best, 0)
            || (count.getOrDefault(n, 0).equals(count.getOrDefault(best, 0))
                && weight(left.get(n)) > weight(left.get(best)))) {
          best = n;
        }
      }
      if (best == null) {
        return false;
      }
      left.put(best, left.get(best).minus(b));
      count.merge(best, 1, Integer::sum);
      result.set(i, best);
    }
    return true;
  }

  /** Depth-first over the bundles to place, trying the roomiest unused nodes first. */
  private static boolean strictSpread(List<ResourceSet> bundles, List<Integer> todo, int k,
      Map<UniqueId, ResourceSet> room, List<UniqueId> result, int[] steps) {
    if (k == todo.size()) {
      return true;
    }
    if (++steps[0] > MAX_SEARCH_STEPS) {
      return false;
    }
    int i = todo.get(k);
    ResourceSet b = bundles.get(i);
    List<UniqueId> fits = room.entrySet().stream()
        .filter(e -> !result.contains(e.getKey()) && b.fitsIn(e.getValue()))
        .sorted(Comparator.comparingDouble((Map.Entry<UniqueId, ResourceSet> e) -> weight(e.getValue())).reversed())
        .map(Map.Entry::getKey).toList();
    for (UniqueId n : fits) {
      result.set(i, n);
      if (strictSpread(bundles, todo, k + 1, room, result, steps)) {
        return true;
      }
      result.set(i, null);
    }
    return false;
  }

  private static UniqueId roomiest(Map<UniqueId, ResourceSet> left, ResourceSet b, List<UniqueId> except) {
    UniqueId best = null;
    for (Map.Entry<UniqueId, ResourceSet> e : left.entrySet()) {
      if (!except.contains(e.getKey()) && b.fitsIn(e.getValue())
          && (best == null || weight(e.getValue()) > weight(left.get(best)))) {
        best = e.getKey();
      }
    }
    return best;
  }

  /** A scalar size for ordering: CPUs and GPUs count whole, other amounts (bytes) barely. */
  private static double weight(ResourceSet r) {
    double w = 0;
    for (Map.Entry<String, Double> e : r.toMap().entrySet()) {
      String name = e.getKey();
      w += name.equals(ResourceSet.CPU) || name.equals(ResourceSet.GPU)
          ? e.getValue() : Math.min(e.getValue(), 1.0) * 0.001;
    }
    return w;
  }

  /**
   * The group to place next of {@code ids} (one gone from {@code groups} first): groups are
   * placed in the order they were made, as Ray's pending queue, whatever order their requests
   * came in (a Place can be lost and its group adopted from the GCS later; a driver waiting for
   * its first group would wait its whole timeout while a later one held the room). A CREATED
   * elastic group growing toward its maximum comes after every group not created yet: growth
   * must not hold up a group that has nothing.
   */
  static PlacementGroupId firstCreated(Collection<PlacementGroupId> ids,
      Map<PlacementGroupId, PlacementGroupRecord> groups) {
    PlacementGroupId first = null;
    boolean firstGrows = true;
    long firstAt = Long.MAX_VALUE;
    for (PlacementGroupId id : ids) {
      PlacementGroupRecord g = groups.get(id);
      long at = g == null ? Long.MIN_VALUE : g.createdAtMs();
      boolean grows = g != null && g.state() == PlacementGroupState.CREATED;
      if (first == null || (!grows && firstGrows) || (grows == firstGrows && at < firstAt)) {
        first = id;
        firstAt = at;
        firstGrows = grows;
      }
    }
    return first;
  }
}
