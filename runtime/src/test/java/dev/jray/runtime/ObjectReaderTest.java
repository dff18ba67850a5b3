package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ObjectRef;
import dev.jray.api.WaitResult;
import dev.jray.api.exception.RayException;
import dev.jray.api.exception.RayTimeoutException;
import dev.jray.api.id.JobId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.serialization.Serializers;
import dev.jray.gcs.time.ManualTime;
import dev.jray.gcs.time.Time;
import dev.jray.link.NodeLinks;
import dev.jray.resources.ResourceSet;
import dev.jray.store.ObjectStore;
import dev.jray.store.transfer.HeapDestination;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.ObjectValue;
import dev.jray.task.TaskArg;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The object reader of a driver, with its parts wired as CoreWorker wires them, on a manual clock. */
class ObjectReaderTest {
  private final UniqueId here = IdFactory.newUniqueId();
  private final ManualTime time = new ManualTime();
  private final Owners owners = new Owners(here);
  private final ExecutorService pool = Executors.newCachedThreadPool();
  @TempDir Path dir;
  /** The fetches and reads asked of other nodes' stores; none completes unless a test does it. */
  private final List<CompletableFuture<?>> fetches = new CopyOnWriteArrayList<>();
  private ObjectStore store;
  private NodeLinks links;
  private ReferenceCounter refs;
  private ValueCodec codec;
  private TaskManager taskManager;
  private TaskExecutor tasks;
  private ObjectCopies copies;
  private ObjectReader reader;
  /** What the scheduler does with a task run again to rebuild a lost result. */
  private volatile Consumer<TaskSpec> rerun = spec -> { };

  @BeforeEach
  void setUp() {
    store = new ObjectStore(16L << 20, dir.resolve("spill"));
    JobRegistry jobs = new JobRegistry(new InMemoryGcs(), getClass().getClassLoader(),
        new PackageCache(dir.resolve("pkg"), id -> null, Time.SYSTEM));
    jobs.startDriver(JobId.fromInt(9), "test", getClass().getClassLoader(), null);
    copies = new ObjectCopies(here, store, owners, pool);
    copies.start(new ObjectFetcher() { // a test may start it with a fetcher of its own
      @Override
      public CompletableFuture<Void> fetch(ObjectId id, UniqueId from) {
        return pending();
      }

      @Override
      public CompletableFuture<byte[]> read(ObjectId id, UniqueId from, HeapDestination into) {
        return pending();
      }
    });
    Lineage lineage = new Lineage(Lineage.DEFAULT_MAX_BYTES);
    refs = new ReferenceCounter(owners, copies::deleteFreed, lineage);
    codec = new ValueCodec(here, Serializers.fory(), store, refs, copies, time);
    taskManager = new TaskManager(here, owners, refs, codec, jobs, new TaskEvents(Time.SYSTEM, 0, 1), node -> {});
    tasks = new TaskExecutor(here, owners, pool, new FunctionResolver(), jobs, codec, copies,
        taskManager, spec -> { }, time);
    InMemoryGcs gcs = new InMemoryGcs();
    HostedActors hosted = new HostedActors(here, jobs, codec, tasks,
        new ActorDirectory(gcs, here, spec -> tasks.scheduler().submitAndDispatch(spec)), time);
    ObjectRecovery recovery = new ObjectRecovery(owners, refs, lineage, codec, taskManager,
        spec -> rerun.accept(spec));
    reader = new ObjectReader(jobs, owners, refs, codec, copies, tasks, hosted, recovery, pool,
        time);
    links = new NodeLinks(here, ClusterToken.generate(), null, Serializers.fory(),
        getClass().getClassLoader(), node -> null, (from, message, reply) -> { }, time);
    owners.start(links);
  }

  @AfterEach
  void tearDown() {
    tasks.stop();
    links.close();
    pool.shutdownNow();
    store.close();
  }

  private <T> CompletableFuture<T> pending() {
    CompletableFuture<T> f = new CompletableFuture<>();
    fetches.add(f);
    return f;
  }

  /** The first ref of a call's return object, its result not come yet. */
  private ObjectRefImpl<?> pendingResult() {
    ObjectId id = IdFactory.objectId(IdFactory.newTaskId(JobId.fromInt(9)), 1);
    return refs.expectResult(id, PreparedArgs.NONE, null);
  }

