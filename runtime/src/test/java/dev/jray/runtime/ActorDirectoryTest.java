package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.ids.IdFactory;
import org.junit.jupiter.api.Test;

/**
 * A worker process that died while creating an actor fails the creation only if the actor's
 * record is as it was handed over: a process that had marked the actor ALIVE (its node hears of
 * that later than its callers may), or a leader that restarted it since, keeps it.
 */
class ActorDirectoryTest {
  private final InMemoryGcs gcs = new InMemoryGcs();
  private final UniqueId host = IdFactory.newUniqueId();
  private final UniqueId process = IdFactory.newUniqueId();
  private final ActorId actor = IdFactory.newActorId(JobId.fromInt(1));
  private final ActorDirectory directory = new ActorDirectory(gcs, host, spec -> {
    throw new AssertionError("nothing is restarted here: " + spec);
  });

  private ActorRecord pending() {
    ActorRecord r = new ActorRecord(actor, JobId.fromInt(1), "A", null, "ns", false, 1, 0,
        ActorState.PENDING_CREATION, null, 0, null, null);
    gcs.actors().put(actor, r);
    return r;
  }

  @Test
  void aCreationThatNeverLivedFails() {
    ActorRecord handed = pending();
    assertTrue(directory.markDeadIf(actor, handed, "its process died", null));
    ActorRecord now = gcs.actors().get(actor);
    assertEquals(ActorState.DEAD, now.state());
    assertEquals("its process died", now.deathCause());
  }

  @Test
  void anActorItsProcessMarkedAliveIsLeftToItsNodesDeath() {
    ActorRecord handed = pending();
    gcs.actors().put(actor, handed.withState(ActorState.ALIVE, process));
    assertFalse(directory.markDeadIf(actor, handed, "its process died", null));
    assertEquals(ActorState.ALIVE, gcs.actors().get(actor).state());
  }

  @Test
  void anActorRestartedSinceIsNotFailedByTheOldCreation() {
    ActorRecord handed = pending();
    gcs.actors().put(actor, handed.withState(ActorState.ALIVE, process).restarting(host));
    assertFalse(directory.markDeadIf(actor, handed, "its process died", null));
    ActorRecord now = gcs.actors().get(actor);
    assertEquals(ActorState.RESTARTING, now.state());
    assertEquals(1, now.numRestarts());
  }

  @Test
  void noRecordHandedMarksNothing() {
    pending();
    assertFalse(directory.markDeadIf(actor, null, "its process died", null));
    assertEquals(ActorState.PENDING_CREATION, gcs.actors().get(actor).state());
  }
}
