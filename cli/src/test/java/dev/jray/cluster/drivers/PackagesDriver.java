package dev.jray.cluster.drivers;

import dev.jray.api.Ray;

/**
 * {@code PackagesDriver}: runs one task on a node with resource {@code W}, which loads this
 * driver's code from its package cache, and prints {@code RESULT cached=<the jars there>}.
 */
public final class PackagesDriver {
  public static void main(String[] args) {
    Driver.run("PackagesDriver", () -> {
      String cached = Ray.get(Ray.task(Fns::cachedPackages).setResource("W", 1.0).remote(), 120_000);
      Driver.result("cached", cached);
    });
  }
}