  @Test
  @Timeout(10)
  void aGetTimesOutOnTheInjectedClock() {
    ObjectRefImpl<?> ref = pendingResult();
    RayTimeoutException e = assertThrows(RayTimeoutException.class, () -> reader.get(ref, 30_000));
    assertTrue(e.getMessage().contains("30000 ms"), e.getMessage());
    assertTrue(time.nanoseconds() >= Duration.ofSeconds(30).toNanos(),
        "the 30 s passed on the manual clock, not the wall's: " + time);
  }

  @Test
  @Timeout(10)
  void aGetReturnsTheResultThatArrives() {
    ObjectRefImpl<?> ref = pendingResult();
    byte[] answer = codec.encode("answer").bytes();
    taskManager.onTaskResult(ref.getId(), ObjectValue.inline(answer), List.of());
    assertEquals("answer", reader.get(ref, 30_000));
  }

  private void arrive(ObjectRefImpl<?> ref, String value) {
    taskManager.onTaskResult(ref.getId(), ObjectValue.inline(codec.encode(value).bytes()), List.of());
  }

  @SuppressWarnings("unchecked")
  private static List<ObjectRef<Object>> refs(ObjectRef<?>... refs) {
    return List.of((ObjectRef<Object>[]) refs);
  }

  @Test
  @Timeout(10)
  void aGetsTimeoutBoundsTheFetchOfACopyOnAnotherNode() {
    ObjectRefImpl<?> ref = pendingResult();
    UniqueId holder = IdFactory.newUniqueId();
    taskManager.onTaskResult(ref.getId(), ObjectValue.inStore(holder, 1 << 20), List.of());
    RayTimeoutException e = assertThrows(RayTimeoutException.class, () -> reader.get(ref, 30_000));
    assertTrue(e.getMessage().contains("fetching object " + ref.getId() + " from node " + holder),
        e.getMessage());
    assertEquals(1, fetches.size(), "the copy was asked for");
    assertTrue(fetches.get(0).isCancelled(), "the read of a get that gave up is ended");
    long passed = time.nanoseconds();
    assertTrue(passed >= Duration.ofSeconds(30).toNanos() && passed < Duration.ofSeconds(60).toNanos(),
        "the fetch waited what was left of the get's 30 s: " + time);
  }

  /**
   * Copies that another node holds, read as the transfer client reads them (the head, then the
   * rest into the array the destination chose) on {@code runsReads}.
   */
  private final class RemoteCopies {
    final Map<ObjectId, byte[]> objects = new ConcurrentHashMap<>();
    final List<Integer> skips = new CopyOnWriteArrayList<>();
    final UniqueId holder = IdFactory.newUniqueId();

    RemoteCopies(Executor runsReads) {
      copies.start(new ObjectFetcher() {
        @Override
        public CompletableFuture<Void> fetch(ObjectId id, UniqueId from) {
          return CompletableFuture.failedFuture(new AssertionError("a get pulls nothing into the store"));
        }

        @Override
        public CompletableFuture<byte[]> read(ObjectId id, UniqueId from, HeapDestination into) {
          return CompletableFuture.supplyAsync(() -> {
            byte[] object = objects.get(id);
            HeapDestination.Slot slot = into.allocate(object.length,
                Arrays.copyOf(object, Math.min(object.length, HeapDestination.HEAD_BYTES)));
            System.arraycopy(object, slot.skip(), slot.array(), 0, slot.array().length);
            skips.add(slot.skip());
            return slot.array();
          }, runsReads);
        }
      });
    }

    /** A task's result whose only copy is on the holder. */
    ObjectRefImpl<?> resultHeld(Object value) {
      ObjectRefImpl<?> ref = pendingResult();
      byte[] object = codec.encode(value).bytes();
      objects.put(ref.getId(), object);
      taskManager.onTaskResult(ref.getId(), ObjectValue.inStore(holder, object.length), List.of());
      return ref;
    }
  }

