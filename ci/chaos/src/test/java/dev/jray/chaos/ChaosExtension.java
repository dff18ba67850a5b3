package dev.jray.chaos;

import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A fresh {@link ChaosCluster} for each scenario (a scenario breaks its cluster):
 * {@code @RegisterExtension final ChaosExtension chaos = new ChaosExtension(c -> ...)}. Starts it
 * before the test, prints the tails of its logs when the test (or the start) fails, and ends
 * every process it started after the test, whatever happened.
 */
public final class ChaosExtension implements BeforeEachCallback, AfterEachCallback, TestWatcher {
  private final Consumer<ChaosCluster> setup;
  private ChaosCluster cluster;

  public ChaosExtension(Consumer<ChaosCluster> setup) {
    this.setup = setup;
  }

  public ChaosCluster get() {
    if (cluster == null) {
      throw new IllegalStateException("the chaos cluster is not started");
    }
    return cluster;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    cluster = new ChaosCluster(context.getRequiredTestClass().getSimpleName() + "-"
        + context.getRequiredTestMethod().getName());
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
  public void afterEach(ExtensionContext context) {
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
}
