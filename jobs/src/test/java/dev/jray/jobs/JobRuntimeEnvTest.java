package dev.jray.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** runtime_env applied to the entrypoint, and the package upload it reads working_dir and jars from. */
class JobRuntimeEnvTest {
  private JobsApi api;

  @BeforeEach
  void start() throws Exception {
    api = new JobsApi();
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  @Test
  void workingDirJarsEnvVarsJvmOptionsAndTheClusterReachTheEntrypoint() throws Exception {
    byte[] zip = zip("data/hello.txt", "hello from working_dir");
    String zipName = "pkg-" + sha256(zip) + ".zip";
    assertEquals(404, api.call(HttpMethod.GET, "/api/packages/gcs/" + zipName, null).statusCode());
    assertEquals(200, api.call(HttpMethod.PUT, "/api/packages/gcs/" + zipName, Buffer.buffer(zip)).statusCode());
    assertEquals(200, api.call(HttpMethod.GET, "/api/packages/gcs/" + zipName, null).statusCode());
    byte[] jar = zip("dep/Dep.class", "not really a class");
    String jarName = "pkg-" + sha256(jar) + ".jar";
    assertEquals(200, api.call(HttpMethod.PUT, "/api/packages/gcs/" + jarName, Buffer.buffer(jar)).statusCode());

    api.submit(new JsonObject().put("submission_id", "env")
        .put("entrypoint", "cat data/hello.txt; echo; echo \"greeting=$GREETING\"; echo \"cp=$CLASSPATH\";"
            + " echo \"jto=$JAVA_TOOL_OPTIONS\"; echo \"address=$JRAY_ADDRESS\"; cat \"$JRAY_CLUSTER_TOKEN_FILE\";"
            + " echo; echo \"token-env=${JRAY_CLUSTER_TOKEN:-unset}\"; echo \"jray-cp=$JRAY_CLASSPATH\";"
            + " echo \"jray-java=$JRAY_JAVA_OPTIONS\"")
        .put("runtime_env", new JsonObject().put("working_dir", "gcs://" + zipName)
            .put("java_jars", new JsonArray().add("gcs://" + jarName))
            .put("env_vars", new JsonObject().put("GREETING", "hi"))
            .put("jvm_options", new JsonArray().add("-Xmx64m").add("-Dfoo=bar"))));
    api.awaitStatus("env", "SUCCEEDED");
    String logs = api.logs("env");
    assertTrue(logs.startsWith("hello from working_dir\n"), logs);
    assertTrue(logs.contains("greeting=hi\n"), logs);
    assertTrue(logs.matches("(?s).*cp=/\\S+/" + jarName + "\n.*"), logs);
    assertTrue(logs.contains("jto=-Xmx64m -Dfoo=bar\n"), logs);
    assertTrue(logs.contains("address=127.0.0.1:1\n"), logs);
    assertTrue(logs.contains(api.token.reveal()), "the driver reads the token from its file");
    assertTrue(logs.contains("token-env=unset"), logs);
    assertTrue(logs.contains("jray-cp=" + JobsApi.HEAD_JAR + "\n"), logs);
    assertTrue(logs.contains("jray-java=-Dentrypoint=1\n"), "read as the entrypoint starts: " + logs);
    JsonObject env = api.job("env").getJsonObject("runtime_env");
    assertEquals("gcs://" + zipName, env.getString("working_dir"));
  }

  @Test
  void aPackageThatIsNotWhatItsNameSaysIsRefused() throws Exception {
    byte[] zip = zip("a.txt", "a");
    HttpResponse<Buffer> r = api.call(HttpMethod.PUT, "/api/packages/gcs/pkg-" + "0".repeat(64) + ".zip",
        Buffer.buffer(zip));
    assertEquals(400, r.statusCode());
    assertTrue(r.bodyAsJsonObject().getString("error").contains("SHA-256"), r.bodyAsString());
    assertEquals(404, api.call(HttpMethod.GET, "/api/packages/s3/whatever.zip", null).statusCode(),
        "the head can hold no such package");
    assertEquals(400, api.call(HttpMethod.PUT, "/api/packages/s3/whatever.zip", Buffer.buffer(zip))
        .statusCode());
    assertEquals(400, api.call(HttpMethod.PUT, "/api/packages/gcs/bad%20name.zip", Buffer.buffer(zip))
        .statusCode());
    assertEquals(400, api.call(HttpMethod.PUT, "/api/packages/gcs/" + "a".repeat(201) + ".zip",
        Buffer.buffer(zip)).statusCode());
  }

  @Test
  void raysSdkUploadsAWorkingDirAsRayPkgAndTheJobRunsInIt() throws Exception {
    byte[] zip = zip("data/hello.txt", "hello from ray's upload");
    String name = "_ray_pkg_0f3c9a1d2b7e4c55.zip"; // as Ray's SDK names it: a hash of the dir, not of the zip
    assertEquals(404, api.call(HttpMethod.GET, "/api/packages/gcs/" + name, null).statusCode());
    assertEquals(200, api.call(HttpMethod.PUT, "/api/packages/gcs/" + name, Buffer.buffer(zip)).statusCode());
    assertEquals(200, api.call(HttpMethod.GET, "/api/packages/gcs/" + name, null).statusCode());
    byte[] jar = zip("dep/Dep.class", "not really a class");
    String jarName = "_ray_pkg_deps.jar";
    assertEquals(200, api.call(HttpMethod.PUT, "/api/packages/gcs/" + jarName, Buffer.buffer(jar)).statusCode());
    api.submit(new JsonObject().put("submission_id", "ray-sdk").put("entrypoint",
            "cat data/hello.txt; echo; echo \"cp=$CLASSPATH\"")
        .put("runtime_env", new JsonObject().put("working_dir", "gcs://" + name)
            .put("java_jars", new JsonArray().add("gcs://" + jarName))));
    api.awaitStatus("ray-sdk", "SUCCEEDED");
    String logs = api.logs("ray-sdk");
    assertTrue(logs.startsWith("hello from ray's upload\n"), logs);
    assertTrue(logs.matches("(?s).*cp=/\\S+/" + jarName + "\n.*"), logs);
  }

  @Test
  void aMissingPackageFailsTheJobSayingSo() {
    String uri = "gcs://pkg-" + "a".repeat(64) + ".zip";
    api.submit(new JsonObject().put("submission_id", "nopkg").put("entrypoint", "true")
        .put("runtime_env", new JsonObject().put("working_dir", uri)));
    JsonObject job = api.awaitStatus("nopkg", "FAILED");
    assertEquals("RUNTIME_ENV_SETUP_FAILURE", job.getString("error_type"));
    assertTrue(job.getString("message").startsWith("runtime_env setup failed: "), job.getString("message"));
    assertTrue(job.getString("message").contains(uri), job.getString("message"));
  }

  @Test
  void aZipEntryLeavingTheWorkingDirFailsTheJob() throws Exception {
    byte[] zip = zip("../escaped.txt", "out");
    String name = "pkg-" + sha256(zip) + ".zip";
    api.call(HttpMethod.PUT, "/api/packages/gcs/" + name, Buffer.buffer(zip));
    api.submit(new JsonObject().put("submission_id", "slip").put("entrypoint", "true")
        .put("runtime_env", new JsonObject().put("working_dir", "gcs://" + name)));
    JsonObject job = api.awaitStatus("slip", "FAILED");
    assertTrue(job.getString("message").contains("outside the working directory"), job.getString("message"));
    assertTrue(java.nio.file.Files.notExists(api.dir.resolve("jobs/runs/escaped.txt")));
  }

  static byte[] zip(String entry, String content) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry(entry));
      z.write(content.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    return out.toByteArray();
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
