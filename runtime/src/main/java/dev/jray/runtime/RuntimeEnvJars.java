package dev.jray.runtime;

import dev.jray.api.exception.RuntimeEnvException;
import dev.jray.api.id.JobId;
import dev.jray.api.runtimeenv.types.RuntimeEnvName;
import dev.jray.gcs.CodePackages;
import dev.jray.gcs.Gcs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code java_jars} of tasks' and actors' runtime envs, as Ray's runtime-env packages: on the
 * submitting side, each local jar (a path or a {@code file:} URL) is uploaded once to the GCS as
 * a content-addressed package and named {@code gcs://pkg-<sha256>.jar} in the env that travels,
 * held for the job (the leader collects it once the job and its actors are gone); on a node, a
 * package is fetched into the node's package cache, checked against its hash, for the worker
 * process's class path.
 *
 * <p>Threading: thread-safe; uploads and fetches block on the GCS and on files.
 */
final class RuntimeEnvJars {
  /** A package's name in an env, as the Jobs API names uploaded packages. */
  static final Pattern PACKAGE_URI = Pattern.compile("gcs://pkg-([0-9a-f]{64})\\.(?:zip|jar)");

  private final Gcs gcs;
  private final PackageCache cache;
  /** Envs as given, by job, to the envs with their jars uploaded; concurrent. */
  private final ConcurrentHashMap<String, String> uploaded = new ConcurrentHashMap<>();

  RuntimeEnvJars(Gcs gcs, PackageCache cache) {
    this.gcs = Objects.requireNonNull(gcs, "gcs");
    this.cache = Objects.requireNonNull(cache, "cache");
  }

  /**
   * {@code env} (serialized, or null) with its local jars uploaded for {@code job}; the same env
   * again costs a map lookup.
   *
   * @throws RuntimeEnvException naming {@code java_jars} if a jar is no local file or package
   */
  String uploaded(String env, JobId job) {
    if (env == null || !env.contains(RuntimeEnvName.JARS)) {
      return env;
    }
    String key = job.toHex() + '|' + env;
    String done = uploaded.get(key);
    if (done == null) {
      done = upload(env, job);
      uploaded.put(key, done);
    }
    return done;
  }

  private String upload(String env, JobId job) {
    JsonObject fields = new JsonObject(env);
    if (!(fields.getValue(RuntimeEnvName.JARS) instanceof JsonArray jars)) {
      return env;
    }
    JsonArray named = new JsonArray();
    for (Object entry : jars) {
      String jar = String.valueOf(entry);
      if (PACKAGE_URI.matcher(jar).matches()) {
        named.add(jar);
        continue;
      }
      String id = JobPackages.upload(gcs, List.of(localFile(jar))).get(0);
      gcs.kv().put(CodePackages.reference(id, CodePackages.jobHolder(job.toHex())), new byte[0]);
      named.add("gcs://pkg-" + id + ".jar");
    }
    return fields.put(RuntimeEnvName.JARS, named).encode();
  }

  private static Path localFile(String jar) {
    Path p;
    try {
      p = jar.startsWith("file:") ? Path.of(URI.create(jar)) : Path.of(jar);
    } catch (RuntimeException e) {
      throw new RuntimeEnvException("runtime env field '" + RuntimeEnvName.JARS + "': " + jar
          + " is not a local path or file: URL (" + e.getMessage() + ")");
    }
    if (jar.contains("://") && !jar.startsWith("file:")) {
      throw new RuntimeEnvException("runtime env field '" + RuntimeEnvName.JARS + "': " + jar
          + " is not a local file: jray uploads local jars (paths or file: URLs) itself");
    }
    if (!Files.isRegularFile(p)) {
      throw new RuntimeEnvException("runtime env field '" + RuntimeEnvName.JARS + "': no file "
          + p.toAbsolutePath());
    }
    return p;
  }

  /**
   * On a node: the local file of a {@code java_jars} entry that names a package (fetched into
   * the cache and checked), else the entry as a path.
   */
  Path localJar(String entry) {
    Matcher m = PACKAGE_URI.matcher(entry);
    return m.matches() ? cache.jar(m.group(1)) : localFile(entry);
  }
}
