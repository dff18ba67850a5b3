package dev.jray.scheduler;

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
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.scheduler.SchedulerMessages.ResourceReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResourceSchedulerTest {
  private final JobId job = JobId.fromInt(1);
  private final UniqueId self = IdFactory.newUniqueId();
  private final UniqueId other = IdFactory.newUniqueId();
  private final AtomicLong nowMs = new AtomicLong(1_000);
  private final ClusterView view = new ClusterView(nowMs::get, 3_000);
  private final List<TaskSpec> dispatched = new ArrayList<>();
  private final List<Map.Entry<UniqueId, TaskSpec>> forwarded = new ArrayList<>();

  private ResourceScheduler scheduler(Map<String, Double> total, boolean runsTasks) {
    return new ResourceScheduler(self, ResourceSet.of(total), dispatched::add, view,
        (node, spec) -> forwarded.add(Map.entry(node, spec)), runsTasks);
  }

  private TaskSpec task(Map<String, Double> resources) {
    var taskId = IdFactory.newTaskId(job);
    return new TaskSpec(taskId, job, TaskKind.NORMAL, null,
        new FunctionDescriptor("C", "m", "()V"), List.of(), ResourceSet.of(resources), "owner",
        IdFactory.objectId(taskId, 1), 3, 0, null, null, 0, null, null);
  }

  private void report(UniqueId node, Map<String, Double> total, Map<String, Double> available) {
    view.update(new ResourceReport(node, total, available, 0, Map.of()));
  }

  @Test
  void runsHereWhileThereIsRoomThenQueuesAndTakesTheNextOnRelease() {
    ResourceScheduler s = scheduler(Map.of("CPU", 2.0), true);
    TaskSpec a = task(Map.of("CPU", 1.0));
    TaskSpec b = task(Map.of("CPU", 1.0));
    TaskSpec c = task(Map.of("CPU", 1.0));
    assertSame(a, s.submit(a));
    assertSame(b, s.submit(b));
    assertNull(s.submit(c), "no room and no other node: queued");
    assertEquals(1, s.report().queued());
    assertSame(c, s.releaseAndNext(a.taskId()), "the finishing worker takes the queued task");
    assertTrue(forwarded.isEmpty());
  }

  @Test
  void resourcesHeldForAnEntrypointAreNotGivenToTasksUntilReleased() {
    ResourceScheduler s = scheduler(Map.of("CPU", 2.0), true);
    assertTrue(s.hold("job-1", ResourceSet.of(Map.of("CPU", 1.5))));
    assertFalse(s.hold("job-2", ResourceSet.of(Map.of("CPU", 1.0))), "only 0.5 CPU is left");
    assertFalse(s.hold("job-1", ResourceSet.of(Map.of("CPU", 0.1))), "one hold per holder");
    assertEquals(0.5, s.available().get(ResourceSet.CPU));
    TaskSpec t = task(Map.of("CPU", 1.0));
    assertNull(s.submit(t), "the held CPUs are not the task's");

    s.unhold("job-1");
    s.unhold("job-1"); // idempotent

    assertEquals(List.of(t), dispatched, "the queued task starts once they are given back");
    assertEquals(1.0, s.available().get(ResourceSet.CPU));
  }

  @Test
  void spillsToTheNodeWithRoomWhenFull() {
    ResourceScheduler s = scheduler(Map.of("CPU", 1.0), true);
    report(other, Map.of("CPU", 2.0), Map.of("CPU", 2.0));
    s.submit(task(Map.of("CPU", 1.0)));
    TaskSpec spilled = task(Map.of("CPU", 1.0));
    assertNull(s.submit(spilled));
    assertEquals(1, forwarded.size());
    assertEquals(other, forwarded.get(0).getKey());
    assertEquals(1, forwarded.get(0).getValue().hops());
    // the view was debited: the other node has room for one more, then none
    s.submit(task(Map.of("CPU", 1.0)));
    assertNull(s.submit(task(Map.of("CPU", 1.0))));
    assertEquals(2, forwarded.size());
    assertEquals(1, s.report().queued());
  }

  @Test
  void aForwardedTaskIsNotSpilledAgain() {
    ResourceScheduler s = scheduler(Map.of("CPU", 1.0), true);
    report(other, Map.of("CPU", 4.0), Map.of("CPU", 4.0));
    s.submit(task(Map.of("CPU", 1.0)));
    assertNull(s.submit(task(Map.of("CPU", 1.0)).forwarded()));
    assertTrue(forwarded.isEmpty());
    assertEquals(1, s.report().queued());
  }

  @Test
  void infeasibleWorkWaitsUntilANodeThatFitsReports() {
    ResourceScheduler s = scheduler(Map.of("CPU", 2.0), true);
    TaskSpec gpu = task(Map.of("CPU", 1.0, "GPUX", 1.0));
    assertNull(s.submit(gpu));
    assertEquals(Map.of("{CPU=1.0, GPUX=1.0}", 1), s.state().infeasible());
    report(other, Map.of("CPU", 1.0, "GPUX", 1.0), Map.of("CPU", 0.0, "GPUX", 1.0));
    s.onViewChanged();
    assertEquals(1, forwarded.size(), "feasible there, even though busy now");
    assertEquals(other, forwarded.get(0).getKey());
    assertTrue(s.state().infeasible().isEmpty());
  }

  @Test
  void silentNodesExpireFromTheView() {
    ResourceScheduler s = scheduler(Map.of(), false);
    report(other, Map.of("CPU", 2.0), Map.of("CPU", 2.0));
    nowMs.addAndGet(3_001);
    assertNull(s.submit(task(Map.of("CPU", 1.0))));
    assertTrue(forwarded.isEmpty(), "an expired node gets no work");
    report(other, Map.of("CPU", 2.0), Map.of("CPU", 2.0));
    s.onViewChanged();
    assertEquals(1, forwarded.size());
  }

  @Test
  void aDriverRunsNothingAndForwardsEverything() {
    ResourceScheduler s = scheduler(Map.of(), false);
    report(other, Map.of("CPU", 1.0), Map.of("CPU", 1.0));
    assertNull(s.submit(task(Map.of())), "even a task asking nothing");
    assertEquals(1, forwarded.size());
  }

  @Test
  void aBlockedTaskLendsItsCpu() {
    ResourceScheduler s = scheduler(Map.of("CPU", 1.0), true);
    TaskSpec parent = task(Map.of("CPU", 1.0));
    TaskSpec child = task(Map.of("CPU", 1.0));
    s.submit(parent);
    assertNull(s.submit(child));
    s.blocked(parent.taskId(), true);
    assertEquals(List.of(child), dispatched, "the child runs on the lent CPU");
    s.blocked(parent.taskId(), false);
    assertEquals(-1.0, s.state().available().getOrDefault("CPU", 0.0), "oversubscribed until one ends");
    s.release(child.taskId());
    s.release(parent.taskId());
    assertEquals(Map.of("CPU", 1.0), s.state().available());
  }
}
