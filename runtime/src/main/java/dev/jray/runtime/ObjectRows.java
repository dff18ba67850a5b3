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
 * here and its borrowers ({@code LOCAL_REFERENCE}); the store's rows are the copies it holds
 * ({@code PINNED_IN_MEMORY} for a primary copy in memory, {@code SPILLED} once on disk, {@code
 * CACHED_COPY} for a secondary copy). The head adds each node's {@code ip} and {@code type}.
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
          .put("object_size", v == null ? null : v.isInline() ? (long) v.data().length : v.size())
          .put("task_status", v == null ? "PENDING" : v.error() ? "FAILED" : "FINISHED")
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
          .put("reference_type", !s.primary() ? "CACHED_COPY" : s.spilled() ? "SPILLED"
              : "PINNED_IN_MEMORY")
          .put("location", s.spilled() ? "SPILLED" : "IN_MEMORY")
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
