package dev.jray.jobs.internals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/** Typed reads of a request's JSON fields; a missing or null field is absent, a wrong type a 400 naming it. */
final class JsonFields {
  private final JsonObject json;
  /** The field's name as the client sees it, e.g. {@code runtime_env.env_vars}. */
  private final String prefix;

  JsonFields(JsonObject json, String prefix) {
    this.json = json;
    this.prefix = prefix;
  }

  /** Refuses a field not in {@code known}, unless it is null (Ray drops null-valued keys first). */
  void onlyKnown(Set<String> known, String hint) {
    for (String name : json.fieldNames()) {
      if (!known.contains(name) && json.getValue(name) != null) {
        throw ApiError.badField(prefix + name, "unknown field '" + prefix + name + "'" + hint);
      }
    }
  }

  String string(String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw wrongType(name, "a string", v);
    }
    return s;
  }

  Double number(String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n)) {
      throw wrongType(name, "a number", v);
    }
    double d = n.doubleValue();
    if (!(d >= 0) || Double.isInfinite(d)) {
      throw ApiError.badField(prefix + name, "field '" + prefix + name + "' must be a finite number >= 0, got " + v);
    }
    return d;
  }

  Long integer(String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Integer || v instanceof Long)) {
      throw wrongType(name, "an integer", v);
    }
    return ((Number) v).longValue();
  }

  JsonFields object(String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw wrongType(name, "an object", v);
    }
    return new JsonFields(o, prefix + name + ".");
  }

  JsonObject raw() {
    return json;
  }

  /** An object whose values are all strings. */
  Map<String, String> stringMap(String name) {
    return map(name, JsonFields::string);
  }

  /** An object whose values are all numbers. */
  Map<String, Double> numberMap(String name) {
    return map(name, JsonFields::number);
  }

  private <T> Map<String, T> map(String name, BiFunction<JsonFields, String, T> readValue) {
    JsonFields o = object(name);
    Map<String, T> map = new LinkedHashMap<>();
    if (o != null) {
      for (String key : o.json.fieldNames()) {
        map.put(key, readValue.apply(o, key));
      }
    }
    return map;
  }

  /** A list of strings. */
  List<String> strings(String name) {
    Object v = json.getValue(name);
    List<String> list = new ArrayList<>();
    if (v == null) {
      return list;
    }
    if (!(v instanceof JsonArray a)) {
      throw wrongType(name, "a list of strings", v);
    }
    for (Object item : a) {
      if (!(item instanceof String s)) {
        throw wrongType(name, "a list of strings", v);
      }
      list.add(s);
    }
    return list;
  }

  private ApiError wrongType(String name, String expected, Object got) {
    String type = got instanceof String ? "a string" : got instanceof Number ? "a number"
        : got instanceof Boolean ? "a boolean" : got instanceof JsonArray ? "a list"
        : got instanceof JsonObject ? "an object" : got.getClass().getSimpleName();
    return ApiError.badField(prefix + name, "field '" + prefix + name + "' must be " + expected
        + ", got " + type);
  }
}
