package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.TaskId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The small ring on the hot path and the archive it copies into when full. */
class TaskEventRingTest {
  private static final JobId JOB = JobId.fromInt(9);
  private static final FunctionDescriptor F = new FunctionDescriptor("demo.Work", "run", "()V");

  private static void record(TaskEventRing ring, TaskId id, long timeMs) {
    ring.record(id, TaskKind.NORMAL, F, null, 0, TaskEvent.State.RUNNING, timeMs, null, null);
  }

  private static List<TaskId> ids(TaskEventRing ring) {
    List<TaskEvent> got = new ArrayList<>();
    ring.copyTo(got);
    return got.stream().map(TaskEvent::taskId).toList();
  }

  @Test
  void aThreadRecordingSlowerThanTheSpillIntervalKeepsEveryEventInItsArchive() {
    TaskEventRing ring = new TaskEventRing(8, Thread.currentThread(), 0,
        new TaskEventRing(64, Thread.currentThread(), 0));
    List<TaskId> recorded = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      TaskId id = IdFactory.newTaskId(JOB);
      recorded.add(id);
      record(ring, id, (i / 4) * TaskEventRing.SPILL_INTERVAL_MS); // 8 events per 20 ms
    }
    assertEquals(recorded, ids(ring));
    long[] counts = new long[TaskEventRing.FAILED_BY_OWNER + 1];
    ring.addCountsTo(counts);
    assertEquals(40, counts[TaskEvent.State.RUNNING.ordinal()], "each event counted once");
  }

  @Test
  void aThreadRecordingFasterKeepsItsLatestEventsAndWhatItLastArchived() {
    TaskEventRing ring = new TaskEventRing(8, Thread.currentThread(), 0,
        new TaskEventRing(64, Thread.currentThread(), 0));
    List<TaskId> recorded = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      TaskId id = IdFactory.newTaskId(JOB);
      recorded.add(id);
      record(ring, id, 5); // all within one spill interval: one copy into the archive
    }
    List<TaskId> expected = new ArrayList<>(recorded.subList(0, 8)); // archived when first full
    expected.addAll(recorded.subList(93, 100)); // the ring's, but for the one being overwritten
    assertEquals(expected, ids(ring));
  }

  @Test
  void aReaderNeverSeesAnEventTwiceWhileTheOwnerArchives() throws Exception {
    TaskEventRing[] ring = new TaskEventRing[1];
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer = new Thread(() -> {
      for (long t = 0; !stop.get(); t++) {
        record(ring[0], IdFactory.newTaskId(JOB), t); // a new ms per event: it archives when full
      }
    });
    ring[0] = new TaskEventRing(16, writer, 0, new TaskEventRing(256, writer, 0));
    writer.start();
    try {
      for (int read = 0; read < 2_000; read++) {
        List<TaskId> seen = ids(ring[0]);
        Set<TaskId> distinct = new HashSet<>(seen);
        assertEquals(seen.size(), distinct.size(), "an event copied twice");
      }
    } finally {
      stop.set(true);
      writer.join();
    }
    assertTrue(ids(ring[0]).size() >= 256 - 1, "the archive is full by now");
  }
}
