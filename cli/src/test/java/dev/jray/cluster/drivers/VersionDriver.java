package dev.jray.cluster.drivers;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs tasks that call {@code Versioned.version()}, a class this driver's job brings on its code
 * search path (not on the driver's class path): each job must see its own version of it.
 */
public final class VersionDriver {
  private VersionDriver() {}

  /** Loads the job's own {@code Versioned} through the task's context class loader. */
  public static String version() throws Exception {
    Class<?> c = Class.forName("Versioned", true, Thread.currentThread().getContextClassLoader());
    return c.getMethod("version").invoke(null) + "@"
        + Ray.getRuntimeContext().getCurrentNodeId().toHex();
  }

  public static void main(String[] args) {
    Driver.run("versions", () -> {
      List<ObjectRef<String>> refs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        refs.add(Ray.task(VersionDriver::version).setResource("GPUX", 0.1).remote());
      }
      List<String> seen = Ray.get(refs);
      Driver.result("versions", String.join(",", seen.stream().map(s -> s.split("@")[0]).distinct().toList()));
      Driver.result("nodes", String.join(",", seen.stream().map(s -> s.split("@")[1]).distinct().toList()));
    });
  }
}
