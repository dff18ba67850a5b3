package dev.jray.runtime;

import dev.jray.api.id.UniqueId;
import dev.jray.task.ObjectValue;
import dev.jray.task.TaskArg;
import dev.jray.task.TaskSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lineage this worker keeps as an owner, as Ray's: the specs of the tasks whose results it
 * owns and whose only copy is in another node's store (only those can be lost while the owner
 * lives), so that such a result can be made again when that node dies. Within a budget of spec
 * bytes ({@code -Djray.lineage.max-bytes}, 1 GiB by default, as {@code RAY_max_lineage_bytes}):
 * beyond it the oldest lineage is evicted, and those objects become unreconstructable. Lineage
 * goes with its object's last reference. The spec kept is the one the task ran with: no copy.
 *
 * <p>Threading: thread-safe; every method takes this object's lock, briefly, and never another
 * lock under it (the caller marks evicted entries under their own locks afterwards).
 */
final class Lineage {
  /** The system property that sets the budget, in bytes. */
  static final String MAX_BYTES_PROPERTY = "jray.lineage.max-bytes";
  static final long DEFAULT_MAX_BYTES = 1L << 30;
  /** Why an actor call's result lost with its node is not made again (as in Ray). */
  static final String ACTOR_RESULT = "it was returned by an actor call, and actor calls are not "
      + "run again to rebuild a lost result";
  /** What a spec costs beside its inline arguments: ids, names, resources, the record itself. */
  private static final int SPEC_OVERHEAD_BYTES = 256;

  private final long maxBytes;
  /** Entries with lineage, oldest first, with the bytes each spec counts; guarded by this. */
  private final LinkedHashMap<OwnedObject, Integer> kept = new LinkedHashMap<>();
  /** The sum of {@link #kept}'s values; guarded by this. */
  private long bytes;

  Lineage(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("the lineage budget must be >= 0 bytes, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /**
   * The budget from {@code -Djray.lineage.max-bytes} (a number of bytes, 0 keeps none), or the
   * default when it is not set.
   *
   * @throws IllegalArgumentException naming the property if its value is not such a number
   */
  static long maxBytes(String property) {
    if (property == null || property.isBlank()) {
      return DEFAULT_MAX_BYTES;
    }
    try {
      long value = Long.parseLong(property.strip());
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // the one error below names the property
    }
    throw new IllegalArgumentException("-D" + MAX_BYTES_PROPERTY + "=" + property
        + " is not a number of bytes (0 or more)");
  }

  long maxBytes() {
    return maxBytes;
  }

  /** The bytes of lineage kept now. */
  synchronized long bytes() {
    return bytes;
  }

  /** How many objects have lineage kept now. */
  synchronized int size() {
    return kept.size();
  }

  /**
   * Keeps {@code spec} as the lineage of {@code entry} (replacing what it had, if it was rebuilt);
   * returns the entries whose lineage was evicted to stay within the budget (oldest first; may
   * include {@code entry} itself if its spec alone is over it).
   */
  synchronized List<OwnedObject> keep(OwnedObject entry, TaskSpec spec) {
    int size = sizeOf(spec);
    Integer before = kept.remove(entry);
    if (before != null) {
      bytes -= before;
    }
    kept.put(entry, size);
    bytes += size;
    if (bytes <= maxBytes) {
      return List.of();
    }
    List<OwnedObject> evicted = new ArrayList<>();
    var oldest = kept.entrySet().iterator();
    while (bytes > maxBytes && oldest.hasNext()) {
      Map.Entry<OwnedObject, Integer> e = oldest.next();
      oldest.remove();
      bytes -= e.getValue();
      evicted.add(e.getKey());
    }
    return evicted;
  }

  /** The object of {@code entry} was freed (or its lineage evicted): its spec goes. */
  synchronized void forget(OwnedObject entry) {
    Integer size = kept.remove(entry);
    if (size != null) {
      bytes -= size;
    }
  }

  /** The entries with lineage now, oldest first. */
  synchronized List<OwnedObject> entries() {
    return new ArrayList<>(kept.keySet());
  }

  /** What a spec counts against the budget: its inline arguments, and a fixed overhead. */
  static int sizeOf(TaskSpec spec) {
    long size = SPEC_OVERHEAD_BYTES;
    for (TaskArg arg : spec.args()) {
      if (arg.value() != null && arg.value().isInline()) {
        size += arg.value().data().length;
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, size);
  }

  /**
   * What an owner keeps to rebuild a value it got: the spec that made it, or why it cannot be made
   * again (an actor call's result, as in Ray); null for a value that cannot be lost while its owner
   * lives (inline, an error, or in the owner's own store).
   */
  static Object of(ObjectValue value, TaskSpec madeBy, UniqueId ownerNode) {
    if (value.isInline() || value.error() || ownerNode.equals(value.storeNode())) {
      return null;
    }
    return madeBy != null ? madeBy : ACTOR_RESULT;
  }

  /** Why an object with {@code lineage} (as {@link #of} gave it) cannot be made again; null if it can. */
  static String whyNotRerun(Object lineage) {
    if (lineage instanceof TaskSpec spec) {
      return spec.maxRetries() < 0 || spec.attempt() < spec.maxRetries() ? null
          : "the task that made it, " + spec + ", ran " + (spec.attempt() + 1)
              + " time(s) and its maxRetries (" + spec.maxRetries() + ") are used up";
    }
    return lineage instanceof String reason ? reason : "its owner kept no lineage for it";
  }

  /** Why an object whose lineage was evicted cannot be rebuilt. */
  String evictedReason() {
    return "its lineage was evicted: its owner keeps at most " + maxBytes
        + " bytes of task specs (-D" + MAX_BYTES_PROPERTY + ")";
  }
}
