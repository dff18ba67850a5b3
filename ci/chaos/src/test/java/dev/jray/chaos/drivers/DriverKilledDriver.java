package dev.jray.chaos.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.PlacementGroups;
import dev.jray.api.Ray;
import dev.jray.api.options.ActorLifetime;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.chaos.ChaosDriver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DriverKilledDriver victim N}: the driver the test SIGKILLs mid-job. It makes, on the
 * workers (resource {@code W}): N non-detached actors holding one CPU each, a placement group of
 * two one-CPU bundles, a detached named actor, and N task results of 1 MiB that it owns, each
 * read by a task on the other worker (a copy there); says {@code STEP ready}, then keeps
 * submitting tasks until it is killed. {@code DriverKilledDriver survivor}: a later driver calls
 * the detached actor by name.
 */
public final class DriverKilledDriver {
  /** The detached actor's name: it outlives its driver. */
  public static final String DETACHED = "driver-killed-detached";
  private static final int MIB = 1 << 20;

  private DriverKilledDriver() {}

  /** An actor that counts its calls. */
  public static final class Counter {
    private int count;

    public int add() {
      return ++count;
    }
  }

  public static byte[] mebibyte(int seed) {
    byte[] b = new byte[MIB];
    b[0] = (byte) seed;
    return b;
  }

  public static int firstByte(byte[] b) {
    return b[0];
  }

  public static int noop(int x) {
    return x;
  }

  public static void main(String[] args) {
    ChaosDriver.run("DriverKilledDriver " + args[0], () -> {
      if (args[0].equals("victim")) {
        victim(Integer.parseInt(args[1]));
      } else {
        Optional<ActorHandle<Counter>> detached = Ray.getActor(DETACHED);
        ChaosDriver.check(detached.isPresent(), "the detached actor is gone with its driver");
        ChaosDriver.result("detached-count", detached.get().task(Counter::add).remote().get(60_000));
      }
    });
  }

  private static void victim(int n) {
    List<ActorHandle<Counter>> actors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      actors.add(Ray.actor(Counter::new).setResource("CPU", 1.0).setResource("W", 0.01).remote());
    }
    for (ActorHandle<Counter> a : actors) {
      ChaosDriver.check(a.task(Counter::add).remote().get(60_000) == 1, "an actor answers");
    }
    PlacementGroup group = PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions
        .Builder().setBundles(Collections.nCopies(2, Map.of("CPU", 1.0)))
        .setStrategy(PlacementStrategy.SPREAD).build());
    ChaosDriver.check(group.wait(60), "the group is created");
    ActorHandle<Counter> detached = Ray.actor(Counter::new).setName(DETACHED)
        .setLifetime(ActorLifetime.DETACHED).setResource("W", 0.01).remote();
    ChaosDriver.check(detached.task(Counter::add).remote().get(60_000) == 1, "detached answers");
    List<ObjectRef<byte[]>> results = new ArrayList<>();
    List<ObjectRef<Integer>> reads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ObjectRef<byte[]> r = Ray.task(DriverKilledDriver::mebibyte, i).setResource("W", 0.01).remote();
      results.add(r);
      reads.add(Ray.task(DriverKilledDriver::firstByte, r).setResource("W", 0.01).remote());
    }
    for (int i = 0; i < n; i++) {
      ChaosDriver.check(reads.get(i).get(60_000) == (byte) i, "result " + i + " read");
    }
    ChaosDriver.result("objects", results.size());
    ChaosDriver.step("ready");
    for (int i = 0; ; i++) { // mid-job when it dies
      Ray.task(DriverKilledDriver::noop, i).remote().get(60_000);
    }
  }
}
