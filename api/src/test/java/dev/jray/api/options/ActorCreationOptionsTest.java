package dev.jray.api.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.api.placementgroup.PlacementStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActorCreationOptionsTest {

  @Test
  void defaults() {
    ActorCreationOptions o = new ActorCreationOptions.Builder().build();
    assertNull(o.name);
    assertNull(o.namespace);
    assertNull(o.lifetime);
    assertEquals(1, o.maxConcurrency);
    assertEquals(-1, o.maxPendingCalls);
    assertEquals(ActorCreationOptions.NO_RESTART, o.maxRestarts);
    assertEquals(0, o.maxTaskRetries);
    assertEquals(-1, o.bundleIndex);
    assertTrue(o.resources.isEmpty());
    assertTrue(o.jvmOptions.isEmpty());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void maxConcurrencyBelowOneIsRejected(int value) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ActorCreationOptions.Builder().setMaxConcurrency(value));
    assertTrue(e.getMessage().contains(String.valueOf(value)), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 64})
  void maxConcurrencyAccepted(int value) {
    assertEquals(value, new ActorCreationOptions.Builder().setMaxConcurrency(value).build().maxConcurrency);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -2, Integer.MIN_VALUE})
  void maxPendingCallsZeroOrBelowMinusOneIsRejected(int value) {
    assertThrows(IllegalArgumentException.class,
        () -> new ActorCreationOptions.Builder().setMaxPendingCalls(value));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 1, 1000})
  void maxPendingCallsAccepted(int value) {
    assertEquals(value, new ActorCreationOptions.Builder().setMaxPendingCalls(value).build().maxPendingCalls);
  }

  @Test
  void restartsAndRetries() {
    assertThrows(IllegalArgumentException.class, () -> new ActorCreationOptions.Builder().setMaxRestarts(-2));
    assertThrows(IllegalArgumentException.class, () -> new ActorCreationOptions.Builder().setMaxTaskRetries(-2));
    ActorCreationOptions o = new ActorCreationOptions.Builder()
        .setMaxRestarts(ActorCreationOptions.INFINITE_RESTART)
        .setMaxTaskRetries(3)
        .build();
    assertEquals(-1, o.maxRestarts);
    assertEquals(3, o.maxTaskRetries);
  }

  @Test
  void emptyNameIsRejectedNullIsAnonymous() {
    assertThrows(IllegalArgumentException.class, () -> new ActorCreationOptions.Builder().setName(""));
    assertNull(new ActorCreationOptions.Builder().setName(null).build().name);
    ActorCreationOptions o = new ActorCreationOptions.Builder()
        .setName("counter").setNamespace("ns").setLifetime(ActorLifetime.DETACHED).build();
    assertEquals("counter", o.name);
    assertEquals("ns", o.namespace);
    assertEquals(ActorLifetime.DETACHED, o.lifetime);
  }

  @Test
  void jvmOptionsAreCopied() {
    List<String> opts = new ArrayList<>(List.of("-Xmx64m"));
    ActorCreationOptions o = new ActorCreationOptions.Builder().setJvmOptions(opts).build();
    opts.add("-Xss1m");
    assertEquals(List.of("-Xmx64m"), o.jvmOptions);
    assertThrows(IllegalArgumentException.class, () -> new ActorCreationOptions.Builder().setJvmOptions(null));
  }

  @Test
  void placementGroupBundleIndexIsChecked() {
    PlacementGroup group = new FakeGroup(2);
    assertThrows(IllegalArgumentException.class,
        () -> new ActorCreationOptions.Builder().setPlacementGroup(group, 2));
    assertThrows(IllegalArgumentException.class,
        () -> new ActorCreationOptions.Builder().setPlacementGroup(group, -2));
    assertThrows(IllegalArgumentException.class,
        () -> new ActorCreationOptions.Builder().setPlacementGroup(null, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new CallOptions.Builder().setPlacementGroup(group, 5));
    ActorCreationOptions a = new ActorCreationOptions.Builder().setPlacementGroup(group, 1).build();
    assertEquals(1, a.bundleIndex);
    CallOptions c = new CallOptions.Builder().setPlacementGroup(group, -1).build();
    assertEquals(group, c.group);
    assertEquals(-1, c.bundleIndex);
  }

  /** A placement group that exists only in this test. */
  static final class FakeGroup implements PlacementGroup {
    private final int bundles;

    FakeGroup(int bundles) {
      this.bundles = bundles;
    }

    @Override
    public PlacementGroupId getId() {
      return PlacementGroupId.NIL;
    }

    @Override
    public String getName() {
      return "fake";
    }

    @Override
    public List<Map<String, Double>> getBundles() {
      return java.util.Collections.nCopies(bundles, Map.of("CPU", 1.0));
    }

    @Override
    public PlacementStrategy getStrategy() {
      return PlacementStrategy.PACK;
    }

    @Override
    public PlacementGroupState getState() {
      return PlacementGroupState.CREATED;
    }

    @Override
    public boolean wait(int timeoutSeconds) {
      return true;
    }
  }

  @Test
  void asyncIsRecordedAndOffByDefault() {
    assertEquals(false, new ActorCreationOptions.Builder().build().isAsync);
    assertEquals(true, new ActorCreationOptions.Builder().setAsync(true).build().isAsync);
  }

  @Test
  void raysBaseTaskOptionsConstructorsValidate() {
    BaseTaskOptions none = new BaseTaskOptions() { };
    assertEquals(Map.of(), none.resources);
    BaseTaskOptions some = new BaseTaskOptions(Map.of("CPU", 2.0, "GPU", 0.0)) { };
    assertEquals(Map.of("CPU", 2.0), some.resources, "a zero amount is dropped");
    assertThrows(IllegalArgumentException.class, () -> new BaseTaskOptions(Map.of("CPU", 1.5)) { });
  }

  @Test
  void callOptionsTakeRaysConcurrencyGroupName() {
    assertEquals("io", new CallOptions.Builder().setConcurrencyGroupName("io").build()
        .concurrencyGroupName);
    assertNull(new CallOptions.Builder().build().concurrencyGroupName);
    assertThrows(IllegalArgumentException.class,
        () -> new CallOptions.Builder().setConcurrencyGroupName(""));
  }
}
