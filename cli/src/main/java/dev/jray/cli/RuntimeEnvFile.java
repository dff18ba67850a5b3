package dev.jray.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/** Ray's {@code ray job submit --runtime-env FILE}: a YAML file (JSON is YAML too) of one mapping. */
final class RuntimeEnvFile {
  private RuntimeEnvFile() {}

  /** @throws IllegalArgumentException naming the file if it cannot be read or is not a mapping */
  static JsonObject read(Path file) {
    Object value;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      value = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("--runtime-env " + file + " cannot be read: " + e.getMessage());
    } catch (YAMLException e) {
      throw new IllegalArgumentException("--runtime-env " + file + " is not YAML: "
          + e.getMessage().strip().replaceAll("\\s*\\R\\s*", " "));
    }
    if (value == null) {
      return new JsonObject(); // an empty file: no runtime env, as Ray's yaml.safe_load gives None
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("--runtime-env " + file + " must hold a mapping"
          + " (working_dir, java_jars, env_vars, jvm_options)");
    }
    return (JsonObject) json(map);
  }

  /** YAML's maps and lists as JSON's objects and arrays (a key as its text). */
  private static Object json(Object yaml) {
    if (yaml instanceof Map<?, ?> map) {
      JsonObject object = new JsonObject();
      map.forEach((k, v) -> object.put(String.valueOf(k), json(v)));
      return object;
    }
    if (yaml instanceof List<?> list) {
      JsonArray array = new JsonArray();
      list.forEach(v -> array.add(json(v)));
      return array;
    }
    return yaml;
  }
}
