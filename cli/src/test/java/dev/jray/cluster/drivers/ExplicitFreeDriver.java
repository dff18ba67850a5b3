package dev.jray.cluster.drivers;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.exception.UnreconstructableException;
import dev.jray.gcs.time.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ExplicitFreeDriver resource count mb flagDir}: tasks asking for 0.5 of {@code resource}
 * return {@code count} byte[]s of {@code mb} MiB, which the driver holds ({@code HELD}); once
 * {@code flagDir/free} exists it frees them with {@code Ray.internal().free}, still holding the
 * refs, and prints {@code RESULT unreadable=N} (how many now fail to read) and {@code FREED};
 * it exits once {@code flagDir/exit} exists.
 */
public final class ExplicitFreeDriver {
  private static final Duration WAIT = Duration.ofMinutes(2);

  public static void main(String[] args) {
    String resource = args[0];
    int count = Integer.parseInt(args[1]);
    int bytes = Integer.parseInt(args[2]) << 20;
    Path flags = Path.of(args[3]);
    Driver.run("ExplicitFreeDriver", () -> {
      List<ObjectRef<?>> held = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ObjectRef<byte[]> ref = Ray.task(Fns::bytes, bytes).setResource(resource, 0.5).remote();
        ref.get(60_000);
        held.add(ref);
      }
      System.out.println("HELD");
      System.out.flush();
      Await.until("the free flag", WAIT, () -> Files.exists(flags.resolve("free")));
      Ray.internal().free(held, false);
      int unreadable = 0;
      for (ObjectRef<?> ref : held) {
        try {
          ref.get(60_000);
        } catch (UnreconstructableException expected) {
          unreadable++;
        }
      }
      Driver.result("unreadable", unreadable);
      System.out.println("FREED");
      System.out.flush();
      Await.until("the exit flag", WAIT, () -> Files.exists(flags.resolve("exit")));
      Driver.result("held", held.size());
    });
  }
}
