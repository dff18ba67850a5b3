package dev.jray.runtime;

import dev.jray.api.id.UniqueId;
import dev.jray.store.ObjectStore;
import dev.jray.task.ObjectValue;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's objects as rows of Ray's state API ({@code ray list objects}, {@code ray memory}): one
 * per reference this node holds, with Ray's field names. The owner's rows count the object's refs
 * here and its borrowers ({@code LOCAL_REFERENCE}; {@code object_size} -1 and {@code task_status}
 * PENDING_NODE_ASSIGNMENT while the value is not there yet); the store's rows are the copies it
 * holds ({@code PINNED_IN_MEMORY}, Ray's reference types only), where each is in {@code location}:
 * {@code IN_MEMORY} or {@code SPILLED} for the primary copy, {@code CACHED_COPY} for a secondary
 * one. The head adds each node's {@code ip} and {@code type}.
 *
 * <p>Threading: stateless.
 */
final class ObjectRows {
  private ObjectRows() {}

  static List<JsonObject> of(List<ReferenceCounter.Listed> owned,
      List<ObjectStore.Listing> stored, UniqueId node, long pid) {
    List<JsonObject> rows = new ArrayList<>();
    for (ReferenceCounter.Listed o : owned) {
      ObjectValue v = o.value();
      rows.add(row(o.id().toHex(), node, pid)
          .put("object_size", v == null ? -1L : v.isInline() ? (long) v.data().length : v.size())
          .put("task_status", v == null ? "PENDING_NODE_ASSIGNMENT" : v.error() ? "FAILED"
              : "FINISHED")
          .put("attempt_number", 0)
          .put("reference_type", "LOCAL_REFERENCE")
          .put("local_ref_count", o.refs())
          .put("num_borrower_nodes", o.borrowers())
          .put("location", v == null ? null : v.isInline() ? "INLINE" : "STORE")
          .put("store_node_id", v == null || v.isInline() ? null : v.storeNode().toHex()));
    }
    for (ObjectStore.Listing s : stored) {
      rows.add(row(s.id().toHex(), node, pid)
          .put("object_size", s.size())
          .put("task_status", "FINISHED")
          .put("attempt_number", 0)
          .put("reference_type", "PINNED_IN_MEMORY")
          .put("location", !s.primary() ? "CACHED_COPY" : s.spilled() ? "SPILLED" : "IN_MEMORY")
          .put("primary_copy", s.primary())
          .put("pins", s.pins()));
    }
    return rows;
  }

  private static JsonObject row(String id, UniqueId node, long pid) {
    return new JsonObject().put("object_id", id).put("node_id", node.toHex()).put("pid", pid)
        .put("call_site", "disabled");
  }
}
