package dev.jray.api.runtimeenv;

import dev.jray.api.Ray;
import dev.jray.api.exception.RuntimeEnvException;
import dev.jray.api.runtimeenv.types.RuntimeEnvName;

/**
 * What a job, task or actor needs around its code, as Ray's runtime environment: fields by name
 * ({@link RuntimeEnvName}: {@code env_vars}, {@code java_jars}; {@code jvm_options} too), each a
 * JSON value, and a {@link RuntimeEnvConfig}. Mutable: set fields, then pass it to {@code
 * setRuntimeEnv}. Built with {@link Builder}; not thread-safe.
 */
public interface RuntimeEnv {

  /**
   * Sets a field to a value: a string, number, boolean, a map, a list or an array of them.
   *
   * @throws RuntimeEnvException naming the field if the value is not of that kind, or not of the
   *     shape a known field needs (env_vars: a map of strings; java_jars: strings)
   */
  void set(String name, Object value) throws RuntimeEnvException;

  /** Sets a field from its JSON text. @throws RuntimeEnvException if the text is not JSON */
  void setJsonStr(String name, String jsonStr) throws RuntimeEnvException;

  /**
   * A field as {@code classOfT} (String, a boxed primitive, Map, List, a String or primitive
   * array); null if it is not set.
   *
   * @throws RuntimeEnvException if the field cannot be read as that type
   */
  <T> T get(String name, Class<T> classOfT) throws RuntimeEnvException;

  /** A field's JSON text, or null if it is not set. */
  String getJsonStr(String name) throws RuntimeEnvException;

  boolean contains(String name);

  /** @return whether the field was set */
  boolean remove(String name) throws RuntimeEnvException;

  /** Every field, as one JSON object's text. */
  String serialize() throws RuntimeEnvException;

  boolean isEmpty();

  /** The fields and the config, as Ray's runtime env info JSON. */
  String serializeToRuntimeEnvInfo() throws RuntimeEnvException;

  /**
   * The runtime env {@link #serialize()} wrote.
   *
   * @throws RuntimeEnvException if the text is not a JSON object of valid fields
   */
  static RuntimeEnv deserialize(String serializedRuntimeEnv) throws RuntimeEnvException {
    return Ray.internal().deserializeRuntimeEnv(serializedRuntimeEnv);
  }

  void setConfig(RuntimeEnvConfig runtimeEnvConfig);

  /** The config set, or null. */
  RuntimeEnvConfig getConfig();

  /** Makes an empty runtime env. */
  class Builder {
    public RuntimeEnv build() {
      return Ray.internal().createRuntimeEnv();
    }
  }
}
