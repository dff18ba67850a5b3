package dev.jray.runtime;

import dev.jray.api.ActorHandle;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.serialization.MessageSerializer;
import dev.jray.gcs.table.GcsTable;
import dev.jray.task.TaskSpec;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker's view of the GCS's actor directory, as Ray's actor manager client: registers an
 * actor's record and name, keeps its creation spec for restarts, moves its record through
 * ALIVE, RESTARTING and DEAD, looks actors up by name, and creates again an actor whose node died.
 *
 * <p>Threading: thread-safe, keeps no state of its own; every method but {@link #listen} blocks
 * on the GCS (a network round trip in a cluster): not on an event loop, never on the call path.
 */
final class ActorDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(ActorDirectory.class);

  /**
   * Creation specs are jray's own type, read back by whichever node leads: written as messages,
   * not with the values' serializer (FST, say, cannot rebuild a record).
   */
  private static final MessageSerializer SPECS = MessageSerializer.withoutCodegen(
      List.of(TaskSpec.class));

  private final Gcs gcs;
  private final UniqueId nodeId;
  /** Takes the creation task of an actor restarted here (the scheduler's submit). */
  private final Consumer<TaskSpec> recreate;

  /** @param recreate takes the creation task of an actor restarted here */
  ActorDirectory(Gcs gcs, UniqueId nodeId, Consumer<TaskSpec> recreate) {
    this.gcs = Objects.requireNonNull(gcs, "gcs");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.recreate = Objects.requireNonNull(recreate, "recreate");
  }

  /** Calls {@code onChange} (on a GCS thread) with each actor record that changes. */
  AutoCloseable listen(GcsTable.TableListener<ActorId, ActorRecord> onChange) {
    return gcs.actors().listen(onChange);
  }

  /** The actor's record, or null. */
  ActorRecord get(ActorId actorId) {
    return gcs.actors().get(actorId);
  }

  /**
   * Records a new actor and reserves its name (if any) in its namespace.
   *
   * @throws IllegalArgumentException if a live actor holds the name (the record is removed)
   */
  void register(ActorRecord record) {
    gcs.actors().put(record.actorId(), record);
    if (record.name() != null) {
      reserveName(record.namespace(), record.name(), record.actorId());
    }
  }

  private void reserveName(String namespace, String name, ActorId actorId) {
    String key = Gcs.actorNameKey(namespace, name);
    while (true) {
      ActorId existing = gcs.actorNames().putIfAbsent(key, actorId);
      if (existing == null) {
        return;
      }
      ActorRecord other = gcs.actors().get(existing);
      if (other != null && other.state() != ActorState.DEAD) {
        gcs.actors().remove(actorId);
        throw new IllegalArgumentException("an actor named '" + name
            + "' already exists in namespace '" + namespace + "'");
      }
      gcs.actorNames().remove(key); // the holder is dead: the name is free again
    }
  }

  /** Keeps an actor's creation spec so that it can be created again elsewhere if its node dies. */
  void keepCreationSpec(ActorId actorId, TaskSpec spec) {
    gcs.kv().put(creationSpecKey(actorId), SPECS.serialize(spec));
  }

  private static String creationSpecKey(ActorId actorId) {
    return "actor-spec:" + actorId.toHex();
  }

  /**
   * Forgets a dead actor for good (the GCS keeps a bounded number of the dead): its record, its
   * name if it still holds it, its creation spec. Calls to it fail as to a dead actor after. Blocks
   * on the GCS.
   */
  void forget(ActorRecord dead) {
    ActorId id = dead.actorId();
    gcs.actors().update(id, a -> a.state() == ActorState.DEAD ? null : a);
    if (dead.name() != null) {
      gcs.actorNames().update(Gcs.actorNameKey(dead.namespace(), dead.name()),
          holder -> id.equals(holder) ? null : holder);
    }
    gcs.kv().remove(creationSpecKey(id));
  }

  /** A handle to the live actor of that name in the namespace, if any. */
  <A> Optional<ActorHandle<A>> getActor(String name, String namespace) {
    ActorId id = gcs.actorNames().get(Gcs.actorNameKey(namespace, name));
    if (id == null) {
      return Optional.empty();
    }
    ActorRecord r = gcs.actors().get(id);
    if (r == null || r.state() == ActorState.DEAD) {
      return Optional.empty();
    }
    return Optional.of(new ActorHandleImpl<>(id, -1));
  }

  /** The actor's instance on this node is created: ALIVE here, unless it died meanwhile. */
  ActorRecord markAlive(ActorId actorId) {
    return gcs.actors().update(actorId,
        r -> r.state() == ActorState.DEAD ? r : r.withState(ActorState.ALIVE, nodeId));
  }

  /** The actor restarted in place on this node (killed without noRestart). */
  void markRestarted(ActorId actorId) {
    gcs.actors().update(actorId, r -> r.state() == ActorState.DEAD ? r : r.restarted(nodeId));
  }

  /** An ALIVE actor is being restarted where it is. */
  void markRestarting(ActorId actorId) {
    gcs.actors().update(actorId,
        a -> a.state() == ActorState.ALIVE ? a.withState(ActorState.RESTARTING, a.nodeId()) : a);
  }

  /**
   * Marks the actor dead only if its record is still the same incarnation as {@code expected}.
   *
   * @return whether this call marked it dead
   */
  boolean markDeadIf(ActorId actorId, ActorRecord expected, String cause, byte[] error) {
    return expected != null && markDeadWhere(actorId, a -> a.sameIncarnation(expected), cause,
        error);
  }

  /** The actor is dead for good; its creation spec is dropped. */
  void markDead(ActorId actorId, String cause, byte[] error) {
    markDeadWhere(actorId, a -> true, cause, error);
  }

  /** Marks a live record that {@code still} accepts dead; drops its spec. Whether it did. */
  private boolean markDeadWhere(ActorId actorId, Predicate<ActorRecord> still, String cause,
      byte[] error) {
    boolean[] marked = new boolean[1];
    ActorRecord r = gcs.actors().update(actorId, a -> {
      if (a.state() == ActorState.DEAD || !still.test(a)) {
        return a;
      }
      marked[0] = true;
      return a.dead(cause, error);
    });
    if (marked[0] && r.maxRestarts() != 0) {
      gcs.kv().remove(creationSpecKey(actorId)); // dead for good: no restart needs it
    }
    return marked[0];
  }

  /**
   * Creates again, on a node that has room, an actor whose node died; called by the GCS leader.
   * Only if its record is still {@code record}: a record that changed meanwhile (restarted,
   * killed) is someone else's to handle, and counts as handled.
   *
   * @return false if it cannot be restarted (no restarts left, no creation spec kept): the caller
   *     marks it DEAD
   */
  boolean restartActor(ActorRecord record) {
    byte[] bytes = record.canRestart() ? gcs.kv().get(creationSpecKey(record.actorId())) : null;
    if (bytes == null) {
      return false;
    }
    TaskSpec spec = (TaskSpec) SPECS.deserialize(bytes, ActorDirectory.class.getClassLoader());
    ActorRecord now = gcs.actors().update(record.actorId(),
        a -> a.sameIncarnation(record) && a.state() != ActorState.DEAD ? a.restarting(nodeId) : a);
    if (now == null) {
      return false;
    }
    if (now.state() != ActorState.RESTARTING || !nodeId.equals(now.nodeId())
        || now.numRestarts() != record.numRestarts() + 1) {
      return true; // it changed before this restart: not ours
    }
    LOG.info("restarting actor " + record.actorId() + " (restart " + now.numRestarts() + " of "
        + (record.maxRestarts() < 0 ? "unlimited" : record.maxRestarts()) + "): its node "
        + record.nodeId() + " died");
    recreate.accept(spec.retried());
    return true;
  }
}
