package dev.jray.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.placement.PlacementPolicy.Candidate;
import dev.jray.resources.ResourceSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlacementPolicyTest {
  private final UniqueId a = IdFactory.newUniqueId();
  private final UniqueId b = IdFactory.newUniqueId();
  private final UniqueId c = IdFactory.newUniqueId();

  private static ResourceSet cpu(double n) {
    return ResourceSet.of("CPU", n);
  }

  private static List<ResourceSet> cpus(int bundles, double each) {
    return Collections.nCopies(bundles, cpu(each));
  }

  private static List<UniqueId> none(int n) {
    return new ArrayList<>(Collections.nCopies(n, null));
  }

  private Optional<List<UniqueId>> place(List<ResourceSet> bundles, PlacementStrategy s,
      Candidate... nodes) {
    return PlacementPolicy.place(bundles, s, none(bundles.size()), List.of(nodes));
  }

  @Test
  void strictPackPutsAllOnTheNodeThatFitsThemBest() {
    List<UniqueId> r = place(cpus(2, 1), PlacementStrategy.STRICT_PACK,
        new Candidate(a, cpu(8)), new Candidate(b, cpu(2)), new Candidate(c, cpu(1))).orElseThrow();
    assertEquals(List.of(b, b), r, "the tightest node that holds both, leaving the big one free");
    assertTrue(place(cpus(3, 1), PlacementStrategy.STRICT_PACK,
        new Candidate(a, cpu(2)), new Candidate(b, cpu(2))).isEmpty(), "no node holds 3 CPUs");
  }

  @Test
  void packUsesOneNodeIfItCanElseAsFewAsPossible() {
    assertEquals(1, new HashSet<>(place(cpus(2, 1), PlacementStrategy.PACK,
        new Candidate(a, cpu(2)), new Candidate(b, cpu(2))).orElseThrow()).size());
    List<UniqueId> r = place(cpus(5, 1), PlacementStrategy.PACK,
        new Candidate(a, cpu(1)), new Candidate(b, cpu(3)), new Candidate(c, cpu(2))).orElseThrow();
    assertEquals(new HashSet<>(List.of(b, c)), new HashSet<>(r), "3 + 2 CPUs: two nodes, not three");
    assertTrue(place(cpus(5, 1), PlacementStrategy.PACK,
        new Candidate(a, cpu(2)), new Candidate(b, cpu(2))).isEmpty());
  }

  @Test
  void strictSpreadNeedsADifferentNodePerBundleAndSearchesForOne() {
    List<UniqueId> r = place(cpus(3, 1), PlacementStrategy.STRICT_SPREAD,
        new Candidate(a, cpu(4)), new Candidate(b, cpu(1)), new Candidate(c, cpu(1))).orElseThrow();
    assertEquals(3, new HashSet<>(r).size());
    assertTrue(place(cpus(3, 1), PlacementStrategy.STRICT_SPREAD,
        new Candidate(a, cpu(8)), new Candidate(b, cpu(8))).isEmpty(), "3 bundles, 2 nodes");
    // the big bundle must take the only node that fits it, whatever the order of the nodes
    List<ResourceSet> mixed = List.of(cpu(1), cpu(3));
    List<UniqueId> m = place(mixed, PlacementStrategy.STRICT_SPREAD,
        new Candidate(a, cpu(1)), new Candidate(b, cpu(3))).orElseThrow();
    assertEquals(List.of(a, b), m);
  }

  @Test
  void spreadSpreadsWherePossibleAndDoublesUpWhereNot() {
    List<UniqueId> r = place(cpus(3, 1), PlacementStrategy.SPREAD,
        new Candidate(a, cpu(4)), new Candidate(b, cpu(4)), new Candidate(c, cpu(4))).orElseThrow();
    assertEquals(3, new HashSet<>(r).size());
    List<UniqueId> four = place(cpus(4, 1), PlacementStrategy.SPREAD,
        new Candidate(a, cpu(1)), new Candidate(b, cpu(3))).orElseThrow();
    assertEquals(1, Collections.frequency(four, a));
    assertEquals(3, Collections.frequency(four, b));
  }

  @Test
  void reschedulingKeepsPlacedBundlesAndAvoidsTheirNodesUnderStrictSpread() {
    List<UniqueId> placed = new ArrayList<>(List.of(a, b));
    placed.add(null);
    List<UniqueId> r = PlacementPolicy.place(cpus(3, 1), PlacementStrategy.STRICT_SPREAD, placed,
        List.of(new Candidate(a, cpu(8)), new Candidate(b, cpu(8)), new Candidate(c, cpu(1)))).orElseThrow();
    assertEquals(List.of(a, b, c), r);
    assertTrue(PlacementPolicy.place(cpus(3, 1), PlacementStrategy.STRICT_SPREAD, placed,
        List.of(new Candidate(a, cpu(8)), new Candidate(b, cpu(8)))).isEmpty());
  }

  @Test
  void otherResourcesMustFitToo() {
    List<ResourceSet> gpu = List.of(ResourceSet.of(Map.of("CPU", 1.0, "GPU", 1.0)));
    assertEquals(List.of(b), place(gpu, PlacementStrategy.PACK, new Candidate(a, cpu(8)),
        new Candidate(b, ResourceSet.of(Map.of("CPU", 1.0, "GPU", 2.0)))).orElseThrow());
    assertThrows(IllegalArgumentException.class, () -> PlacementPolicy.place(cpus(2, 1),
        PlacementStrategy.PACK, none(1), List.of(new Candidate(a, cpu(2)))));
  }

  private static List<UniqueId> nodes(UniqueId... ids) {
    return new ArrayList<>(java.util.Arrays.asList(ids));
  }

  @Test
  void anElasticGroupTakesAsManyBundlesAsFitLowestIndexesFirstWhenThatReachesItsMinimum() {
    UniqueId d = IdFactory.newUniqueId();
    List<UniqueId> two = PlacementPolicy.placeSome(cpus(4, 1), PlacementStrategy.STRICT_SPREAD,
        none(4), 2, List.of(new Candidate(a, cpu(1)), new Candidate(b, cpu(1)))).orElseThrow();
    assertEquals(new HashSet<>(List.of(a, b)), new HashSet<>(two.subList(0, 2)), two::toString);
    assertEquals(nodes(null, null), two.subList(2, 4), "bundles 2 and 3 wait for nodes");
    List<UniqueId> all = PlacementPolicy.placeSome(cpus(4, 1), PlacementStrategy.STRICT_SPREAD,
        none(4), 2, List.of(new Candidate(a, cpu(1)), new Candidate(b, cpu(1)),
            new Candidate(c, cpu(1)), new Candidate(d, cpu(1)))).orElseThrow();
    assertEquals(4, new HashSet<>(all).size(), "room for the maximum: all four at once");
    assertTrue(PlacementPolicy.placeSome(cpus(4, 1), PlacementStrategy.STRICT_SPREAD, none(4), 2,
        List.of(new Candidate(a, cpu(8)))).isEmpty(), "one node cannot hold the minimum of 2");
  }

  @Test
  void anElasticGroupGrowsIntoTheHoleItsLostBundleLeftKeepingTheOthers() {
    List<UniqueId> holding = nodes(a, null, b, null);
    List<UniqueId> grown = PlacementPolicy.placeSome(cpus(4, 1), PlacementStrategy.STRICT_SPREAD,
        holding, 2, List.of(new Candidate(a, cpu(4)), new Candidate(b, cpu(4)),
            new Candidate(c, cpu(1)))).orElseThrow();
    assertEquals(nodes(a, c, b, null), grown, "bundle 1 on the only node holding none; 3 waits");
    assertTrue(PlacementPolicy.placeSome(cpus(4, 1), PlacementStrategy.STRICT_SPREAD, holding, 2,
        List.of(new Candidate(a, cpu(4)), new Candidate(b, cpu(4)))).isEmpty(),
        "at its minimum with no node to add: nothing to do");
    List<UniqueId> oneLeft = nodes(null, null, b, null);
    assertTrue(PlacementPolicy.placeSome(cpus(4, 1), PlacementStrategy.STRICT_SPREAD, oneLeft, 3,
        List.of(new Candidate(b, cpu(4)), new Candidate(c, cpu(1)))).isEmpty(),
        "one more bundle leaves it below its minimum of 3: not worth a round");
  }

  @Test
  void aGroupThatNeedsAllItsBundlesIsPlacedWholeOrNotAtAll() {
    assertTrue(PlacementPolicy.placeSome(cpus(3, 1), PlacementStrategy.PACK, none(3), 3,
        List.of(new Candidate(a, cpu(2)))).isEmpty());
    assertEquals(nodes(a, a, a), PlacementPolicy.placeSome(cpus(3, 1), PlacementStrategy.PACK,
        none(3), 3, List.of(new Candidate(a, cpu(3)))).orElseThrow());
    assertEquals(nodes(a, a, null), PlacementPolicy.placeSome(cpus(3, 1),
        PlacementStrategy.STRICT_PACK, none(3), 1, List.of(new Candidate(a, cpu(2)))).orElseThrow(),
        "an elastic STRICT_PACK group takes what one node holds");
  }
}
