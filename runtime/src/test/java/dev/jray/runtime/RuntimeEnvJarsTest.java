package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.exception.RuntimeEnvException;
import dev.jray.api.id.JobId;
import dev.jray.gcs.CodePackages;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.time.Time;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's java_jars travel as content-addressed packages, held for its job. */
class RuntimeEnvJarsTest {
  @TempDir Path dir;
  private final InMemoryGcs gcs = new InMemoryGcs();
  private final JobId job = JobId.fromInt(7);

  private RuntimeEnvJars jars() {
    return new RuntimeEnvJars(gcs, new PackageCache(dir.resolve("cache"),
        id -> gcs.kv().get(CodePackages.key(id)), Time.SYSTEM));
  }

  private static String envWithJars(String... jars) {
    return new JsonObject().put("java_jars", new JsonArray(java.util.List.of((Object[]) jars)))
        .put("env_vars", new JsonObject().put("A", "1")).encode();
  }

  @Test
  void aLocalJarIsUploadedOnceNamedByItsHashHeldForTheJobAndFetchedOnANode() throws Exception {
    Path jar = Files.write(dir.resolve("lib.jar"), new byte[] {1, 2, 3, 4});
    String sha = PackageCache.sha256(Files.readAllBytes(jar));
    RuntimeEnvJars jars = jars();

    String env = jars.uploaded(envWithJars(jar.toString()), job);
    JsonObject fields = new JsonObject(env);
    assertEquals("gcs://pkg-" + sha + ".jar", fields.getJsonArray("java_jars").getString(0));
    assertEquals("1", fields.getJsonObject("env_vars").getString("A"), "other fields stay");
    assertTrue(gcs.kv().containsKey(CodePackages.key(sha)));
    assertTrue(gcs.kv().containsKey(CodePackages.reference(sha, CodePackages.jobHolder(job.toHex()))));
    assertSame(env, jars.uploaded(envWithJars(jar.toString()), job), "once per env and job");

    Path fetched = jars().localJar(fields.getJsonArray("java_jars").getString(0));
    assertEquals(sha + ".jar", fetched.getFileName().toString());
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(jar), Files.readAllBytes(fetched)));
  }

  @Test
  void aJarThatIsNoLocalFileIsRefusedNamingTheField() {
    RuntimeEnvException remote = assertThrows(RuntimeEnvException.class,
        () -> jars().uploaded(envWithJars("https://example.com/lib.jar"), job));
    assertTrue(remote.getMessage().contains("java_jars"), remote.getMessage());
    RuntimeEnvException missing = assertThrows(RuntimeEnvException.class,
        () -> jars().uploaded(envWithJars(dir.resolve("none.jar").toString()), job));
    assertTrue(missing.getMessage().contains("java_jars") && missing.getMessage().contains("none.jar"),
        missing.getMessage());
  }

  @Test
  void anEnvWithoutJarsIsLeftAsItIs() {
    String env = new JsonObject().put("env_vars", new JsonObject().put("A", "1")).encode();
    assertSame(env, jars().uploaded(env, job));
    assertEquals(null, jars().uploaded(null, job));
  }
}