  @Test
  @Timeout(20)
  void aLargeReadOnATransferThreadGetsTheArrayItsCallerAllocatedOrItsOwnIfTheGuessWasWrong() {
    ExecutorService transfers = Executors.newSingleThreadExecutor();
    try {
      RemoteCopies remote = new RemoteCopies(transfers); // not the caller's thread
      byte[] array = new byte[3 << 20];
      for (int i = 0; i < array.length; i++) {
        array[i] = (byte) (i * 13);
      }
      List<String> list = new ArrayList<>(); // over a MiB, not an array: the guess is wrong
      for (int i = 0; i < 120_000; i++) {
        list.add("item-" + i);
      }
      ObjectRefImpl<?> arrayRef = remote.resultHeld(array);
      ObjectRefImpl<?> listRef = remote.resultHeld(list);
      assertTrue(remote.objects.get(listRef.getId()).length > 1 << 20, "the list is read as a large object");

      // no deadline (the test's @Timeout bounds it): a wait on the manual clock passes any
      // timeout at once, and on a loaded machine the transfer thread may not be done by then
      assertArrayEquals(array, (byte[]) reader.get(arrayRef, -1));
      assertEquals(list, reader.get(listRef, -1));
    } finally {
      transfers.shutdownNow();
    }
  }

  @Test
  @Timeout(10)
  void aGetReadsACopyOnAnotherNodeStraightIntoItsHeapKeepingNoCopyHere() {
    RemoteCopies remote = new RemoteCopies(Runnable::run);
    List<Integer> skips = remote.skips;
    byte[] array = new byte[300_000];
    Arrays.fill(array, (byte) 7);
    List<String> list = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      list.add("item-" + i);
    }
    ObjectRefImpl<?> arrayRef = remote.resultHeld(array);
    ObjectRefImpl<?> listRef = remote.resultHeld(list);

