package dev.jray.cluster.drivers;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.PlacementGroups;
import dev.jray.api.Ray;
import dev.jray.api.WaitResult;
import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.exception.RayTimeoutException;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The same API calls as a member driver or a Ray Client ({@code jray.address=jray://...}), with
 * results an IT compares. {@code api}: tasks, refs as arguments, put/get/wait, timeouts, errors,
 * actors, named actors, a placement group. {@code hold NAME}: creates the non-detached actor NAME,
 * prints {@code HOLDING}, then waits to be killed. {@code gone NAME}: waits until no actor NAME is
 * found (a member driver checks the held one died with its client's session).
 */
public final class ClientApiDriver {
  public static int square(int x) {
    return x * x;
  }

  public static int sum(List<Integer> xs) {
    return xs.stream().mapToInt(Integer::intValue).sum();
  }

  public static int sumOfRefs(List<ObjectRef<Integer>> refs) {
    return Ray.get(refs).stream().mapToInt(Integer::intValue).sum();
  }

  public static long checksum(byte[] bytes) {
    long s = 0;
    for (byte b : bytes) {
      s = s * 31 + b;
    }
    return s;
  }

  public static int sleepThenSquare(int ms, int x) throws InterruptedException {
    Thread.sleep(ms);
    return x * x;
  }

  public static int fail(String why) {
    throw new IllegalStateException(why);
  }

  public static int incrementThrough(ActorHandle<Counter> counter) {
    return counter.task(Counter::increment).remote().get();
  }

  /** Refs to {@code n} squares, put by the task: a result that holds refs. */
  public static List<ObjectRef<Integer>> squaresAsRefs(int n) {
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      refs.add(Ray.put(i * i));
    }
    return refs;
  }

  /** An actor the task creates: a result that is an actor handle. */
  public static ActorHandle<Counter> counterMadeByATask() {
    return Ray.actor(Counter::new).remote();
  }

  public static String inGroup() {
    return "ran-in-group";
  }

  public static void main(String[] args) {
    String mode = args[0];
    Driver.run("ClientApiDriver " + mode, () -> {
      switch (mode) {
        case "api" -> api();
        case "hold" -> {
          ActorHandle<Counter> held = Ray.actor(Counter::new).setName(args[1]).remote();
          Driver.result("held", held.task(Counter::increment).remote().get(60_000));
          System.out.println("HOLDING");
          System.out.flush();
          Time.SYSTEM.park(Duration.ofMinutes(10).toNanos());
        }
        case "gone" -> Driver.result("gone", Await.until(Time.SYSTEM, Duration.ofSeconds(60),
            () -> Ray.getActor(args[1]).isEmpty()));
        default -> throw new IllegalArgumentException(mode);
      }
    });
  }

  private static void api() {
    Driver.result("namespace", Ray.getRuntimeContext().getNamespace());
    Driver.result("task", Ray.task(ClientApiDriver::square, 7).remote().get());
    ObjectRef<List<Integer>> list = Ray.put(List.of(1, 2, 3));
    Driver.result("put-get", Ray.get(list));
    Driver.result("ref-argument", Ray.task(ClientApiDriver::sum, list).remote().get());
    byte[] big = new byte[5 << 20];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 7);
    }
    ObjectRef<byte[]> bigRef = Ray.put(big);
    Driver.result("big-put-get", ClientApiDriver.checksum(Ray.get(bigRef)) == checksum(big));
    Driver.result("big-argument", Ray.task(ClientApiDriver::checksum, bigRef).remote().get()
        == checksum(big));
    List<ObjectRef<Integer>> many = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      many.add(Ray.task(ClientApiDriver::square, i).remote());
    }
    Driver.result("get-list", Ray.get(many).stream().mapToInt(Integer::intValue).sum());
    Driver.result("nested-refs", Ray.task(ClientApiDriver::sumOfRefs, many.subList(0, 10))
        .remote().get());
    Driver.result("future", many.get(9).toCompletableFuture().join());
    List<ObjectRef<Integer>> returned = Ray.task(ClientApiDriver::squaresAsRefs, 5).remote().get();
    Driver.result("returned-refs", Ray.get(returned).stream().mapToInt(Integer::intValue).sum());
    ActorHandle<Counter> made = Ray.task(ClientApiDriver::counterMadeByATask).remote().get();
    made.task(Counter::increment).remote();
    Driver.result("returned-actor", made.task(Counter::increment).remote().get());
    ObjectRef<Integer> slow = Ray.task(ClientApiDriver::sleepThenSquare, 3000, 5).remote();
    List<ObjectRef<Integer>> waitOn = new ArrayList<>(many.subList(0, 5));
    waitOn.add(slow);
    WaitResult<Integer> waited = Ray.wait(waitOn, 5, 20_000);
    Driver.result("wait", waited.getReady().size() + "/" + waited.getUnready().size()
        + " slow-unready=" + waited.getUnready().contains(slow));
    try {
      slow.get(100);
      Driver.result("get-timeout", "none");
    } catch (RayTimeoutException e) {
      Driver.result("get-timeout", "RayTimeoutException");
    }
    Driver.result("slow", slow.get());
    try {
      Ray.task(ClientApiDriver::fail, "boom").remote().get();
      Driver.result("task-error", "none");
    } catch (RayTaskException e) {
      Driver.result("task-error", "RayTaskException " + String.valueOf(e.getMessage())
          .contains("boom"));
    }
    ActorHandle<Counter> counter = Ray.actor(Counter::new).remote();
    counter.task(Counter::increment).remote();
    counter.task(Counter::increment).remote();
    Driver.result("actor", counter.task(Counter::increment).remote().get());
    Driver.result("actor-argument", Ray.task(ClientApiDriver::incrementThrough, counter).remote()
        .get());
    ActorHandle<Counter> named = Ray.actor(Counter::new).setName("client-named").remote();
    named.task(Counter::increment).remote().get();
    Driver.result("named-found", Ray.getActor("client-named").isPresent());
    ActorHandle<Counter> found = Ray.<ActorHandle<Counter>>getActor("client-named").get();
    Driver.result("named-call", found.task(Counter::increment).remote().get());
    Driver.result("named-same-id", found.getId().equals(named.getId()));
    Driver.result("unknown-found", Ray.getActor("no-such-actor").isPresent());
    PlacementGroup group = PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions.Builder()
        .setName("client-group").setBundles(List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0)))
        .setStrategy(PlacementStrategy.PACK).build());
    Driver.result("group-ready", group.wait(60));
    Driver.result("group-state", group.getState());
    Driver.result("group-task", Ray.task(ClientApiDriver::inGroup).setPlacementGroup(group, 0)
        .remote().get());
    Driver.result("group-by-name", PlacementGroups.getPlacementGroup("client-group").getId()
        .equals(group.getId()));
    PlacementGroups.removePlacementGroup(group.getId());
    Driver.result("group-removed", PlacementGroups.getPlacementGroup(group.getId()).getState());
    counter.kill();
    try {
      Await.until(Time.SYSTEM, Duration.ofSeconds(30), () -> {
        try {
          counter.task(Counter::increment).remote().get(5_000);
          return false;
        } catch (RayActorException e) {
          return true;
        }
      });
      counter.task(Counter::increment).remote().get(5_000);
      Driver.result("killed-actor", "answered");
    } catch (RayActorException e) {
      Driver.result("killed-actor", "RayActorException");
    }
  }
}
