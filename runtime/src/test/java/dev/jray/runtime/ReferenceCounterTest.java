package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.task.ObjectValue;
import java.lang.ref.Reference;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ReferenceCounterTest {
  /** Written by the ref tracker's thread too. */
  private final List<ObjectId> freed = new CopyOnWriteArrayList<>();
  private final Owners owners = new Owners(IdFactory.newUniqueId());
  /** The refs in these tests are all owned here, so no borrow leaves this counter. */
  private final ReferenceCounter owned = new ReferenceCounter(owners, (id, v) -> freed.add(id),
      new Lineage(Lineage.DEFAULT_MAX_BYTES));
  private final JobId job = JobId.fromInt(7);
  /** First refs a test releases by hand: held here so that no GC during the test releases them. */
  private final List<Object> heldRefs = new CopyOnWriteArrayList<>();

  private Object held() {
    Object ref = new Object();
    heldRefs.add(ref);
    return ref;
  }

  private ObjectId newId() {
    return IdFactory.objectId(IdFactory.newTaskId(job), 1);
  }

  private static ObjectValue value(int b) {
    return ObjectValue.inline(new byte[] {(byte) b});
  }

  @Test
  void objectIsFreedWhenItsLastReferenceGoes() {
    ObjectId id = newId();
    Object firstRef = new Object();
    OwnedObject e = owned.createReady(id, firstRef, value(1), List.of());
    e.publish(firstRef);
    owned.addRef(id); // a copy of the ref
    owned.removeRef(id);
    assertEquals(List.of(), freed, "its first ref still counts");
    e.released(); // the first ref is collected: the last reference goes
    assertNull(owned.future(id));
    assertEquals(List.of(id), freed);
    Reference.reachabilityFence(firstRef);
  }

  @Test
  void aCopyKeepsTheObjectAfterItsFirstRefGoes() {
    ObjectId id = newId();
    Object firstRef = new Object();
    OwnedObject e = owned.createReady(id, firstRef, value(1), List.of());
    e.publish(firstRef);
    owned.addRef(id);
    e.released();
    assertNotNull(owned.future(id), "the copy still counts");
    owned.removeRef(id);
    assertNull(owned.future(id));
    assertEquals(List.of(id), freed);
  }

  /** An object put here whose id left its first ref (so others can count it by id). */
  private OwnedObject published(ObjectId id) {
    Object firstRef = new Object();
    OwnedObject e = owned.createReady(id, firstRef, value(1), List.of());
    e.publish(firstRef);
    return e;
  }

  @Test
  void aBorrowersDeathGivesBackWhatItHeld() {
    ObjectId id = newId();
    OwnedObject e = published(id);
    UniqueId borrower = IdFactory.newUniqueId();
    UniqueId other = IdFactory.newUniqueId();
    owned.onBorrowChange(new BorrowChange(id, 1, borrower)); // two copies deserialized there
    owned.onBorrowChange(new BorrowChange(id, 1, borrower));
    owned.onBorrowChange(new BorrowChange(id, 1, other));
    owned.onBorrowChange(new BorrowChange(id, -1, other));
    e.released();
    assertEquals(List.of(), freed, "borrowed twice");
    assertEquals(1, owned.borrowedBy(borrower));

    owned.onHolderDied(other);
    assertEquals(List.of(), freed, "the other node gave its borrow back already");
    owned.onHolderDied(borrower);
    assertEquals(List.of(id), freed, "the dead borrower's two counts are given back");
    assertEquals(0, owned.borrowedBy(borrower));
  }

  @Test
  void aCountForAnotherNodesResultIsGivenBackWhenThatNodeDies() {
    ObjectId id = newId();
    OwnedObject e = published(id);
    UniqueId caller = IdFactory.newUniqueId();
    // a task here returned a value holding the ref to a caller on another node, which died
    owned.count(new RefId(id, owners.self()), Owners.addressOf(caller));
    e.released();
    assertEquals(List.of(), freed, "the caller's result holds it");
    owned.onHolderDied(caller);
    assertEquals(List.of(id), freed);
  }

  @Test
  void aLateBorrowFromADeadNodeIsIgnored() {
    ObjectId id = newId();
    OwnedObject e = published(id);
    UniqueId borrower = IdFactory.newUniqueId();
    owned.onHolderDied(borrower);
    owned.onBorrowChange(new BorrowChange(id, 1, borrower)); // sent before it died, read after
    e.released();
    assertEquals(List.of(id), freed, "nobody lives to give that count back");
  }

  @Test
  void containedObjectsLiveAsLongAsTheirContainer() {
    ObjectId inner = newId();
    ObjectId outer = newId();
    Object innerRef = new Object();
    OwnedObject in = owned.createReady(inner, innerRef, value(1), List.of());
    in.publish(innerRef); // serialized into the container
    owned.addRef(inner); // counted by the container that holds it
    OwnedObject out = owned.createReady(outer, held(), value(2),
        List.of(new RefId(inner, owners.self())));
    in.released(); // the user drops the inner ref
    assertNotNull(owned.future(inner), "the container still holds it");
    out.released();
    assertNull(owned.future(inner));
    assertEquals(List.of(outer, inner), freed);
  }

  @Test
  void resultOfAFreedPendingObjectIsDropped() {
    ObjectId id = newId();
    OwnedObject e = owned.createPending(id, held(), null);
    e.released();
    owned.complete(id, value(3), List.of(), null);
    assertNull(owned.future(id));
    assertEquals(List.of(id), freed, "the late value is freed too (its store copy deleted)");
  }

  @Test
  void aResultRunsItsReleaseOnceEvenIfItsObjectWasFreed() {
    ObjectId id = newId();
    List<String> ran = new CopyOnWriteArrayList<>();
    OwnedObject e = owned.createPending(id, held(), () -> ran.add("released"));
    e.released();
    assertEquals(List.of(), freed, "freed when its result comes");
    owned.complete(id, value(7), List.of(), null);
    owned.complete(id, value(7), List.of(), null); // a duplicate result
    assertEquals(List.of("released"), ran);
    assertEquals(id, freed.get(0));
    assertNull(owned.future(id));
  }

  @Test
  void anUnpublishedResultLeavesTheIdMapOnceComplete() {
    ObjectId id = newId();
    OwnedObject e = owned.createPending(id, held(), null);
    assertFalse(owned.future(id).isDone(), "its result comes by id");
    owned.complete(id, value(4), List.of(), null);
    assertEquals(4, e.value().join().data()[0]);
    assertNull(owned.future(id), "only its first ref holds it now");
    assertEquals(List.of(), freed);
    e.released();
    assertEquals(List.of(id), freed);
  }

  @Test
  void aPublishedResultStaysReachableById() {
    ObjectId id = newId();
    Object firstRef = new Object();
    OwnedObject e = owned.createPending(id, firstRef, null);
    e.publish(firstRef);
    owned.complete(id, value(5), List.of(), null);
    assertEquals(5, owned.future(id).join().data()[0]);
    e.released();
    assertNull(owned.future(id));
  }

  @Test
  void theTrackerFreesAnObjectOnlyOnceItsFirstRefIsCollected() {
    ObjectId id = newId();
    Object firstRef = new Object();
    // a store copy: freeing it deletes the copy, so its first ref is watched
    OwnedObject e = owned.createReady(id, firstRef,
        ObjectValue.inStore(IdFactory.newUniqueId(), 1 << 20), List.of());
    assertTrue(e.watched());
    System.gc();
    assertFalse(awaitFreed(id, 300), "freed while its first ref was reachable");
    Reference.reachabilityFence(firstRef);
    firstRef = null;
    assertTrue(awaitFreed(id, 30_000), "not freed after its first ref was collected");
    Reference.reachabilityFence(e);
  }

  @Test
  void aSmallValueNobodyElseSeesIsWatchedOnlyOncePublished() {
    ObjectId id = newId();
    Object firstRef = new Object();
    OwnedObject e = owned.createReady(id, firstRef, value(8), List.of());
    assertFalse(e.watched(), "freeing it would do nothing: no work for the GC or the tracker");
    assertNull(owned.future(id), "not reachable by id");

    e.publish(firstRef); // its id leaves the ref: counted by id from now on
    assertTrue(e.watched());
    assertNotNull(owned.future(id));
    Reference.reachabilityFence(firstRef);
    firstRef = null;
    assertTrue(awaitFreed(id, 30_000), "not freed after its first ref was collected");
    assertNull(owned.future(id));
  }

  @Test
  void aValueHoldingRefsIsWatchedFromTheStart() {
    ObjectId inner = newId();
    Object innerRef = new Object();
    OwnedObject in = owned.createReady(inner, innerRef, value(1), List.of());
    in.publish(innerRef);
    owned.addRef(inner); // counted for the container
    OwnedObject out = owned.createReady(newId(), held(), value(2),
        List.of(new RefId(inner, owners.self())));
    assertTrue(out.watched(), "its collection must give back the ref inside");
    in.released();
    assertNotNull(owned.future(inner), "the container still holds it");
    Reference.reachabilityFence(out);
    Reference.reachabilityFence(innerRef); // else its collection would release it a second time
  }

  @Test
  void aSmallResultIsUnwatchedWhenItArrivesAndWatchedAgainOncePublished() {
    ObjectId id = newId();
    Object firstRef = new Object();
    OwnedObject e = owned.createPending(id, firstRef, null);
    assertTrue(e.watched(), "while pending, its collection must be seen");
    owned.complete(id, value(3), List.of(), null);
    assertFalse(e.watched(), "freeing a small result nobody else sees does nothing");

    e.publish(firstRef); // e.g. passed to another call after it arrived
    assertTrue(e.watched());
    Reference.reachabilityFence(firstRef);
    firstRef = null;
    assertTrue(awaitFreed(id, 30_000), "not freed after its first ref was collected");
  }

  @Test
  void aResultHoldingRefsStaysWatched() {
    ObjectId inner = newId();
    Object innerRef = new Object();
    OwnedObject in = owned.createReady(inner, innerRef, value(1), List.of());
    in.publish(innerRef);
    owned.addRef(inner); // counted for the result that holds it
    ObjectId id = newId();
    OwnedObject e = owned.createPending(id, held(), null);
    owned.complete(id, value(2), List.of(new RefId(inner, owners.self())), null);
    assertTrue(e.watched(), "its collection must give back the ref inside");
    Reference.reachabilityFence(innerRef);
  }

  @Test
  void anUnwatchedRefIsNeverReleased() throws InterruptedException {
    AtomicInteger unwatchedReleased = new AtomicInteger();
    Object referent = new Object();
    TrackedRef unwatched = new TrackedRef(referent) {
      @Override
      void released() {
        unwatchedReleased.incrementAndGet();
      }
    };
    unwatched.unwatch();
    Reference.reachabilityFence(referent);
    referent = null;
    // a watched ref dying with it, then one dying after it: once both are released, the tracker
    // has drained whatever the GCs found of the unwatched one
    assertTrue(awaitWatchedRefReleased(), "a watched ref was never released");
    assertTrue(awaitWatchedRefReleased(), "a watched ref was never released");
    assertEquals(0, unwatchedReleased.get());
    Reference.reachabilityFence(unwatched);
  }

  /** Makes a watched ref of a fresh object, drops the object and runs GCs until it is released. */
  private static boolean awaitWatchedRefReleased() throws InterruptedException {
    CountDownLatch released = new CountDownLatch(1);
    TrackedRef watched = new TrackedRef(new Object()) {
      @Override
      void released() {
        released.countDown();
      }
    };
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!released.await(10, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
      System.gc();
    }
    Reference.reachabilityFence(watched);
    return released.getCount() == 0;
  }

  /** Runs GCs until {@code id} is freed or {@code millis} pass. */
  private boolean awaitFreed(ObjectId id, long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (!freed.contains(id) && System.nanoTime() < deadline) {
      System.gc();
      Thread.onSpinWait();
    }
    return freed.contains(id);
  }
}
