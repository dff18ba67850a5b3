package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.JobRecord;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRegistryTest {
  private final InMemoryGcs gcs = new InMemoryGcs();
  private final ClassLoader defaultLoader = JobRegistryTest.class.getClassLoader();
  @TempDir Path packageCache;

  private JobRegistry registry() {
    return new JobRegistry(gcs, defaultLoader,
        new PackageCache(packageCache, id -> JobPackages.download(gcs, id)));
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

    jobs.startDriver(JobId.fromInt(6), "driver-ns", defaultLoader);
    TaskContext driver = jobs.context();
    assertEquals(JobId.fromInt(6), driver.jobId());
    assertEquals("driver-ns", driver.namespace());
    assertTrue(driver.isDriver());
    assertEquals("driver-ns", jobs.namespaceOf(JobId.fromInt(6)), "the driver's job is registered");
  }
}
