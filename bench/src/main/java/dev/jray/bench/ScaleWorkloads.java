package dev.jray.bench;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.bench.remote.BenchActor;
import dev.jray.bench.remote.BenchFunctions;
import dev.jray.gcs.time.Await;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The scale rows, each measured once on the embedded node (a second run would measure a node
 * that already grew): many actors created and each called once, and many no-op tasks queued
 * before any {@code get}. The node shares this JVM, so its threads, RSS and heap are this JVM's.
 */
final class ScaleWorkloads {
  private ScaleWorkloads() {}

  /** What the many actors row measured; each accessor is one row's figure. */
  record ManyActors(Figure rate, Figure threads, Figure rssMegabytes) {}

  /** What the many queued tasks row measured. */
  record ManyTasks(Figure submitRate, Figure drainRate, Figure heapMegabytes) {}

  /**
   * Creates {@code n} actors, calls each once and gets every result: actors per second over the
   * whole, then the JVM's live threads and RSS with all of them alive; then kills them.
   */
  static ManyActors manyActors(int n) {
    List<ActorHandle<BenchActor>> actors = new ArrayList<>(n);
    try {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        actors.add(Ray.actor(BenchActor::new).remote());
      }
      List<ObjectRef<byte[]>> results = new ArrayList<>(n);
      for (ActorHandle<BenchActor> a : actors) {
        results.add(a.task(BenchActor::smallValue).remote());
      }
      Ray.get(results, JrayWorkloads.TIMEOUT_MS);
      double seconds = (System.nanoTime() - t0) / 1e9;
      Figure threads = Figure.single(ManagementFactory.getThreadMXBean().getThreadCount());
      return new ManyActors(Figure.single(n / seconds), threads, Figure.single(rssMegabytes()));
    } catch (RuntimeException e) {
      Figure failed = Figure.failed(e);
      return new ManyActors(failed, failed, failed);
    } finally {
      actors.forEach(ActorHandle::kill);
    }
  }

  /**
   * Holds every CPU of the node with a task that waits at a gate, submits {@code n} no-op tasks
   * (all of them queue), then opens the gate and gets them all: the submit rate, the live heap
   * with all {@code n} queued over the live heap before, and the drain rate (from the gate's
   * opening to the last result).
   */
  static ManyTasks manyTasks(int n) {
    List<ObjectRef<byte[]>> holders = new ArrayList<>();
    BenchFunctions.closeGate();
    try {
      int cpus = (int) Math.round(Ray.getRuntimeContext().getAllNodeInfo().stream()
          .filter(node -> node.isAlive).mapToDouble(node -> node.resources.getOrDefault("CPU", 0.0)).sum());
      for (int i = 0; i < cpus; i++) {
        holders.add(Ray.task(BenchFunctions::holdWhileGated).remote());
      }
      Await.until("the gate tasks hold every CPU", Duration.ofSeconds(30), () -> BenchFunctions.held() >= cpus);
      long before = liveHeap();
      List<ObjectRef<byte[]>> refs = new ArrayList<>(n);
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        refs.add(Ray.task(BenchFunctions::smallValue).remote());
      }
      long t1 = System.nanoTime();
      long queued = liveHeap() - before;
      long t2 = System.nanoTime();
      BenchFunctions.openGate();
      for (ObjectRef<byte[]> r : refs) {
        r.get(JrayWorkloads.TIMEOUT_MS);
      }
      long t3 = System.nanoTime();
      return new ManyTasks(Figure.single(n / ((t1 - t0) / 1e9)), Figure.single(n / ((t3 - t2) / 1e9)),
          Figure.single(Math.max(0, queued) / (double) (1 << 20)));
    } catch (RuntimeException e) {
      Figure failed = Figure.failed(e);
      return new ManyTasks(failed, failed, failed);
    } finally {
      BenchFunctions.openGate();
      Ray.get(holders, JrayWorkloads.TIMEOUT_MS);
    }
  }

  private static long liveHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** This process's resident set (VmRSS), in MB; NaN where /proc does not tell. */
  private static double rssMegabytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
