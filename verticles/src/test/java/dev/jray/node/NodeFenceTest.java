package dev.jray.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.ManualTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After a pause longer than the cluster's failure detection a node holds back what membership
 * tells it, and fences itself if the cluster declared it dead; otherwise it goes on.
 */
class NodeFenceTest {
  private final ManualTime time = new ManualTime();
  private final AtomicBoolean declaredDead = new AtomicBoolean();
  private final AtomicInteger fenced = new AtomicInteger();
  private final List<String> acted = new CopyOnWriteArrayList<>();
  private final NodeFence fence = new NodeFence(time, declaredDead::get, fenced::incrementAndGet);

  @AfterEach
  void close() {
    fence.close();
  }

  /** Ticks the watchdog until {@code done}, the check answering on its own thread meanwhile. */
  private void tickUntil(String what, java.util.function.BooleanSupplier done) {
    Await.until(what, Duration.ofSeconds(10), () -> { // on the real clock: the manual one moves
      fence.tick();
      return done.getAsBoolean();
    });
  }

  private void pause(Duration d) {
    fence.tick();
    time.advance(d);
  }

  @Test
  void regularTicksNeverHoldAnythingBack() {
    for (int i = 0; i < 100; i++) {
      time.advance(Duration.ofNanos(NodeFence.TICK_NANOS));
      fence.tick();
    }
    time.advance(Duration.ofNanos(NodeFence.PAUSE_LIMIT_NANOS));
    assertFalse(fence.holdsBack(() -> acted.add("left")), "a gap of the limit is no pause past it");
    assertEquals(0, fenced.get());
  }

  @Test
  @Timeout(20)
  void aNodeDeclaredDeadDuringItsPauseFencesOnceAndDropsWhatItHeldBack() {
    declaredDead.set(true);
    pause(Duration.ofSeconds(8)); // SIGSTOP for 8 s
    // the member's event thread resumes first and sees every other member leave
    assertTrue(fence.holdsBack(() -> acted.add("head left")), "its view is stale");
    tickUntil("fenced", fence::fenced);
    fence.tick();
    assertEquals(1, fenced.get(), "the node's action runs once");
    assertTrue(fence.holdsBack(() -> acted.add("w1 left")));
    assertEquals(List.of(), acted, "a fenced node acts on nothing it saw");
  }

  @Test
  @Timeout(20)
  void aNodeStillAliveAfterItsPauseActsOnWhatItHeldBack() {
    pause(Duration.ofSeconds(8)); // the whole machine stalled: nobody declared anyone dead
    assertTrue(fence.holdsBack(() -> acted.add("w1 left")));
    assertFalse(fence.trusted(), "no leader duties on a view that may be stale");
    tickUntil("suspect until the suspicion passes", () -> {
      time.advance(Duration.ofNanos(NodeFence.TICK_NANOS));
      return !fence.suspect();
    });
    assertEquals(List.of("w1 left"), acted);
    assertEquals(0, fenced.get());
    assertFalse(fence.holdsBack(() -> acted.add("w2 left")), "trusted again");
    assertTrue(fence.trusted());
  }

  @Test
  @Timeout(20)
  void aCheckThatGetsNoAnswerFences() throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    NodeFence cutOff = new NodeFence(time, () -> {
      try {
        never.await(); // the GCS cannot be reached from this side of a split
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return false;
    }, fenced::incrementAndGet);
    try {
      cutOff.tick();
      time.advance(Duration.ofSeconds(8));
      cutOff.tick(); // starts the check
      time.advance(Duration.ofNanos(NodeFence.CHECK_TIMEOUT_NANOS + 1));
      cutOff.tick();
      assertTrue(cutOff.fenced());
      assertEquals(1, fenced.get());
    } finally {
      never.countDown();
      cutOff.close();
    }
  }

  @Test
  @Timeout(20)
  void aNodeSplitOffFencesEvenAfterItTrustedItsStaleReadAgain() {
    pause(Duration.ofSeconds(8)); // its own copy of its record still says alive
    tickUntil("trusted after the suspicion", () -> {
      time.advance(Duration.ofNanos(NodeFence.TICK_NANOS));
      return !fence.suspect();
    });
    assertEquals(0, fenced.get());
    fence.splitOff(); // its member merges back into the cluster that removed it
    assertTrue(fence.fenced());
    assertEquals(1, fenced.get());
    fence.splitOff();
    assertEquals(1, fenced.get(), "the node's action runs once");
  }

  @Test
  void aClosedFenceNeverFences() {
    fence.close();
    fence.splitOff();
    pause(Duration.ofSeconds(8));
    assertFalse(fence.holdsBack(() -> acted.add("left")), "a node shutting down may take long");
    fence.tick();
    assertEquals(0, fenced.get());
  }
}
