package dev.jray.scheduler;

import dev.jray.resources.ResourceSet;
import dev.jray.api.id.UniqueId;
import dev.jray.scheduler.SchedulerMessages.ResourceReport;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What one node knows of the others' resources: the latest {@link ResourceReport} of each,
 * received by event-bus publish (never read from the GCS). A node silent for longer than the
 * expiry is left out, so a dead node stops receiving work even before membership says so.
 * Thread-safe.
 */
public final class ClusterView {
  /** {@code queued}: the node's queue as reported, plus what this node sent it since. */
  private record Entry(ResourceReport report, ResourceSet total, ResourceSet available, int queued,
      long atMs) {}

  private final ConcurrentHashMap<UniqueId, Entry> nodes = new ConcurrentHashMap<>();
  /**
   * Nodes removed because they died: a node id is one incarnation, so what such a node still
   * reports (it ran on through a pause the cluster declared it dead in) is ignored.
   */
  private final Set<UniqueId> dead = ConcurrentHashMap.newKeySet();
  private final LongSupplier clockMs;
  private final long expiryMs;

  /** @param clockMs the time in ms (injected so tests need not sleep) */
  public ClusterView(LongSupplier clockMs, long expiryMs) {
    this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
    this.expiryMs = expiryMs;
  }

  public void update(ResourceReport report) {
    if (dead.contains(report.nodeId())) {
      return;
    }
    nodes.put(report.nodeId(), new Entry(report, ResourceSet.of(report.total()),
        ResourceSet.of(report.available()), report.queued(), clockMs.getAsLong()));
  }

  /** The node died: it is left out for good, whatever it still reports. */
  public void remove(UniqueId nodeId) {
    dead.add(nodeId);
    nodes.remove(nodeId);
  }

  /** Whether a live report of this node is in the view. */
  public boolean knows(UniqueId nodeId) {
    Entry e = nodes.get(nodeId);
    return e != null && clockMs.getAsLong() - e.atMs() <= expiryMs;
  }

  /** Live reports (not expired), for status. */
  public Collection<ResourceReport> reports() {
    long now = clockMs.getAsLong();
    return nodes.values().stream().filter(e -> now - e.atMs() <= expiryMs).map(Entry::report).toList();
  }

  /**
   * The live node, other than {@code self}, that can start {@code shape} now and has the most
   * room left after it; its view is debited so that a burst of tasks spreads out.
   */
  public Optional<UniqueId> reserveRoom(ResourceSet shape, UniqueId self) {
    return pick(shape, self, true);
  }

  /**
   * The live node, other than {@code self}, whose totals fit {@code shape} and whose queue is
   * shortest (it may be busy); the task is counted in its queue, so a burst spreads out.
   */
  public Optional<UniqueId> feasible(ResourceSet shape, UniqueId self) {
    return pick(shape, self, false);
  }

  private synchronized Optional<UniqueId> pick(ResourceSet shape, UniqueId self, boolean needRoom) {
    long now = clockMs.getAsLong();
    UniqueId best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (Map.Entry<UniqueId, Entry> e : nodes.entrySet()) {
      Entry n = e.getValue();
      if (e.getKey().equals(self) || now - n.atMs() > expiryMs || !shape.fitsIn(n.total())) {
        continue;
      }
      if (needRoom && !shape.fitsIn(n.available())) {
        continue;
      }
      double score = n.available().get(ResourceSet.CPU) - n.queued();
      if (score > bestScore) {
        bestScore = score;
        best = e.getKey();
      }
    }
    if (best != null) {
      Entry n = nodes.get(best);
      nodes.put(best, needRoom
          ? new Entry(n.report(), n.total(), n.available().minus(shape), n.queued(), n.atMs())
          : new Entry(n.report(), n.total(), n.available(), n.queued() + 1, n.atMs()));
    }
    return Optional.ofNullable(best);
  }
}
