package dev.jray.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.time.ManualTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A node fences itself once its JVM was paused longer than the cluster's failure detection. */
class NodeFenceTest {
  private final ManualTime time = new ManualTime();
  private final AtomicInteger fenced = new AtomicInteger();
  private final NodeFence fence = new NodeFence(time, fenced::incrementAndGet);

  @Test
  void regularTicksNeverFence() {
    for (int i = 0; i < 100; i++) {
      time.advance(Duration.ofNanos(NodeFence.TICK_NANOS));
      fence.tick();
    }
    time.advance(Duration.ofNanos(NodeFence.PAUSE_LIMIT_NANOS));
    assertFalse(fence.paused(), "a gap of the limit itself is no pause past it");
    assertEquals(0, fenced.get());
  }

  @Test
  void aPauseSeenByTheWatchdogFencesOnce() {
    fence.tick();
    time.advance(Duration.ofSeconds(8)); // SIGSTOP for 8 s
    fence.tick();
    assertTrue(fence.paused());
    fence.tick();
    assertEquals(1, fenced.get(), "the node's action runs once");
  }

  @Test
  void aMembershipChangeSeenBeforeTheWatchdogRunsAgainFindsThePause() {
    fence.tick();
    time.advance(Duration.ofSeconds(8));
    // the member's event thread resumes first and sees every other member leave
    assertTrue(fence.paused(), "this node's view is stale: it must not act on it");
    assertEquals(1, fenced.get());
  }

  @Test
  void aClosedFenceNeverFences() {
    fence.close();
    time.advance(Duration.ofSeconds(8));
    assertFalse(fence.paused(), "a node shutting down may take long");
    assertEquals(0, fenced.get());
  }
}
