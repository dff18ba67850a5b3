package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.exception.RayTaskException;
import dev.jray.api.exception.RayWorkerException;
import dev.jray.api.id.JobId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.serialization.Serializers;
import dev.jray.gcs.time.ManualTime;
import dev.jray.gcs.time.Time;
import dev.jray.resources.ResourceSet;
import dev.jray.store.ObjectStore;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.ObjectValue;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskManagerTest {
  private static final JobId JOB = JobId.fromInt(11);
  private final UniqueId here = IdFactory.newUniqueId();
  private final UniqueId there = IdFactory.newUniqueId();
  private final Owners owners = new Owners(here);
  @TempDir Path dir;
  private ObjectStore store;
  private ReferenceCounter refs;
  private ValueCodec codec;
  private TaskManager taskManager;
  /** The first refs of the tasks' return objects: they keep the objects alive. */
  private final List<ObjectRefImpl<?>> firstRefs = new ArrayList<>();
  /** What the located-on-a-dead-node callback took, as the submitter retries it. */
  private final List<TaskSpec> retried = new ArrayList<>();

  @BeforeEach
  void setUp() {
    store = new ObjectStore(4L << 20, dir.resolve("spill"));
    ObjectCopies copies = new ObjectCopies(here, store, owners, Runnable::run);
    refs = new ReferenceCounter(owners, copies::deleteFreed,
        new Lineage(Lineage.DEFAULT_MAX_BYTES));
    codec = new ValueCodec(here, Serializers.fory(), store, refs, copies, new ManualTime());
    JobRegistry jobs = new JobRegistry(new InMemoryGcs(), getClass().getClassLoader(),
        new PackageCache(dir.resolve("pkg"), id -> null, Time.SYSTEM));
    jobs.register(JOB, "test", getClass().getClassLoader()); // as the driver of JOB does
    taskManager = new TaskManager(here, owners, refs, codec, jobs, new TaskEvents(Time.SYSTEM, 0, 1),
        node -> retried.addAll(taskManager.takeTasksOnDeadNode(node)));
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  /** A normal task this worker owns, submitted: its return object pending. */
  private TaskSpec submitted() {
    TaskId taskId = IdFactory.newTaskId(JOB);
    ObjectId returnId = IdFactory.objectId(taskId, 1);
    TaskSpec spec = new TaskSpec(taskId, JOB, TaskKind.NORMAL, null,
        new FunctionDescriptor("Fns", "f", "()V"), List.of(), ResourceSet.EMPTY, owners.self(),
        returnId, 3, 0, null, null, 0, null, null);
    firstRefs.add(refs.expectResult(returnId, PreparedArgs.NONE, null));
    taskManager.addPending(spec);
    return spec;
  }

  private Object outcome(TaskSpec spec) {
    CompletableFuture<ObjectValue> f = firstRefs.stream()
        .filter(r -> r.getId().equals(spec.returnId())).findFirst().orElseThrow().entry().value();
    try {
      return codec.decode(spec.returnId(), owners.self(), f, getClass().getClassLoader());
    } catch (RuntimeException e) {
      return e;
    }
  }

  @Test
  void onlyTheTasksRunningOnANodeThatDiedAreTakenToRetry() {
    TaskSpec remote = submitted();
    TaskSpec local = submitted();
    TaskSpec finished = submitted();
    taskManager.locate(remote, there);
    taskManager.locate(local, here);
    taskManager.locate(finished, there);
    taskManager.onTaskResult(finished.returnId(), ObjectValue.inline(codec.encode(7).bytes()), List.of());

    assertEquals(List.of(remote), taskManager.takeTasksOnDeadNode(there));
    assertEquals(List.of(), taskManager.takeTasksOnDeadNode(there), "taken once");
    assertEquals(7, outcome(finished));
  }

  @Test
  void aTaskLocatedOnANodeAfterItsDeathWasTakenIsHandedBackAtOnce() {
    TaskSpec before = submitted();
    TaskSpec late = submitted();
    taskManager.locate(before, there);
    assertEquals(List.of(before), taskManager.takeTasksOnDeadNode(there));
    assertEquals(List.of(), retried);

    taskManager.onTaskLocated(late.returnId(), there); // a forward's location that raced the death
    assertEquals(List.of(late), retried, "nothing else would ever retry it");
    assertEquals(List.of(), taskManager.takeTasksOnDeadNode(there), "taken once");
  }

  @Test
  void aTaskThatCameBackHereIsNoLongerOnTheNodeItLeft() {
    TaskSpec spec = submitted();
    taskManager.locate(spec, there);
    taskManager.locate(spec, here); // spilled back
    assertEquals(List.of(), taskManager.takeTasksOnDeadNode(there));
  }

  @Test
  void aFailedCallRaisesItsErrorFromItsReturnObject() {
    TaskSpec spec = submitted();
    taskManager.failCall(spec.returnId(), new RayWorkerException("node gone"));
    Object raised = outcome(spec);
    assertInstanceOf(RayWorkerException.class, raised);
    assertEquals("node gone", ((RuntimeException) raised).getMessage());
  }

  @Test
  void aCallWhoseArgumentFailedAddsItsOwnLayerToTheCause() {
    TaskSpec spec = submitted();
    ObjectValue argError = codec.errorValue(new RayTaskException("the argument failed", null));
    taskManager.failDependency(spec.returnId(), JOB, spec.function(),
        new PreparedArgs.DependencyFailedException(argError, null));
    Object raised = outcome(spec);
    RayTaskException e = assertInstanceOf(RayTaskException.class, raised);
    assertTrue(e.getMessage().startsWith("Fns.f did not run: an argument failed"), e.getMessage());
    assertInstanceOf(RayTaskException.class, e.getCause());
    assertEquals("the argument failed", e.getCause().getMessage());
  }

  @Test
  void actorTasksAreNotLocated() {
    TaskSpec spec = submitted();
    TaskSpec actorCall = new TaskSpec(spec.taskId(), JOB, TaskKind.ACTOR_TASK, null,
        spec.function(), List.of(), ResourceSet.EMPTY, owners.self(), spec.returnId(), 0, 0, null,
        null, 0, null, null);
    taskManager.locate(actorCall, there);
    assertFalse(taskManager.takeTasksOnDeadNode(there).contains(spec), "actors restart through their records");
  }
}
