package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.concurrencygroup.ConcurrencyGroup;
import dev.jray.api.concurrencygroup.ConcurrencyGroupBuilder;
import dev.jray.api.concurrencygroup.annotations.DefConcurrencyGroup;
import dev.jray.api.concurrencygroup.annotations.UseConcurrencyGroup;
import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayTaskException;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ray's concurrency groups: built, declared by annotations, picked per call; their limits. */
public class ConcurrencyGroupsTest {
  /** How long a call waits for a partner that should run beside it. */
  private static final long PARTNER_WAIT_S = 20;

  @BeforeAll
  static void init() {
    Ray.init();
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  /** Calls that meet each other: only calls running at once can. */
  public static class Meeting {
    private final CyclicBarrier pair = new CyclicBarrier(2);
    private final CountDownLatch released = new CountDownLatch(1);

    /** True once a second call of it runs at the same time. */
    public boolean meet() throws InterruptedException, BrokenBarrierException {
      try {
        pair.await(PARTNER_WAIT_S, TimeUnit.SECONDS);
        return true;
      } catch (TimeoutException e) {
        return false;
      }
    }

    /** Like {@link #meet}, giving up after {@code ms}. */
    public boolean meetWithin(int ms) throws InterruptedException, BrokenBarrierException {
      try {
        pair.await(ms, TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        pair.reset();
        return false;
      }
    }

    /** Waits until {@link #release} runs; true if it did. */
    public boolean awaitRelease() throws InterruptedException {
      return released.await(PARTNER_WAIT_S, TimeUnit.SECONDS);
    }

    public int release() {
      released.countDown();
      return 1;
    }
  }

  @DefConcurrencyGroup(name = "io", maxConcurrency = 2)
  @DefConcurrencyGroup(name = "compute", maxConcurrency = 1)
  public static class AnnotatedMeeting {
    private final Meeting meeting = new Meeting();

    @UseConcurrencyGroup(name = "io")
    public boolean meet() throws Exception {
      return meeting.meet();
    }

    @UseConcurrencyGroup(name = "compute")
    public boolean awaitRelease() throws InterruptedException {
      return meeting.awaitRelease();
    }

    public int release() {
      return meeting.release();
    }
  }

  @DefConcurrencyGroup(name = "io", maxConcurrency = 2)
  public static class UsesUndeclared {
    @UseConcurrencyGroup(name = "missing")
    public int f() {
      return 1;
    }
  }

  private static ConcurrencyGroup io(int max) {
    return new ConcurrencyGroupBuilder<Meeting>().setName("io").setMaxConcurrency(max)
        .addMethod(Meeting::meet).addMethod(Meeting::meetWithin).build();
  }

  @Test
  void aGroupRunsItsCallsUpToItsLimitAtOnce() {
    ActorHandle<Meeting> a = Ray.actor(Meeting::new).setConcurrencyGroups(io(2)).remote();
    ObjectRef<Boolean> first = a.task(Meeting::meet).remote();
    ObjectRef<Boolean> second = a.task(Meeting::meet).remote();
    assertTrue(first.get(), "two calls of a group of 2 run at once");
    assertTrue(second.get());
  }

  @Test
  void aGroupOfOneRunsItsCallsOneAfterTheOther() {
    ActorHandle<Meeting> a = Ray.actor(Meeting::new).setConcurrencyGroups(io(1)).remote();
    ObjectRef<Boolean> first = a.task(Meeting::meetWithin, 300).remote();
    ObjectRef<Boolean> second = a.task(Meeting::meetWithin, 300).remote();
    assertFalse(first.get(), "the second call of a group of 1 waits for the first");
    assertFalse(second.get());
  }

  @Test
  void theDefaultGroupRunsBesideABusyGroup() {
    ActorHandle<Meeting> a = Ray.actor(Meeting::new)
        .setConcurrencyGroups(new ConcurrencyGroupBuilder<Meeting>().setName("wait")
            .setMaxConcurrency(1).addMethod(Meeting::awaitRelease).build())
        .remote();
    ObjectRef<Boolean> waiting = a.task(Meeting::awaitRelease).remote();
    assertEquals(1, a.task(Meeting::release).remote().get(), "release runs in the default group");
    assertTrue(waiting.get());
  }

  @Test
  void theDefaultGroupKeepsTheActorsMaxConcurrency() {
    ConcurrencyGroup onlyMeet = new ConcurrencyGroupBuilder<Meeting>().setName("io")
        .setMaxConcurrency(2).addMethod(Meeting::meet).build();
    ActorHandle<Meeting> serial = Ray.actor(Meeting::new).setConcurrencyGroups(onlyMeet).remote();
    ObjectRef<Boolean> a = serial.task(Meeting::meetWithin, 300).remote();
    ObjectRef<Boolean> b = serial.task(Meeting::meetWithin, 300).remote();
    assertFalse(a.get() || b.get(), "the default group runs one call at a time by default");

    ActorHandle<Meeting> wide = Ray.actor(Meeting::new).setMaxConcurrency(2)
        .setConcurrencyGroups(onlyMeet).remote();
    ObjectRef<Boolean> one = wide.task(Meeting::meetWithin, 20_000).remote();
    ObjectRef<Boolean> two = wide.task(Meeting::meetWithin, 20_000).remote();
    assertTrue(one.get() && two.get(), "a default group of maxConcurrency 2 runs two at once");
  }

  @Test
  void annotationsDeclareGroupsAndPutMethodsInThem() {
    ActorHandle<AnnotatedMeeting> a = Ray.actor(AnnotatedMeeting::new).remote();
    ObjectRef<Boolean> waiting = a.task(AnnotatedMeeting::awaitRelease).remote();
    ObjectRef<Boolean> first = a.task(AnnotatedMeeting::meet).remote();
    ObjectRef<Boolean> second = a.task(AnnotatedMeeting::meet).remote();
    assertTrue(first.get() && second.get(), "io (2) runs two calls at once beside compute");
    assertEquals(1, a.task(AnnotatedMeeting::release).remote().get());
    assertTrue(waiting.get());
  }

  @Test
  void aCallRunsInTheGroupItsCallerPicks() {
    ActorHandle<Meeting> a = Ray.actor(Meeting::new).setConcurrencyGroups(io(2)).remote();
    ObjectRef<Boolean> waiting = a.task(Meeting::awaitRelease).remote(); // holds the default group
    assertEquals(1, a.task(Meeting::release).setConcurrencyGroup("io").remote().get(),
        "release, picked into io, runs while the default group is busy");
    assertTrue(waiting.get());
  }

  @Test
  void aGroupTheActorDoesNotHaveFailsTheCallNamingIt() {
    ActorHandle<Meeting> a = Ray.actor(Meeting::new).setConcurrencyGroups(io(2)).remote();
    RayTaskException e = assertThrows(RayTaskException.class,
        () -> a.task(Meeting::release).setConcurrencyGroup("nope").remote().get());
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    assertEquals(1, a.task(Meeting::release).remote().get(), "the actor lives on");
  }

  @Test
  void badGroupsAreRefusedWithTheirFault() {
    IllegalArgumentException noName = assertThrows(IllegalArgumentException.class,
        () -> new ConcurrencyGroupBuilder<Meeting>().setMaxConcurrency(2).build());
    assertTrue(noName.getMessage().contains("name"), noName.getMessage());
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> new ConcurrencyGroupBuilder<Meeting>().setName("z").setMaxConcurrency(0).build());
    assertTrue(zero.getMessage().contains("maxConcurrency"), zero.getMessage());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> Ray.actor(Meeting::new).setConcurrencyGroups(io(1), io(2)));
    assertTrue(twice.getMessage().contains("'io'"), twice.getMessage());
    ConcurrencyGroup alsoMeet = new ConcurrencyGroupBuilder<Meeting>().setName("other")
        .addMethod(Meeting::meet).build();
    IllegalArgumentException shared = assertThrows(IllegalArgumentException.class,
        () -> Ray.actor(Meeting::new).setConcurrencyGroups(io(2), alsoMeet).remote());
    assertTrue(shared.getMessage().contains("meet"), shared.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Ray.actor(Meeting::new).remote().task(Meeting::release).setConcurrencyGroup(""));
  }

  @Test
  void aMethodUsingAnUndeclaredGroupFailsTheActorsCreation() {
    ActorHandle<UsesUndeclared> a = Ray.actor(UsesUndeclared::new).remote();
    RayActorException e = assertThrows(RayActorException.class,
        () -> a.task(UsesUndeclared::f).remote().get());
    assertTrue(e.getMessage().contains("'missing'"), e.getMessage());
  }
}
