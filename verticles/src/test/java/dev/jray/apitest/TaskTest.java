package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.WaitResult;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.id.ActorId;
import dev.jray.api.runtimecontext.NodeInfo;
import dev.jray.api.runtimecontext.RuntimeContext;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Normal tasks and objects, through the public API only. */
public class TaskTest {

  @BeforeAll
  static void init() {
    Ray.init();
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  /** Remote functions: public static methods of a public class. */
  public static class Fns {
    public static int echoInt(int x) {
      return x;
    }

    public static long echoLong(long x) {
      return x;
    }

    public static double echoDouble(double x) {
      return x;
    }

    public static boolean echoBoolean(boolean x) {
      return x;
    }

    public static String echoString(String x) {
      return x;
    }

    public static List<Integer> echoList(List<Integer> x) {
      return x;
    }

    public static Map<String, Integer> echoMap(Map<String, Integer> x) {
      return x;
    }

    public static byte[] echoBytes(byte[] x) {
      return x;
    }

    public static Point echoPoint(Point x) {
      return x;
    }

    public static Object echoObject(Object x) {
      return x;
    }

    public static int sum0() {
      return 0;
    }

    public static int sum1(int a) {
      return a;
    }

    public static int sum2(int a, int b) {
      return a + b;
    }

    public static int sum3(int a, int b, int c) {
      return a + b + c;
    }

    public static int sum4(int a, int b, int c, int d) {
      return a + b + c + d;
    }

    public static int sum5(int a, int b, int c, int d, int e) {
      return a + b + c + d + e;
    }

    public static int sum6(int a, int b, int c, int d, int e, int f) {
      return a + b + c + d + e + f;
    }

    /** Sleeps inside the task so results complete out of submission order. */
    public static int sleepThenReturn(int value, int sleepMs) throws InterruptedException {
      Thread.sleep(sleepMs);
      return value;
    }

    /**
     * Refs nested in a collection arrive as refs (only top-level arguments are resolved);
     * returns -1 if an element is not an ObjectRef.
     */
    public static int sumNested(List<ObjectRef<Integer>> refs) {
      int sum = 0;
      for (Object o : refs) {
        if (!(o instanceof ObjectRef)) {
          return -1;
        }
        @SuppressWarnings("unchecked")
        ObjectRef<Integer> ref = (ObjectRef<Integer>) o;
        sum += ref.get();
      }
      return sum;
    }

    /** A value of a type only a top-level ObjectRef argument would resolve to. */
    public static String typeOf(Object arg) {
      return arg == null ? "null" : (arg instanceof ObjectRef ? "ObjectRef" : arg.getClass().getName());
    }

    public static String typeOfNumber(Number n) {
      return typeOf(n);
    }

    public static String typeOfFirst(List<?> list) {
      return typeOf(list.get(0));
    }

    /** [job id, task id, actor id, namespace] as seen inside the task. */
    public static List<String> context() {
      RuntimeContext c = Ray.getRuntimeContext();
      return List.of(c.getCurrentJobId().toHex(), c.getCurrentTaskId().toHex(),
          c.getCurrentActorId().toHex(), c.getNamespace());
    }

    public static int oops() {
      throw new RuntimeException("Oops");
    }

    public static String describe(Unserializable u) {
      return String.valueOf(u);
    }
  }

  /** A plain serializable value class. */
  public static class Point implements Serializable {
    private static final long serialVersionUID = 1L;
    public int x;
    public String label;

    public Point() {}

    public Point(int x, String label) {
      this.x = x;
      this.label = label;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Point p && p.x == x && Objects.equals(p.label, label);
    }

    @Override
    public int hashCode() {
      return Objects.hash(x, label);
    }
  }

  /** Not Serializable, and holds a thread: it cannot be shipped to a task. */
  public static class Unserializable {
    public final Thread thread = new Thread(() -> {});
  }

  @Test
  void identityTasksReturnValuesUnchanged() {
    assertEquals(42, Ray.task(Fns::echoInt, 42).remote().get());
    assertEquals(Integer.MIN_VALUE, Ray.task(Fns::echoInt, Integer.MIN_VALUE).remote().get());
    assertEquals(Long.MAX_VALUE, Ray.task(Fns::echoLong, Long.MAX_VALUE).remote().get());
    assertEquals(Math.PI, Ray.task(Fns::echoDouble, Math.PI).remote().get());
    assertEquals(Double.NaN, Ray.task(Fns::echoDouble, Double.NaN).remote().get());
    assertEquals(true, Ray.task(Fns::echoBoolean, true).remote().get());
    assertEquals(false, Ray.task(Fns::echoBoolean, false).remote().get());
    assertEquals("héllo, wörld ✓", Ray.task(Fns::echoString, "héllo, wörld ✓").remote().get());
    assertEquals("", Ray.task(Fns::echoString, "").remote().get());
    assertEquals(List.of(1, 2, 3), Ray.task(Fns::echoList, List.of(1, 2, 3)).remote().get());
    List<Integer> mutable = new ArrayList<>(List.of(5, 4));
    assertEquals(mutable, Ray.task(Fns::echoList, mutable).remote().get());
    Map<String, Integer> map = new HashMap<>(Map.of("a", 1, "b", 2));
    assertEquals(map, Ray.task(Fns::echoMap, map).remote().get());
    assertEquals(Map.of(), Ray.task(Fns::echoMap, Map.of()).remote().get());
    byte[] small = {1, 2, 3, -128, 127};
    assertArrayEquals(small, Ray.task(Fns::echoBytes, small).remote().get());
    assertArrayEquals(new byte[0], Ray.task(Fns::echoBytes, new byte[0]).remote().get());
    Point p = new Point(7, "seven");
    assertEquals(p, Ray.task(Fns::echoPoint, p).remote().get());
  }

  @Test
  void eachGetOfASmallArrayResultIsItsOwnCopy() {
    ObjectRef<byte[]> ref = Ray.task(Fns::echoBytes, new byte[] {9, 8, 7}).remote();
    byte[] first = ref.get();
    first[0] = 0;
    assertArrayEquals(new byte[] {9, 8, 7}, ref.get());
  }

  @Test
  void nullArgumentAndResult() {
    assertNull(Ray.task(Fns::echoObject, (Object) null).remote().get());
    assertNull(Ray.task(Fns::echoString, (String) null).remote().get());
    assertEquals("null", Ray.task(Fns::typeOf, (Object) null).remote().get());
  }

  @Test
  void tenMegabyteArrayRoundTrips() {
    byte[] big = new byte[10 * 1024 * 1024];
    new Random(7).nextBytes(big);
    byte[] back = Ray.task(Fns::echoBytes, big).remote().get(60_000);
    assertArrayEquals(big, back);
    ObjectRef<byte[]> put = Ray.put(big);
    assertArrayEquals(big, put.get());
    assertArrayEquals(big, Ray.task(Fns::echoBytes, put).remote().get(60_000));
  }

  @Test
  void tasksWithZeroToSixArgumentsValuesAndRefsMixed() {
    ObjectRef<Integer> r1 = Ray.put(1);
    ObjectRef<Integer> r2 = Ray.put(2);
    ObjectRef<Integer> r3 = Ray.task(Fns::sum1, 3).remote(); // a task's result as an argument
    ObjectRef<Integer> r4 = Ray.put(4);
    ObjectRef<Integer> r5 = Ray.put(5);
    ObjectRef<Integer> r6 = Ray.put(6);

    assertEquals(0, Ray.task(Fns::sum0).remote().get());
    assertEquals(1, Ray.task(Fns::sum1, 1).remote().get());
    assertEquals(1, Ray.task(Fns::sum1, r1).remote().get());
    assertEquals(3, Ray.task(Fns::sum2, 1, 2).remote().get());
    assertEquals(3, Ray.task(Fns::sum2, r1, 2).remote().get());
    assertEquals(3, Ray.task(Fns::sum2, 1, r2).remote().get());
    assertEquals(3, Ray.task(Fns::sum2, r1, r2).remote().get());
    assertEquals(6, Ray.task(Fns::sum3, 1, 2, 3).remote().get());
    assertEquals(6, Ray.task(Fns::sum3, r1, 2, r3).remote().get());
    assertEquals(10, Ray.task(Fns::sum4, 1, 2, 3, 4).remote().get());
    assertEquals(10, Ray.task(Fns::sum4, 1, r2, 3, r4).remote().get());
    assertEquals(15, Ray.task(Fns::sum5, 1, 2, 3, 4, 5).remote().get());
    assertEquals(15, Ray.task(Fns::sum5, r1, r2, r3, r4, r5).remote().get());
    assertEquals(21, Ray.task(Fns::sum6, 1, 2, 3, 4, 5, 6).remote().get());
    assertEquals(21, Ray.task(Fns::sum6, r1, 2, r3, 4, r5, 6).remote().get());
    assertEquals(21, Ray.task(Fns::sum6, r1, r2, r3, r4, r5, r6).remote().get());
    // The same ref twice, and a chain of tasks.
    assertEquals(2, Ray.task(Fns::sum2, r1, r1).remote().get());
    ObjectRef<Integer> chained = Ray.task(Fns::sum2, Ray.task(Fns::sum2, r1, r2).remote(), r3).remote();
    assertEquals(6, chained.get());
  }

  @Test
  void putAndGet() {
    assertEquals(1, Ray.put(1).get());
    assertNull(Ray.<Object>put(null).get());
    assertEquals("x", Ray.put("x").get());
    ObjectRef<List<String>> list = Ray.put(List.of("a", "b"));
    assertEquals(List.of("a", "b"), Ray.get(list));
    assertEquals(List.of("a", "b"), list.get(1000));
    assertNotEquals(Ray.put(1).getId(), Ray.put(1).getId());
  }

  @Test
  void getListReturnsValuesInOrder() {
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      // later tasks finish first
      refs.add(Ray.task(Fns::sleepThenReturn, i, (4 - i) * 40).remote());
    }
    assertEquals(List.of(0, 1, 2, 3, 4), Ray.get(refs));
    List<ObjectRef<Integer>> puts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      puts.add(Ray.put(i * 10));
    }
    assertEquals(List.of(0, 10, 20, 30, 40), Ray.get(puts));
    assertEquals(List.of(), Ray.get(new ArrayList<ObjectRef<Integer>>()));
  }

  @Test
  void refsNestedInAListArriveAsRefs() {
    ObjectRef<Integer> a = Ray.put(1);
    ObjectRef<Integer> b = Ray.task(Fns::sum1, 2).remote();
    ObjectRef<Integer> c = Ray.task(Fns::sleepThenReturn, 3, 100).remote();
    assertEquals(6, Ray.task(Fns::sumNested, List.of(a, b, c)).remote().get());
    // A top-level ref argument is resolved to its value first.
    assertEquals(Integer.class.getName(), Ray.task(Fns::typeOfNumber, Ray.put(5)).remote().get());
    // A ref inside a collection is not.
    assertEquals("ObjectRef", Ray.task(Fns::typeOfFirst, List.of(a)).remote().get());
  }

  @Test
  void toCompletableFutureDoesNotBlock() throws Exception {
    ObjectRef<Integer> slow = Ray.task(Fns::sleepThenReturn, 9, 1500).remote();
    long start = System.nanoTime();
    CompletableFuture<Integer> f = slow.toCompletableFuture();
    CompletableFuture<Integer> plusOne = f.thenApply(x -> x + 1);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(tookMs < 1000, "toCompletableFuture() blocked for " + tookMs + " ms");
    assertFalse(f.isDone(), "the task sleeps 1.5 s, its future cannot be done yet");
    assertEquals(10, plusOne.get(30, TimeUnit.SECONDS));
    assertEquals(9, f.join());
    // Already-available values complete too, and failures complete exceptionally.
    assertEquals(4, Ray.put(4).toCompletableFuture().get(10, TimeUnit.SECONDS));
    CompletableFuture<Integer> failed = Ray.task(Fns::oops).remote().toCompletableFuture();
    ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(30, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof RayTaskException, Throwables.describe(e));
    assertEquals("Oops", Throwables.root(e).getMessage());
  }

  @Test
  void runtimeContextInsideATaskAndInTheDriver() {
    RuntimeContext driver = Ray.getRuntimeContext();
    assertTrue(driver.getCurrentActorId().isNil(), "the driver is not an actor");
    List<String> inTask = Ray.task(Fns::context).remote().get();
    assertEquals(driver.getCurrentJobId().toHex(), inTask.get(0), "job id");
    assertNotEquals(driver.getCurrentTaskId().toHex(), inTask.get(1), "task id");
    assertEquals(ActorId.NIL.toHex(), inTask.get(2), "actor id outside actors");
    assertEquals(driver.getNamespace(), inTask.get(3), "namespace");
    List<String> other = Ray.task(Fns::context).remote().get();
    assertNotEquals(inTask.get(1), other.get(1), "two tasks have two task ids");
  }

  @Test
  void driverKeepsItsContextWhenItsGetRunsTheTaskItself() {
    String driverTask = Ray.getRuntimeContext().getCurrentTaskId().toHex();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (int i = 0; i < 100; i++) { // some of these run on this thread, in the task's context
      List<String> inTask = Ray.task(Fns::context).remote().get();
      assertNotEquals(driverTask, inTask.get(1), "task id inside the task");
      assertEquals(driverTask, Ray.getRuntimeContext().getCurrentTaskId().toHex(), "after get");
      assertSame(loader, Thread.currentThread().getContextClassLoader(), "context class loader");
    }
  }

  @Test
  void defaultResourcesAreOneNodeWithCpuEqualToCores() {
    List<NodeInfo> nodes = Ray.getRuntimeContext().getAllNodeInfo();
    assertEquals(1, nodes.size(), String.valueOf(nodes));
    NodeInfo node = nodes.get(0);
    assertTrue(node.isAlive);
    assertEquals(Ray.getRuntimeContext().getCurrentNodeId(), node.nodeId);
    if (System.getProperty("jray.num-cpus") == null) {
      assertEquals((double) Runtime.getRuntime().availableProcessors(), node.resources.get("CPU"),
          String.valueOf(node.resources));
    }
  }

  @Test
  void unserializableArgumentFailsNamingItsClass() {
    Throwable t = assertThrows(Throwable.class,
        () -> Ray.task(Fns::describe, new Unserializable()).remote().get(30_000));
    assertFalse(t instanceof AssertionError, Throwables.describe(t));
    assertTrue(Throwables.describe(t).contains("Unserializable"),
        "the error should name the class: " + Throwables.describe(t));
    // The runtime is still usable afterwards.
    assertEquals(2, Ray.task(Fns::sum1, 2).remote().get());
  }

  @Test
  void taskOptionsAreValidatedAtTheCall() {
    assertThrows(IllegalArgumentException.class, () -> Ray.task(Fns::sum0).setResource("CPU", -1.0));
    assertThrows(IllegalArgumentException.class, () -> Ray.task(Fns::sum0).setResource("CPU", 3.5));
    assertThrows(IllegalArgumentException.class, () -> Ray.task(Fns::sum0).setResource("GPU", Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Ray.task(Fns::sum0).setMaxRetries(-5));
    // Fractions below one are fine, and such a task runs.
    assertEquals(0, Ray.task(Fns::sum0).setResource("CPU", 0.5).remote().get());
    assertEquals(0, Ray.task(Fns::sum0).setResource("CPU", 0.0).remote().get());
  }

  @Test
  void infeasibleTaskStaysPendingWhileOthersRun() {
    ObjectRef<Integer> infeasible = Ray.task(Fns::sum1, 1).setResource("CPU", 1000.0).remote();
    List<ObjectRef<Integer>> others = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      others.add(Ray.task(Fns::sum1, i).remote());
    }
    assertEquals(List.of(0, 1, 2, 3, 4, 5), Ray.get(others, 30_000));
    WaitResult<Integer> w = Ray.wait(List.of(infeasible), 1, 500);
    assertEquals(List.of(), w.getReady());
    assertEquals(List.of(infeasible), w.getUnready());
    // A custom resource the node does not have at all: same.
    ObjectRef<Integer> noSuchResource = Ray.task(Fns::sum1, 1).setResource("no-such-resource", 1.0).remote();
    assertEquals(7, Ray.task(Fns::sum1, 7).remote().get());
    assertEquals(1, Ray.wait(List.of(noSuchResource), 1, 300).getUnready().size());
  }
}
