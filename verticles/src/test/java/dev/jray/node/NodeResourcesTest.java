package dev.jray.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.resources.ResourceSet;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NodeResourcesTest {
  @AfterEach
  void clear() {
    for (String p : new String[] {"jray.num-cpus", "jray.num-gpus", "jray.memory", "jray.resources"}) {
      System.clearProperty(p);
    }
  }

  @ParameterizedTest
  @CsvSource({"jray.num-cpus, NaN", "jray.num-cpus, Infinity", "jray.num-gpus, -1",
      "jray.memory, -Infinity", "jray.num-cpus, lots"})
  void aPropertyThatIsNotAFiniteAmountIsRefusedByName(String property, String value) {
    System.setProperty(property, value);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, NodeResources::fromSystemProperties);
    assertTrue(e.getMessage().startsWith(property + " must be a"), e.getMessage());
    assertTrue(e.getMessage().contains("'" + value + "'"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"A\":-1}", "{\"A\":1e999}", "{\"A\":\"x\"}", "{\"A\":null}"})
  void customResourcesNameTheKeyWhoseAmountIsNotAFiniteNumberAtLeastZero(String json) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NodeResources.parse(json, "--resources"));
    assertTrue(e.getMessage().startsWith("--resources: resource A must be a"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1]", "7", "{\"A\":", "GPU=1"})
  void customResourcesThatAreNotAJsonObjectAreRefused(String json) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NodeResources.parse(json, "--resources"));
    assertTrue(e.getMessage().startsWith("--resources must be a JSON object"), e.getMessage());
  }

  @Test
  void validAmountsAreKept() {
    System.setProperty("jray.num-cpus", "3");
    System.setProperty("jray.resources", "{\"A\":2, \"B\":0.5}");
    Map<String, Double> r = NodeResources.fromSystemProperties();
    assertEquals(3.0, r.get(ResourceSet.CPU));
    assertEquals(2.0, r.get("A"));
    assertEquals(0.5, r.get("B"));
  }

  @Test
  void nvidiaSmisIndexLinesAreCountedAsGpus() {
    assertEquals(4, NodeResources.countGpus("0\n1\n2\n3\n"));
    assertEquals(0, NodeResources.countGpus(""));
    assertEquals(1, NodeResources.countGpus(" 0 \nNo devices were found\n"));
  }

  @Test
  void numGpusOverridesWhatIsDetected() {
    System.setProperty("jray.num-gpus", "4");
    assertEquals(4.0, NodeResources.fromSystemProperties().get(ResourceSet.GPU));
    System.setProperty("jray.num-gpus", "0");
    assertEquals(null, NodeResources.fromSystemProperties().get(ResourceSet.GPU));
  }
}
