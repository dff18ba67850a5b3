package dev.jray.api.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceValidationTest {

  @ParameterizedTest
  @ValueSource(doubles = {-1.0, -0.5, 3.5, 1.5, 1.0001, Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY})
  void invalidAmountsAreRejectedNamingTheResource(double value) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CallOptions.Builder().setResource("CPU", value));
    assertTrue(e.getMessage().contains("CPU"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new ActorCreationOptions.Builder().setResource("GPU", value));
    assertThrows(IllegalArgumentException.class,
        () -> BaseTaskOptions.validateResource("memory", value));
  }

  @Test
  void negativeMessageShowsTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BaseTaskOptions.validateResource("CPU", -1.0));
    assertTrue(e.getMessage().contains("-1.0"), e.getMessage());
  }

  @Test
  void nullAmountAndBadNamesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new CallOptions.Builder().setResource("CPU", null));
    assertThrows(IllegalArgumentException.class, () -> new CallOptions.Builder().setResource("", 1.0));
    assertThrows(IllegalArgumentException.class, () -> new CallOptions.Builder().setResource(null, 1.0));
    assertThrows(IllegalArgumentException.class, () -> new CallOptions.Builder().setResources(null));
    assertThrows(IllegalArgumentException.class, () -> new ActorCreationOptions.Builder().setResources(null));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.25, 0.0001, 1.0, 2.0, 1000.0})
  void fractionsBelowOneAndWholeNumbersAreAccepted(double value) {
    CallOptions o = new CallOptions.Builder().setResource("CPU", value).build();
    assertEquals(Map.of("CPU", value), o.resources);
    ActorCreationOptions a = new ActorCreationOptions.Builder().setResource("CPU", value).build();
    assertEquals(Map.of("CPU", value), a.resources);
  }

  @Test
  void zeroAmountsAreDropped() {
    CallOptions o = new CallOptions.Builder()
        .setResource("CPU", 0.0)
        .setResource("GPU", 2.0)
        .build();
    assertEquals(Map.of("GPU", 2.0), o.resources);
    ActorCreationOptions a = new ActorCreationOptions.Builder().setResource("CPU", 0.0).build();
    assertTrue(a.resources.isEmpty());
  }

  @Test
  void setResourcesValidatesEveryEntry() {
    Map<String, Double> bad = new HashMap<>();
    bad.put("CPU", 1.0);
    bad.put("GPU", 2.5);
    assertThrows(IllegalArgumentException.class, () -> new CallOptions.Builder().setResources(bad));
    CallOptions ok = new CallOptions.Builder().setResources(Map.of("CPU", 1.0, "custom", 0.5)).build();
    assertEquals(Map.of("CPU", 1.0, "custom", 0.5), ok.resources);
  }

  @Test
  void resourcesAreImmutable() {
    CallOptions o = new CallOptions.Builder().setResource("CPU", 1.0).build();
    assertThrows(UnsupportedOperationException.class, () -> o.resources.put("GPU", 1.0));
  }

  @Test
  void callDefaults() {
    CallOptions o = new CallOptions.Builder().build();
    assertTrue(o.resources.isEmpty());
    assertEquals(CallOptions.DEFAULT_MAX_RETRIES, o.maxRetries);
    assertEquals(-1, o.bundleIndex);
    assertEquals(null, o.group);
    assertFalse(CallOptions.ACTOR_CALL.resources.size() > 0);
  }

  @Test
  void maxRetries() {
    assertThrows(IllegalArgumentException.class, () -> new CallOptions.Builder().setMaxRetries(-2));
    assertEquals(-1, new CallOptions.Builder().setMaxRetries(-1).build().maxRetries);
    assertEquals(0, new CallOptions.Builder().setMaxRetries(0).build().maxRetries);
    assertEquals(5, new CallOptions.Builder().setMaxRetries(5).build().maxRetries);
  }
}
