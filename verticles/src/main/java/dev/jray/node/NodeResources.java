package dev.jray.node;

import dev.jray.resources.ResourceSet;
import dev.jray.store.StoreCapacity;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node's resources: detected (CPU = cores, GPUs as {@code nvidia-smi} lists them when it is
 * on the PATH, memory, object store = 30% of RAM) and overridden
 * by {@code jray.num-cpus}, {@code jray.num-gpus}, {@code jray.memory},
 * {@code jray.object-store-memory} and {@code jray.resources} (a JSON object, e.g. {"GPU":1}).
 */
public final class NodeResources {
  private NodeResources() {}

  /** @throws IllegalArgumentException naming the property whose value is invalid */
  public static Map<String, Double> fromSystemProperties() {
    Map<String, Double> r = new HashMap<>();
    r.put(ResourceSet.CPU, number("jray.num-cpus", Runtime.getRuntime().availableProcessors()));
    double gpus = System.getProperty("jray.num-gpus") != null ? number("jray.num-gpus", 0)
        : detectedGpus();
    if (gpus > 0) {
      r.put(ResourceSet.GPU, gpus);
    }
    long objectStore = StoreCapacity.defaultCapacity();
    r.put(ResourceSet.OBJECT_STORE_MEMORY, (double) objectStore);
    r.put(ResourceSet.MEMORY, number("jray.memory", Math.max(0, physicalMemory() * 0.7 - objectStore)));
    String custom = System.getProperty("jray.resources");
    if (custom != null && !custom.isBlank()) {
      r.putAll(parse(custom, "jray.resources"));
    }
    r.forEach((k, v) -> {
      if (v < 0) {
        throw new IllegalArgumentException("resource " + k + " must be >= 0, got " + v);
      }
    });
    r.values().removeIf(v -> v == 0);
    return r;
  }

  /**
   * Parses a JSON object of resource amounts, e.g. {"GPU":1,"A":2}.
   *
   * @throws IllegalArgumentException naming {@code what}, and the resource if one amount is not a
   *     finite number of at least 0
   */
  public static Map<String, Double> parse(String json, String what) {
    JsonObject o;
    try {
      o = new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      // not JSON, or JSON that is not an object (an array, a number)
      throw new IllegalArgumentException(what + " must be a JSON object like {\"GPU\":1}, got "
          + json, e);
    }
    Map<String, Double> r = new HashMap<>();
    for (String k : o.fieldNames()) {
      Object v = o.getValue(k);
      if (!(v instanceof Number n)) {
        throw new IllegalArgumentException(what + ": resource " + k + " must be a number, got " + v);
      }
      double amount = n.doubleValue();
      if (!Double.isFinite(amount) || amount < 0) {
        throw new IllegalArgumentException(what + ": resource " + k
            + " must be a finite number >= 0, got " + v);
      }
      r.put(k, amount);
    }
    return r;
  }

  private static double number(String property, double fallback) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    double value;
    try {
      value = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(property + " must be a number, got '" + v + "'", e);
    }
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException(property + " must be a finite number >= 0, got '" + v
          + "'");
    }
    return value;
  }

  /** The GPUs {@code nvidia-smi} lists; 0 when it is not on the PATH, fails or takes over 5 s. */
  static int detectedGpus() {
    String path = System.getenv("PATH");
    boolean present = path != null && Arrays.stream(path.split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, "nvidia-smi")));
    if (!present) {
      return 0; // no process started on the usual machine without one
    }
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=index", "--format=csv,noheader")
          .redirectErrorStream(true).start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return 0;
      }
      String out = new String(p.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8);
      return p.exitValue() == 0 ? countGpus(out) : 0;
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** The GPUs in {@code nvidia-smi --query-gpu=index --format=csv,noheader}'s output: its index lines. */
  static int countGpus(String nvidiaSmiOutput) {
    return (int) nvidiaSmiOutput.lines().map(String::trim).filter(l -> l.matches("\\d+")).count();
  }

  private static double physicalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return Runtime.getRuntime().maxMemory();
  }
}
