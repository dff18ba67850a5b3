package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.WaitResult;
import dev.jray.api.exception.RayTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Blocking {@code get} with timeouts and {@code Ray.wait}. The node gets exactly 2 CPUs (as the
 * 2-core CI machine would by default) so that the timings below hold on any machine.
 */
public class WaitAndTimeoutTest {
  private static final String NUM_CPUS = "jray.num-cpus";

  @BeforeAll
  static void init() {
    String before = System.getProperty(NUM_CPUS);
    System.setProperty(NUM_CPUS, "2");
    try {
      Ray.init();
    } finally {
      if (before == null) {
        System.clearProperty(NUM_CPUS);
      } else {
        System.setProperty(NUM_CPUS, before);
      }
    }
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  public static class Fns {
    /** Released by the test; a task blocked here stands for one that runs for 100 s. */
    public static volatile CountDownLatch gate = new CountDownLatch(0);

    public static int sleep(int ms) throws InterruptedException {
      Thread.sleep(ms);
      return ms;
    }

    public static int fast(int x) {
      return x;
    }

    /** Runs until the test opens the gate, at most 100 s; returns -1 if never opened. */
    public static int blockUpTo100s(int x) throws InterruptedException {
      return gate.await(100, TimeUnit.SECONDS) ? x : -1;
    }
  }

  private static long msSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  @Test
  void getWithTimeoutOnFourFiveSecondTasks() {
    List<ObjectRef<Integer>> sleepers = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      sleepers.add(Ray.task(Fns::sleep, 5000).remote());
    }
    RayTimeoutException e = assertThrows(RayTimeoutException.class, () -> Ray.get(sleepers, 2000));
    long timedOutAfter = msSince(start);
    assertTrue(timedOutAfter >= 1900 && timedOutAfter < 4000,
        "get(list, 2000) threw after " + timedOutAfter + " ms: " + e.getMessage());
    // 2 CPUs: two rounds of 5 s, about 10 s after submission.
    List<Integer> values = Ray.get(sleepers, 10_000);
    assertEquals(List.of(5000, 5000, 5000, 5000), values);
    long allDone = msSince(start);
    assertTrue(allDone >= 9_500, "4 tasks of 5 s on 2 CPUs finished after only " + allDone + " ms");
  }

  @Test
  void waitReturnsReadyAndUnreadyAtTheTimeout() {
    Fns.gate = new CountDownLatch(1);
    try {
      ObjectRef<Integer> fast = Ray.task(Fns::fast, 1).remote();
      ObjectRef<Integer> slow = Ray.task(Fns::blockUpTo100s, 2).remote();
      long start = System.nanoTime();
      WaitResult<Integer> w = Ray.wait(List.of(fast, slow), 2, 2000);
      long took = msSince(start);
      assertTrue(took >= 1900 && took < 4000, "wait(…, 2, 2000) returned after " + took + " ms");
      assertEquals(List.of(fast), w.getReady());
      assertEquals(List.of(slow), w.getUnready());
      assertEquals(1, w.getReady().get(0).get());

      // numReturns = 1 is satisfied by the fast one at once.
      start = System.nanoTime();
      WaitResult<Integer> one = Ray.wait(List.of(slow, fast), 1);
      assertTrue(msSince(start) < 1900, "wait for 1 of 2 with one ready took " + msSince(start) + " ms");
      assertEquals(List.of(fast), one.getReady());
      assertEquals(List.of(slow), one.getUnready());

      Fns.gate.countDown();
      assertEquals(2, slow.get(30_000));
      WaitResult<Integer> all = Ray.wait(List.of(slow, fast));
      assertEquals(List.of(slow, fast), all.getReady(), "ready refs keep input order");
      assertEquals(List.of(), all.getUnready());
    } finally {
      Fns.gate.countDown();
    }
  }

  @Test
  void waitOnEmptyListAndNull() {
    WaitResult<Integer> w = Ray.wait(new ArrayList<ObjectRef<Integer>>());
    assertEquals(List.of(), w.getReady());
    assertEquals(List.of(), w.getUnready());
    WaitResult<Integer> w2 = Ray.wait(new ArrayList<ObjectRef<Integer>>(), 0, 1000);
    assertTrue(w2.getReady().isEmpty() && w2.getUnready().isEmpty());
    assertThrows(NullPointerException.class, () -> Ray.wait(null));
    assertThrows(NullPointerException.class, () -> Ray.wait(null, 1, 1000));
    ObjectRef<Integer> one = Ray.put(1);
    assertThrows(IllegalArgumentException.class, () -> Ray.wait(List.of(one), 2, 1000));
  }

  @Test
  void waitWithZeroTimeoutPolls() {
    ObjectRef<Integer> ready = Ray.put(3);
    WaitResult<Integer> w = Ray.wait(List.of(ready), 1, 0);
    assertEquals(List.of(ready), w.getReady());
  }

  @Test
  void getWithTimeoutOnALongTask() {
    Fns.gate = new CountDownLatch(1);
    try {
      ObjectRef<Integer> slow = Ray.task(Fns::blockUpTo100s, 3).remote();
      long start = System.nanoTime();
      assertThrows(RayTimeoutException.class, () -> Ray.get(slow, 500));
      long took = msSince(start);
      assertTrue(took >= 450 && took < 3000, "Ray.get(ref, 500) threw after " + took + " ms");
      assertThrows(RayTimeoutException.class, () -> slow.get(200));
      // A timeout does not spoil the ref: it still yields the value once ready.
      Fns.gate.countDown();
      assertEquals(3, slow.get(30_000));
      assertEquals(3, Ray.get(slow, 10));
    } finally {
      Fns.gate.countDown();
    }
  }
}
