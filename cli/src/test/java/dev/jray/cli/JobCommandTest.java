package dev.jray.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.security.ClusterToken;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code jray job} against a stand-in Jobs API in this JVM: what it sends (Ray's paths and
 * fields, the bearer token, packages by content), what it prints and how it exits.
 */
class JobCommandTest {
  @TempDir Path dir;
  private FakeJobsServer server;
  private ClusterToken token;
  private Path tokenFile;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    server = new FakeJobsServer();
    token = ClusterToken.generate();
    tokenFile = dir.resolve("token");
    token.write(tokenFile);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int jray(String... args) {
    CommandLine cli = JrayCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    int sub = all.indexOf("job") + 2; // after `job <subcommand>`
    all.addAll(sub, List.of("--address", server.address(), "--token-file", tokenFile.toString()));
    return cli.execute(all.toArray(String[]::new));
  }

  @Test
  void submitUploadsTheWorkingDirAndJarsOnceByContentAndSendsRaysFields() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work/sub"));
    Files.writeString(work.resolve("Main.java"), "class Main {}");
    Path jar = Files.write(dir.resolve("dep.jar"), new byte[] {1, 2, 3});
    String env = new JsonObject().put("java_jars", List.of(jar.toString()))
        .put("env_vars", new JsonObject().put("GREETING", "hi")).encode();

    for (int i = 0; i < 2; i++) {
      int exit = jray("job", "submit", "--no-wait", "--working-dir", dir.resolve("work").toString(),
          "--runtime-env-json", env, "--submission-id", "job-" + i, "--entrypoint-num-cpus", "1",
          "--priority", "5", "--queue", "batch", "--", "java", "-cp", "a b:$CLASSPATH", "Main", "say \"x\"");
      assertEquals(0, exit, err.toString());
    }

    byte[] zip = RuntimeEnvPackages.zip(dir.resolve("work"));
    String zipName = "pkg-" + RuntimeEnvPackages.sha256(zip) + ".zip";
    String jarName = "pkg-" + RuntimeEnvPackages.sha256(new byte[] {1, 2, 3}) + ".jar";
    assertEquals(2, server.packages().size(), "one upload each: " + server.packages().keySet());
    assertArrayEquals(zip, server.packages().get(zipName));
    assertArrayEquals(new byte[] {1, 2, 3}, server.packages().get(jarName));
    assertEquals(2, server.requests().stream().filter(r -> r.method().equals("PUT")).count(),
        "the second submission finds both packages there");

