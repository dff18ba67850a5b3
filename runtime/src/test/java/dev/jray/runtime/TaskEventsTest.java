package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.exception.ActorUnavailableException;
import dev.jray.api.exception.PendingCallsLimitExceededException;
import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayTimeoutException;
import dev.jray.api.exception.RuntimeEnvException;
import dev.jray.api.exception.UnreconstructableException;
import dev.jray.api.id.JobId;
import dev.jray.api.id.TaskId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.time.ManualTime;
import dev.jray.resources.ResourceSet;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskEventsTest {
  private static final JobId JOB = JobId.fromInt(7);
  private static final FunctionDescriptor F = new FunctionDescriptor("demo.Work", "run", "()V");

  private static TaskSpec spec() {
    TaskId id = IdFactory.newTaskId(JOB);
    return new TaskSpec(id, JOB, TaskKind.NORMAL, null, F, List.of(), ResourceSet.EMPTY, "owner",
        IdFactory.objectId(id, 1), 0, 0, null, null, 0, null, null);
  }

  @Test
  void aTaskPassesPendingRunningFinishedStampedByTheClock() {
    ManualTime time = new ManualTime(1_000_000);
    try (TaskEvents events = new TaskEvents(time, 16, 4)) {
      TaskSpec s = spec();
      events.submitted(s);
      events.running(WorkerThreadContext.current(), s);
      events.ended(WorkerThreadContext.current(), s, null);
      List<TaskEvent> got = events.latest(100);
      assertEquals(List.of(TaskEvent.State.PENDING_NODE_ASSIGNMENT, TaskEvent.State.RUNNING,
          TaskEvent.State.FINISHED), got.stream().map(TaskEvent::state).toList());
      got.forEach(e -> assertEquals(s.taskId(), e.taskId()));
      got.forEach(e -> assertEquals(1_000_000, e.timeMs(), 1));
      assertEquals(JOB, got.get(0).jobId());
      assertEquals(F, got.get(0).function());
    }
  }

  @Test
  void failuresCarryRaysErrorType() {
    try (TaskEvents events = new TaskEvents(new ManualTime(0), 16, 4)) {
      TaskSpec s = spec();
      events.ended(WorkerThreadContext.current(), s, new IllegalStateException("boom"));
      events.failedByOwner(s.taskId(), 0,
          new RayActorException(dev.jray.api.id.ActorId.NIL, "actor died", null));
      List<TaskEvent> got = events.latest(10);
      assertEquals("TASK_EXECUTION_EXCEPTION", got.get(0).errorType());
      assertTrue(got.get(0).errorMessage().contains("boom"));
      assertEquals("ACTOR_DIED", got.get(1).errorType());
    }
  }

  @Test
  void ownerDecidedFailuresGetRaysErrorTypeNamesNeverUnknown() {
    try (TaskEvents events = new TaskEvents(new ManualTime(0), 16, 4)) {
      List<dev.jray.api.exception.RayException> errors = List.of(
          new ActorUnavailableException("restarting"),
          new UnreconstructableException(IdFactory.objectId(spec().taskId(), 1)),
          new RuntimeEnvException("no such jar"),
          new RayTimeoutException("fetch timed out"),
          new PendingCallsLimitExceededException("too many"));
      for (dev.jray.api.exception.RayException error : errors) {
        events.failedByOwner(spec().taskId(), 0, error);
      }
      assertEquals(List.of("ACTOR_UNAVAILABLE", "OBJECT_UNRECONSTRUCTABLE",
          "RUNTIME_ENV_SETUP_FAILED", "OBJECT_FETCH_TIMED_OUT", "DEPENDENCY_RESOLUTION_FAILED"),
          events.latest(10).stream().map(TaskEvent::errorType).toList());
      assertEquals(5, events.recorded());
    }
  }

  @Test
  void recordedCountsEventsTheRingOverwrote() {
    try (TaskEvents events = new TaskEvents(new ManualTime(0), 8, 4)) {
      for (int i = 0; i < 20; i++) {
        events.running(WorkerThreadContext.current(), spec());
      }
      assertEquals(20, events.recorded());
      assertTrue(events.latest(100).size() < 20, "the ring kept fewer than were recorded");
    }
  }

  @Test
  void eachThreadKeepsItsLatestEventsOnly() throws Exception {
    try (TaskEvents events = new TaskEvents(new ManualTime(0), 8, 4)) {
      List<TaskSpec> specs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        specs.add(spec());
      }
      Thread other = new Thread(() -> specs.subList(0, 3).forEach(s -> events.running(WorkerThreadContext.current(), s)));
      other.start();
      other.join();
      specs.forEach(events::submitted); // 20 on this thread, a ring of 8
      List<TaskEvent> got = events.latest(100);
      // a full ring shows one event less: its writer may be overwriting the oldest
      assertEquals(3 + 7, got.size());
      Set<TaskId> kept = new HashSet<>();
      got.stream().filter(e -> e.state() == TaskEvent.State.PENDING_NODE_ASSIGNMENT)
          .forEach(e -> kept.add(e.taskId()));
      assertEquals(Set.copyOf(specs.subList(13, 20).stream().map(TaskSpec::taskId).toList()),
          kept);
      assertEquals(5, events.latest(5).size());
    }
  }

  @Test
  void threadsBeyondTheRingLimitShareOneRing() throws Exception {
    try (TaskEvents events = new TaskEvents(new ManualTime(0), 64, 1)) {
      events.submitted(spec());
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Thread t = new Thread(() -> {
          for (int j = 0; j < 10; j++) {
            events.submitted(spec());
          }
        });
        threads.add(t);
      }
      for (Thread t : threads) {
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      assertEquals(31, events.latest(1000).size());
    }
  }

  @Test
  void countsOutliveTheRingsAndTheirThreads() throws Exception {
    try (TaskEvents events = new TaskEvents(new ManualTime(0), 4, 1)) {
      Runnable work = () -> {
        for (int i = 0; i < 10; i++) {
          TaskSpec s = spec();
          events.submitted(s);
          events.running(WorkerThreadContext.current(), s);
          events.ended(WorkerThreadContext.current(), s, i == 0 ? new IllegalStateException("boom") : null);
        }
      };
      Thread first = new Thread(work);
      first.start();
      first.join();
      Thread second = new Thread(work); // takes the only ring slot: the first's ring is dropped
      second.start();
      second.join();
      TaskSpec running = spec();
      events.running(WorkerThreadContext.current(), running);
      events.failedByOwner(spec().taskId(), 0, new RayActorException(
          dev.jray.api.id.ActorId.NIL, "gone", null));
      assertEquals(new TaskEvents.Counts(20, 1, 18, 3), events.counts());
    }
  }

  @Test
  void zeroPerThreadRecordsNothing() {
    try (TaskEvents events = new TaskEvents(new ManualTime(0), 0, 4)) {
      assertFalse(events.enabled());
      events.submitted(spec());
      assertEquals(0, events.latest(10).size());
    }
  }

  @Test
  void aSlotOverwrittenByAnEventWithoutErrorOrNameShowsNeither() {
    try (TaskEvents events = new TaskEvents(new ManualTime(5_000), 4, 4)) {
      TaskSpec named = new TaskSpec(spec().taskId(), JOB, TaskKind.NORMAL, "named", F, List.of(),
          ResourceSet.EMPTY, "owner", spec().returnId(), 0, 0, null, null, 0, null, null);
      events.running(WorkerThreadContext.current(), named);
      events.ended(WorkerThreadContext.current(), named, new IllegalStateException("boom"));
      TaskEvent failed = events.latest(10).stream()
          .filter(e -> e.state() == TaskEvent.State.FAILED).findFirst().orElseThrow();
      assertEquals("TASK_EXECUTION_EXCEPTION", failed.errorType());
      assertTrue(failed.errorMessage().contains("boom"), failed.errorMessage());
      assertEquals("named", failed.name());
      assertEquals(5_000, failed.timeMs());
      TaskSpec plain = spec();
      for (int i = 0; i < 2; i++) { // four events: both slots of the named task are overwritten
        events.running(WorkerThreadContext.current(), plain);
        events.ended(WorkerThreadContext.current(), plain, null);
      }
      List<TaskEvent> latest = events.latest(10);
      assertEquals(3, latest.size(), "a full ring shows one event less than it holds");
      for (TaskEvent e : latest) {
        assertEquals(plain.taskId(), e.taskId());
        assertEquals(null, e.errorType(), e.toString());
        assertEquals(null, e.errorMessage(), e.toString());
        assertEquals(null, e.name(), e.toString());
      }
    }
  }

  @Test
  void readersSeeOnlyWholeEventsWhileAThreadRecords() throws Exception {
    try (TaskEvents events = new TaskEvents(new ManualTime(0), 32, 4)) {
      TaskSpec s = spec();
      Thread writer = new Thread(() -> {
        for (int i = 0; i < 200_000; i++) {
          TaskSpec attempt = new TaskSpec(s.taskId(), JOB, TaskKind.NORMAL, String.valueOf(i), F,
              List.of(), ResourceSet.EMPTY, "owner", s.returnId(), 0, i, null, null, 0, null, null);
          if (i % 2 == 0) {
            events.running(WorkerThreadContext.current(), attempt);
          } else {
            events.ended(WorkerThreadContext.current(), attempt, null);
          }
        }
      });
      writer.start();
      int seen = 0;
      while (writer.isAlive()) {
        for (TaskEvent e : events.latest(1000)) {
          assertEquals(String.valueOf(e.attempt()), e.name(), "one event's fields, not two");
          assertEquals(e.attempt() % 2 == 0 ? TaskEvent.State.RUNNING : TaskEvent.State.FINISHED,
              e.state());
          seen++;
        }
      }
      writer.join();
      assertEquals(31, events.latest(1000).size());
      assertEquals(199_999, events.latest(1000).get(30).attempt());
      assertTrue(seen > 0);
    }
  }
}
