package dev.jray.scheduler;

import dev.jray.resources.BundleResources;
import dev.jray.resources.ResourceSet;
import dev.jray.task.TaskKind;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.time.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Placement-group bundles in one node's scheduler: two-phase reservation and who may use it. */
class BundleReservationTest {
  private final JobId job = JobId.fromInt(1);
  private final UniqueId self = IdFactory.newUniqueId();
  private final PlacementGroupId group = IdFactory.newPlacementGroupId(job);
  private final List<TaskSpec> dispatched = new ArrayList<>();
  private final ResourceScheduler s = new ResourceScheduler(self,
      ResourceSet.of(Map.of("CPU", 4.0)), dispatched::add);

  private TaskSpec task(ResourceSet resources) {
    var taskId = IdFactory.newTaskId(job);
    return new TaskSpec(taskId, job, TaskKind.NORMAL, null,
        new FunctionDescriptor("C", "m", "()V"), List.of(), resources, "owner",
        IdFactory.objectId(taskId, 1), 0, 0, null, null, 0, null, null);
  }

  private static ResourceSet cpu(double n) {
    return ResourceSet.of("CPU", n);
  }

  private double available(String name) {
    return s.state().available().getOrDefault(name, 0.0);
  }

  @Test
  void prepareTakesTheResourcesAndCommitRenamesThemForTheGroup() {
    assertTrue(s.prepareBundle(group, 0, cpu(3)));
    assertEquals(1.0, available("CPU"));
    assertTrue(s.prepareBundle(group, 0, cpu(3)), "idempotent");
    assertEquals(1.0, available("CPU"), "a repeated prepare takes nothing more");
    assertFalse(s.prepareBundle(group, 1, cpu(2)), "only 1 CPU is left");
    assertEquals(1.0, available("CPU"), "a refused prepare takes nothing");

    TaskSpec inGroup = task(BundleResources.demand(group, 0, cpu(1)));
    assertNull(s.submit(inGroup), "before the commit the bundle is not usable");
    assertTrue(s.commitBundle(group, 0));
    assertEquals(List.of(inGroup), dispatched, "the waiting task starts on the commit");
    assertEquals(3.0, s.total().get("CPU_group_0_" + group.toHex()));
    assertEquals(3.0, s.total().get("CPU_group_" + group.toHex()));
    assertEquals(4.0, s.total().get("CPU"), "the node's own total is unchanged");
  }

  @Test
  void workOutsideTheGroupCannotUseReservedResourcesAndWorkInsideCannotExceedThem() {
    assertTrue(s.prepareBundle(group, 0, cpu(2)));
    assertTrue(s.commitBundle(group, 0));
    TaskSpec a = task(BundleResources.demand(group, 0, cpu(1)));
    TaskSpec b = task(BundleResources.demand(group, -1, cpu(1)));
    TaskSpec c = task(BundleResources.demand(group, 0, cpu(1)));
    assertSame(a, s.submit(a));
    assertSame(b, s.submit(b), "any bundle: the same bundle's second CPU");
    assertNull(s.submit(c), "the bundle is used up: no third task in it");
    TaskSpec plain1 = task(cpu(1));
    TaskSpec plain2 = task(cpu(1));
    TaskSpec plain3 = task(cpu(1));
    assertSame(plain1, s.submit(plain1));
    assertSame(plain2, s.submit(plain2));
    assertNull(s.submit(plain3), "the other 2 CPUs are the group's");
    assertSame(c, s.releaseAndNext(a.taskId()), "the bundle's CPU goes to the bundle's task");
  }

  @Test
  void abortAndReturnGiveEverythingBack() {
    assertTrue(s.prepareBundle(group, 0, cpu(2)));
    s.returnBundle(group, 0);
    assertEquals(4.0, available("CPU"));
    assertFalse(s.commitBundle(group, 0), "an aborted bundle cannot be committed");

    assertTrue(s.prepareBundle(group, 1, cpu(4)));
    assertTrue(s.commitBundle(group, 1));
    TaskSpec plain = task(cpu(1));
    assertNull(s.submit(plain));
    s.returnBundle(group, 1);
    assertEquals(List.of(plain), dispatched, "the returned CPUs run the waiting task");
    assertFalse(s.total().names().stream().anyMatch(BundleResources::isBundleResource),
        "no renamed resource is left: " + s.total());
  }

  @Test
  void removingTheGroupReturnsItsBundlesAndHandsBackItsWaitingWork() {
    assertTrue(s.prepareBundle(group, 0, cpu(1)));
    assertTrue(s.commitBundle(group, 0));
    TaskSpec running = task(BundleResources.demand(group, 0, cpu(1)));
    TaskSpec waiting = task(BundleResources.demand(group, 0, cpu(1)));
    PlacementGroupId other = IdFactory.newPlacementGroupId(job);
    TaskSpec elsewhere = task(BundleResources.demand(other, -1, cpu(1)));
    assertSame(running, s.submit(running));
    assertNull(s.submit(waiting));
    assertNull(s.submit(elsewhere));

    assertEquals(List.of(waiting), s.removeGroup(group));
    assertEquals(4.0, available("CPU"), "the bundle's CPU is free again");
    s.release(running.taskId());
    assertFalse(s.state().available().keySet().stream().anyMatch(n -> n.endsWith(group.toHex())),
        "the group's renamed resources are gone once its task ended: " + s.state().available());
    assertEquals(Map.of("CPU", 4.0), s.state().total());
    assertEquals(1, s.state().demands().size(), "the other group's task still waits");
  }

  @Test
  void aPreparedBundleNotCommittedWithinItsLeaseIsReturnedAndItsLateCommitFails() {
    ManualTime time = new ManualTime();
    ResourceScheduler leased = new ResourceScheduler(self, ResourceSet.of(Map.of("CPU", 4.0)),
        dispatched::add, new ClusterView(time::milliseconds, 3_000), (node, spec) -> { }, true, time);
    Duration lease = Duration.ofSeconds(5);
    assertTrue(leased.prepareBundle(group, 0, cpu(3)));
    assertTrue(leased.prepareBundle(group, 1, cpu(1)));
    assertTrue(leased.commitBundle(group, 1), "bundle 1 is committed in time");

    time.advance(Duration.ofSeconds(4));
    assertEquals(0, leased.returnExpiredBundles(lease), "within the lease nothing is returned");
    assertTrue(leased.prepareBundle(group, 0, cpu(3)), "prepared again (a new leader)");
    time.advance(Duration.ofSeconds(4));
    assertEquals(0, leased.returnExpiredBundles(lease), "preparing again renewed the lease");
    assertEquals(0.0, leased.available().get("CPU"), 1e-9);

    time.advance(Duration.ofSeconds(1));
    assertEquals(1, leased.returnExpiredBundles(lease), "the lease ran out: bundle 0 is returned");
    assertEquals(3.0, leased.available().get("CPU"), 1e-9, "its 3 CPUs are available again");
    assertFalse(leased.commitBundle(group, 0), "a commit after the lease fails");
    assertTrue(leased.holdsAnyOf(group), "the committed bundle 1 stays");
    time.advance(Duration.ofMinutes(1));
    assertEquals(0, leased.returnExpiredBundles(lease), "a committed bundle has no lease");
    assertEquals(1.0, leased.total().get("CPU_group_1_" + group.toHex()));
  }
}
