package dev.jray.api.id;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdTest {
  private final Random random = new Random(42);

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  @Test
  void hexRoundTrips() {
    byte[] a = randomBytes(ActorId.LENGTH);
    ActorId actor = ActorId.fromBytes(a);
    assertEquals(ActorId.LENGTH * 2, actor.toHex().length());
    assertEquals(actor, ActorId.fromHexString(actor.toHex()));
    assertEquals(actor.toHex(), actor.toString());

    JobId job = new JobId(randomBytes(JobId.LENGTH));
    assertEquals(job, JobId.fromHexString(job.toHex()));
    TaskId task = TaskId.fromBytes(randomBytes(TaskId.LENGTH));
    assertEquals(task, TaskId.fromHexString(task.toHex()));
    ObjectId object = ObjectId.fromBytes(randomBytes(ObjectId.LENGTH));
    assertEquals(object, ObjectId.fromHexString(object.toHex()));
    PlacementGroupId pg = PlacementGroupId.fromBytes(randomBytes(PlacementGroupId.LENGTH));
    assertEquals(pg, PlacementGroupId.fromHexString(pg.toHex()));
    UniqueId unique = UniqueId.fromBytes(randomBytes(UniqueId.LENGTH));
    assertEquals(unique, UniqueId.fromHexString(unique.toHex()));
    assertEquals(unique.hashCode(), UniqueId.fromHexString(unique.toHex()).hashCode());
  }

  @Test
  void hexIsLowerCaseAndParsesUpperCase() {
    JobId job = JobId.fromInt(0x01EFCDAB);
    assertEquals("abcdef01", job.toHex());
    assertEquals(job, JobId.fromHexString("ABCDEF01"));
  }

  @Test
  void wrongLengthIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new ActorId(new byte[ActorId.LENGTH - 1]));
    assertThrows(IllegalArgumentException.class, () -> TaskId.fromBytes(new byte[TaskId.LENGTH + 1]));
    assertThrows(IllegalArgumentException.class, () -> ObjectId.fromHexString("abcd"));
    assertThrows(IllegalArgumentException.class, () -> JobId.fromHexString("zzzzzzzz"));
    assertThrows(NullPointerException.class, () -> new UniqueId(null));
  }

  @Test
  void nil() {
    assertTrue(ActorId.NIL.isNil());
    assertTrue(JobId.NIL.isNil());
    assertTrue(TaskId.NIL.isNil());
    assertTrue(ObjectId.NIL.isNil());
    assertTrue(UniqueId.NIL.isNil());
    assertTrue(PlacementGroupId.NIL.isNil());
    assertEquals("ffffffff", JobId.NIL.toHex());
    assertFalse(JobId.fromInt(1).isNil());
    assertFalse(new ActorId(new byte[ActorId.LENGTH]).isNil());
  }

  @Test
  void jobIdInt() {
    for (int v : new int[] {0, 1, 255, 256, 65536, Integer.MAX_VALUE, -1, Integer.MIN_VALUE}) {
      assertEquals(v, JobId.fromInt(v).toInt());
    }
    assertEquals("01000000", JobId.fromInt(1).toHex(), "little-endian, as Ray's JobId.fromInt");
    assertEquals("00010000", JobId.fromInt(256).toHex());
    assertEquals(JobId.NIL, JobId.fromInt(-1));
  }

  @Test
  void nestedIdsDecompose() {
    JobId job = JobId.fromInt(7);
    byte[] actorBytes = new byte[ActorId.LENGTH];
    System.arraycopy(randomBytes(12), 0, actorBytes, 0, 12);
    System.arraycopy(job.getBytes(), 0, actorBytes, 12, JobId.LENGTH);
    ActorId actor = new ActorId(actorBytes);
    assertEquals(job, actor.getJobId());

    byte[] taskBytes = new byte[TaskId.LENGTH];
    System.arraycopy(randomBytes(8), 0, taskBytes, 0, 8);
    System.arraycopy(actorBytes, 0, taskBytes, 8, ActorId.LENGTH);
    TaskId task = new TaskId(taskBytes);
    assertEquals(actor, task.getActorId());

    byte[] objectBytes = new byte[ObjectId.LENGTH];
    System.arraycopy(taskBytes, 0, objectBytes, 0, TaskId.LENGTH);
    objectBytes[ObjectId.LENGTH - 2] = 1;
    objectBytes[ObjectId.LENGTH - 1] = 2;
    ObjectId object = new ObjectId(objectBytes);
    assertEquals(task, object.getTaskId());
    assertEquals(258, object.getIndex());
    assertEquals(job, object.getTaskId().getActorId().getJobId());
  }

  @Test
  void bytesAreCopied() {
    byte[] b = randomBytes(ActorId.LENGTH);
    ActorId id = ActorId.fromBytes(b);
    b[0] ^= 1;
    assertNotEquals(id, ActorId.fromBytes(b));
    byte[] out = id.getBytes();
    assertNotSame(out, id.getBytes());
    out[0] ^= 1;
    assertNotEquals(ActorId.fromBytes(out), id);
    assertEquals(ActorId.LENGTH, id.size());
  }

  @Test
  void equalityNeedsTheSameType() {
    byte[] b = randomBytes(28);
    assertNotEquals(UniqueId.fromBytes(b), ObjectId.fromBytes(b));
    assertEquals(UniqueId.fromBytes(b), UniqueId.fromBytes(b));
  }

  @Test
  void javaSerializationRoundTrip() throws Exception {
    TaskId id = TaskId.fromBytes(randomBytes(TaskId.LENGTH));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(id);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      TaskId back = (TaskId) in.readObject();
      assertEquals(id, back);
      assertEquals(id.hashCode(), back.hashCode());
      assertArrayEquals(id.getBytes(), back.getBytes());
    }
  }

  @Test
  void byteBuffersRoundTripAsRays() {
    ActorId actor = ActorId.fromRandom();
    ByteBuffer buffer = actor.toByteBuffer();
    assertEquals(ActorId.LENGTH, buffer.remaining());
    assertEquals(actor, ActorId.fromByteBuffer(buffer));
    assertEquals(0, buffer.remaining(), "fromByteBuffer reads what remains");
    buffer.array()[0] ^= 1;
    assertEquals(actor, ActorId.fromByteBuffer(actor.toByteBuffer()), "the buffer is a copy");

    ObjectId object = ObjectId.fromRandom();
    assertEquals(object, ObjectId.fromByteBuffer(object.toByteBuffer()));
    PlacementGroupId pg = PlacementGroupId.fromRandom();
    assertEquals(pg, PlacementGroupId.fromByteBuffer(pg.toByteBuffer()));
    TaskId task = TaskId.fromBytes(randomBytes(TaskId.LENGTH));
    assertEquals(task, TaskId.fromByteBuffer(task.toByteBuffer()));
    UniqueId unique = UniqueId.randomId();
    assertEquals(unique, UniqueId.fromByteBuffer(unique.toByteBuffer()));
    JobId job = JobId.fromInt(42);
    assertEquals(job, JobId.fromByteBuffer(job.toByteBuffer()));
    assertEquals(job, JobId.fromBytes(job.getBytes()));

    ByteBuffer sliced = ByteBuffer.allocate(2 + JobId.LENGTH);
    sliced.put((byte) 9).put((byte) 9).put(job.getBytes()).flip().position(2);
    assertEquals(job, JobId.fromByteBuffer(sliced), "read from the buffer's position");
    assertThrows(IllegalArgumentException.class,
        () -> ActorId.fromByteBuffer(ByteBuffer.allocate(ActorId.LENGTH - 1)));
  }

  @Test
  void randomIdsDiffer() {
    assertNotEquals(ActorId.fromRandom(), ActorId.fromRandom());
    assertNotEquals(ObjectId.fromRandom(), ObjectId.fromRandom());
    assertNotEquals(PlacementGroupId.fromRandom(), PlacementGroupId.fromRandom());
    assertNotEquals(UniqueId.randomId(), UniqueId.randomId());
    assertFalse(UniqueId.randomId().isNil());
  }
}
