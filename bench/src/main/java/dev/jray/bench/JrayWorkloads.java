package dev.jray.bench;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.PlacementGroups;
import dev.jray.api.Ray;
import dev.jray.api.WaitResult;
import dev.jray.api.call.ActorCreator;
import dev.jray.api.call.TaskCaller;
import dev.jray.api.exception.RayException;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.api.runtimeenv.RuntimeEnv;
import dev.jray.api.runtimeenv.types.RuntimeEnvName;
import dev.jray.bench.remote.BenchActor;
import dev.jray.bench.remote.BenchFunctions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * jray's side of each row, through the public API only, as Ray's microbenchmark defines it. Runs
 * on whatever {@code Ray.init()} connected to: the embedded node, or a cluster (then {@code pin}
 * names a resource only the worker node has, and every task and actor asks for some of it).
 * Single-threaded use; the multi client rows run their clients on a pool of their own.
 */
final class JrayWorkloads implements AutoCloseable {
  /** No call may hang the suite: a row whose call takes this long fails instead. */
  static final long TIMEOUT_MS = 120_000;
  private static final double PIN_AMOUNT = 0.01;

  private final Measure measure;
  private final String pin;
  /** The runtime env of every task and actor (one that runs them in worker processes), or null. */
  private RuntimeEnv env;
  private final ExecutorService clients;

