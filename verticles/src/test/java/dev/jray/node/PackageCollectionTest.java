package dev.jray.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.CodePackages;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.time.ManualTime;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The leader collects the code packages no job, live actor or holder has used for the grace. */
class PackageCollectionTest {
  private static final Duration GRACE = Duration.ofMinutes(10);
  private final InMemoryGcs gcs = new InMemoryGcs();
  private final ManualTime time = new ManualTime();
  private final PackageCollection collection = new PackageCollection(gcs, time, GRACE);
  private int jobs;
  private int packages;

  @Test
  void anUnusedPackageGoesOnceItStayedUnusedForTheGrace() {
    String unused = storedPackage();

    assertEquals(0, collect(), "just seen unused");
    time.advance(GRACE.minusSeconds(1));
    assertEquals(0, collect());
    assertTrue(stored(unused));
    time.advance(Duration.ofSeconds(1));
    assertEquals(1, collect());
    assertFalse(stored(unused));
  }

  @Test
  void packagesOfRunningJobsOfFinishedJobsWithLiveActorsAndOfHoldersStay() {
    String running = storedPackage();
    String detached = storedPackage();
    String held = storedPackage();
    String finished = storedPackage();
    job(0, running);
    actor(job(5, detached), ActorState.ALIVE);
    actor(job(6, finished), ActorState.DEAD);
    gcs.kv().put(CodePackages.reference(held, "submission:raysubmit_1"), new byte[0]);

    collect();
    time.advance(GRACE);
    assertEquals(1, collect());
    assertFalse(stored(finished), "its job finished and its only actor is dead");
    for (String kept : List.of(running, detached, held)) {
      assertTrue(stored(kept), "kept " + kept);
    }

    gcs.kv().remove(CodePackages.reference(held, "submission:raysubmit_1"));
    collect();
    assertTrue(stored(held), "the grace starts when the holder lets go");
    time.advance(GRACE);
    assertEquals(1, collect());
    assertFalse(stored(held));
  }

  @Test
  void aPackageUploadedUnderItsOwnNameIsHeldAndCollectedAsOneNamedByContent() {
    String named = "_ray_pkg_0f3c9a1d2b7e4c55.zip"; // as Ray's SDK names a working_dir
    gcs.kv().put(CodePackages.key(named), new byte[] {1});
    gcs.kv().put(CodePackages.reference(named, "submission:raysubmit_2"), new byte[0]);
    collect();
    time.advance(GRACE);
    assertEquals(0, collect());
    assertTrue(stored(named), "held by its queued submission");
    gcs.kv().remove(CodePackages.reference(named, "submission:raysubmit_2"));
    collect();
    time.advance(GRACE);
    assertEquals(1, collect());
    assertFalse(stored(named));
  }

  @Test
  void aJobsRuntimeEnvJarsStayWhileTheJobOrItsActorsLiveThenTheirReferenceGoes() {
    String jar = storedPackage();
    JobId job = job(0); // running: its tasks' java_jars stay
    String reference = CodePackages.reference(jar, CodePackages.jobHolder(job.toHex()));
    gcs.kv().put(reference, new byte[0]);
    collect();
    time.advance(GRACE);
    assertEquals(0, collect());
    assertTrue(stored(jar));

    gcs.jobs().update(job, j -> j.finished(2));
    actor(job, ActorState.ALIVE); // a detached actor of the job still uses the jar
    time.advance(GRACE);
    assertEquals(0, collect());
    assertTrue(stored(jar) && gcs.kv().containsKey(reference));

    gcs.actors().snapshot().keySet().forEach(gcs.actors()::remove);
    collect();
    assertFalse(gcs.kv().containsKey(reference), "the job and its actors are gone");
    assertTrue(stored(jar), "the grace starts now");
    time.advance(GRACE);
    assertEquals(1, collect());
    assertFalse(stored(jar));
  }

  @Test
  void aPackageUsedAgainWithinTheGraceStartsItAfresh() {
    String id = storedPackage();
    collect();
    time.advance(GRACE.minusMinutes(1));
    JobId job = job(0, id);
    collect();
    gcs.jobs().update(job, j -> j.finished(1));
    time.advance(Duration.ofMinutes(1));

    assertEquals(0, collect(), "unused again only now");
    assertTrue(stored(id));
  }

  @Test
  void aJobRecordedAfterThePassReadItsTablesKeepsItsPackage() {
    String id = storedPackage();
    collect();
    time.advance(GRACE);
    Map<ActorId, ActorRecord> actors = gcs.actors().snapshot();
    Map<JobId, JobRecord> before = gcs.jobs().snapshot();
    job(0, id); // a driver that found the package uploaded records its job now

    assertEquals(0, collection.collect(actors, before));
    assertTrue(stored(id));
  }

  @Test
  void theGraceIsReadFromTheProcessAndRefusedWhenItIsNoNumberOfSeconds() {
    String before = System.getProperty(CodePackages.GRACE_PROPERTY);
    try {
      System.setProperty(CodePackages.GRACE_PROPERTY, "90");
      assertEquals(Duration.ofSeconds(90), CodePackages.graceOfProcess());
      System.setProperty(CodePackages.GRACE_PROPERTY, "-1");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          CodePackages::graceOfProcess);
      assertTrue(e.getMessage().contains(CodePackages.GRACE_PROPERTY), e.getMessage());
      System.setProperty(CodePackages.GRACE_PROPERTY, "ten");
      assertThrows(IllegalArgumentException.class, CodePackages::graceOfProcess);
    } finally {
      if (before == null) {
        System.clearProperty(CodePackages.GRACE_PROPERTY);
      } else {
        System.setProperty(CodePackages.GRACE_PROPERTY, before);
      }
    }
  }

  private int collect() {
    return collection.collect(gcs.actors().snapshot(), gcs.jobs().snapshot());
  }

  private String storedPackage() {
    byte[] id = new byte[32];
    id[31] = (byte) ++packages;
    String hex = HexFormat.of().formatHex(id);
    gcs.kv().put(CodePackages.key(hex), new byte[] {1, 2, 3});
    return hex;
  }

  private boolean stored(String id) {
    return gcs.kv().containsKey(CodePackages.key(id));
  }

  private JobId job(long endMs, String... packageIds) {
    JobId id = JobId.fromInt(++jobs);
    gcs.jobs().put(id, new JobRecord(id, "ns", IdFactory.newUniqueId(), 1, endMs,
        List.of(packageIds)));
    return id;
  }

  private void actor(JobId job, ActorState state) {
    ActorId id = IdFactory.newActorId(job);
    gcs.actors().put(id, new ActorRecord(id, job, "C", null, "ns", true, 0, 0, state, null, 0,
        null, null));
  }
}
