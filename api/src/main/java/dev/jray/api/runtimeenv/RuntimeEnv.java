package dev.jray.api.runtimeenv;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a task or actor's process needs beyond the job's own: environment variables, extra jars,
 * JVM options. Keys follow Ray's ({@code env_vars}, {@code jars}, {@code jvm_options}).
 */
public final class RuntimeEnv implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String ENV_VARS = "env_vars";
  public static final String JARS = "jars";
  public static final String JVM_OPTIONS = "jvm_options";

  private final Map<String, Object> fields;

  private RuntimeEnv(Map<String, Object> fields) {
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  public Object get(String key) {
    return fields.get(key);
  }

  @SuppressWarnings("unchecked")
  public Map<String, String> getEnvVars() {
    return (Map<String, String>) fields.getOrDefault(ENV_VARS, Map.of());
  }

  @SuppressWarnings("unchecked")
  public List<String> getJars() {
    return (List<String>) fields.getOrDefault(JARS, List.of());
  }

  @SuppressWarnings("unchecked")
  public List<String> getJvmOptions() {
    return (List<String>) fields.getOrDefault(JVM_OPTIONS, List.of());
  }

  public boolean isEmpty() {
    return fields.isEmpty();
  }

  public Map<String, Object> asMap() {
    return fields;
  }

  @Override
  public String toString() {
    return "RuntimeEnv" + fields;
  }

  public static final class Builder {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    public Builder setEnvVars(Map<String, String> envVars) {
      fields.put(ENV_VARS, Map.copyOf(envVars));
      return this;
    }

    public Builder addJars(List<String> jars) {
      fields.put(JARS, List.copyOf(jars));
      return this;
    }

    public Builder setJvmOptions(List<String> options) {
      fields.put(JVM_OPTIONS, List.copyOf(options));
      return this;
    }

    /** Any other field; the value must be serializable. */
    public Builder set(String key, Object value) {
      if (key == null || key.isEmpty()) {
        throw new IllegalArgumentException("runtime env key must not be empty");
      }
      fields.put(key, value);
      return this;
    }

    public RuntimeEnv build() {
      return new RuntimeEnv(fields);
    }
  }
}
