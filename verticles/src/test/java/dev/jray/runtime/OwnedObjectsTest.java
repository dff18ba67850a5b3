package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.ObjectId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.scheduler.ObjectValue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OwnedObjectsTest {
  private final List<ObjectId> freed = new ArrayList<>();
  private final OwnedObjects owned = new OwnedObjects((id, v) -> freed.add(id), this::release);

  /** The refs in these tests are all owned here. */
  private void release(RefId ref) {
    owned.removeRef(ref.id());
  }
  private final JobId job = JobId.fromInt(7);

  private ObjectId newId() {
    return IdFactory.objectId(IdFactory.newTaskId(job), 1);
  }

  @Test
  void objectIsFreedWhenItsLastReferenceGoes() {
    ObjectId id = newId();
    owned.createReady(id, ObjectValue.inline(new byte[] {1}), List.of()); // counts its first ref
    owned.addRef(id);
    owned.removeRef(id);
    assertTrue(owned.owns(id));
    owned.removeRef(id);
    assertFalse(owned.owns(id));
    assertNull(owned.future(id));
    assertEquals(List.of(id), freed);
  }

  @Test
  void containedObjectsLiveAsLongAsTheirContainer() {
    ObjectId inner = newId();
    ObjectId outer = newId();
    owned.createReady(inner, ObjectValue.inline(new byte[] {1}), List.of()); // the user's ref
    owned.addRef(inner); // counted by the container that holds it
    owned.createReady(outer, ObjectValue.inline(new byte[] {2}), List.of(new RefId(inner, "here")));
    owned.removeRef(inner); // the user drops the inner ref
    assertTrue(owned.owns(inner), "the container still holds it");
    owned.removeRef(outer);
    assertFalse(owned.owns(outer));
    assertFalse(owned.owns(inner));
    assertEquals(List.of(outer, inner), freed);
  }

  @Test
  void resultOfAFreedPendingObjectIsDropped() {
    ObjectId id = newId();
    owned.createPending(id); // counts its first ref
    owned.removeRef(id);
    owned.complete(id, ObjectValue.inline(new byte[] {3}), List.of());
    assertFalse(owned.owns(id));
    assertEquals(List.of(id), freed, "the late value is freed too (its store copy deleted)");
  }

  @Test
  void pendingObjectCompletesItsFuture() {
    ObjectId id = newId();
    owned.createPending(id);
    assertFalse(owned.future(id).isDone());
    owned.complete(id, ObjectValue.inline(new byte[] {4}), List.of());
    assertEquals(4, owned.future(id).join().data()[0]);
  }
}
