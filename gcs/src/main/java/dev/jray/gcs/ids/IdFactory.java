package dev.jray.gcs.ids;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes ids with Ray's layout: an ActorId ends with its JobId, a TaskId with its ActorId (a nil
 * actor part for normal tasks), an ObjectId is its TaskId plus a 4-byte index. Thread-safe.
 */
public final class IdFactory {
  private static final int ACTOR_UNIQUE = ActorId.LENGTH - JobId.LENGTH;
  private static final int TASK_UNIQUE = TaskId.LENGTH - ActorId.LENGTH;

  private IdFactory() {}

  private static byte[] random(int n, int total) {
    byte[] b = new byte[total];
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < n; i += 8) {
      long v = r.nextLong();
      for (int j = 0; j < 8 && i + j < n; j++) {
        b[i + j] = (byte) (v >>> (8 * j));
      }
    }
    return b;
  }

  public static UniqueId newUniqueId() {
    return new UniqueId(random(UniqueId.LENGTH, UniqueId.LENGTH));
  }

  public static ActorId newActorId(JobId job) {
    byte[] b = random(ACTOR_UNIQUE, ActorId.LENGTH);
    job.copyTo(b, ACTOR_UNIQUE);
    return new ActorId(b);
  }

  /** The actor part of a job's normal tasks: nil unique bytes, then the job id. */
  public static ActorId nilActorOf(JobId job) {
    byte[] b = new byte[ActorId.LENGTH];
    java.util.Arrays.fill(b, 0, ACTOR_UNIQUE, (byte) 0xff);
    job.copyTo(b, ACTOR_UNIQUE);
    return new ActorId(b);
  }

  public static TaskId newTaskId(ActorId actor) {
    byte[] b = random(TASK_UNIQUE, TaskId.LENGTH);
    actor.copyTo(b, TASK_UNIQUE);
    return new TaskId(b);
  }

  /** A normal task's id: random bytes, then {@link #nilActorOf} the job (built in place). */
  public static TaskId newTaskId(JobId job) {
    byte[] b = random(TASK_UNIQUE, TaskId.LENGTH);
    java.util.Arrays.fill(b, TASK_UNIQUE, TASK_UNIQUE + ACTOR_UNIQUE, (byte) 0xff);
    job.copyTo(b, TASK_UNIQUE + ACTOR_UNIQUE);
    return new TaskId(b);
  }

  /** The id of the {@code index}-th object (1-based) a task returns or puts. */
  public static ObjectId objectId(TaskId task, int index) {
    byte[] b = new byte[ObjectId.LENGTH];
    task.copyTo(b, 0);
    b[24] = (byte) (index >>> 24);
    b[25] = (byte) (index >>> 16);
    b[26] = (byte) (index >>> 8);
    b[27] = (byte) index;
    return new ObjectId(b);
  }

  public static PlacementGroupId newPlacementGroupId(JobId job) {
    int unique = PlacementGroupId.LENGTH - JobId.LENGTH;
    byte[] b = random(unique, PlacementGroupId.LENGTH);
    System.arraycopy(job.getBytes(), 0, b, unique, JobId.LENGTH);
    return new PlacementGroupId(b);
  }
}
