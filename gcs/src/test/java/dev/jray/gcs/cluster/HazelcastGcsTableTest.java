package dev.jray.gcs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.jray.gcs.table.GcsTable;
import dev.jray.gcs.time.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Two real members, a head and a worker; each test uses its own map. */
@Tag("hazelcast")
class HazelcastGcsTableTest {
  private static TestCluster cluster;
  private static HazelcastInstance a;
  private static HazelcastInstance b;

  @BeforeAll
  static void startCluster() {
    cluster = new TestCluster();
    a = cluster.startHead();
    b = cluster.startWorker();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private static <K, V> GcsTable<K, V> table(HazelcastInstance member, String name) {
    return new HazelcastGcsTable<>(member.getMap(name));
  }

  private static String newMapName() {
    return "jray.test-" + UUID.randomUUID();
  }

  @Test
  void writesOnOneMemberAreSeenOnTheOther() {
    String name = newMapName();
    GcsTable<String, String> onA = table(a, name);
    GcsTable<String, String> onB = table(b, name);

    onA.put("x", "1");
    onA.put("y", "2");
    assertEquals("1", onB.get("x"));
    assertEquals(Map.of("x", "1", "y", "2"), onB.snapshot());
    assertEquals(Set.of("x", "y"), onB.keys());

    assertEquals("2", onB.remove("y"));
    assertNull(onA.get("y"));
    assertNull(onA.remove("y"));
  }

  @Test
  void putIfAbsentRacesHaveExactlyOneWinner() throws Exception {
    String name = newMapName();
    List<GcsTable<String, Integer>> tables = List.of(table(a, name), table(b, name));
    int threadsPerMember = 4;
    int keys = 50;
    ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerMember);
    try {
      CyclicBarrier start = new CyclicBarrier(2 * threadsPerMember);
      List<Future<List<String>>> won = new ArrayList<>();
      for (int t = 0; t < 2 * threadsPerMember; t++) {
        int contender = t;
        GcsTable<String, Integer> table = tables.get(t % 2);
        won.add(pool.submit(() -> {
          start.await();
          List<String> mine = new ArrayList<>();
          for (int k = 0; k < keys; k++) {
            if (table.putIfAbsent("k" + k, contender) == null) {
              mine.add("k" + k);
            }
          }
          return mine;
        }));
      }
      List<String> allWins = new ArrayList<>();
      for (int t = 0; t < won.size(); t++) {
        for (String key : won.get(t).get(30, TimeUnit.SECONDS)) {
          allWins.add(key);
          assertEquals(t, tables.get(1).get(key), key + " holds its winner's value");
        }
      }
      assertEquals(keys, allWins.size());
      assertEquals(keys, allWins.stream().distinct().count());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentUpdatesFromTwoMembersLoseNothing() throws Exception {
    String name = newMapName();
    List<GcsTable<String, Integer>> tables = List.of(table(a, name), table(b, name));
    tables.get(0).put("n", 0);
    int threadsPerMember = 4;
    int incrementsPerThread = 100;
    ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerMember);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 2 * threadsPerMember; t++) {
        GcsTable<String, Integer> table = tables.get(t % 2);
        done.add(pool.submit(() -> {
          for (int i = 0; i < incrementsPerThread; i++) {
            table.update("n", v -> v + 1);
          }
        }));
      }
      long t0 = System.nanoTime();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
      System.out.printf("%d contended updates took %d ms%n",
          2 * threadsPerMember * incrementsPerThread, (System.nanoTime() - t0) / 1_000_000);
      assertEquals(2 * threadsPerMember * incrementsPerThread, tables.get(1).get("n"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void updateSkipsAbsentKeysAndRemovesOnNull() {
    GcsTable<String, String> t = table(a, newMapName());
    assertNull(t.update("missing", v -> "never"));
    assertNull(t.get("missing"));

    t.put("k", "v");
    assertEquals("v!", t.update("k", v -> v + "!"));
    assertNull(t.update("k", v -> null));
    assertNull(t.get("k"));
  }

  @Test
  void aWriteFromAnotherMemberWaitsForAnUpdateInProgress() throws Exception {
    String name = newMapName();
    GcsTable<String, Integer> onA = table(a, name);
    IMap<String, Integer> mapOnB = b.getMap(name);
    onA.put("k", 1);
    CountDownLatch updating = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);

    CompletableFuture<Integer> update = CompletableFuture.supplyAsync(() -> onA.update("k", v -> {
      updating.countDown();
      await(release);
      return v + 1;
    }));
    await(updating);
    // What GcsTable.put does (IMap.set), sent asynchronously so the test can look at it.
    CompletableFuture<Void> put = mapOnB.setAsync("k", 100).toCompletableFuture();
    // Same key, same partition thread, FIFO per connection: when this returns, the set has run.
    assertTrue(mapOnB.isLocked("k"));
    assertFalse(put.isDone(), "the set waits for the update's lock");
    release.countDown();

    assertEquals(2, update.get(10, TimeUnit.SECONDS));
    put.get(10, TimeUnit.SECONDS);
    assertEquals(100, onA.get("k"));
  }

  @Test
  void listenersOnOneMemberSeeTheOthersChangesInOrder() throws Exception {
    String name = newMapName();
    GcsTable<String, String> onA = table(a, name);
    GcsTable<String, String> onB = table(b, name);
    List<String> seen = new CopyOnWriteArrayList<>();
    List<String> seenAfterClose = new CopyOnWriteArrayList<>();
    AutoCloseable subscription = onB.listen((k, v) -> seen.add(k + "=" + v));
    AutoCloseable witness = onB.listen((k, v) -> seenAfterClose.add(k + "=" + v));

    onA.put("k", "1");
    onA.update("k", v -> v + "2");
    onA.remove("k");
    Await.until("B has seen three events", Duration.ofSeconds(10), () -> seen.size() == 3);
    assertEquals(List.of("k=1", "k=12", "k=null"), seen);

    subscription.close();
    onA.put("k", "after");
    // Same key, same event thread: once the witness has the event, the closed one would too.
    Await.until(
        "the witness's event", Duration.ofSeconds(10), () -> seenAfterClose.size() == 4);
    assertEquals(3, seen.size());
    witness.close();
  }

  @Test
  void dataSurvivesTheTerminationOfTheMemberThatWroteIt() {
    String name = newMapName();
    HazelcastInstance writer = cluster.startWorker();
    // partitions migrate to a new member asynchronously: write once it owns some, backups made
    Await.until("the writer owns partitions", Duration.ofSeconds(30),
        () -> writer.getPartitionService().isClusterSafe()
            && writer.getPartitionService().getPartitions().stream()
                .anyMatch(p -> p.getOwner() != null && p.getOwner().localMember()));
    GcsTable<String, Integer> fromWriter = table(writer, name);
    AtomicInteger ownedByWriter = new AtomicInteger();
    int keys = 200;
    for (int i = 0; i < keys; i++) {
      fromWriter.put("k" + i, i);
      if (writer.getPartitionService().getPartition("k" + i).getOwner().localMember()) {
        ownedByWriter.incrementAndGet();
      }
    }
    assertTrue(ownedByWriter.get() > 0, "the writer owned some of the keys");

    long t0 = System.nanoTime();
    writer.getLifecycleService().terminate();
    Map<String, Integer> left = HazelcastGcsTableTest.<String, Integer>table(a, name).snapshot();
    System.out.printf("read %d keys, %d of them owned by the terminated writer, after %d ms%n",
        left.size(), ownedByWriter.get(), (System.nanoTime() - t0) / 1_000_000);

    assertEquals(keys, left.size());
    GcsTable<String, Integer> onB = table(b, name);
    for (int i = 0; i < keys; i++) {
      assertEquals(i, onB.get("k" + i));
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
