package dev.jray.cluster.drivers;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.gcs.time.Await;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code FreeDriver resource count mb flagDir readerResource}: tasks asking for 0.5 of {@code
 * resource} return {@code count} byte[]s of {@code mb} MiB, which the driver gets and holds ({@code
 * HELD}); once {@code flagDir/release} exists it drops them and collects its garbage ({@code
 * FREED}); once {@code flagDir/again} exists it makes {@code count} more, has a task asking for 1
 * of {@code readerResource} read each (so that node pulls a copy), and holds them ({@code
 * HELD_AGAIN}) until {@code flagDir/exit} exists, and exits still holding them.
 */
public final class FreeDriver {
  private static final long WAIT_MS = 120_000;

  public static void main(String[] args) {
    String resource = args[0];
    int count = Integer.parseInt(args[1]);
    int bytes = Integer.parseInt(args[2]) << 20;
    Path flags = Path.of(args[3]);
    String reader = args[4];
    Driver.run("FreeDriver", () -> {
      List<ObjectRef<byte[]>> held = make(resource, count, bytes);
      System.out.println("HELD");
      System.out.flush();
      Await.until("the release flag", Duration.ofMillis(WAIT_MS), () -> Files.exists(flags.resolve("release")));
      WeakReference<ObjectRef<byte[]>> first = new WeakReference<>(held.get(0));
      held.clear();
      // the refs are phantom-reachable only after a collection
      Await.until("the released refs are collected", Duration.ofMillis(WAIT_MS), () -> {
        System.gc();
        return first.get() == null;
      });
      System.out.println("FREED");
      System.out.flush();
      Await.until("the again flag", Duration.ofMillis(WAIT_MS), () -> Files.exists(flags.resolve("again")));
      List<ObjectRef<byte[]>> kept = make(resource, count, bytes);
      for (ObjectRef<byte[]> ref : kept) { // a copy of each on the reader's node too
        Ray.task(Fns::digest, ref).setResource(reader, 1.0).remote().get(60_000);
      }
      System.out.println("HELD_AGAIN");
      System.out.flush();
      Await.until("the exit flag", Duration.ofMillis(WAIT_MS), () -> Files.exists(flags.resolve("exit")));
      Driver.result("kept", kept.size());
    });
  }

  private static List<ObjectRef<byte[]>> make(String resource, int count, int bytes) {
    List<ObjectRef<byte[]>> refs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ObjectRef<byte[]> ref = Ray.task(Fns::bytes, bytes).setResource(resource, 0.5).remote();
      if (ref.get(60_000).length != bytes) {
        throw new IllegalStateException("a result of the wrong size");
      }
      refs.add(ref);
    }
    return refs;
  }
}
