package dev.jray.runtime;

import dev.jray.api.exception.RuntimeEnvException;
import dev.jray.api.runtimeenv.RuntimeEnv;
import dev.jray.api.runtimeenv.RuntimeEnvConfig;
import dev.jray.api.runtimeenv.types.RuntimeEnvName;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A runtime env's fields as one JSON object (what travels with a task, serialized), with its
 * config. Fields Ray and jray know ({@link RuntimeEnvName}) are checked when set. Not
 * thread-safe, as Ray's.
 */
final class RuntimeEnvImpl implements RuntimeEnv {
  private final JsonObject fields;
  private RuntimeEnvConfig config;

  RuntimeEnvImpl() {
    this(new JsonObject());
  }

  private RuntimeEnvImpl(JsonObject fields) {
    this.fields = fields;
  }

  /** What a task spec carries of a runtime env: null for none or an empty one. */
  static String serialized(RuntimeEnv env) {
    return env == null || env.isEmpty() ? null : env.serialize();
  }

  /**
   * The env a task or actor runs with, serialized: the one it was given ({@code own}) over the
   * one its submitter runs with ({@code inherited}: the job's default, or the parent task's or
   * actor's), as Ray's inheritance: a field given wins, but {@code env_vars} merge, a variable
   * given winning. Null for neither.
   */
  static String inherit(String inherited, String own) {
    if (inherited == null) {
      return own;
    }
    if (own == null) {
      return inherited;
    }
    JsonObject merged = new JsonObject(inherited);
    JsonObject mine = new JsonObject(own);
    for (String name : mine.fieldNames()) {
      Object value = mine.getValue(name);
      if (RuntimeEnvName.ENV_VARS.equals(name) && value instanceof JsonObject vars
          && merged.getValue(name) instanceof JsonObject parentVars) {
        merged.put(name, parentVars.copy().mergeIn(vars));
      } else {
        merged.put(name, value);
      }
    }
    return merged.encode();
  }

  /** @throws RuntimeEnvException if the text is not a JSON object of valid fields */
  static RuntimeEnvImpl deserialize(String serialized) {
    if (serialized == null || serialized.isBlank()) {
      return new RuntimeEnvImpl();
    }
    JsonObject parsed;
    try {
      parsed = new JsonObject(serialized);
    } catch (DecodeException | ClassCastException e) {
      throw new RuntimeEnvException("a serialized runtime env must be a JSON object: "
          + e.getMessage(), e);
    }
    RuntimeEnvImpl env = new RuntimeEnvImpl();
    parsed.forEach(f -> env.put(f.getKey(), f.getValue()));
    return env;
  }

  @Override
  public void set(String name, Object value) {
    put(name, toJson(name, value));
  }

  @Override
  public void setJsonStr(String name, String jsonStr) {
    Object value;
    try {
      value = Json.decodeValue(jsonStr);
    } catch (DecodeException | NullPointerException e) {
      throw new RuntimeEnvException("runtime env field '" + name + "': not JSON: " + jsonStr, e);
    }
    put(name, value);
  }

  private void put(String name, Object json) {
    if (name == null || name.isEmpty()) {
      throw new RuntimeEnvException("a runtime env field needs a name");
    }
    check(name, json);
    fields.put(name, json);
  }

