package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ActorHandle;
import dev.jray.api.Ray;
import dev.jray.api.exception.RuntimeEnvException;
import dev.jray.api.runtimeenv.RuntimeEnv;
import dev.jray.api.runtimeenv.RuntimeEnvConfig;
import dev.jray.api.runtimeenv.types.RuntimeEnvName;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ray's mutable RuntimeEnv, its config, and the env a task or actor sees of itself. */
public class RuntimeEnvTest {
  @BeforeAll
  static void init() {
    Ray.init();
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  public static String myEnv() {
    return Ray.getRuntimeContext().getCurrentRuntimeEnv().serialize();
  }

  public static class EnvActor {
    public String myEnv() {
      return Ray.getRuntimeContext().getCurrentRuntimeEnv().getJsonStr(RuntimeEnvName.ENV_VARS);
    }
  }

  private static RuntimeEnv sample() {
    RuntimeEnv env = new RuntimeEnv.Builder().build();
    env.set(RuntimeEnvName.ENV_VARS, Map.of("A", "1", "B", "two"));
    env.set(RuntimeEnvName.JARS, new String[] {"/opt/a.jar", "https://x/b.jar"});
    return env;
  }

  @Test
  void fieldsAreSetReadRemovedAndSerialized() {
    RuntimeEnv env = sample();
    assertFalse(env.isEmpty());
    assertEquals(Map.of("A", "1", "B", "two"), env.get(RuntimeEnvName.ENV_VARS, Map.class));
    assertArrayEquals(new String[] {"/opt/a.jar", "https://x/b.jar"},
        env.get(RuntimeEnvName.JARS, String[].class));
    assertEquals(List.of("/opt/a.jar", "https://x/b.jar"), env.get(RuntimeEnvName.JARS, List.class));
    env.setJsonStr("my_plugin", "{\"level\": 3}");
    assertEquals(new JsonObject().put("level", 3), new JsonObject(env.getJsonStr("my_plugin")));
    env.set("count", 7);
    assertEquals(7L, env.get("count", Long.class));
    assertNull(env.get("absent", String.class));

    RuntimeEnv copy = RuntimeEnv.deserialize(env.serialize());
    assertEquals(new JsonObject(env.serialize()), new JsonObject(copy.serialize()));
    assertTrue(copy.contains("my_plugin"));
    assertTrue(copy.remove("my_plugin"));
    assertFalse(copy.remove("my_plugin"));
    assertFalse(copy.contains("my_plugin"));
    assertTrue(new RuntimeEnv.Builder().build().isEmpty());
  }

  @Test
  void badFieldsAreRefusedNamingTheField() {
    RuntimeEnv env = new RuntimeEnv.Builder().build();
    RuntimeEnvException vars = assertThrows(RuntimeEnvException.class,
        () -> env.set(RuntimeEnvName.ENV_VARS, List.of("A=1")));
    assertTrue(vars.getMessage().contains("env_vars"), vars.getMessage());
    RuntimeEnvException jars = assertThrows(RuntimeEnvException.class,
        () -> env.set(RuntimeEnvName.JARS, Map.of("a", "b")));
    assertTrue(jars.getMessage().contains("java_jars"), jars.getMessage());
    RuntimeEnvException notJson = assertThrows(RuntimeEnvException.class,
        () -> env.setJsonStr("x", "{nope"));
    assertTrue(notJson.getMessage().contains("'x'"), notJson.getMessage());
    RuntimeEnvException pojo = assertThrows(RuntimeEnvException.class,
        () -> env.set("thread", new Thread()));
    assertTrue(pojo.getMessage().contains("'thread'"), pojo.getMessage());
    assertThrows(RuntimeEnvException.class, () -> RuntimeEnv.deserialize("[1, 2]"));
    env.set(RuntimeEnvName.ENV_VARS, Map.of("A", "1"));
    assertThrows(RuntimeEnvException.class, () -> env.get(RuntimeEnvName.ENV_VARS, Integer.class));
    assertTrue(env.contains(RuntimeEnvName.ENV_VARS), "a refused set leaves the env as it was");
  }

  @Test
  void theConfigHasRaysDefaultsAndChecksItsTimeout() {
    RuntimeEnvConfig config = new RuntimeEnvConfig();
    assertEquals(600, config.getSetupTimeoutSeconds());
    assertTrue(config.getEagerInstall());
    assertThrows(IllegalArgumentException.class, () -> new RuntimeEnvConfig(0, true));
    RuntimeEnv env = sample();
    assertNull(env.getConfig());
    env.setConfig(new RuntimeEnvConfig(-1, false));
    JsonObject info = new JsonObject(env.serializeToRuntimeEnvInfo());
    assertEquals(new JsonObject(env.serialize()),
        new JsonObject(info.getString("serialized_runtime_env")));
    assertEquals(-1, info.getJsonObject("runtime_env_config").getInteger("setup_timeout_seconds"));
    assertEquals(false, info.getJsonObject("runtime_env_config").getBoolean("eager_install"));
  }

  @Test
  void aTaskAndAnActorSeeTheEnvTheyWereGiven() throws Exception {
    RuntimeEnv env = new RuntimeEnv.Builder().build();
    env.set(RuntimeEnvName.ENV_VARS, Map.of("A", "1", "B", "two"));
    env.setJsonStr("my_plugin", "{\"level\": 3}");
    String seen = Ray.task(RuntimeEnvTest::myEnv).setRuntimeEnv(env).remote().get();
    assertEquals(new JsonObject(env.serialize()), new JsonObject(seen));
    // a local jar travels as a content-addressed package, as Ray's uploaded files do
    java.nio.file.Path jar = java.nio.file.Files.createTempFile("runtime-env-test", ".jar");
    jar.toFile().deleteOnExit();
    java.nio.file.Files.write(jar, new byte[] {5, 6, 7});
    env.set(RuntimeEnvName.JARS, List.of(jar.toString()));
    String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest
        .getInstance("SHA-256").digest(new byte[] {5, 6, 7}));
    assertEquals(List.of("gcs://pkg-" + sha + ".jar"), RuntimeEnv.deserialize(
        Ray.task(RuntimeEnvTest::myEnv).setRuntimeEnv(env).remote().get())
        .get(RuntimeEnvName.JARS, List.class));
    env.set(RuntimeEnvName.JARS, List.of("/no/such/dir/a.jar"));
    RuntimeEnvException missing = assertThrows(RuntimeEnvException.class,
        () -> Ray.task(RuntimeEnvTest::myEnv).setRuntimeEnv(env).remote());
    assertTrue(missing.getMessage().contains("java_jars"), missing.getMessage());
    env.remove(RuntimeEnvName.JARS);
    assertTrue(RuntimeEnv.deserialize(Ray.task(RuntimeEnvTest::myEnv).remote().get()).isEmpty(),
        "a task given none sees an empty one");
    assertTrue(Ray.getRuntimeContext().getCurrentRuntimeEnv().isEmpty(), "the driver's is empty");

    ActorHandle<EnvActor> actor = Ray.actor(EnvActor::new).setRuntimeEnv(env).remote();
    assertEquals(new JsonObject(env.getJsonStr(RuntimeEnvName.ENV_VARS)),
        new JsonObject(actor.task(EnvActor::myEnv).remote().get()));
  }
}
