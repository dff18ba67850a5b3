package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ActorRunnersTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private ActorRunners runners;

  @AfterEach
  void close() {
    if (runners != null) {
      runners.close();
    }
  }

  /** A mailbox of ints that records what it ran, and whether two runners ever ran it at once. */
  private static final class Recorder extends ActorRunners.Serial {
    private final ConcurrentLinkedQueue<long[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inside = new AtomicInteger();
    final AtomicBoolean overlapped = new AtomicBoolean();
    /** Confined to the runner running this serial; read once {@link #ran} says all ran. */
    final List<long[]> seen = new ArrayList<>();
    final AtomicInteger ran = new AtomicInteger();

    Recorder(ActorRunners runners) {
      super(runners);
    }

    /** Queues (producer, sequence number) and schedules this mailbox. */
    void offer(long producer, long seq) {
      queue.add(new long[] {producer, seq});
      schedule();
    }

    /** Confined like {@link #seen}: the threads that ran it. */
    final List<Thread> ranOn = new ArrayList<>();

    @Override
    protected void runQueued(boolean spinForMore) {
      ranOn.add(Thread.currentThread());
      if (inside.incrementAndGet() != 1) {
        overlapped.set(true);
      }
      for (long[] item; (item = queue.poll()) != null; ) {
        seen.add(item);
        ran.incrementAndGet();
      }
      inside.decrementAndGet();
    }

    /** Queues as a caller in this JVM that may wait for the result does. */
    void queueLazily(long producer, long seq) {
      queue.add(new long[] {producer, seq});
      scheduleLazily();
    }

    @Override
    protected boolean hasQueued() {
      return !queue.isEmpty();
    }
  }

  @Test
  void eachMailboxRunsOnOneRunnerAtATimeInEachProducersOrder() throws Exception {
    runners = new ActorRunners(Time.SYSTEM, 3, 3, "test-runner-");
    List<Recorder> mailboxes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      mailboxes.add(new Recorder(runners));
    }
    int producers = 4;
    int perMailbox = 2_000;
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      long producer = p;
      threads.add(new Thread(() -> {
        for (int seq = 0; seq < perMailbox; seq++) {
          for (Recorder m : mailboxes) {
            m.offer(producer, seq);
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    for (Recorder m : mailboxes) {
      Await.until("every item ran", WAIT, () -> m.ran.get() == producers * perMailbox);
      assertFalse(m.overlapped.get(), "a mailbox ran on two runners at once");
      long[] last = new long[producers];
      Arrays.fill(last, -1);
      for (long[] item : m.seen) {
        int producer = (int) item[0];
        assertEquals(last[producer] + 1, item[1], "producer " + producer + "'s items out of order");
        last[producer] = item[1];
      }
    }
  }

  @Test
  void tenThousandIdleMailboxesHoldNoThreads() {
    runners = new ActorRunners(Time.SYSTEM, 2, 64, "test-runner-");
    List<Recorder> mailboxes = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      Recorder m = new Recorder(runners);
      mailboxes.add(m);
      m.offer(0, 0);
    }
    for (Recorder m : mailboxes) {
      Await.until("every mailbox ran", WAIT, () -> m.ran.get() == 1);
    }
    // two core runners, and at most a few more if a loaded machine stalled them for a while
    assertTrue(runners.liveRunners() <= 8, runners.liveRunners() + " runners for 10,000 idle mailboxes");
  }

  @Test
  void aMailboxWaitingForAnotherGetsARunnerAddedAndItRetiresAfterwards() throws Exception {
    runners = new ActorRunners(Time.SYSTEM, 1, 4, "test-runner-");
    CountDownLatch released = new CountDownLatch(1);
    AtomicBoolean waiterSawRelease = new AtomicBoolean();
    ActorRunners.runOnce(runners, () -> {
      try {
        waiterSawRelease.set(released.await(30, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    ActorRunners.runOnce(runners, released::countDown);
    Await.until("the waiting mailbox was released", WAIT, waiterSawRelease::get);
    Await.until("the added runner retired", WAIT, () -> runners.liveRunners() == 1);
  }

  @Test
  void aCallerRunsAQueuedMailboxItWaitsForAndTheRunnerSkipsItThen() throws Exception {
    runners = new ActorRunners(Time.SYSTEM, 1, 1, "test-runner-");
    CountDownLatch runnerFree = new CountDownLatch(1);
    ActorRunners.runOnce(runners, () -> {
      try {
        runnerFree.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Recorder m = new Recorder(runners);
    m.offer(0, 0); // queued behind the busy runner
    assertTrue(m.runHereIfQueued(), "the waiting caller did not run the queued mailbox");
    assertEquals(1, m.ran.get());
    assertEquals(List.of(Thread.currentThread()), m.ranOn);
    assertFalse(m.runHereIfQueued(), "ran an idle mailbox");
    runnerFree.countDown();
    m.offer(0, 1);
    Await.until("the runner ran the next item", WAIT, () -> m.ran.get() == 2);
    assertEquals(2, m.seen.size(), "an item ran twice");
  }

  @Test
  void aLazyScheduleRunsOnTheCallerThatWaitsForIt() {
    runners = new ActorRunners(Time.SYSTEM, 2, 2, "test-runner-");
    Recorder m = new Recorder(runners);
    int here = 0;
    for (int seq = 0; seq < 100; seq++) {
      m.queueLazily(0, seq);
      if (m.runHereIfQueued()) {
        here++;
      }
    }
    Await.until("every call ran", WAIT, () -> m.ran.get() == 100);
    assertFalse(m.overlapped.get(), "the caller and a runner ran the mailbox at once");
    // the starter hands a call on after 100 µs: only a caller preempted in between loses it
    assertTrue(here >= 50, "only " + here + " of 100 calls ran on their waiting caller");
  }

  @Test
  void aLazyScheduleNobodyWaitsForGoesToARunner() {
    runners = new ActorRunners(Time.SYSTEM, 2, 2, "test-runner-");
    Recorder m = new Recorder(runners);
    m.queueLazily(0, 0);
    Await.until("a runner ran it", WAIT, () -> m.ran.get() == 1);
    assertTrue(m.ranOn.get(0).getName().startsWith("test-runner-"), m.ranOn.toString());
  }

  @Test
  void closeEndsTheRunners() {
    runners = new ActorRunners(Time.SYSTEM, 2, 2, "test-runner-");
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < 10; i++) {
      ActorRunners.runOnce(runners, ran::incrementAndGet);
    }
    Await.until("all ran", WAIT, () -> ran.get() == 10);
    runners.close();
    Await.until("the runners ended", WAIT, () -> runners.liveRunners() == 0);
    ActorRunners.runOnce(runners, ran::incrementAndGet);
    assertEquals(0, runners.liveRunners(), "a closed pool started a runner");
  }
}
