package dev.jray.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.resources.ResourceSet;
import dev.jray.scheduler.SchedulerMessages.ResourceReport;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A node removed as dead stays out of the view, whatever it still reports. */
class ClusterViewTest {
  private final ClusterView view = new ClusterView(() -> 0L, 3_000);
  private final UniqueId self = IdFactory.newUniqueId();

  private static ResourceReport report(UniqueId node) {
    return new ResourceReport(node, Map.of("CPU", 2.0), Map.of("CPU", 2.0), 0, Map.of());
  }

  @Test
  void aDeadNodesLateReportsAreIgnored() {
    UniqueId paused = IdFactory.newUniqueId();
    view.update(report(paused));
    assertTrue(view.knows(paused));
    view.remove(paused); // declared dead while it was paused
    view.update(report(paused)); // it resumes and reports again before it fences itself
    assertFalse(view.knows(paused), "no work goes to a node declared dead");
    assertEquals(Optional.empty(), view.reserveRoom(ResourceSet.of(ResourceSet.CPU, 1), self));
    UniqueId fresh = IdFactory.newUniqueId(); // the same machine rejoining as a new node
    view.update(report(fresh));
    assertEquals(Optional.of(fresh), view.reserveRoom(ResourceSet.of(ResourceSet.CPU, 1), self));
  }
}
