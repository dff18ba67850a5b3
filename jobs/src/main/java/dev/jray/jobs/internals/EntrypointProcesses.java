package dev.jray.jobs.internals;

import dev.jray.gcs.time.Time;
import dev.jray.jobs.EntrypointResources;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The jobs' entrypoints that run on this node: each one's process (started by the {@link
 * EntrypointLauncher} in {@code runs/<submission id>}, its output in {@code driver.log} there),
 * the resources it holds here, its stop (SIGTERM to its process tree, SIGKILL once the grace
 * period has passed on the injected clock, checked by {@link #tick}), its log read in chunks, and
 * its exit code, kept until the supervisor has taken it ({@link #acknowledged}).
 *
 * <p>Threading: thread-safe; one lock guards the table. Methods block (process start, files, the
 * GCS for packages): never call them on an event loop. Exits arrive on the common pool.
 */
public final class EntrypointProcesses implements AutoCloseable {
  /** Why a start was refused. */
  public enum Refusal {
    /** The resources are not free here now: another node, or later. */
    NO_ROOM,
    /** The runtime_env could not be set up. */
    RUNTIME_ENV,
    /** The command could not be started. */
    START
  }

  /** A refused start, saying why. */
  public static final class StartRefused extends Exception {
    private final Refusal refusal;

    StartRefused(Refusal refusal, String message) {
      super(message);
      this.refusal = refusal;
    }

    public Refusal refusal() {
      return refusal;
    }
  }

  /** Bytes of a log from an offset, the log's size then, and whether its entrypoint still runs. */
  public record LogChunk(byte[] bytes, long size, boolean running) {}

  /** One entrypoint; guarded by the table's lock. */
  private static final class Run {
    final Path dir;
    final Process process;
    /** The process and its descendants, taken when SIGTERM went to them, for the SIGKILL. */
    List<ProcessHandle> stopping = List.of();
    /** When the stopping processes get SIGKILL (Time milliseconds), or -1. */
    long killAtMs = -1;
    boolean exited;

    Run(Path dir, Process process) {
      this.dir = dir;
      this.process = process;
    }
  }

  private final Path runsDir;
  private final EntrypointLauncher launcher;
  private final EntrypointResources resources;
  private final Time time;
  /** Told of each exit (submission id, exit code), outside the lock. */
  private final BiConsumer<String, Integer> onExit;
  /** Guarded by this. */
  private final Map<String, Run> runs = new HashMap<>();
  /** Exit codes the supervisor has not taken yet, in exit order; guarded by this. */
  private final Map<String, Integer> exits = new LinkedHashMap<>();
  /** Guarded by this. */
  private boolean closed;

  /**
   * @param runsDir where each entrypoint's directory goes
   * @param onExit told of each exit, on the common pool
   */
  public EntrypointProcesses(Path runsDir, EntrypointLauncher launcher,
      EntrypointResources resources, Time time, BiConsumer<String, Integer> onExit) {
    this.runsDir = runsDir;
    this.launcher = launcher;
    this.resources = resources;
    this.time = time;
    this.onExit = onExit;
  }

  /**
   * Holds the job's entrypoint resources here and starts its entrypoint.
   *
   * @return the entrypoint's process id
   * @throws StartRefused saying why it did not start (nothing is held then)
   */
  public long start(JobSubmission job) throws StartRefused {
    String id = job.submissionId();
    Process process;
    synchronized (this) {
      if (closed) {
        throw new StartRefused(Refusal.START, "the node is shutting down");
      }
      if (runs.containsKey(id)) {
        throw new StartRefused(Refusal.START, "job '" + id + "' runs on this node already");
      }
      Map<String, Double> needs = resourcesOf(job);
      if (!resources.hold(id, needs)) {
        throw new StartRefused(Refusal.NO_ROOM, "this node has no room for " + needs + " now");
      }
      Path dir = runsDir.resolve(id);
      try {
        deleteTree(dir); // left by an earlier job of the same id
        Files.createDirectories(dir);
        process = launcher.start(job, dir, dir.resolve("driver.log"));
      } catch (EntrypointLauncher.SetupException e) {
        resources.release(id);
        throw new StartRefused(Refusal.RUNTIME_ENV, e.getMessage());
      } catch (IOException | RuntimeException e) {
        resources.release(id);
        throw new StartRefused(Refusal.START, String.valueOf(e.getMessage()));
      }
      runs.put(id, new Run(dir, process));
      exits.remove(id);
    }
    // async: an entrypoint that ended already must not run its exit under the caller's lock
    process.onExit().thenAcceptAsync(p -> exited(id, p));
    return process.pid();
  }

  /** What a job holds on the node that runs its entrypoint: Ray's entrypoint_* fields. */
  public static Map<String, Double> resourcesOf(JobSubmission job) {
    Map<String, Double> needs = new LinkedHashMap<>();
    if (job.numCpus() > 0) {
      needs.put("CPU", job.numCpus());
    }
    if (job.numGpus() > 0) {
      needs.put("GPU", job.numGpus());
    }
    if (job.memory() > 0) {
      needs.put("memory", (double) job.memory());
    }
    job.resources().forEach((name, amount) -> {
      if (amount > 0) {
        needs.put(name, amount);
      }
    });
    return needs;
  }

  private void exited(String id, Process p) {
    int code = p.exitValue();
    synchronized (this) {
      Run run = runs.get(id);
      if (run == null || run.process != p) {
        return;
      }
      run.exited = true;
      run.stopping.forEach(ProcessHandle::destroyForcibly); // a stopped job's stragglers
      run.stopping = List.of();
      run.killAtMs = -1;
      resources.release(id);
      exits.put(id, code);
    }
    onExit.accept(id, code);
  }

  /**
   * SIGTERM to the entrypoint's process tree, SIGKILL after {@code grace}.
   *
   * @return false if it is not running here (unknown, exited, or stopping already)
   */
  public synchronized boolean stop(String id, Duration grace) {
    Run run = runs.get(id);
    if (run == null || run.exited || run.killAtMs >= 0) {
      return false;
    }
    List<ProcessHandle> tree = new ArrayList<>();
    run.process.descendants().forEach(tree::add);
    tree.add(run.process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    run.stopping = tree;
    run.killAtMs = time.milliseconds() + grace.toMillis();
    return true;
  }

  /** SIGKILLs the stopping entrypoints whose grace period is over; call periodically. */
  public synchronized void tick() {
    long now = time.milliseconds();
    for (Run run : runs.values()) {
      if (run.killAtMs >= 0 && now >= run.killAtMs) {
        run.stopping.forEach(ProcessHandle::destroyForcibly);
      }
    }
  }

  /** The exits the supervisor has not taken yet (submission id to exit code), oldest first. */
  public synchronized Map<String, Integer> unacknowledgedExits() {
    return new LinkedHashMap<>(exits);
  }

  /** The supervisor took the exit of {@code id}: it is not reported again. */
  public synchronized void acknowledged(String id) {
    exits.remove(id);
  }

  /**
   * Up to {@code max} bytes of the job's log from {@code offset}.
   *
   * @return null if no entrypoint of that id ran here
   */
  public LogChunk log(String id, long offset, int max) throws IOException {
    Path log;
    boolean running;
    synchronized (this) {
      Run run = runs.get(id);
      if (run == null) {
        return null;
      }
      log = run.dir.resolve("driver.log");
      running = !run.exited; // read before the bytes: no last line missed
    }
    if (!Files.exists(log)) {
      return new LogChunk(new byte[0], 0, running);
    }
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long size = f.length();
      int n = (int) Math.max(0, Math.min(max, size - offset));
      byte[] bytes = new byte[n];
      f.seek(Math.min(offset, size));
      f.readFully(bytes);
      return new LogChunk(bytes, size, running);
    }
  }

  /** Deletes the files of an entrypoint that has exited; one still running is kept. */
  public void forget(String id) throws IOException {
    Run run;
    synchronized (this) {
      run = runs.get(id);
      if (run == null || !run.exited) {
        return;
      }
      runs.remove(id);
      exits.remove(id);
    }
    deleteTree(run.dir);
  }

  /** How many entrypoints run here now. */
  public synchronized int running() {
    return (int) runs.values().stream().filter(r -> !r.exited).count();
  }

  /** SIGTERMs every running entrypoint's process tree; starts nothing more. */
  @Override
  public synchronized void close() {
    closed = true;
    for (Run run : runs.values()) {
      if (!run.exited) {
        run.process.descendants().forEach(ProcessHandle::destroy);
        run.process.destroy();
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
