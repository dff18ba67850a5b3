package dev.jray.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DemandKeyTest {
  @Test
  void aShapeReadsBackFromItsKey() {
    Map<String, Double> shape = Map.of("GPU", 1.0, "CPU", 0.5, "my-res", 2.0);
    assertEquals("{CPU=0.5, GPU=1.0, my-res=2.0}", DemandKey.of(false, shape));
    assertEquals(shape, DemandKey.resources(DemandKey.of(false, shape)));
    assertEquals(shape, DemandKey.resources(DemandKey.of(true, shape)));
    assertEquals(Map.of(), DemandKey.resources(DemandKey.of(false, Map.of())));
  }

  @Test
  void whatItDidNotWriteIsRefused() {
    for (String bad : new String[] {"CPU=1", "{CPU}", "{CPU=x}", "{CPU=-1.0}", "{=1.0}",
        "{CPU=NaN}"}) {
      assertThrows(IllegalArgumentException.class, () -> DemandKey.resources(bad), bad);
    }
  }
}