  /** The shapes of the fields jray reads. */
  private static void check(String name, Object json) {
    switch (name) {
      case RuntimeEnvName.ENV_VARS -> {
        if (!(json instanceof JsonObject vars)
            || !vars.stream().allMatch(e -> e.getValue() instanceof String)) {
          throw new RuntimeEnvException("runtime env field '" + name + "' must be a map of"
              + " strings to strings, got " + json);
        }
      }
      case RuntimeEnvName.JARS, RuntimeEnvName.JVM_OPTIONS -> {
        if (!(json instanceof JsonArray list) || !list.stream().allMatch(v -> v instanceof String)) {
          throw new RuntimeEnvException("runtime env field '" + name + "' must be a list of"
              + " strings, got " + json);
        }
      }
      default -> { }
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(String name, Class<T> classOfT) {
    Object json = fields.getValue(name);
    if (json == null) {
      return null;
    }
    try {
      if (classOfT.isInstance(json)) {
        return (T) json;
      }
      if (classOfT == String.class) {
        return (T) Json.encode(json);
      }
      if (Map.class.isAssignableFrom(classOfT) && json instanceof JsonObject o) {
        return (T) o.getMap();
      }
      if (List.class.isAssignableFrom(classOfT) && json instanceof JsonArray a) {
        return (T) a.getList();
      }
      if (classOfT.isArray() && json instanceof JsonArray a) {
        Object array = Array.newInstance(classOfT.getComponentType(), a.size());
        for (int i = 0; i < a.size(); i++) {
          Array.set(array, i, scalar(a.getValue(i), boxed(classOfT.getComponentType())));
        }
        return (T) array;
      }
      return (T) scalar(json, boxed(classOfT));
    } catch (RuntimeException e) {
      throw new RuntimeEnvException("runtime env field '" + name + "' (" + Json.encode(json)
          + ") cannot be read as " + classOfT.getSimpleName(), e);
    }
  }

  private static Object scalar(Object json, Class<?> type) {
    if (type.isInstance(json)) {
      return json;
    }
    if (json instanceof Number n) {
      if (type == Integer.class) {
        return n.intValue();
      } else if (type == Long.class) {
        return n.longValue();
      } else if (type == Double.class) {
        return n.doubleValue();
      } else if (type == Float.class) {
        return n.floatValue();
      }
    }
    throw new ClassCastException(json.getClass().getSimpleName() + " is not " + type.getSimpleName());
  }

  private static Class<?> boxed(Class<?> c) {
    if (!c.isPrimitive()) {
      return c;
    }
    return c == int.class ? Integer.class : c == long.class ? Long.class
        : c == double.class ? Double.class : c == float.class ? Float.class
        : c == boolean.class ? Boolean.class : c;
  }

  @Override
  public String getJsonStr(String name) {
    Object json = fields.getValue(name);
    return json == null ? null : Json.encode(json);
  }

  @Override
  public boolean contains(String name) {
    return fields.containsKey(name);
  }

  @Override
  public boolean remove(String name) {
    return fields.remove(name) != null;
  }

  @Override
  public String serialize() {
    return fields.encode();
  }

  @Override
  public boolean isEmpty() {
    return fields.isEmpty();
  }

  @Override
  public String serializeToRuntimeEnvInfo() {
    JsonObject info = new JsonObject().put("serialized_runtime_env", serialize());
    if (config != null) {
      info.put("runtime_env_config", new JsonObject()
          .put("setup_timeout_seconds", config.getSetupTimeoutSeconds())
          .put("eager_install", config.getEagerInstall()));
    }
    return info.encode();
  }

  @Override
  public void setConfig(RuntimeEnvConfig runtimeEnvConfig) {
    this.config = runtimeEnvConfig;
  }

  @Override
  public RuntimeEnvConfig getConfig() {
    return config;
  }

  @Override
  public String toString() {
    return "RuntimeEnv" + fields.encode();
  }

  /** A value as JSON: scalars as they are, maps, collections and arrays converted. */
  private static Object toJson(String name, Object value) {
    if (value == null || value instanceof String || value instanceof Number
        || value instanceof Boolean || value instanceof JsonObject || value instanceof JsonArray) {
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      JsonObject o = new JsonObject();
      map.forEach((k, v) -> o.put(String.valueOf(k), toJson(name, v)));
      return o;
    }
    if (value instanceof Collection<?> c) {
      JsonArray a = new JsonArray();
      c.forEach(v -> a.add(toJson(name, v)));
      return a;
    }
    if (value.getClass().isArray()) {
      JsonArray a = new JsonArray();
      for (int i = 0; i < Array.getLength(value); i++) {
        a.add(toJson(name, Array.get(value, i)));
      }
      return a;
    }
    throw new RuntimeEnvException("runtime env field '" + name + "': a "
        + value.getClass().getName() + " is not a JSON value (strings, numbers, booleans, maps,"
        + " lists and arrays of them)");
  }
}
