package dev.jray.runtime;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.gcs.CodePackages;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.task.TaskKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The jobs whose code runs in this JVM, as Ray's job config on a worker: each job's class loader
 * (the driver's own, or one over the job's packages from the GCS) and namespace, and the context
 * of the driver this JVM runs, if any.
 *
 * <p>Threading: thread-safe. The maps are concurrent (a loader raced for twice keeps the first);
 * the driver's context is volatile. {@link #loaderOf} and {@link #namespaceOf} block on the GCS
 * the first time they see a job: not on an event loop.
 */
final class JobRegistry {
  private final Gcs gcs;
  private final ClassLoader defaultLoader;
  private final PackageCache packageCache;
  /** The java_jars of tasks' and actors' runtime envs, uploaded and fetched as packages. */
  private final RuntimeEnvJars envJars;
  /** Class loaders by job; concurrent. */
  private final ConcurrentHashMap<JobId, ClassLoader> loaders = new ConcurrentHashMap<>();
  /** The code packages of the jobs that have a loader over them here; concurrent. */
  private final ConcurrentHashMap<JobId, List<String>> packagesOf = new ConcurrentHashMap<>();
  /** How long a cached package the GCS collected stays on disk unused. */
  private final Duration cacheGrace = CodePackages.graceOfProcess();
  /** Namespaces by job; concurrent. */
  private final ConcurrentHashMap<JobId, String> namespaces = new ConcurrentHashMap<>();
  /** The context of the driver this JVM runs, or null; set by startDriver. */
  private volatile TaskContext driverContext;

  /**
   * @param defaultLoader the loader of jobs that ship no packages
   * @param packageCache where fetched job packages are kept on disk, checked
   */
  JobRegistry(Gcs gcs, ClassLoader defaultLoader, PackageCache packageCache) {
    this.gcs = Objects.requireNonNull(gcs, "gcs");
    this.defaultLoader = Objects.requireNonNull(defaultLoader, "defaultLoader");
    this.packageCache = Objects.requireNonNull(packageCache, "packageCache");
    this.envJars = new RuntimeEnvJars(gcs, packageCache);
  }

  /** Where tasks of {@code job} load their classes from. */
  void register(JobId job, String namespace, ClassLoader loader) {
    loaders.put(job, loader);
    namespaces.put(job, namespace);
  }

  /** Makes this JVM run a driver for {@code job}, whose code is in {@code loader}. */
  /** The java_jars of tasks' and actors' runtime envs. */
  RuntimeEnvJars envJars() {
    return envJars;
  }

  void startDriver(JobId job, String namespace, ClassLoader loader, String runtimeEnv) {
    register(job, namespace, loader);
    driverContext = TaskContext.of(job, IdFactory.newTaskId(job), ActorId.NIL, namespace, loader,
        TaskKind.NORMAL, true, false, runtimeEnv, List.of(), 0);
  }

  /**
   * Forgets the jobs whose record says they finished (or that the GCS no longer holds) and that
   * {@code inUse} does not name: their loaders and namespaces go, so a long-lived node does not
   * keep every job it ever ran. A task of such a job that still runs keeps its loader; one that
   * comes later finds the job again (or fails, if the GCS forgot it). The driver's own job stays.
   * Then the package cache drops the jars of packages the GCS collected that no job here uses.
   * Blocks on the GCS and on files.
   *
   * @return the jobs forgotten
   */
  List<JobId> forgetFinished(Predicate<JobId> inUse) {
    TaskContext driver = driverContext;
    List<JobId> forgotten = new ArrayList<>();
    for (JobId job : List.copyOf(loaders.keySet())) {
      if (driver != null && driver.jobId().equals(job)) {
        continue;
      }
      JobRecord record = gcs.jobs().get(job);
      if ((record == null || record.isFinished()) && !inUse.test(job)) {
        loaders.remove(job);
        namespaces.remove(job);
        packagesOf.remove(job);
        forgotten.add(job);
      }
    }
    Set<String> used = new HashSet<>();
    packagesOf.values().forEach(used::addAll);
    packageCache.prune(used, id -> gcs.kv().containsKey(CodePackages.key(id)), cacheGrace);
    return forgotten;
  }

  /** The job of the driver this JVM runs, or null. */
  JobId driverJob() {
    TaskContext d = driverContext;
    return d == null ? null : d.jobId();
  }

  /**
   * What runs on the calling thread: its task or actor, else the driver.
   *
   * @throws IllegalStateException if neither (no driver runs in this JVM)
   */
  TaskContext context() {
    return context(WorkerThreadContext.current());
  }

  /** As {@link #context()}, for a caller that has the calling thread's context at hand. */
  TaskContext context(WorkerThreadContext thread) {
    TaskContext c = thread.task;
    if (c != null) {
      return c;
    }
    TaskContext d = driverContext;
    if (d == null) {
      throw new IllegalStateException("no driver runs in this JVM: call Ray.init() first");
    }
    return d;
  }

  /**
   * The class loader of a job's code: the driver's own here, else one over the job's packages,
   * fetched from the GCS the first time. Blocks on the GCS then.
   *
   * @throws UnknownJobException if the GCS has no such job: its tasks are refused rather than run
   *     in this node's own loader (every driver records its job before it submits anything)
   */
  ClassLoader loaderOf(JobId job) {
    ClassLoader loader = loaders.get(job);
    if (loader != null) {
      return loader;
    }
    JobRecord record = gcs.jobs().get(job);
    if (record == null) {
      throw new UnknownJobException(job);
    }
    if (record.packages().isEmpty()) {
      loader = defaultLoader;
    } else {
      loader = packageCache.classLoader(record.packages(), defaultLoader);
    }
    ClassLoader raced = loaders.putIfAbsent(job, loader);
    if (raced != null) {
      return raced;
    }
    packagesOf.put(job, record.packages());
    return loader;
  }

  /** The job's namespace, from the GCS the first time ("default" for a job it does not know). */
  String namespaceOf(JobId job) {
    return namespaces.computeIfAbsent(job, j -> {
      JobRecord r = gcs.jobs().get(j);
      return r != null ? r.namespace() : "default";
    });
  }

  /** A task names a job that no driver recorded in the GCS. */
  static final class UnknownJobException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    UnknownJobException(JobId job) {
      super("job " + job + " is not in the GCS: its tasks are refused, not run in the node's own"
          + " class loader");
    }
  }
}
