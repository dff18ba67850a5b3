package dev.jray.autoscaler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which nodes to remove, as Ray's autoscaler: workers idle for {@code idle_timeout_minutes}, the
 * longest idle first, as long as their type keeps its {@code min_workers}. A node is idle while it
 * runs nothing and holds nothing the cluster still needs: objects still referenced, placement
 * bundles, actors. The head, and nodes no node type describes (started by hand), are never
 * removed.
 *
 * <p>Stateless and pure: the caller says since when each node has been idle, on its own clock.
 */
public final class IdleNodes {
  private IdleNodes() {}

  /**
   * A worker node as the autoscaler sees it.
   *
   * @param idleSinceMs since when it has been idle (the caller's clock); negative while busy or
   *     holding objects, bundles or actors
   */
  public record Activity(String id, String type, boolean head, long idleSinceMs) {
    public Activity {
      Objects.requireNonNull(id, "id");
    }

    boolean idle() {
      return idleSinceMs >= 0;
    }
  }

  /** The ids of the nodes to remove now ({@code nowMs} on the caller's clock). */
  public static List<String> toRemove(ClusterSpec spec, List<Activity> nodes, long nowMs) {
    Map<String, Integer> left = new HashMap<>();
    for (Activity a : nodes) {
      if (!a.head() && a.type() != null) {
        left.merge(a.type(), 1, Integer::sum);
      }
    }
    long timeoutMs = spec.idleTimeout().toMillis();
    List<Activity> candidates = new ArrayList<>();
    for (Activity a : nodes) {
      if (!a.head() && a.type() != null && spec.nodeTypes().containsKey(a.type()) && a.idle()
          && nowMs - a.idleSinceMs() >= timeoutMs) {
        candidates.add(a);
      }
    }
    candidates.sort(Comparator.comparingLong(Activity::idleSinceMs));
    List<String> remove = new ArrayList<>();
    for (Activity a : candidates) {
      int min = spec.nodeTypes().get(a.type()).minWorkers();
      if (left.get(a.type()) > min) {
        left.merge(a.type(), -1, Integer::sum);
        remove.add(a.id());
      }
    }
    return remove;
  }
}
