package dev.jray.cluster;

import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One {@link LocalCluster} for a test class: {@code @RegisterExtension static ClusterExtension
 * cluster = new ClusterExtension("name", c -> { c.startHead(...); ... });}. Starts it before the
 * first test, prints the tails of its logs when a test (or the start) fails, and stops every
 * process it started after the last test, whatever happened.
 */
public final class ClusterExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {
  private final String name;
  private final Consumer<LocalCluster> setup;
  private LocalCluster cluster;

  public ClusterExtension(String name, Consumer<LocalCluster> setup) {
    this.name = name;
    this.setup = setup;
  }

  public LocalCluster get() {
    if (cluster == null) {
      throw new IllegalStateException("cluster " + name + " is not started");
    }
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = new LocalCluster(name);
    long start = System.nanoTime();
    try {
      setup.accept(cluster);
    } catch (RuntimeException | Error e) {
      cluster.dumpLogs("the cluster failed to start: " + e);
      throw e;
    }
    cluster.log("cluster up in " + (System.nanoTime() - start) / 1_000_000 + " ms");
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    if (cluster != null) {
      cluster.dumpLogs(context.getDisplayName() + " failed: " + cause);
    }
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    if (cluster != null) {
      cluster.log(context.getDisplayName() + " aborted: " + cause);
    }
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {}
}
