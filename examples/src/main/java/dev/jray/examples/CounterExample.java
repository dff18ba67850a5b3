package dev.jray.examples;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import java.util.ArrayList;
import java.util.List;

/**
 * A stateful actor: a counter that lives in the cluster, incremented by several calls through its
 * handle. Calls from one handle run in submission order, so the final {@code get} sees them all.
 *
 * <p>Run with {@code java -cp verticles/target/jray.jar dev.jray.examples.CounterExample}.
 */
public final class CounterExample {
  /** Number of {@code increment} calls {@link #run()} makes. */
  public static final int CALLS = 10;

  private CounterExample() {}

  /** The actor class: public, with public constructors and methods, as jray requires. */
  public static class Counter {
    private int value;

    public Counter() {
      this(0);
    }

    public Counter(int initial) {
      this.value = initial;
    }

    /** Adds one and returns the new count. */
    public int increment() {
      return ++value;
    }

    public int get() {
      return value;
    }
  }

  /**
   * Creates a counter actor, increments it {@link #CALLS} times and reads it back.
   *
   * <p>Assumes {@link Ray#init()} was called; does not shut Ray down.
   *
   * @return the summary line {@link #main} prints
   */
  public static String run() {
    ActorHandle<Counter> counter = Ray.actor(Counter::new).remote();
    List<ObjectRef<Integer>> increments = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      increments.add(counter.task(Counter::increment).remote());
    }
    List<Integer> seen = Ray.get(increments);
    int count = counter.task(Counter::get).remote().get();
    counter.kill();
    return "Counter: " + CALLS + " increments returned " + seen + ", final count = " + count;
  }

  public static void main(String[] args) {
    Ray.init();
    try {
      System.out.println(run());
    } finally {
      Ray.shutdown();
    }
  }
}
