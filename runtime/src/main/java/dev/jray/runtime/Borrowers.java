package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The references other nodes hold on objects this worker owns, per holder node: the net of the
 * counts taken and given back on its behalf. When a holder dies, what it held is given back, as
 * Ray's owner does when a borrower dies; a holder known dead takes no more counts (a late
 * message from it is ignored).
 *
 * <p>Threading: thread-safe, never blocks. A concurrent map of concurrent maps; a count changed
 * while its holder's death is being taken may be lost with the holder, which is what its death
 * means anyway.
 */
final class Borrowers {
  /** Net counts by holder node, then object; zero counts are removed. */
  private final ConcurrentHashMap<UniqueId, ConcurrentHashMap<ObjectId, Integer>> held =
      new ConcurrentHashMap<>();
  /** Holders that died: their counts were given back. One id per dead node. */
  private final Set<UniqueId> dead = ConcurrentHashMap.newKeySet();

  /**
   * Notes a change of {@code holder}'s count on object {@code id}.
   *
   * @return false if the holder is dead: the change must be ignored
   */
  boolean change(UniqueId holder, ObjectId id, int delta) {
    if (dead.contains(holder)) {
      return false;
    }
    held.computeIfAbsent(holder, h -> new ConcurrentHashMap<>())
        .merge(id, delta, (a, b) -> a + b == 0 ? null : a + b);
    return true;
  }

  /**
   * The holder died: the counts it held (positive ones), by object, to give back. It takes no
   * more.
   */
  Map<ObjectId, Integer> holderDied(UniqueId holder) {
    dead.add(holder);
    ConcurrentHashMap<ObjectId, Integer> counts = held.remove(holder);
    if (counts == null) {
      return Map.of();
    }
    counts.values().removeIf(n -> n <= 0);
    return counts;
  }

  /** How many nodes hold counts on each borrowed object. */
  Map<ObjectId, Integer> holdersByObject() {
    Map<ObjectId, Integer> holders = new java.util.HashMap<>();
    held.values().forEach(counts -> counts.forEach((id, n) -> {
      if (n > 0) {
        holders.merge(id, 1, Integer::sum);
      }
    }));
    return holders;
  }

  /** How many objects {@code holder} holds counts on, for tests. */
  int heldBy(UniqueId holder) {
    Map<ObjectId, Integer> counts = held.get(holder);
    return counts == null ? 0 : counts.size();
  }
}