    List<FakeJobsServer.Request> submits = server.requests().stream()
        .filter(r -> r.method().equals("POST") && r.path().equals("/api/jobs/")).toList();
    assertEquals(2, submits.size());
    JsonObject body = new JsonObject(submits.get(1).text());
    assertEquals("java -cp \"a b:$CLASSPATH\" Main \"say \\\"x\\\"\"", body.getString("entrypoint"));
    assertEquals("job-1", body.getString("submission_id"));
    assertEquals(1.0, body.getDouble("entrypoint_num_cpus"));
    assertEquals(5, body.getInteger("priority"));
    assertEquals("batch", body.getString("queue"));
    JsonObject runtimeEnv = body.getJsonObject("runtime_env");
    assertEquals("gcs://" + zipName, runtimeEnv.getString("working_dir"));
    assertEquals(List.of("gcs://" + jarName), runtimeEnv.getJsonArray("java_jars").getList());
    assertEquals("hi", runtimeEnv.getJsonObject("env_vars").getString("GREETING"));
    assertTrue(server.requests().stream()
        .allMatch(r -> ("Bearer " + token.reveal()).equals(r.authorization())));
    String nl = System.lineSeparator();
    assertTrue(out.toString().startsWith("Job submission server address: " + server.address() + nl),
        out.toString());
    String done = "Job 'job-1' submitted successfully";
    assertTrue(out.toString().contains(nl + nl + "-".repeat(done.length()) + nl + done + nl
        + "-".repeat(done.length()) + nl + nl + "Next steps" + nl), "Ray's big success message: " + out);
    assertTrue(out.toString().contains("java -jar jray.jar job logs job-1"), out.toString());
  }

  @Test
  void submitTakesARuntimeEnvYamlFileAndTheDeprecatedJobId() throws Exception {
    Path yaml = Files.writeString(dir.resolve("env.yaml"),
        "env_vars:\n  GREETING: hi\njvm_options:\n  - -Xmx64m\n");
    assertEquals(0, jray("job", "submit", "--no-wait", "--runtime-env", yaml.toString(),
        "--job-id", "old-style", "--", "true"), err.toString());
    JsonObject body = new JsonObject(server.requests().stream()
        .filter(r -> r.method().equals("POST")).findFirst().orElseThrow().text());
    assertEquals("old-style", body.getString("submission_id"));
    assertEquals(new JsonObject().put("env_vars", new JsonObject().put("GREETING", "hi"))
        .put("jvm_options", new io.vertx.core.json.JsonArray().add("-Xmx64m")), body.getJsonObject("runtime_env"));
    assertTrue(out.toString().contains("--job-id option is deprecated. Please use --submission-id instead."),
        out.toString());

    assertEquals(1, jray("job", "submit", "--no-wait", "--runtime-env", yaml.toString(),
        "--runtime-env-json", "{}", "--", "true"));
    assertTrue(err.toString().contains("Only one of --runtime-env and --runtime-env-json can be provided."),
        err.toString());
    Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");
    assertEquals(1, jray("job", "submit", "--no-wait", "--runtime-env", list.toString(), "--", "true"));
    assertTrue(err.toString().contains("must hold a mapping"), err.toString());
  }

  @Test
  void headersGoWithEveryRequestAndVerifyIsAccepted() {
    server.play(List.of("RUNNING"), "", null);
    assertEquals(0, jray("job", "status", "--headers", "{\"X-Proxy-Token\": \"abc\"}",
        "--verify", "False", "j1"), err.toString());
    assertTrue(server.requests().stream().allMatch(r -> List.of("abc").equals(r.headers().get("X-proxy-token"))
        && ("Bearer " + token.reveal()).equals(r.authorization())), server.requests().toString());
    assertEquals(1, jray("job", "status", "--headers", "[1]", "j1"));
    assertTrue(err.toString().contains("--headers is not a JSON object"), err.toString());
    assertEquals(1, jray("job", "status", "--verify", dir.resolve("no-such.pem").toString(), "j1"));
    assertTrue(err.toString().contains("--verify"), err.toString());
  }

  @Test
  void theAddressFallsBackToRaysEnvironmentVariables() {
    assertEquals("http://h:1", JobCommand.Server.address("http://h:1",
        Map.of("RAY_API_SERVER_ADDRESS", "http://api:2")::get));
    assertEquals("http://api:2", JobCommand.Server.address(null,
        Map.of("RAY_API_SERVER_ADDRESS", "http://api:2", "RAY_ADDRESS", "http://ray:3")::get));
    assertEquals("https://ray:3", JobCommand.Server.address(null, Map.of("RAY_ADDRESS", "https://ray:3")::get));
    assertEquals("http://127.0.0.1:8265", JobCommand.Server.address(null,
        Map.of("RAY_ADDRESS", "10.0.0.1:6379")::get), "a GCS address is not the Jobs API");
    assertEquals("http://127.0.0.1:8265", JobCommand.Server.address(null, Map.<String, String>of()::get));
  }

  @Test
  void submitFollowsTheLogAndExitsWithTheJobsOutcome() {
    server.play(List.of("PENDING", "RUNNING", "SUCCEEDED"), "hello from the job\n", null);
    assertEquals(0, jray("job", "submit", "--", "java", "Main"), err.toString());
    assertTrue(out.toString().contains("Tailing logs until the job exits (disable with --no-wait):"
        + System.lineSeparator() + "hello from the job"), out.toString());
    assertTrue(out.toString().contains("Job 'raysubmit_fake1' succeeded"), out.toString());

    server.play(List.of("RUNNING", "FAILED"), "boom\n", "exited with code 3");
    assertEquals(1, jray("job", "submit", "--", "java", "Main"));
    assertTrue(out.toString().contains("Job 'raysubmit_fake1' failed"), out.toString());
    assertTrue(out.toString().contains("Status message: exited with code 3"), out.toString());
  }

  @Test
  void statusLogsStopDeleteAndListUseRaysPaths() {
    server.play(List.of("RUNNING", "RUNNING", "STOPPED"), "line 1\n", "running");
    assertEquals(0, jray("job", "status", "j1"));
    assertTrue(out.toString().contains("Status for job 'j1': RUNNING"), out.toString());
    assertTrue(out.toString().contains("Status message: running"), out.toString());
    assertEquals(0, jray("job", "logs", "j1"));
    assertTrue(out.toString().contains("line 1"));
    assertEquals(0, jray("job", "stop", "j1"));
    assertTrue(out.toString().contains("Attempting to stop job 'j1'"), out.toString());
    assertTrue(out.toString().contains("Job 'j1' was stopped"), out.toString());
    assertEquals(0, jray("job", "delete", "j1"));
    assertTrue(out.toString().contains("Job 'j1' deleted successfully"), out.toString());
    assertEquals(0, jray("job", "list"));
    assertTrue(out.toString().contains("\"type\" : \"SUBMISSION\""), out.toString());
    assertEquals(5, out.toString().lines().filter(("Job submission server address: "
        + server.address())::equals).count(), "every subcommand says where it goes first: " + out);

    List<String> calls = server.requests().stream().map(r -> r.method() + " " + r.path()).toList();
    assertTrue(calls.containsAll(List.of("GET /api/jobs/j1", "GET /api/jobs/j1/logs",
        "POST /api/jobs/j1/stop", "DELETE /api/jobs/j1", "GET /api/jobs/")), calls.toString());
  }

  @Test
  void aRefusedSubmissionIsOneLineWithTheServersMessage() {
    server.refuseSubmissions(409, "{\"message\":\"Job with submission_id j1 already exists.\"}");
    assertEquals(1, jray("job", "submit", "--no-wait", "--submission-id", "j1", "--", "true"));
    String line = err.toString().strip();
    assertEquals(1, line.lines().count(), line);
    assertTrue(line.contains("HTTP 409: Job with submission_id j1 already exists."), line);
  }

  @Test
  void noServerIsOneLineSayingTheConnectionWasRefused() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CommandLine cli = JrayCommand.commandLine();
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute("job", "status", "--address", "http://127.0.0.1:" + port,
        "--token-file", tokenFile.toString(), "j1");
    String line = err.toString().strip();
    assertEquals(1, exit, line);
    assertEquals(1, line.lines().count(), line);
    assertTrue(line.contains("connection refused"), line);
    assertFalse(line.contains(token.reveal()), "never the token");
  }

  @Test
  void aMissingWorkingDirIsOneLineNamingTheField() {
    assertEquals(1, jray("job", "submit", "--no-wait", "--working-dir",
        dir.resolve("absent").toString(), "--", "true"));
    String line = err.toString().strip();
    assertTrue(line.contains("runtime_env.working_dir") && line.contains("absent"), line);
    assertTrue(server.requests().isEmpty(), "nothing submitted");
  }

  @Test
  void theSameDirectoryContentZipsToTheSameBytes() throws Exception {
    Path a = Files.createDirectories(dir.resolve("a"));
    Files.writeString(a.resolve("f.txt"), "x", StandardCharsets.UTF_8);
    byte[] first = RuntimeEnvPackages.zip(a);
    Files.setLastModifiedTime(a.resolve("f.txt"), java.nio.file.attribute.FileTime.fromMillis(0));
    assertArrayEquals(first, RuntimeEnvPackages.zip(a));
  }
}
