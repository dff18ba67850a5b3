package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the ids of ObjectRefs serialized inside a value on this thread, so their owner can
 * keep them alive as long as the value that contains them. Thread-confined.
 */
final class ContainedRefs {
  private static final ThreadLocal<List<RefId>> COLLECTING = new ThreadLocal<>();

  private ContainedRefs() {}

  static void begin() {
    COLLECTING.set(new ArrayList<>(0));
  }

  /** @return the refs recorded since {@link #begin()} */
  static List<RefId> end() {
    List<RefId> ids = COLLECTING.get();
    COLLECTING.remove();
    return ids == null || ids.isEmpty() ? List.of() : ids;
  }

  static void record(ObjectId id, String owner) {
    List<RefId> ids = COLLECTING.get();
    if (ids != null) {
      ids.add(new RefId(id, owner));
    }
  }
}
