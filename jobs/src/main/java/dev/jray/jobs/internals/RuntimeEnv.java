package dev.jray.jobs.internals;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A job's runtime environment, the Java subset of Ray's: {@code working_dir} and each of {@code
 * java_jars} a package uploaded to the head ({@code gcs://<name>.zip} / {@code .jar}, as Ray's
 * {@code gcs://_ray_pkg_<hash>.zip}) or an absolute path on the head; {@code env_vars}; {@code
 * jvm_options} (JAVA_TOOL_OPTIONS of the entrypoint's JVMs).
 *
 * @param json the runtime_env as given, echoed back in the job's details
 */
public record RuntimeEnv(String workingDir, List<String> javaJars, Map<String, String> envVars,
    List<String> jvmOptions, JsonObject json) {
  /** {@code gcs://<name>}: a package uploaded with {@code PUT /api/packages/gcs/<name>}. */
  public static final Pattern PACKAGE_URI = Pattern.compile("gcs://(" + Packages.NAME.pattern() + ")");
  private static final Set<String> FIELDS = Set.of("working_dir", "java_jars", "env_vars", "jvm_options");

  public RuntimeEnv {
    javaJars = List.copyOf(javaJars);
    envVars = Map.copyOf(envVars);
    jvmOptions = List.copyOf(jvmOptions);
  }

  static final RuntimeEnv NONE = new RuntimeEnv(null, List.of(), Map.of(), List.of(), new JsonObject());

  static RuntimeEnv parse(JsonFields env) {
    if (env == null) {
      return NONE;
    }
    env.onlyKnown(FIELDS, ": a Java job's runtime_env has working_dir, java_jars, env_vars and jvm_options");
    String workingDir = env.string("working_dir");
    if (workingDir != null) {
      checkLocation("runtime_env.working_dir", workingDir, "zip");
    }
    List<String> jars = env.strings("java_jars");
    for (String jar : jars) {
      checkLocation("runtime_env.java_jars", jar, "jar");
    }
    List<String> jvmOptions = env.strings("jvm_options");
    for (String option : jvmOptions) {
      // JAVA_TOOL_OPTIONS splits on white space
      if (option.isBlank() || option.chars().anyMatch(Character::isWhitespace)) {
        throw ApiError.badField("runtime_env.jvm_options", "field 'runtime_env.jvm_options': '"
            + option + "' is empty or holds white space; give one JVM option per item");
      }
    }
    return new RuntimeEnv(workingDir, jars, env.stringMap("env_vars"), jvmOptions, env.raw().copy());
  }

  /** The ids of the GCS packages this environment names (its working_dir and java_jars). */
  List<String> packageIds() {
    List<String> ids = new ArrayList<>();
    Stream.concat(Stream.ofNullable(workingDir), javaJars.stream())
        .map(RuntimeEnv::packageId).filter(java.util.Objects::nonNull).forEach(ids::add);
    return ids;
  }

  /** The id in the GCS of the package {@code location} names, or null if it names none. */
  public static String packageId(String location) {
    Matcher m = PACKAGE_URI.matcher(location);
    return m.matches() ? Packages.idOf(m.group(1)) : null;
  }

  private static void checkLocation(String field, String value, String packageKind) {
    if (value.startsWith("gcs://")) {
      if (!PACKAGE_URI.matcher(value).matches()) {
        throw ApiError.badField(field, "field '" + field + "': '" + value + "' is not a package"
            + " URI gcs://<name>." + packageKind + " (a name of at most 200 of A-Z a-z 0-9 _ . -;"
            + " upload it with PUT /api/packages/gcs/<name>." + packageKind + ")");
      }
    } else if (!value.startsWith("/")) {
      throw ApiError.badField(field, "field '" + field + "': '" + value + "' is neither a"
          + " gcs://<name>." + packageKind + " package nor an absolute path on the head");
    }
  }
}