    assertArrayEquals(array, (byte[]) reader.get(arrayRef, 30_000));
    assertEquals(list, reader.get(listRef, 30_000));
    assertTrue(skips.get(0) > 0, "the array is read past its header: it is the value itself");
    assertEquals(0, skips.get(1), "any other value is read whole, then decoded");
    assertFalse(store.contains(arrayRef.getId()) || store.contains(listRef.getId()),
        "no copy is kept in this node's store");
  }

  @Test
  @Timeout(10)
  void aReadWhoseHolderAnnouncesAnotherSizeIsRefused() {
    copies.start(new ObjectFetcher() {
      @Override
      public CompletableFuture<Void> fetch(ObjectId id, UniqueId from) {
        return CompletableFuture.failedFuture(new AssertionError("not asked"));
      }

      @Override
      public CompletableFuture<byte[]> read(ObjectId id, UniqueId from, HeapDestination into) {
        try {
          return CompletableFuture.completedFuture(into.allocate(3L << 30, new byte[32]).array());
        } catch (RuntimeException e) {
          return CompletableFuture.failedFuture(e); // as the transfer client fails the read
        }
      }
    });
    ObjectRefImpl<?> ref = pendingResult();
    taskManager.onTaskResult(ref.getId(), ObjectValue.inStore(IdFactory.newUniqueId(), 200_000),
        List.of());
    RayException e = assertThrows(RayException.class, () -> reader.get(ref, 30_000));
    assertTrue(e.getMessage().contains("announced 3221225472 bytes where its owner recorded 200000"),
        e.getMessage());
  }

  @Test
  @Timeout(10)
  void aListGetTimesOutOnOneDeadlineWhileAnEarlierResultIsMissing() {
    ObjectRefImpl<?> missing = pendingResult();
    ObjectRefImpl<?> arrived = pendingResult();
    arrive(arrived, "late");
    RayTimeoutException e = assertThrows(RayTimeoutException.class,
        () -> reader.get(refs(missing, arrived), 30_000));
    assertTrue(e.getMessage().contains("2 object(s)"), e.getMessage());
    long passed = time.nanoseconds();
    assertTrue(passed >= Duration.ofSeconds(30).toNanos() && passed < Duration.ofSeconds(60).toNanos(),
        "one 30 s deadline for the whole list: " + time);
  }

  @Test
  @Timeout(10)
  void aListGetReturnsResultsInItsOrderWhenTheyArriveInAnother() throws Exception {
    ObjectRefImpl<?> first = pendingResult();
    ObjectRefImpl<?> second = pendingResult();
    ObjectRefImpl<?> third = pendingResult();
    Future<List<Object>> got = pool.submit(() -> reader.get(refs(first, second, third), -1));
    arrive(third, "c");
    arrive(first, "a");
    arrive(second, "b");
    assertEquals(List.of("a", "b", "c"), got.get());
  }

  @Test
  @Timeout(10)
  void getsWithNoTimeoutWakeWithTheCauseWhenEveryPendingCallFails() throws Exception {
    ObjectRefImpl<?> waitedFor = pendingResult();
    ObjectRefImpl<?> notYetAsked = pendingResult();
    ObjectRef<String> put = reader.put("here");
    Future<Object> blocked = pool.submit(() -> reader.get(waitedFor, -1));
    taskManager.failAllPending(new RayException("this driver was dropped by the cluster"));
    ExecutionException e = assertThrows(ExecutionException.class, blocked::get);
    assertTrue(e.getCause() instanceof RayException
        && e.getCause().getMessage().contains("dropped by the cluster"), e.toString());
    RayException later = assertThrows(RayException.class, () -> reader.get(notYetAsked, -1));
    assertTrue(later.getMessage().contains("dropped by the cluster"), later.getMessage());
    assertEquals("here", reader.get(put, -1), "what is already here stays readable");
  }

  @Test
  @Timeout(10)
  void waitReturnsWhatIsReadyWhenItsTimeoutPasses() {
    ObjectRef<String> put = reader.put("ready");
    ObjectRefImpl<?> pending = pendingResult();
    @SuppressWarnings("unchecked")
    List<ObjectRef<Object>> both = List.of((ObjectRef<Object>) (ObjectRef<?>) put,
        (ObjectRef<Object>) (ObjectRef<?>) pending);
    WaitResult<Object> result = reader.wait(both, 2, 60_000, false);
    assertEquals(List.of(put), result.getReady());
    assertEquals(List.of(pending), result.getUnready());
    assertTrue(time.nanoseconds() >= Duration.ofSeconds(60).toNanos(), time.toString());
  }

  @Test
  @Timeout(10)
  void waitWithFetchLocalCountsARemoteResultOnceItIsFetchedHere() {
    CompletableFuture<Void> fetched = new CompletableFuture<>();
    copies.start(new ObjectFetcher() {
      @Override
      public CompletableFuture<Void> fetch(ObjectId id, UniqueId from) {
        return fetched;
      }

      @Override
      public CompletableFuture<byte[]> read(ObjectId id, UniqueId from, HeapDestination into) {
        return new CompletableFuture<>();
      }
    });
    TaskId taskId = IdFactory.newTaskId(JobId.fromInt(9));
    TaskSpec spec = new TaskSpec(taskId, JobId.fromInt(9), TaskKind.NORMAL, null,
        new FunctionDescriptor("Fns", "big", "()[B"), List.of(), ResourceSet.EMPTY, owners.self(),
        IdFactory.objectId(taskId, 1), 0, 0, null, null, 0, null, null);
    ObjectRefImpl<?> remote = refs.expectResult(spec.returnId(), PreparedArgs.NONE, null);
    taskManager.addPending(spec);
    taskManager.onTaskResult(spec.returnId(), ObjectValue.inStore(IdFactory.newUniqueId(), 200_000),
        List.of());
    @SuppressWarnings("unchecked")
    List<ObjectRef<Object>> one = List.of((ObjectRef<Object>) (ObjectRef<?>) remote);

    assertEquals(one, reader.wait(one, 1, 1_000, false).getReady(), "stored elsewhere is ready");
    assertEquals(one, reader.wait(one, 1, 1_000, true).getUnready(), "not here yet");
    fetched.complete(null);
    assertEquals(one, reader.wait(one, 1, 1_000, true).getReady(), "here once fetched");
  }

  /** A task's result stored on a node whose store cannot be reached: its pulls fail. */
  private ObjectRefImpl<?> resultOnAnUnreachableNode() {
    copies.start(new ObjectFetcher() {
      @Override
      public CompletableFuture<Void> fetch(ObjectId id, UniqueId from) {
        return CompletableFuture.failedFuture(new IOException("connection refused"));
      }

      @Override
      public CompletableFuture<byte[]> read(ObjectId id, UniqueId from, HeapDestination into) {
        return CompletableFuture.failedFuture(new IOException("connection refused"));
      }
    });
    TaskId taskId = IdFactory.newTaskId(JobId.fromInt(9));
    TaskSpec spec = new TaskSpec(taskId, JobId.fromInt(9), TaskKind.NORMAL, null,
        new FunctionDescriptor("Fns", "big", "()[B"), List.of(), ResourceSet.EMPTY, owners.self(),
        IdFactory.objectId(taskId, 1), 3, 0, null, null, 0, null, null);
    ObjectRefImpl<?> ref = refs.expectResult(spec.returnId(), PreparedArgs.NONE, null);
    taskManager.addPending(spec);
    taskManager.onTaskResult(spec.returnId(), ObjectValue.inStore(IdFactory.newUniqueId(), 200_000), List.of());
    return ref;
  }

  @Test
  @Timeout(10)
  void aGetRebuildsAResultWhoseStoredCopyCannotBeFetched() {
    ObjectRefImpl<?> ref = resultOnAnUnreachableNode();
    List<TaskSpec> ranAgain = new CopyOnWriteArrayList<>();
    rerun = spec -> {
      ranAgain.add(spec);
      taskManager.onTaskResult(spec.returnId(), ObjectValue.inline(codec.encode("rebuilt").bytes()), List.of());
    };
    assertEquals("rebuilt", reader.get(ref, 30_000));
    assertEquals(1, ranAgain.size());
    assertEquals(1, ranAgain.get(0).attempt());
  }

  @Test
  @Timeout(10)
  void aGetWaitsForARebuildOnlyUntilItsTimeout() {
    ObjectRefImpl<?> ref = resultOnAnUnreachableNode(); // and the rebuild never finishes
    RayTimeoutException e = assertThrows(RayTimeoutException.class, () -> reader.get(ref, 30_000));
    assertTrue(e.getMessage().contains("to be rebuilt"), e.getMessage());
    long passed = time.nanoseconds();
    assertTrue(passed >= Duration.ofSeconds(30).toNanos() && passed < Duration.ofSeconds(60).toNanos(),
        "the rebuild waits within the get's one deadline: " + time);
  }

  @Test
  @Timeout(10)
  void anAsyncGetGetsTheRebuiltValue() throws Exception {
    ObjectRefImpl<?> ref = resultOnAnUnreachableNode();
    rerun = spec -> taskManager.onTaskResult(spec.returnId(),
        ObjectValue.inline(codec.encode("rebuilt").bytes()), List.of());
    assertEquals("rebuilt", reader.getAsync(ref).get());
  }

  @Test
  @Timeout(10)
  void aPutIsReadBack() {
    ObjectRef<List<Integer>> ref = reader.put(List.of(1, 2, 3));
    assertEquals(List.of(1, 2, 3), reader.get(ref, -1));
  }

  @Test
  @Timeout(10)
  void anArgumentOverTheInlineLimitTravelsByRefThroughTheStoreAndASmallOneInline() {
    byte[] large = new byte[ValueCodec.INLINE_LIMIT + 1];
    large[large.length - 1] = 42;

    PreparedArgs prepared = PreparedArgs.prepare(new Object[] {large, 7}, reader, refs, codec, false);
    List<TaskArg> args = prepared.toTaskArgs();

    TaskArg byRef = args.get(0);
    assertTrue(byRef.objectId() != null && !byRef.value().isInline(), byRef.toString());
    assertEquals(here, byRef.value().storeNode(), "in this node's store, not in the spec");
    assertTrue(store.contains(byRef.objectId()));
    assertTrue(args.get(1).value().isInline());
    assertEquals(List.of(new RefId(byRef.objectId(), owners.self())), prepared.pins(),
        "pinned until the call's result arrives");
  }

  @Test
  @Timeout(10)
  void anActorCallTakesAReadySmallPutByValueUnpinnedAndATaskPinsIt() {
    ObjectRefImpl<?> small = (ObjectRefImpl<?>) reader.put(7);
    ObjectRefImpl<?> holdsRef = (ObjectRefImpl<?>) reader.put(List.of(small));

    PreparedArgs actorCall = PreparedArgs.prepare(new Object[] {small, holdsRef}, reader, refs,
        codec, true);
    List<TaskArg> args = actorCall.toTaskArgs();

    assertEquals(small.getId(), args.get(0).objectId());
    assertTrue(args.get(0).value().isInline(), "the ready value goes in the call");
    assertEquals(List.of(new RefId(holdsRef.getId(), owners.self())), actorCall.pins(),
        "only the value holding a ref is pinned: freeing it would free what it holds");
    assertSame(actorCall.resolved(), PreparedArgs.prepare(new Object[] {small}, reader, refs,
        codec, true).resolved(), "nothing to wait for");

    PreparedArgs task = PreparedArgs.prepare(new Object[] {small}, reader, refs, codec, false);
    assertEquals(List.of(new RefId(small.getId(), owners.self())), task.pins(),
        "a task's spec may be run again from its lineage, which resolves the ref again");
  }
}
