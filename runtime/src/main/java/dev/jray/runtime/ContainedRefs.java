package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the ids of ObjectRefs serialized inside a value on this thread, so their owner can
 * keep them alive as long as the value that contains them. Thread-confined: one collector per
 * thread, reused, so a value with no refs in it costs one thread-local read each way.
 */
final class ContainedRefs {
  private static final ThreadLocal<ContainedRefs> COLLECTOR = ThreadLocal.withInitial(ContainedRefs::new);

  private boolean collecting;
  /** Created on the first ref recorded. */
  private List<RefId> ids;

  private ContainedRefs() {}

  static void begin() {
    ContainedRefs c = COLLECTOR.get();
    c.collecting = true;
    c.ids = null;
  }

  /** @return the refs recorded since {@link #begin()} */
  static List<RefId> end() {
    ContainedRefs c = COLLECTOR.get();
    List<RefId> ids = c.ids;
    c.collecting = false;
    c.ids = null;
    return ids == null ? List.of() : ids;
  }

  static void record(ObjectId id, String owner) {
    ContainedRefs c = COLLECTOR.get();
    if (c.collecting) {
      if (c.ids == null) {
        c.ids = new ArrayList<>(2);
      }
      c.ids.add(new RefId(id, owner));
    }
  }
}
