package dev.jray.runtime;

import dev.jray.api.runtimeenv.types.RuntimeEnvName;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What of a task's or actor's runtime env a JVM must be started with: JVM options, jars on its
 * class path, environment variables. Work whose env has none of them can run on a thread; work
 * whose env has any runs in a worker process started with them, and processes are reused only by
 * work of the same env (as Ray keys its workers by runtime env).
 *
 * @param envVars sorted by name, so equal envs compare equal
 */
public record ProcessEnv(List<String> jvmOptions, List<String> jars, Map<String, String> envVars) {
  /** The env of work that names none of these. */
  public static final ProcessEnv DEFAULT = new ProcessEnv(List.of(), List.of(), Map.of());

  public ProcessEnv {
    jvmOptions = List.copyOf(jvmOptions);
    jars = List.copyOf(jars);
    envVars = java.util.Collections.unmodifiableMap(new TreeMap<>(envVars));
  }

  /** The process env of a serialized runtime env (null: none); fields it does not know are left. */
  public static ProcessEnv of(String serializedRuntimeEnv) {
    if (serializedRuntimeEnv == null || serializedRuntimeEnv.isEmpty()) {
      return DEFAULT;
    }
    JsonObject env = new JsonObject(serializedRuntimeEnv); // checked when it was set
    List<String> options = strings(env.getValue(RuntimeEnvName.JVM_OPTIONS));
    List<String> jars = strings(env.getValue(RuntimeEnvName.JARS));
    Map<String, String> vars = new TreeMap<>();
    if (env.getValue(RuntimeEnvName.ENV_VARS) instanceof JsonObject o) {
      o.forEach(e -> vars.put(e.getKey(), String.valueOf(e.getValue())));
    }
    if (options.isEmpty() && jars.isEmpty() && vars.isEmpty()) {
      return DEFAULT;
    }
    return new ProcessEnv(options, jars, vars);
  }

  /** Whether work of this env can run on a thread of the node's JVM. */
  public boolean isDefault() {
    return jvmOptions.isEmpty() && jars.isEmpty() && envVars.isEmpty();
  }

  /**
   * {@code serializedRuntimeEnv} with {@code jvmOptions} added to its {@code jvm_options} (an
   * actor's {@code setJvmOptions}); unchanged when there are none.
   */
  static String withJvmOptions(String serializedRuntimeEnv, List<String> jvmOptions) {
    if (jvmOptions == null || jvmOptions.isEmpty()) {
      return serializedRuntimeEnv;
    }
    JsonObject env = serializedRuntimeEnv == null ? new JsonObject()
        : new JsonObject(serializedRuntimeEnv);
    JsonArray all = new JsonArray();
    strings(env.getValue(RuntimeEnvName.JVM_OPTIONS)).forEach(all::add);
    for (String option : jvmOptions) {
      // Ray's Java takes "-Dx=1 -Xmx256m" as one item as well as one option per item
      for (String part : option.trim().split("\\s+")) {
        if (!part.isEmpty()) {
          all.add(part);
        }
      }
    }
    return env.put(RuntimeEnvName.JVM_OPTIONS, all).encode();
  }

  private static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof JsonArray a) {
      a.forEach(v -> out.add(String.valueOf(v)));
    } else if (value instanceof String s && !s.isBlank()) {
      for (String part : s.trim().split("\\s+")) {
        out.add(part);
      }
    }
    return out;
  }
}
