package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.exception.UnreconstructableException;
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
import dev.jray.task.TaskArg;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lineage reconstruction on the owner's side: what is run again, what fails, and why. */
class ObjectRecoveryTest {
  private static final JobId JOB = JobId.fromInt(12);
  private static final long BIG = 200_000;
  private final UniqueId here = IdFactory.newUniqueId();
  /** The node that dies, holding the results' only copies. */
  private final UniqueId there = IdFactory.newUniqueId();
  /** The node that runs the tasks again. */
  private final UniqueId elsewhere = IdFactory.newUniqueId();
  private final Owners owners = new Owners(here);
  /** The tasks given to the scheduler to run again, in order. */
  private final List<TaskSpec> rerun = new CopyOnWriteArrayList<>();
  @TempDir Path dir;
  private ObjectStore store;
  private Lineage lineage;
  private ReferenceCounter refs;
  private ValueCodec codec;
  private TaskManager taskManager;
  private ObjectRecovery recovery;

  /** Wires the owner's parts as CoreWorker does, with a lineage budget of {@code maxBytes}. */
  private void ownerKeeping(long maxBytes) {
    store = new ObjectStore(4L << 20, dir.resolve("spill"));
    ObjectCopies copies = new ObjectCopies(here, store, owners, Runnable::run);
    lineage = new Lineage(maxBytes);
    refs = new ReferenceCounter(owners, (id, v) -> { }, lineage);
    codec = new ValueCodec(here, Serializers.fory(), store, refs, copies, new ManualTime());
    JobRegistry jobs = new JobRegistry(new InMemoryGcs(), getClass().getClassLoader(),
        new PackageCache(dir.resolve("pkg"), id -> null, Time.SYSTEM));
    taskManager = new TaskManager(here, owners, refs, codec, jobs, new TaskEvents(Time.SYSTEM, 0, 1), node -> {});
    recovery = new ObjectRecovery(owners, refs, lineage, codec, taskManager, rerun::add);
  }

  @AfterEach
  void tearDown() {
    if (store != null) {
      store.close();
    }
  }

  /** A normal task owned here that returns a large value. */
  private TaskSpec spec(int maxRetries, List<TaskArg> args) {
    TaskId taskId = IdFactory.newTaskId(JOB);
    return new TaskSpec(taskId, JOB, TaskKind.NORMAL, null,
        new FunctionDescriptor("Fns", "big", "()[B"), args, ResourceSet.EMPTY, owners.self(),
        IdFactory.objectId(taskId, 1), maxRetries, 0, null, null, 0, null, null);
  }

  /** A submitted normal task, its first ref, and a way to deliver its results. */
  private final class Call {
    final TaskSpec spec;
    final ObjectRefImpl<?> ref;

    Call(int maxRetries, List<TaskArg> args) {
      spec = spec(maxRetries, args);
      ref = refs.expectResult(spec.returnId(), PreparedArgs.NONE, null);
      taskManager.addPending(spec);
    }

    ObjectId id() {
      return spec.returnId();
    }

    /** Its result is stored on {@code node}. */
    Call storedOn(UniqueId node) {
      taskManager.onTaskResult(id(), ObjectValue.inStore(node, BIG), List.of());
      return this;
    }

    void arrivesInline(String value) {
      taskManager.onTaskResult(id(), ObjectValue.inline(codec.encode(value).bytes()), List.of());
    }

    /** Passed as an argument: reachable by id from now on, as PreparedArgs makes it. */
    TaskArg asArgument() {
      ref.entry().publish(ref);
      return TaskArg.byRef(id(), owners.self(), ref.entry().value().join());
    }

    Object outcome() {
      try {
        return codec.decode(id(), owners.self(), ref.entry().value(), getClass().getClassLoader());
      } catch (RuntimeException e) {
        return e;
      }
    }
  }

  private Call call(int maxRetries) {
    return new Call(maxRetries, List.of());
  }

  @Test
  void aResultLostWithItsNodeIsMadeAgainByItsTask() {
    ownerKeeping(Lineage.DEFAULT_MAX_BYTES);
    Call c = call(3).storedOn(there);
    assertEquals(1, lineage.size(), "a result stored on another node keeps its spec");

    recovery.onNodeDied(there);

    assertEquals(1, rerun.size());
    TaskSpec again = rerun.get(0);
    assertEquals(c.id(), again.returnId());
    assertEquals(1, again.attempt(), "a rebuild is one more attempt");
    assertFalse(c.ref.entry().value().isDone(), "a get waits for the rebuilt value");
    c.arrivesInline("rebuilt");
    assertEquals("rebuilt", c.outcome());
    assertEquals(0, lineage.size(), "an inline value cannot be lost: no lineage kept for it");
    recovery.onNodeDied(there);
    assertEquals(1, rerun.size(), "made once");
  }

  @Test
  void aResultOnANodeThatLivesIsLeftAlone() {
    ownerKeeping(Lineage.DEFAULT_MAX_BYTES);
    Call c = call(3).storedOn(there);
    recovery.onNodeDied(elsewhere);
    assertEquals(List.of(), rerun);
    assertEquals(there, c.ref.entry().value().join().storeNode());
  }

