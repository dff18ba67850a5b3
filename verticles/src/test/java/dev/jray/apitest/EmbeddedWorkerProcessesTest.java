package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ActorHandle;
import dev.jray.api.Ray;
import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayWorkerException;
import dev.jray.gcs.time.Await;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An embedded driver with {@code -Djray.worker-processes=true}: its tasks and actors run in worker
 * JVMs its node starts, so a task calling {@code System.exit} or an actor's process killed takes
 * only itself down, as in Ray.
 */
@Timeout(180)
public class EmbeddedWorkerProcessesTest {
  @BeforeAll
  static void init() {
    System.setProperty("jray.worker-processes", "true");
    try {
      Ray.init();
    } finally {
      System.clearProperty("jray.worker-processes");
    }
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  public static long pid() {
    return ProcessHandle.current().pid();
  }

  public static int exit() {
    System.exit(3);
    return 0;
  }

  public static class Pid {
    public long pid() {
      return ProcessHandle.current().pid();
    }
  }

  @Test
  void tasksRunInAnotherProcessAndExitFailsOnlyTheTask() {
    long taskPid = Ray.task(EmbeddedWorkerProcessesTest::pid).remote().get(60_000);
    assertNotEquals(pid(), taskPid, "the task ran in the driver's JVM");
    RayWorkerException e = assertThrows(RayWorkerException.class,
        () -> Ray.task(EmbeddedWorkerProcessesTest::exit).setMaxRetries(0).remote().get(60_000));
    assertTrue(e.getMessage().contains("exited with code 3"), e.getMessage());
    assertTrue(Ray.task(EmbeddedWorkerProcessesTest::pid).remote().get(60_000) > 0,
        "the node runs tasks after one exited");
  }

  @Test
  void killingTheProcessAnActorReportsKillsThatActorAloneAndItRestarts() {
    ActorHandle<Pid> actor = Ray.actor(Pid::new).setMaxRestarts(1).remote();
    long first = actor.task(Pid::pid).remote().get(60_000);
    assertNotEquals(pid(), first, "the actor runs in the driver's JVM");
    ProcessHandle.of(first).orElseThrow().destroyForcibly();
    AtomicLong after = new AtomicLong();
    Await.until("the actor restarts", Duration.ofSeconds(90), () -> {
      try {
        after.set(actor.task(Pid::pid).remote().get(30_000));
        return true;
      } catch (RayActorException restarting) {
        return false;
      }
    });
    assertNotEquals(first, after.get(), "the actor answered from its killed process");
    assertTrue(Ray.task(EmbeddedWorkerProcessesTest::pid).remote().get(60_000) > 0,
        "the node runs tasks after an actor's process was killed");
  }
}
