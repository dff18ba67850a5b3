package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.parallelactor.ParallelActor;
import dev.jray.api.parallelactor.ParallelActorHandle;
import dev.jray.api.parallelactor.ParallelActorInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ray's parallel actors: one actor, several instances, each in order, side by side. */
public class ParallelActorTest {

  @BeforeAll
  static void init() {
    Ray.init();
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  /** Two calls on different instances meet here: they must run at the same time. */
  static final CyclicBarrier TWO = new CyclicBarrier(2);

  public static class Recorder {
    private final String label;
    private final List<Integer> seen = new ArrayList<>();
    /** Calls of this instance running now: above 1 means the instance ran two at once. */
    private final AtomicInteger running = new AtomicInteger();
    private int mostAtOnce;

    public Recorder(String label) {
      this.label = label;
    }

    public String append(int value) throws InterruptedException {
      mostAtOnce = Math.max(mostAtOnce, running.incrementAndGet());
      try {
        Thread.sleep(value % 3); // different lengths: a reordering would show
        seen.add(value);
        return label + value;
      } finally {
        running.decrementAndGet();
      }
    }

    public List<Integer> seen() {
      return new ArrayList<>(seen);
    }

    public int mostAtOnce() {
      return mostAtOnce;
    }

    public void clear() {
      seen.clear();
    }

    /** Returns once another call reached the barrier too. */
    public boolean meet() throws Exception {
      TWO.await(30, TimeUnit.SECONDS);
      return true;
    }

    public int fail() {
      throw new IllegalStateException("instance failed");
    }
  }

  @Test
  void twoInstancesRunAtOnceAndEachRunsItsCallsInOrder() {
    ParallelActorHandle<Recorder> actor =
        ParallelActor.actor(Recorder::new, "r").setParallelism(2).remote();
    assertEquals(2, actor.getParallelism());
    ParallelActorInstance<Recorder> first = actor.getInstance(0);
    ParallelActorInstance<Recorder> second = actor.getInstance(1);

    TWO.reset();
    ObjectRef<Boolean> firstMeets = first.task(Recorder::meet).remote();
    ObjectRef<Boolean> secondMeets = second.task(Recorder::meet).remote();
    assertTrue(firstMeets.get(60_000), "instance 0 met instance 1 while both ran");
    assertTrue(secondMeets.get(60_000));

    List<ObjectRef<String>> answers = new ArrayList<>();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      answers.add(first.task(Recorder::append, i).remote());
      second.task(Recorder::append, 100 + i).remote();
      expected.add(i);
    }
    assertEquals("r39", Ray.get(answers, 60_000).get(39));
    assertEquals(expected, first.task(Recorder::seen).remote().get(60_000),
        "instance 0 ran its calls one at a time in submission order");
    assertEquals(1, first.task(Recorder::mostAtOnce).remote().get(60_000));
    List<Integer> secondSeen = second.task(Recorder::seen).remote().get(60_000);
    assertEquals(40, secondSeen.size(), "each instance has its own state");
    assertEquals(100, secondSeen.get(0));

    first.task(Recorder::clear).remote();
    assertEquals(List.of(), first.task(Recorder::seen).remote().get(60_000),
        "a void call runs before the next call of its instance");
    assertEquals(40, second.task(Recorder::seen).remote().get(60_000).size());
    actor.getHandle().kill();
  }

  public static class SixParts {
    private final String joined;

    public SixParts(String a, Integer b, String c, Integer d, String e, Integer f) {
      this.joined = a + b + c + d + e + f;
    }

    public String joined() {
      return joined;
    }
  }

  @Test
  void aConstructorOfSixArgumentsIsCalledThroughParallelActor() {
    ParallelActorHandle<SixParts> actor = ParallelActor.actor(SixParts::new, "a", 1, "b",
        Ray.put(2), "c", 3).setParallelism(2).remote();
    assertEquals("a1b2c3", actor.getInstance(1).task(SixParts::joined).remote().get(60_000));
    actor.getHandle().kill();
  }

  @Test
  void argumentsAndErrorsAreThoseOfActorCalls() {
    ParallelActorHandle<Recorder> actor =
        ParallelActor.actor(Recorder::new, Ray.put("p")).setParallelism(3).remote();
    ParallelActorInstance<Recorder> last = actor.getInstance(2);
    assertEquals("p7", last.task(Recorder::append, Ray.put(7)).remote().get(60_000),
        "refs as constructor and method arguments arrive as their values");
    RayTaskException failed = assertThrows(RayTaskException.class,
        () -> last.task(Recorder::fail).remote().get(60_000));
    assertInstanceOf(IllegalStateException.class, failed.getCause());
    assertEquals("instance failed", failed.getCause().getMessage());
    assertEquals(List.of(7), last.task(Recorder::seen).remote().get(60_000),
        "a method that throws does not end the instance");
    assertTrue(Ray.getRuntimeContext().getAllActorInfo().stream()
        .anyMatch(a -> a.actorId.equals(actor.getHandle().getId())), "one actor hosts them");

    assertThrows(IllegalArgumentException.class, () -> actor.getInstance(3));
    assertThrows(IllegalArgumentException.class, () -> actor.getInstance(-1));
    assertThrows(IllegalArgumentException.class,
        () -> ParallelActor.actor(Recorder::new, "x").setParallelism(0));
    actor.getHandle().kill();
  }
}