  @Test
  void aResultWhoseRetriesAreUsedUpFailsSayingSo() {
    ownerKeeping(Lineage.DEFAULT_MAX_BYTES);
    Call c = call(1).storedOn(there);
    recovery.onNodeDied(there);
    assertEquals(1, rerun.size());
    taskManager.onTaskResult(c.id(), ObjectValue.inStore(elsewhere, BIG), List.of());

    recovery.onNodeDied(elsewhere);

    assertEquals(1, rerun.size(), "no attempt left");
    UnreconstructableException e = assertInstanceOf(UnreconstructableException.class, c.outcome());
    assertEquals(c.id(), e.getObjectId());
    assertTrue(e.getMessage().contains("lost with node " + elsewhere), e.getMessage());
    assertTrue(e.getMessage().contains("maxRetries (1) are used up"), e.getMessage());
    assertEquals(0, lineage.size());
  }

  @Test
  void anActorCallsResultIsNotRebuilt() {
    ownerKeeping(Lineage.DEFAULT_MAX_BYTES);
    ObjectId id = IdFactory.objectId(IdFactory.newTaskId(JOB), 1);
    ObjectRefImpl<?> ref = refs.expectResult(id, PreparedArgs.NONE, null);
    taskManager.onTaskResult(id, ObjectValue.inStore(there, BIG), List.of()); // never pending

    recovery.recover(ref.entry(), there); // a get found its copy gone

    assertEquals(List.of(), rerun);
    UnreconstructableException e = assertThrows(ref);
    assertTrue(e.getMessage().contains("returned by an actor call"), e.getMessage());
  }

  private UnreconstructableException assertThrows(ObjectRefImpl<?> ref) {
    try {
      codec.decode(ref.getId(), owners.self(), ref.entry().value(), getClass().getClassLoader());
    } catch (UnreconstructableException e) {
      return e;
    }
    throw new AssertionError("the get of " + ref + " did not fail");
  }

  @Test
  void lineageOverTheBudgetIsEvictedOldestFirst() {
    int spec = Lineage.sizeOf(spec(3, List.of()));
    ownerKeeping(2L * spec + spec / 2); // room for two specs
    Call oldest = call(3).storedOn(there);
    Call middle = call(3).storedOn(there);
    Call newest = call(3).storedOn(there);
    assertEquals(2, lineage.size());
    assertEquals(2L * spec, lineage.bytes());

    recovery.onNodeDied(there);

    assertEquals(List.of(middle.id(), newest.id()), rerun.stream().map(TaskSpec::returnId).toList());
    recovery.recover(oldest.ref.entry(), there); // a get found its copy gone
    assertEquals(2, rerun.size());
    UnreconstructableException e = assertThrows(oldest.ref);
    assertTrue(e.getMessage().contains("lineage was evicted"), e.getMessage());
    assertTrue(e.getMessage().contains("-Djray.lineage.max-bytes"), e.getMessage());
  }

  @Test
  void lineageGoesWithTheObjectsLastReference() {
    ownerKeeping(Lineage.DEFAULT_MAX_BYTES);
    Call c = call(3).storedOn(there);
    c.ref.entry().released(); // the user dropped the ref
    assertEquals(0, lineage.size());
    assertEquals(0, lineage.bytes());
    recovery.onNodeDied(there);
    assertEquals(List.of(), rerun);
  }

  @Test
  void aLostArgumentOwnedHereIsRebuiltBeforeTheTaskThatUsesIt() {
    ownerKeeping(Lineage.DEFAULT_MAX_BYTES);
    Call arg = call(3).storedOn(there);
    Call user = new Call(3, List.of(arg.asArgument())).storedOn(there);

    recovery.recover(user.ref.entry(), there); // a get of the user's result found it lost

    assertEquals(List.of(arg.id()), rerun.stream().map(TaskSpec::returnId).toList(),
        "the argument first; its user waits for it");
    taskManager.onTaskResult(arg.id(), ObjectValue.inStore(elsewhere, BIG), List.of());
    assertEquals(2, rerun.size());
    TaskSpec again = rerun.get(1);
    assertEquals(user.id(), again.returnId());
    assertEquals(elsewhere, again.args().get(0).value().storeNode(), "with the rebuilt argument");
  }

  @Test
  void aRebuildWhoseArgumentWasFreedFailsSayingSo() {
    ownerKeeping(Lineage.DEFAULT_MAX_BYTES);
    Call arg = call(3).storedOn(there);
    Call user = new Call(3, List.of(arg.asArgument())).storedOn(there);
    arg.ref.entry().released(); // its last reference went once the user's task was done

    recovery.onNodeDied(there);

    assertEquals(List.of(), rerun);
    UnreconstructableException e = assertThrows(user.ref);
    assertTrue(e.getMessage().contains("argument " + arg.id() + " was freed"), e.getMessage());
  }

  @Test
  void theBudgetPropertyIsABytesCount() {
    assertEquals(Lineage.DEFAULT_MAX_BYTES, Lineage.maxBytes(null));
    assertEquals(4096, Lineage.maxBytes(" 4096 "));
    assertEquals(0, Lineage.maxBytes("0"));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> Lineage.maxBytes("1GB"));
    assertEquals("-Djray.lineage.max-bytes=1GB is not a number of bytes (0 or more)", e.getMessage());
  }
}
