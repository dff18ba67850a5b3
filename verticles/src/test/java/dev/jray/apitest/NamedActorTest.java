package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ActorHandle;
import dev.jray.api.Ray;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Named actors and namespaces. */
public class NamedActorTest {

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

    public int increaseAndGet(int delta) {
      value += delta;
      return value;
    }
  }

  public static class Fns {
    /** Looks the actor up by name inside a task and calls it; -1 if not found. */
    public static int increaseNamed(String name, int delta) {
      Optional<ActorHandle<Counter>> counter = Ray.getActor(name);
      if (counter.isEmpty()) {
        return -1;
      }
      return counter.get().task(Counter::increaseAndGet, delta).remote().get();
    }

    public static boolean existsIn(String name, String namespace) {
      return Ray.getActor(name, namespace).isPresent();
    }
  }

  private static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  @Test
  void namedActorIsFoundFromInsideATask() {
    String name = uniqueName("counter");
    ActorHandle<Counter> counter = Ray.actor(Counter::new, 10).setName(name).remote();
    assertEquals(11, Ray.task(Fns::increaseNamed, name, 1).remote().get(30_000));
    assertEquals(13, counter.task(Counter::increaseAndGet, 2).remote().get(30_000));
    Optional<ActorHandle<Counter>> found = Ray.getActor(name);
    assertTrue(found.isPresent());
    assertEquals(counter.getId(), found.get().getId());
    assertEquals(14, found.get().task(Counter::increaseAndGet, 1).remote().get(30_000));
  }

  @Test
  void sameNameTwiceIsRejected() {
    String name = uniqueName("dup");
    ActorHandle<Counter> first = Ray.actor(Counter::new, 0).setName(name).remote();
    assertThrows(IllegalArgumentException.class,
        () -> Ray.actor(Counter::new, 0).setName(name).remote());
    // The first one is unaffected and still owns the name.
    assertEquals(1, first.task(Counter::increaseAndGet, 1).remote().get(30_000));
    assertEquals(first.getId(), Ray.<ActorHandle<Counter>>getActor(name).orElseThrow().getId());
  }

  @Test
  void namesAreScopedByNamespace() {
    String name = uniqueName("scoped");
    String current = Ray.getRuntimeContext().getNamespace();
    Ray.actor(Counter::new, 0).setName(name).remote();
    assertTrue(Ray.getActor(name, current).isPresent());
    assertTrue(Ray.getActor(name, "other").isEmpty());
    assertFalse(Ray.task(Fns::existsIn, name, "other").remote().get(30_000));

    // An actor named in another namespace: invisible here, visible there; the name is free here.
    String elsewhere = uniqueName("ns");
    ActorHandle<Counter> there = Ray.actor(Counter::new, 5).setName(name).setNamespace(elsewhere).remote();
    Optional<ActorHandle<Counter>> found = Ray.getActor(name, elsewhere);
    assertTrue(found.isPresent());
    assertEquals(there.getId(), found.get().getId());
    assertTrue(Ray.task(Fns::existsIn, name, elsewhere).remote().get(30_000));
    assertEquals(6, found.get().task(Counter::increaseAndGet, 1).remote().get(30_000));
  }

  @Test
  void raysSetNameWithANamespacePutsTheActorThere() {
    String name = uniqueName("both");
    String elsewhere = uniqueName("ns");
    ActorHandle<Counter> there = Ray.actor(Counter::new, 1).setName(name, elsewhere).remote();
    assertEquals(there.getId(),
        Ray.<ActorHandle<Counter>>getActor(name, elsewhere).orElseThrow().getId());
    assertTrue(Ray.getActor(name).isEmpty(), "not in the job's namespace");
    ActorHandle<Counter> here = Ray.actor(Counter::new, 2).setName(name, null).remote();
    assertEquals(here.getId(), Ray.<ActorHandle<Counter>>getActor(name).orElseThrow().getId(),
        "a null namespace is the job's");
  }

  @Test
  void unknownNameIsEmpty() {
    assertTrue(Ray.getActor(uniqueName("nobody")).isEmpty());
    assertEquals(-1, Ray.task(Fns::increaseNamed, uniqueName("nobody"), 1).remote().get(30_000));
  }
}
