package dev.jray.api.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.api.placementgroup.PlacementStrategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementGroupCreationOptionsTest {

  private static PlacementGroupCreationOptions.Builder builder(List<Map<String, Double>> bundles) {
    return new PlacementGroupCreationOptions.Builder()
        .setBundles(bundles)
        .setStrategy(PlacementStrategy.PACK);
  }

  @Test
  void valid() {
    PlacementGroupCreationOptions o = builder(List.of(Map.of("CPU", 1.0), Map.of("CPU", 0.5, "GPU", 2.0)))
        .setName("pg").setNamespace("ns").build();
    assertEquals(2, o.bundles.size());
    assertEquals(Map.of("CPU", 0.5, "GPU", 2.0), o.bundles.get(1));
    assertEquals(PlacementStrategy.PACK, o.strategy);
    assertEquals("pg", o.name);
    assertEquals("ns", o.namespace);
  }

  @Test
  void noBundles() {
    assertThrows(IllegalArgumentException.class, () -> builder(null).build());
    assertThrows(IllegalArgumentException.class, () -> builder(List.of()).build());
  }

  @Test
  void emptyOrNullBundle() {
    assertThrows(IllegalArgumentException.class, () -> builder(List.of(Map.of("CPU", 1.0), Map.of())).build());
    List<Map<String, Double>> withNull = new ArrayList<>();
    withNull.add(null);
    assertThrows(IllegalArgumentException.class, () -> builder(withNull).build());
  }

  @Test
  void amountsMustBePositiveAndValid() {
    for (double bad : new double[] {0.0, -1.0, 1.5, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> builder(List.of(Map.of("CPU", bad))).build(), "amount " + bad);
      assertTrue(e.getMessage().contains("CPU"), e.getMessage());
    }
    Map<String, Double> nullAmount = new HashMap<>();
    nullAmount.put("CPU", null);
    assertThrows(IllegalArgumentException.class, () -> builder(List.of(nullAmount)).build());
  }

  @Test
  void strategyRequired() {
    assertThrows(IllegalArgumentException.class, () -> new PlacementGroupCreationOptions.Builder()
        .setBundles(List.of(Map.of("CPU", 1.0))).build());
  }

  @Test
  void unrecognizedIsNotAStrategy() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder(List.of(Map.of("CPU", 1.0))).setStrategy(PlacementStrategy.UNRECOGNIZED)
            .build());
    assertTrue(e.getMessage().contains("UNRECOGNIZED"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PlacementGroupCreationOptions("pg",
        List.of(Map.of("CPU", 1.0)), PlacementStrategy.UNRECOGNIZED));
  }

  @Test
  void raysConstructor() {
    PlacementGroupCreationOptions o = new PlacementGroupCreationOptions("pg",
        List.of(Map.of("CPU", 1.0)), PlacementStrategy.STRICT_SPREAD);
    assertEquals("pg", o.name);
    assertEquals(null, o.namespace, "the job's namespace");
    assertEquals(List.of(Map.of("CPU", 1.0)), o.bundles);
    assertEquals(PlacementStrategy.STRICT_SPREAD, o.strategy);
    assertThrows(IllegalArgumentException.class,
        () -> new PlacementGroupCreationOptions(null, List.of(), PlacementStrategy.PACK));
  }

  @Test
  void strategiesAndStatesHaveRaysNumbers() {
    assertEquals(0, PlacementStrategy.PACK.value());
    assertEquals(1, PlacementStrategy.SPREAD.value());
    assertEquals(2, PlacementStrategy.STRICT_PACK.value());
    assertEquals(3, PlacementStrategy.STRICT_SPREAD.value());
    assertEquals(-1, PlacementStrategy.UNRECOGNIZED.value());
    assertEquals(0, PlacementGroupState.PENDING.value());
    assertEquals(1, PlacementGroupState.CREATED.value());
    assertEquals(2, PlacementGroupState.REMOVED.value());
    assertEquals(3, PlacementGroupState.RESCHEDULING.value());
    assertEquals(-1, PlacementGroupState.UNRECOGNIZED.value());
  }

  @Test
  void bundlesAreCopiedAndImmutable() {
    Map<String, Double> bundle = new HashMap<>(Map.of("CPU", 1.0));
    List<Map<String, Double>> bundles = new ArrayList<>(List.of(bundle));
    PlacementGroupCreationOptions o = builder(bundles).build();
    bundle.put("GPU", 1.0);
    bundles.add(Map.of("CPU", 2.0));
    assertEquals(List.of(Map.of("CPU", 1.0)), o.bundles);
    assertThrows(UnsupportedOperationException.class, () -> o.bundles.add(Map.of()));
    assertThrows(UnsupportedOperationException.class, () -> o.bundles.get(0).put("X", 1.0));
  }

  @Test
  void aGroupNeedsAllItsBundlesAndEndsWithItsJobUnlessToldOtherwise() {
    PlacementGroupCreationOptions o = builder(List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0)))
        .build();
    assertEquals(2, o.minBundles);
    assertEquals(false, o.isElastic());
    assertEquals(ActorLifetime.NON_DETACHED, o.lifetime);
    assertEquals(false, o.isDetached());
    assertEquals(false, builder(List.of(Map.of("CPU", 1.0))).setLifetime(null).build()
        .isDetached(), "null is the default lifetime");
  }

  @Test
  void anElasticGroupNeedsAMinimumBetweenOneAndItsBundles() {
    List<Map<String, Double>> four = java.util.Collections.nCopies(4, Map.of("CPU", 1.0));
    PlacementGroupCreationOptions elastic = builder(four).setMinBundles(2).build();
    assertEquals(2, elastic.minBundles);
    assertEquals(4, elastic.bundles.size());
    assertTrue(elastic.isElastic());
    assertEquals(false, builder(four).setMinBundles(4).build().isElastic(), "min = max");
    for (int bad : new int[] {0, -1, 5}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> builder(four).setMinBundles(bad).build(), "minBundles " + bad);
      assertEquals("minBundles must be between 1 and the number of bundles (4), got " + bad,
          e.getMessage());
    }
  }

  @Test
  void aDetachedGroupSaysSo() {
    PlacementGroupCreationOptions o = builder(List.of(Map.of("CPU", 1.0)))
        .setLifetime(ActorLifetime.DETACHED).build();
    assertEquals(ActorLifetime.DETACHED, o.lifetime);
    assertTrue(o.isDetached());
  }
}
