package dev.jray.chaos.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.PlacementGroups;
import dev.jray.api.Ray;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.chaos.ChaosDriver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * {@code LongRunDriver SECONDS}: rounds of mixed work for SECONDS while the test kills workers
 * and starts new ones: 100 tasks of 10 ms (retried when their node dies), 20 calls to actors on
 * the head ({@code HEADONLY}, never killed), and every fifth round a placement group with a task
 * in it, then removed. Every result is checked; says {@code STEP warm} after the first round, and
 * reports rounds, wrong results and lost ones (an exception where a value was due).
 */
public final class LongRunDriver {
  private static final int TASKS_PER_ROUND = 100;
  private static final int CALLS_PER_ROUND = 20;
  /** How long a round waits for all its results: a lost one is counted, not waited for for ever. */
  private static final long ROUND_TIMEOUT_MS = 60_000;
  private static final long TASK_MILLIS = 10;

  private LongRunDriver() {}

  /** An actor that answers with what it is given, doubled. */
  public static final class Doubler {
    public long twice(long x) {
      return 2 * x;
    }
  }

  public static long square(long x) {
    return x * x;
  }

  /**
   * A square that takes {@value #TASK_MILLIS} ms: a round's tasks then queue on the workers for
   * most of it, so that a kill catches some in flight rather than only now and then.
   */
  public static long slowSquare(long x) throws InterruptedException {
    Thread.sleep(TASK_MILLIS);
    return x * x;
  }

  public static void main(String[] args) {
    long seconds = Long.parseLong(args[0]);
    ChaosDriver.run("LongRunDriver", () -> {
      List<ActorHandle<Doubler>> actors = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        actors.add(Ray.actor(Doubler::new).setResource("HEADONLY", 1.0).remote());
      }
      Tally tally = new Tally();
      round(0, actors, tally);
      ChaosDriver.step("warm");
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      int rounds = 1;
      while (System.nanoTime() < end) {
        round(rounds++, actors, tally);
      }
      ChaosDriver.result("rounds", rounds);
      ChaosDriver.result("checked", tally.checked);
      ChaosDriver.result("wrong", tally.wrong);
      ChaosDriver.result("lost", tally.lost);
      ChaosDriver.result("groups", tally.groups);
      ChaosDriver.result("first-problems", tally.problems);
    });
  }

  /** What the rounds saw. */
  private static final class Tally {
    long checked;
    long wrong;
    long lost;
    long groups;
    final List<String> problems = new ArrayList<>();

    void check(String what, ObjectRef<Long> ref, long expected, long deadline) {
      checked++;
      try {
        long got = ref.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        if (got != expected) {
          wrong++;
          note(what + ": " + got + " instead of " + expected);
        }
      } catch (RuntimeException e) {
        lost++;
        note(what + ": " + e);
      }
    }

    void note(String problem) {
      if (problems.size() < 5) {
        problems.add(problem);
      }
    }
  }

  private static void round(int round, List<ActorHandle<Doubler>> actors, Tally tally) {
    long base = (long) round * TASKS_PER_ROUND;
    long deadline = System.nanoTime() + ROUND_TIMEOUT_MS * 1_000_000;
    List<ObjectRef<Long>> squares = new ArrayList<>();
    for (int i = 0; i < TASKS_PER_ROUND; i++) {
      // on the workers only, so that killing one loses tasks in flight
      squares.add(Ray.task(LongRunDriver::slowSquare, base + i).setResource("WORKER", 1.0)
          .setMaxRetries(20).remote());
    }
    List<ObjectRef<Long>> doubles = new ArrayList<>();
    for (int i = 0; i < CALLS_PER_ROUND; i++) {
      doubles.add(actors.get(i % actors.size()).task(Doubler::twice, base + i).remote());
    }
    for (int i = 0; i < TASKS_PER_ROUND; i++) {
      tally.check("task " + (base + i), squares.get(i), (base + i) * (base + i), deadline);
    }
    for (int i = 0; i < CALLS_PER_ROUND; i++) {
      tally.check("actor call " + (base + i), doubles.get(i), 2 * (base + i), deadline);
    }
    if (round % 5 == 0) {
      PlacementGroup group = PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions
          .Builder().setBundles(Collections.nCopies(2, Map.of("CPU", 0.5)))
          .setStrategy(PlacementStrategy.SPREAD).build());
      if (group.wait(60)) {
        tally.groups++;
        tally.check("task in group " + round, Ray.task(LongRunDriver::square, base)
            .setResource("CPU", 0.5).setPlacementGroup(group, 0).setMaxRetries(20).remote(),
            base * base, System.nanoTime() + ROUND_TIMEOUT_MS * 1_000_000);
      } else {
        tally.lost++;
        tally.note("group of round " + round + " not created within 60 s");
      }
      PlacementGroups.removePlacementGroup(group.getId());
    }
  }
}
