package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.store.ObjectStore;
import dev.jray.store.transfer.HeapDestination;
import dev.jray.task.ObjectValue;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectCopiesTest {
  private static final int SIZE = 200 * 1024;

  private final UniqueId here = IdFactory.newUniqueId();
  private final UniqueId other = IdFactory.newUniqueId();
  private final String otherOwner = Owners.addressOf(other);
  private final Owners owners = new Owners(here);
  /** The objects the fake fetcher was asked to pull. */
  private final List<ObjectId> fetched = new CopyOnWriteArrayList<>();
  @TempDir Path spill;
  private ObjectStore store;
  private ObjectCopies copies;

  @BeforeEach
  void setUp() {
    store = new ObjectStore(16L << 20, spill);
    copies = new ObjectCopies(here, store, owners, Runnable::run);
    copies.start(new ObjectFetcher() {
      @Override
      public CompletableFuture<Void> fetch(ObjectId id, UniqueId from) {
        fetched.add(id);
        store.put(id, new byte[SIZE], false); // as the transfer client writes a pulled copy
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public CompletableFuture<byte[]> read(ObjectId id, UniqueId from, HeapDestination into) {
        return CompletableFuture.failedFuture(new AssertionError("copies are pulled, not read"));
      }
    });
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private static ObjectId newId() {
    return IdFactory.objectId(IdFactory.newTaskId(JobId.fromInt(1)), 1);
  }

  @Test
  void aPulledCopyIsKeptUntilItsOwnerDies() {
    ObjectId id = newId();
    copies.fetchIfRemote(id, otherOwner, ObjectValue.inStore(other, SIZE)).join();
    assertEquals(List.of(id), fetched);
    assertTrue(store.contains(id));
    assertEquals(1, copies.size());

    copies.fetchIfRemote(id, otherOwner, ObjectValue.inStore(other, SIZE)).join();
    assertEquals(List.of(id), fetched, "a copy already here is not pulled again");

    copies.onNodeLeft(IdFactory.newUniqueId());
    assertTrue(store.contains(id), "another node's death leaves it");
    copies.onNodeLeft(other);
    assertFalse(store.contains(id), "nobody can ask for it once its owner is gone");
    assertEquals(0, copies.size());
  }

  @Test
  void inlineAndLocalValuesAreNeverPulled() {
    copies.fetchIfRemote(newId(), otherOwner, ObjectValue.inline(new byte[] {1})).join();
    copies.fetchIfRemote(newId(), otherOwner, ObjectValue.inStore(here, SIZE)).join();
    assertEquals(List.of(), fetched);
  }

  @Test
  void thePrimaryOfAResultMadeHereGoesWhenItsOwnerFreesIt() {
    ObjectId id = newId();
    store.put(id, new byte[SIZE], true);
    copies.keepCopyOf(id, otherOwner);
    copies.onFreeObject(id);
    assertFalse(store.contains(id));
    assertEquals(0, copies.size());
  }

  @Test
  void copiesOfThisWorkersOwnObjectsAreNotNoted() {
    copies.keepCopyOf(newId(), owners.self());
    assertEquals(0, copies.size(), "freeing the object deletes this node's copy");
  }

  @Test
  void freeingAnOwnedObjectDeletesItsCopyHere() {
    ObjectId id = newId();
    store.put(id, new byte[SIZE], true);
    copies.deleteFreed(id, ObjectValue.inStore(here, SIZE));
    assertFalse(store.contains(id));
  }

  @Test
  void theNoteOfEvictedCopiesIsPrunedAsItGrows() {
    for (int i = 0; i < 1024; i++) {
      copies.keepCopyOf(newId(), otherOwner); // none of them is in the store any more
    }
    assertEquals(0, copies.size(), "a prune drops the copies the store no longer holds");
  }
}