  /** @param pin a custom resource every task and actor asks for, or null */
  JrayWorkloads(Measure measure, String pin) {
    this.measure = measure;
    this.pin = pin;
    int threads = Math.max(Settings.MULTI_CLIENTS, Settings.cores());
    this.clients = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "bench-client");
      t.setDaemon(true);
      return t;
    });
  }

  private int batch() {
    return Settings.BATCH;
  }

  /**
   * From now on, every task and actor runs in a worker process of the node (its runtime env sets
   * an environment variable: such work gets a JVM of its own, one per env, reused).
   */
  JrayWorkloads inWorkerProcesses() {
    env = workerProcessEnv("1");
    return this;
  }

  /** An env that needs a worker process; one per {@code key}. */
  private static RuntimeEnv workerProcessEnv(String key) {
    RuntimeEnv e = new RuntimeEnv.Builder().build();
    e.set(RuntimeEnvName.ENV_VARS, Map.of("JRAY_BENCH_PROCESS", key));
    return e;
  }

  private TaskCaller<byte[]> smallValue() {
    TaskCaller<byte[]> c = Ray.task(BenchFunctions::smallValue);
    if (env != null) {
      c.setRuntimeEnv(env);
    }
    return pin == null ? c : c.setResource(pin, PIN_AMOUNT);
  }

  /**
   * The first task of a new runtime env, which starts a worker process for it: seconds from
   * submission to result, the median of {@code starts} ({@code reused}: the next task of that
   * env, on the started process).
   */
  Figure workerProcessStart(int starts, boolean reused) {
    double[] seconds = new double[starts];
    try {
      for (int i = 0; i < starts; i++) {
        RuntimeEnv fresh = workerProcessEnv("start-" + System.nanoTime());
        TaskCaller<byte[]> first = Ray.task(BenchFunctions::smallValue).setRuntimeEnv(fresh);
        if (pin != null) {
          first.setResource(pin, PIN_AMOUNT);
        }
        long t0 = System.nanoTime();
        first.remote().get(TIMEOUT_MS);
        long t1 = System.nanoTime();
        if (reused) {
          first.remote().get(TIMEOUT_MS);
          seconds[i] = (System.nanoTime() - t1) / 1e9;
        } else {
          seconds[i] = (t1 - t0) / 1e9;
        }
      }
      return Figure.of(seconds);
    } catch (RuntimeException e) {
      return Figure.failed(e);
    }
  }

  private ActorHandle<BenchActor> actor(int maxConcurrency) {
    ActorCreator<BenchActor> c = Ray.actor(BenchActor::new);
    if (env != null) {
      c.setRuntimeEnv(env);
    }
    if (maxConcurrency > 1) {
      c.setMaxConcurrency(maxConcurrency);
    }
    if (pin != null) {
      c.setResource(pin, PIN_AMOUNT);
    }
    ActorHandle<BenchActor> a = c.remote();
    a.task(BenchActor::smallValue).remote().get(); // alive before the clock starts
    return a;
  }

  private List<ActorHandle<BenchActor>> actors(int n) {
    List<ActorHandle<BenchActor>> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(actor(1));
    }
    return list;
  }

  private static void kill(List<ActorHandle<BenchActor>> actors) {
    actors.forEach(ActorHandle::kill);
  }

  // ---------------------------------------------------------------- objects

  Figure getCalls() {
    ObjectRef<Integer> value = Ray.put(0);
    return measure.rate(1, () -> value.get());
  }

  Figure putCalls() {
    return measure.rate(1, () -> Ray.put(0));
  }

  Figure multiPutCalls() {
    int perClient = batch() / Settings.MULTI_CLIENTS;
    return measure.rate(batch(), () -> onClients(Settings.MULTI_CLIENTS, () -> {
      for (int i = 0; i < perClient; i++) {
        Ray.put(0);
      }
    }));
  }

  Figure putGigabytes() {
    byte[] value = new byte[measure.settings().largeBytes()];
    return measure.rate(value.length / 1e9, () -> Ray.put(value));
  }

  Figure getGigabytes() {
    byte[] value = new byte[measure.settings().largeBytes()];
    ObjectRef<byte[]> ref = Ray.put(value);
    return measure.rate(value.length / 1e9, () -> ref.get());
  }

  // ---------------------------------------------------------------- tasks

  Figure tasksSync() {
    return measure.rate(1, () -> smallValue().remote().get());
  }

  Figure tasksAsync() {
    return measure.rate(batch(), this::taskBatch);
  }

  /** Ray counts one op per batch of 1,000 tasks here. */
  Figure tasksAndGetBatch() {
    return measure.rate(1, this::taskBatch);
  }

  Figure multiTasksAsync() {
    int clients = Settings.MULTI_CLIENTS;
    return measure.rate(clients * batch(), () -> onClients(clients, this::taskBatch));
  }

  private void taskBatch() {
    List<ObjectRef<byte[]>> refs = new ArrayList<>(batch());
    for (int i = 0; i < batch(); i++) {
      refs.add(smallValue().remote());
    }
    Ray.get(refs);
  }

  Figure wait1kRefs() {
    return measure.rate(1, () -> {
      List<ObjectRef<byte[]>> notReady = new ArrayList<>(batch());
      for (int i = 0; i < batch(); i++) {
        notReady.add(smallValue().remote());
      }
      while (!notReady.isEmpty()) {
        WaitResult<byte[]> w = Ray.wait(notReady, 1, (int) TIMEOUT_MS);
        if (w.getReady().isEmpty()) {
          throw new IllegalStateException("no ref got ready within " + TIMEOUT_MS + " ms");
        }
        notReady = w.getUnready();
      }
    });
  }

  // ---------------------------------------------------------------- actors

  Figure actorSync() {
    ActorHandle<BenchActor> a = actor(1);
    try {
      return measure.rate(1, () -> a.task(BenchActor::smallValue).remote().get());
    } finally {
      a.kill();
    }
  }

  Figure actorAsync() {
    return actorBatch(actor(1));
  }

  /** Ray's: an actor with {@code max_concurrency=16}, 1,000 calls then get all. */
  Figure actorConcurrent() {
    return actorBatch(actor(16));
  }

  private Figure actorBatch(ActorHandle<BenchActor> a) {
    try {
      return measure.rate(batch(), () -> callAll(List.of(a), batch()));
    } finally {
      a.kill();
    }
  }

  /** One client calls n actors (n = cores), 1,000 calls each, then gets all. */
  Figure oneToN() {
    List<ActorHandle<BenchActor>> actors = actors(Settings.cores());
    try {
      return measure.rate(actors.size() * batch(), () -> callAll(actors, batch()));
    } finally {
      kill(actors);
    }
  }

  /**
   * n clients (threads) each call all n actors (n = cores) 1,000 times round robin; {@code withArg}:
   * each call with an ObjectRef argument, which each client puts first, as Ray's.
   */
  Figure nToN(boolean withArg) {
    int n = Settings.cores();
    List<ActorHandle<BenchActor>> actors = actors(n);
    try {
      return measure.rate(n * batch(), () -> onClients(n, () -> {
        ObjectRef<Integer> x = withArg ? Ray.put(0) : null;
        List<ObjectRef<byte[]>> refs = new ArrayList<>(batch());
        for (int i = 0; i < batch(); i++) {
          ActorHandle<BenchActor> a = actors.get(i % n);
          refs.add(withArg ? a.task(BenchActor::smallValueArg, x).remote() : a.task(BenchActor::smallValue).remote());
        }
        Ray.get(refs);
      }));
    } finally {
      kill(actors);
    }
  }

  /** {@code perActor} calls to each actor, round robin, then get all. */
  private static void callAll(List<ActorHandle<BenchActor>> actors, int perActor) {
    List<ObjectRef<byte[]>> refs = new ArrayList<>(actors.size() * perActor);
    for (int i = 0; i < perActor; i++) {
      for (ActorHandle<BenchActor> a : actors) {
        refs.add(a.task(BenchActor::smallValue).remote());
      }
    }
    Ray.get(refs);
  }

  // ---------------------------------------------------------------- placement groups

  /** Ray's: create N groups of one tiny bundle, wait for each, remove each. */
  Figure placementGroups() {
    int n = measure.settings().placementGroups();
    PlacementGroupCreationOptions options = new PlacementGroupCreationOptions.Builder()
        .setBundles(List.of(Map.of("CPU", 0.01))).setStrategy(PlacementStrategy.PACK).build();
    return measure.rate(n, () -> {
      List<PlacementGroup> groups = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        groups.add(PlacementGroups.createPlacementGroup(options));
      }
      for (PlacementGroup g : groups) {
        if (!g.wait(30)) {
          throw new RayException("placement group " + g.getId() + " not created within 30 s");
        }
      }
      for (PlacementGroup g : groups) {
        PlacementGroups.removePlacementGroup(g.getId());
      }
    });
  }

  // ---------------------------------------------------------------- across nodes

  /**
   * The worker makes a fresh object each run; the clock runs while this driver gets it (pulled
   * from the worker's store, then deserialized), not while the worker makes it.
   */
  Figure transfer() {
    int size = measure.settings().transferBytes();
    TaskCaller<byte[]> make = Ray.task(BenchFunctions::bytes, size);
    if (pin != null) {
      make.setResource(pin, PIN_AMOUNT);
    }
    return measure.rateTimed(size / 1e9, () -> {
      ObjectRef<byte[]> ref = make.remote();
      WaitResult<byte[]> ready = Ray.wait(List.of(ref), 1, (int) TIMEOUT_MS, false);
      if (ready.getReady().isEmpty()) {
        throw new IllegalStateException("the worker did not make the object within " + TIMEOUT_MS + " ms");
      }
      long t0 = System.nanoTime();
      byte[] value = ref.get();
      long nanos = System.nanoTime() - t0;
      if (value.length != size) {
        throw new IllegalStateException("got " + value.length + " bytes, expected " + size);
      }
      return nanos;
    });
  }

  // ---------------------------------------------------------------- clients

  /** Runs {@code client} on {@code n} threads at once and waits for all; rethrows the first failure. */
  private void onClients(int n, Measure.Action client) throws Exception {
    List<Future<?>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      futures.add(clients.submit(() -> {
        client.run();
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
  }

  @Override
  public void close() {
    clients.shutdownNow();
  }
}
