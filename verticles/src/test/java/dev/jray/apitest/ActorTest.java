package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.exception.PendingCallsLimitExceededException;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.runtimecontext.RuntimeContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Live actors: state, handles as arguments, dispatch, ordering, concurrency, call limits. */
public class ActorTest {

  @BeforeAll
  static void init() {
    Ray.init();
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  public static class Counter {
    private int value;

    public Counter(int initial) {
      this.value = initial;
    }

    public void increase() {
      value += 1;
    }

    public int increaseAndGet(int delta) {
      value += delta;
      return value;
    }

    public int get() {
      return value;
    }

    public int fail() {
      throw new RuntimeException("Oops");
    }

    /** [job id, actor id] as seen inside the actor. */
    public List<String> context() {
      RuntimeContext c = Ray.getRuntimeContext();
      return List.of(c.getCurrentJobId().toHex(), c.getCurrentActorId().toHex(),
          c.getCurrentTaskId().toHex());
    }
  }

  public static class Base {
    public Base() {}

    public String name() {
      return "base";
    }
  }

  public static class Sub extends Base {
    public Sub() {}

    @Override
    public String name() {
      return "sub";
    }
  }

  public static class Appender {
    private final List<Integer> items = new ArrayList<>();

    public Appender() {}

    public void append(int x) {
      items.add(x);
    }

    public List<Integer> items() {
      return new ArrayList<>(items);
    }
  }

  /** Two calls that can only both succeed if they run at the same time. */
  public static class Rendezvous {
    private final CountDownLatch leftArrived = new CountDownLatch(1);
    private final CountDownLatch rightArrived = new CountDownLatch(1);

    public Rendezvous() {}

    public boolean left(int timeoutMs) throws InterruptedException {
      leftArrived.countDown();
      return rightArrived.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    public boolean right(int timeoutMs) throws InterruptedException {
      rightArrived.countDown();
      return leftArrived.await(timeoutMs, TimeUnit.MILLISECONDS);
    }
  }

  public static class Blocker {
    /** Opened by the test. */
    public static volatile CountDownLatch gate = new CountDownLatch(0);

    public Blocker() {}

    public int waitForGate() throws InterruptedException {
      return gate.await(60, TimeUnit.SECONDS) ? 1 : -1;
    }

    public int ping() {
      return 2;
    }
  }

  public static class Fns {
    /** Calls the actor through a handle it was given. */
    public static int increaseVia(ActorHandle<Counter> counter, int delta) {
      return counter.task(Counter::increaseAndGet, delta).remote().get();
    }
  }

  @Test
  void counterKeepsState() {
    ActorHandle<Counter> counter = Ray.actor(Counter::new, 1).remote();
    counter.task(Counter::increase).remote();
    assertEquals(3, counter.task(Counter::increaseAndGet, 1).remote().get());
    assertEquals(3, counter.task(Counter::get).remote().get());
    // ObjectRef arguments to actor calls and constructors are resolved too.
    assertEquals(8, counter.task(Counter::increaseAndGet, Ray.put(5)).remote().get());
    ActorHandle<Counter> fromRef = Ray.actor(Counter::new, Ray.put(10)).remote();
    assertEquals(10, fromRef.task(Counter::get).remote().get());
    assertNotEquals(counter.getId(), fromRef.getId());
  }

  @Test
  void handlePassedToATask() {
    ActorHandle<Counter> counter = Ray.actor(Counter::new, 0).remote();
    assertEquals(5, Ray.task(Fns::increaseVia, counter, 5).remote().get());
    assertEquals(7, Ray.task(Fns::increaseVia, counter, 2).remote().get());
    assertEquals(7, counter.task(Counter::get).remote().get());
  }

  @Test
  void subclassOverrideIsCalledThroughTheBaseMethod() {
    ActorHandle<Sub> sub = Ray.actor(Sub::new).remote();
    assertEquals("sub", sub.task(Base::name).remote().get());
    ActorHandle<Base> base = Ray.actor(Base::new).remote();
    assertEquals("base", base.task(Base::name).remote().get());
  }

  @Test
  void callsFromOneHandleRunInSubmissionOrder() {
    ActorHandle<Appender> appender = Ray.actor(Appender::new).remote();
    for (int i = 0; i < 200; i++) {
      appender.task(Appender::append, i).remote();
    }
    List<Integer> expected = IntStream.range(0, 200).boxed().collect(Collectors.toList());
    assertEquals(expected, appender.task(Appender::items).remote().get(60_000));
  }

  @Test
  void maxConcurrencyRunsCallsInParallel() {
    ActorHandle<Rendezvous> parallel = Ray.actor(Rendezvous::new).setMaxConcurrency(2).remote();
    ObjectRef<Boolean> left = parallel.task(Rendezvous::left, 20_000).remote();
    ObjectRef<Boolean> right = parallel.task(Rendezvous::right, 20_000).remote();
    assertEquals(List.of(true, true), Ray.get(List.of(left, right), 30_000));

    // With the default maxConcurrency of 1 the calls run one after the other: left() gives up.
    ActorHandle<Rendezvous> serial = Ray.actor(Rendezvous::new).remote();
    ObjectRef<Boolean> left1 = serial.task(Rendezvous::left, 500).remote();
    ObjectRef<Boolean> right1 = serial.task(Rendezvous::right, 500).remote();
    assertEquals(List.of(false, true), Ray.get(List.of(left1, right1), 30_000));
  }

  /** Counts the runs of its calls in a static, so that a restart does not reset the count. */
  public static class Sleeper {
    static final AtomicInteger RUNS = new AtomicInteger();

    public int sleepFor(int millis) throws InterruptedException {
      RUNS.incrementAndGet();
      Thread.sleep(millis);
      return millis;
    }
  }

  @Test
  void callsAnsweredOutOfOrderAreNotSentAgainWhenTheActorRestarts() {
    ActorHandle<Sleeper> sleeper = Ray.actor(Sleeper::new).setMaxConcurrency(8)
        .setMaxRestarts(1).setMaxTaskRetries(-1).remote();
    List<Integer> sleeps = IntStream.range(0, 64).map(i -> (63 - i) % 8 * 3).boxed().toList();
    int before = Sleeper.RUNS.get();
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int millis : sleeps) {
      refs.add(sleeper.task(Sleeper::sleepFor, millis).remote()); // later calls end first
    }
    assertEquals(sleeps, Ray.get(refs, 30_000));
    sleeper.kill(false);
    // a call in flight when it died would be sent to the new instance: none is, all were answered
    assertEquals(0, sleeper.task(Sleeper::sleepFor, 0).remote().get(30_000));
    assertEquals(before + sleeps.size() + 1, Sleeper.RUNS.get());
  }

  @Test
  void maxPendingCallsLimitsCallsInFlight() {
    Blocker.gate = new CountDownLatch(1);
    try {
      ActorHandle<Blocker> blocker = Ray.actor(Blocker::new).setMaxPendingCalls(1).remote();
      ObjectRef<Integer> first = blocker.task(Blocker::waitForGate).remote();
      assertThrows(PendingCallsLimitExceededException.class,
          () -> blocker.task(Blocker::ping).remote());
      Blocker.gate.countDown();
      assertEquals(1, first.get(30_000));
      // The first call is done: the handle may submit again.
      assertEquals(2, blocker.task(Blocker::ping).remote().get(30_000));
    } finally {
      Blocker.gate.countDown();
    }
  }

  @Test
  void actorOptionsAreValidatedAtTheCall() {
    assertThrows(IllegalArgumentException.class, () -> Ray.actor(Blocker::new).setResource("CPU", -1.0));
    assertThrows(IllegalArgumentException.class, () -> Ray.actor(Blocker::new).setResource("CPU", 3.5));
    assertThrows(IllegalArgumentException.class, () -> Ray.actor(Blocker::new).setMaxConcurrency(0));
    assertThrows(IllegalArgumentException.class, () -> Ray.actor(Blocker::new).setMaxPendingCalls(0));
    assertThrows(IllegalArgumentException.class, () -> Ray.actor(Blocker::new).setName(""));
    // Valid options give a working actor.
    ActorHandle<Blocker> ok = Ray.actor(Blocker::new).setResource("CPU", 0.5)
        .setMaxConcurrency(3).setMaxPendingCalls(5).remote();
    assertEquals(2, ok.task(Blocker::ping).remote().get(30_000));
  }

  @Test
  void methodExceptionDoesNotKillTheActor() {
    ActorHandle<Counter> counter = Ray.actor(Counter::new, 1).remote();
    RayTaskException e = assertThrows(RayTaskException.class,
        () -> counter.task(Counter::fail).remote().get(30_000));
    assertEquals("Oops", Throwables.root(e).getMessage(), Throwables.describe(e));
    assertEquals(2, counter.task(Counter::increaseAndGet, 1).remote().get(30_000));
  }

  @Test
  void runtimeContextInsideAnActor() {
    ActorHandle<Counter> counter = Ray.actor(Counter::new, 0).remote();
    List<String> ctx = counter.task(Counter::context).remote().get(30_000);
    RuntimeContext driver = Ray.getRuntimeContext();
    assertEquals(driver.getCurrentJobId().toHex(), ctx.get(0), "job id");
    assertEquals(counter.getId().toHex(), ctx.get(1), "actor id inside the actor");
    assertNotEquals(driver.getCurrentTaskId().toHex(), ctx.get(2), "task id");
    assertTrue(driver.getCurrentActorId().isNil());
  }
}
