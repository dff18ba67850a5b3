package dev.jray.chaos.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.exception.RayException;
import dev.jray.chaos.ChaosDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * {@code StoppedWorkerDriver answersFile goFile seconds}: makes an actor (one restart allowed,
 * needing resource PIN, which two workers have) that appends every call's number and its node to
 * {@code answersFile}; says {@code STEP ready} with the node hosting it, waits for {@code goFile}
 * (the test stopped that node), then for {@code seconds} calls it once every 200 ms, each {@code
 * get} with a 10 s timeout, and reports how many calls answered, failed, and the longest a get
 * took past its timeout.
 */
public final class StoppedWorkerDriver {
  static final long GET_TIMEOUT_MS = 10_000;

  private StoppedWorkerDriver() {}

  /** Notes each call it answers, so the test sees whether two instances answered one call. */
  public static final class Recorder {
    private final Path answers;

    public Recorder(String answers) {
      this.answers = Path.of(answers);
    }

    public String answer(int call) {
      String node = Ray.getRuntimeContext().getCurrentNodeId().toHex();
      try {
        Files.writeString(answers, call + " " + node + "\n", StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return node;
    }
  }

  public static void main(String[] args) {
    String answers = args[0];
    Path go = Path.of(args[1]);
    long seconds = Long.parseLong(args[2]);
    ChaosDriver.run("StoppedWorkerDriver", () -> {
      ActorHandle<Recorder> recorder = Ray.actor(Recorder::new, answers).setMaxRestarts(1)
          .setResource("PIN", 1.0).remote();
      int call = 0;
      ChaosDriver.result("host", recorder.task(Recorder::answer, call++).remote().get(60_000));
      ChaosDriver.step("ready");
      ChaosDriver.awaitGo(go, Duration.ofMinutes(3));
      int answered = 0;
      int failed = 0;
      long worstOverMs = 0;
      String lastNode = null;
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < end) {
        ObjectRef<String> ref = recorder.task(Recorder::answer, call++).remote();
        long start = System.nanoTime();
        try {
          lastNode = ref.get(GET_TIMEOUT_MS);
          answered++;
        } catch (RayException e) {
          failed++;
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        worstOverMs = Math.max(worstOverMs, tookMs - GET_TIMEOUT_MS);
        Thread.sleep(200); // a caller's pace, not a wait for anything
      }
      ChaosDriver.result("answered", answered);
      ChaosDriver.result("failed", failed);
      ChaosDriver.result("worst-over-ms", worstOverMs);
      ChaosDriver.result("last-node", lastNode);
    });
  }
}
