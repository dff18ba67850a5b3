package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.ManualTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a broken link lost is recovered once its grace passes, unless the node died meanwhile. */
class LinkLossesTest {
  private record Recovered(UniqueId node, long tasksUpTo, List<ObjectId> calls) {}

  private final ManualTime time = new ManualTime();
  private final BlockingQueue<Recovered> recovered = new LinkedBlockingQueue<>();
  private final LinkLosses losses = new LinkLosses(time,
      (node, upTo, calls) -> recovered.add(new Recovered(node, upTo, calls)));

  @AfterEach
  void close() {
    losses.close();
  }

  @Test
  @Timeout(30)
  void aLossIsRecoveredOnceItsGracePassesOnTheInjectedClock() throws Exception {
    UniqueId node = IdFactory.newUniqueId();
    ObjectId call = IdFactory.objectId(IdFactory.newTaskId(JobId.fromInt(1)), 1);
    losses.onLinkLost(node, 41, List.of(call));
    time.advance(Duration.ofNanos(LinkLosses.GRACE_NANOS - 1));
    Await.until("the losses' thread looked at the clock", Duration.ofSeconds(10),
        () -> losses.waiting() == 1 && recovered.isEmpty());
    assertTrue(recovered.isEmpty(), "not before its grace: the node may yet be declared dead");
    time.advance(Duration.ofNanos(1));
    assertEquals(new Recovered(node, 41, List.of(call)), recovered.poll(10, TimeUnit.SECONDS));
  }

  @Test
  @Timeout(30)
  void aNodeThatDiesWithinTheGraceIsLeftToMembership() throws Exception {
    UniqueId died = IdFactory.newUniqueId();
    UniqueId lives = IdFactory.newUniqueId();
    losses.onLinkLost(died, 1, List.of());
    losses.onLinkLost(lives, 2, List.of());
    losses.onNodeDied(died);
    time.advance(Duration.ofNanos(LinkLosses.GRACE_NANOS));
    assertEquals(new Recovered(lives, 2, List.of()), recovered.poll(10, TimeUnit.SECONDS));
    Await.until("every loss is handled", Duration.ofSeconds(10), () -> losses.waiting() == 0);
    assertTrue(recovered.isEmpty(), "the dead node's loss was dropped: " + recovered);
  }
}
