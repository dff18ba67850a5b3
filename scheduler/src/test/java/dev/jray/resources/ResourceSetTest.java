package dev.jray.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResourceSetTest {
  private final ResourceSet node = ResourceSet.of(Map.of("CPU", 2.0, "memory", 1e9, "A", 1.0));
  private final ResourceSet cpu = ResourceSet.of(ResourceSet.CPU, 1);

  @Test
  void takingAndGivingBackAddsUpExactly() {
    ResourceSet tenth = ResourceSet.of(ResourceSet.CPU, 0.1);
    ResourceSet left = node;
    for (int i = 0; i < 3; i++) {
      left = left.minus(tenth);
    }
    assertEquals(1.7, left.get(ResourceSet.CPU));
    assertEquals(node, left.plus(tenth).plus(tenth).plus(tenth));
    assertEquals(node.hashCode(), left.plus(tenth).plus(tenth).plus(tenth).hashCode());
  }

  @Test
  void aResourceUsedUpIsAbsentAndComesBack() {
    ResourceSet none = node.minus(cpu).minus(cpu);
    assertEquals(Set.of("memory", "A"), none.names());
    assertFalse(cpu.fitsIn(none));
    assertEquals(2.0, none.plus(cpu).plus(cpu).get(ResourceSet.CPU));
    assertTrue(cpu.fitsIn(none.plus(cpu)));
    assertSame(ResourceSet.EMPTY, cpu.minus(cpu));
  }

  @Test
  void namesNotInTheSetAreAdded() {
    ResourceSet gpu = ResourceSet.of("GPU", 1);
    ResourceSet both = cpu.plus(gpu);
    assertEquals(Map.of("CPU", 1.0, "GPU", 1.0), both.toMap());
    assertEquals(cpu, both.minus(gpu));
    assertEquals(-1.0, cpu.minus(gpu).get("GPU"), "minus may go negative");
  }

  @Test
  void fitsComparesEveryName() {
    assertTrue(cpu.fitsIn(node));
    assertFalse(ResourceSet.of("B", 1).fitsIn(node));
    assertTrue(ResourceSet.EMPTY.fitsIn(cpu));
    assertEquals(ResourceSet.of("A", 1), node.only("A"));
    assertSame(ResourceSet.EMPTY, node.only("B"));
  }
}
