package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.time.Time;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRegistryTest {
  private final InMemoryGcs gcs = new InMemoryGcs();
  private final ClassLoader defaultLoader = JobRegistryTest.class.getClassLoader();
  @TempDir Path packageCache;

  private JobRegistry registry() {
    return new JobRegistry(gcs, defaultLoader,
        new PackageCache(packageCache, id -> JobPackages.download(gcs, id), Time.SYSTEM));
  }

  @Test
  void aRegisteredJobRunsInItsOwnLoaderAndNamespace() {
    JobRegistry jobs = registry();
    ClassLoader loader = new URLClassLoader(new URL[0], defaultLoader);
    jobs.register(JobId.fromInt(3), "ns-a", loader);
    assertSame(loader, jobs.loaderOf(JobId.fromInt(3)));
    assertEquals("ns-a", jobs.namespaceOf(JobId.fromInt(3)));
  }

  @Test
  void aJobWithoutPackagesTakesItsNamespaceFromTheGcsAndTheDefaultLoader() {
    JobId job = JobId.fromInt(4);
    gcs.jobs().put(job, new JobRecord(job, "from-gcs", null, 0, 0, List.of()));
    JobRegistry jobs = registry();
    assertEquals("from-gcs", jobs.namespaceOf(job));
    assertSame(defaultLoader, jobs.loaderOf(job));
  }

  @Test
  void finishedJobsAreForgottenUnlessInUseOrTheDriversOwn() {
    JobRegistry jobs = registry();
    JobId driver = JobId.fromInt(10);
    JobId finished = JobId.fromInt(11);
    JobId running = JobId.fromInt(12);
    JobId finishedWithActorHere = JobId.fromInt(13);
    JobId pruned = JobId.fromInt(14);
    ClassLoader own = new URLClassLoader(new URL[0], defaultLoader);
    jobs.startDriver(driver, "mine", own, null);
    gcs.jobs().put(driver, new JobRecord(driver, "mine", null, 1, 5, List.of()));
    for (JobId job : List.of(finished, running, finishedWithActorHere, pruned)) {
      gcs.jobs().put(job, new JobRecord(job, "ns-" + job, null, 1, job.equals(running) ? 0 : 5,
          List.of()));
      jobs.register(job, "ns-" + job, new URLClassLoader(new URL[0], defaultLoader));
    }
    gcs.jobs().remove(pruned);

    List<JobId> forgotten = jobs.forgetFinished(finishedWithActorHere::equals);

    assertEquals(Set.of(finished, pruned), Set.copyOf(forgotten));
    assertSame(own, jobs.loaderOf(driver), "the driver's own job stays");
    assertSame(defaultLoader, jobs.loaderOf(finished),
        "a late task of a forgotten job finds it in the GCS again");
    assertThrows(JobRegistry.UnknownJobException.class, () -> jobs.loaderOf(pruned));
    assertEquals(Set.of(finished, finishedWithActorHere), Set.copyOf(jobs.forgetFinished(j -> false)),
        "once its actor is gone; the running job never");
  }

  @Test
  void anUnknownJobRunsInTheDefaultNamespace() {
    assertEquals("default", registry().namespaceOf(JobId.fromInt(5)));
  }

  @Test
  void anUnknownJobHasNoLoaderSoItsTasksAreRefusedAndItStaysUnknown() {
    JobRegistry jobs = registry();
    JobId stranger = JobId.fromInt(7);
    JobRegistry.UnknownJobException e =
        assertThrows(JobRegistry.UnknownJobException.class, () -> jobs.loaderOf(stranger));
    assertTrue(e.getMessage().contains("job " + stranger + " is not in the GCS"), e.getMessage());

    gcs.jobs().put(stranger, new JobRecord(stranger, "late", null, 0, 0, List.of()));
    assertSame(defaultLoader, jobs.loaderOf(stranger), "a refusal is not remembered");
  }

  @Test
  void theContextIsTheDriversOnceOneStarted() {
    JobRegistry jobs = registry();
    IllegalStateException none = assertThrows(IllegalStateException.class, jobs::context);
    assertTrue(none.getMessage().contains("Ray.init()"), none.getMessage());

    jobs.startDriver(JobId.fromInt(6), "driver-ns", defaultLoader, null);
    TaskContext driver = jobs.context();
    assertEquals(JobId.fromInt(6), driver.jobId());
    assertEquals("driver-ns", driver.namespace());
    assertTrue(driver.isDriver());
    assertEquals("driver-ns", jobs.namespaceOf(JobId.fromInt(6)), "the driver's job is registered");
  }
}
