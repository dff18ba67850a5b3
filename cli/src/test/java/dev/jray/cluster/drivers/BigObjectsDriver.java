package dev.jray.cluster.drivers;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;

/**
 * {@code BigObjectsDriver producerResource consumerResource taskMb putMb}: a task asking for 0.5
 * of {@code producerResource} returns a {@code taskMb} MiB byte[]; a task asking for 1 of {@code
 * consumerResource} digests it (length, sum, hash). Then the driver {@code Ray.put}s a {@code
 * putMb} MiB byte[] and a task on the consumer's node digests that. Prints the digests and the
 * expected ones as {@code RESULT} lines.
 */
public final class BigObjectsDriver {
  public static void main(String[] args) {
    String producer = args[0];
    String consumer = args[1];
    int taskBytes = Integer.parseInt(args[2]) << 20;
    int putBytes = Integer.parseInt(args[3]) << 20;
    Driver.run("BigObjectsDriver", () -> {
      long t0 = System.currentTimeMillis();
      ObjectRef<byte[]> produced = Ray.task(Fns::bytes, taskBytes).setResource(producer, 0.5).remote();
      String digest = Ray.task(Fns::digest, produced).setResource(consumer, 1.0).remote().get(300_000);
      Driver.result("task-object-digest", digest);
      Driver.result("task-object-expected", Fns.expectedDigest(taskBytes));
      Driver.result("task-object-ms", System.currentTimeMillis() - t0);

      long t1 = System.currentTimeMillis();
      ObjectRef<byte[]> put = Ray.put(Fns.bytes(putBytes));
      Driver.result("put-ms", System.currentTimeMillis() - t1);
      String putDigest = Ray.task(Fns::digest, put).setResource(consumer, 1.0).remote().get(300_000);
      Driver.result("put-object-digest", putDigest);
      Driver.result("put-object-expected", Fns.expectedDigest(putBytes));
      Driver.result("put-object-ms", System.currentTimeMillis() - t1);
    });
  }
}
