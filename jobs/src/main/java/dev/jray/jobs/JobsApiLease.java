package dev.jray.jobs;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which node serves the Jobs API: one record in the GCS's KV table, taken by the {@link
 * JobsHttpVerticle} that starts serving, so the cluster has one job supervisor at most. The node
 * holds it while it is a live member; once it is gone, the next node that starts the API (the
 * leader, or a member named for it: {@code jray start --jobs-api-standby}) takes it, with the job
 * queues and history retention the record carries, so the API comes back as it was.
 *
 * <p>Stateless; every call reads or writes the GCS, so blocks: never on an event loop.
 */
public final class JobsApiLease {
  static final String KEY = "jobs-api";

  private JobsApiLease() {}

  /**
   * A node serving the API, and how it serves jobs.
   *
   * @param nodeId the node's id (hex)
   * @param url where clients reach the API ({@code jray job --address})
   */
  public record Holder(String nodeId, String url, Map<String, QueueQuota> queues,
      HistoryRetention retention) {
    public Holder {
      queues = Map.copyOf(queues);
    }

    byte[] encode() {
      JsonObject q = new JsonObject();
      queues.forEach((name, quota) -> q.put(name, new JsonObject()
          .put("running", quota.maxRunning() == Integer.MAX_VALUE ? null : quota.maxRunning())
          .put("cpus", Double.isInfinite(quota.cpus()) ? null : quota.cpus())));
      return new JsonObject().put("node_id", nodeId).put("url", url).put("queues", q)
          .put("retention_ms", retention.maxAge().toMillis())
          .put("retention_jobs", retention.maxJobs())
          .encode().getBytes(StandardCharsets.UTF_8);
    }

    static Holder decode(byte[] bytes) {
      JsonObject j = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
      Map<String, QueueQuota> queues = new LinkedHashMap<>();
      JsonObject q = j.getJsonObject("queues", new JsonObject());
      for (String name : q.fieldNames()) {
        JsonObject quota = q.getJsonObject(name);
        Integer running = quota.getInteger("running");
        Double cpus = quota.getDouble("cpus");
        queues.put(name, new QueueQuota(running == null ? Integer.MAX_VALUE : running,
            cpus == null ? Double.POSITIVE_INFINITY : cpus));
      }
      return new Holder(j.getString("node_id"), j.getString("url"), queues, new HistoryRetention(
          Duration.ofMillis(j.getLong("retention_ms")), j.getInteger("retention_jobs")));
    }
  }

  /**
   * The record of the node that serves the API, or of the last one that did if it is gone;
   * null if none ever served in this cluster.
   */
  public static Holder last(Gcs gcs) {
    byte[] record = gcs.kv().get(KEY);
    return record == null ? null : Holder.decode(record);
  }

  /** The node that serves the API now; null if none does (none did, or it is gone). */
  public static Holder serving(Gcs gcs) {
    Holder h = last(gcs);
    return h != null && alive(gcs, h.nodeId()) ? h : null;
  }

  /**
   * Takes the record for {@code me}, unless another live node holds it.
   *
   * @return null if {@code me} holds it now; else the live node that does
   */
  static Holder acquire(Gcs gcs, Holder me) {
    byte[] mine = me.encode();
    if (gcs.kv().putIfAbsent(KEY, mine) == null) {
      return null;
    }
    byte[] after = gcs.kv().update(KEY, current -> {
      String holder = Holder.decode(current).nodeId();
      return holder.equals(me.nodeId()) || !alive(gcs, holder) ? mine : current;
    });
    if (after == null) { // removed meanwhile: its holder stopped
      return gcs.kv().putIfAbsent(KEY, mine) == null ? null : acquire(gcs, me);
    }
    return Arrays.equals(after, mine) ? null : Holder.decode(after);
  }

  /** Gives the record up if {@code nodeId} holds it, so the next node need not wait for its death. */
  static void release(Gcs gcs, String nodeId) {
    gcs.kv().update(KEY, current -> Holder.decode(current).nodeId().equals(nodeId) ? null : current);
  }

  /** Whether node {@code nodeId} (hex) is a live member, as its GCS record says. */
  public static boolean alive(Gcs gcs, String nodeId) {
    try {
      NodeRecord r = gcs.nodes().get(UniqueId.fromHexString(nodeId));
      return r != null && r.alive();
    } catch (IllegalArgumentException notAnId) {
      return false;
    }
  }
}
