package dev.jray.jobs.internals;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.Gcs;
import dev.jray.node.NodeLogVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * Nodes' logs, in the shape of Ray's state API: {@code GET /api/v0/logs?node_id=ID} lists the
 * node's log file ({@code {"node": [name]}} in Ray's envelope), {@code GET
 * /api/v0/logs/file?node_id=ID[&filename=NAME][&lines=N]} answers its last {@code N} lines (1,000
 * by default, at most {@link #MAX_LINES}, from its last {@link NodeLogVerticle#MAX_TAIL_BYTES}) as
 * text. Without {@code node_id}, the head's. Each node's {@link NodeLogVerticle} reads its own
 * file; an unknown node is 404, a node without a log file or not answering within {@link
 * #TIMEOUT_MS} is 404 or 504 saying so.
 *
 * <p>Threading: handlers run on the HTTP verticle's event loop; the GCS lookup runs in {@code
 * blocking}, the read on the node.
 */
public final class NodeLogRoutes {
  static final int DEFAULT_LINES = 1000;
  static final int MAX_LINES = 10_000;
  static final long TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final Gcs gcs;
  private final String headNodeId;
  private final BiConsumer<RoutingContext, Throwable> fail;

  private NodeLogRoutes(Vertx vertx, Gcs gcs, String headNodeId,
      BiConsumer<RoutingContext, Throwable> fail) {
    this.vertx = vertx;
    this.gcs = gcs;
    this.headNodeId = headNodeId;
    this.fail = fail;
  }

  /** Mounts the routes; {@code fail} answers an {@link ApiError} with its status. */
  public static void mount(Router router, Vertx vertx, Gcs gcs, String headNodeId,
      BiConsumer<RoutingContext, Throwable> fail) {
    NodeLogRoutes routes = new NodeLogRoutes(vertx, gcs, headNodeId, fail);
    router.get("/api/v0/logs").handler(routes::list);
    router.get("/api/v0/logs/file").handler(routes::file);
  }

  private void list(RoutingContext ctx) {
    read(ctx, 0, tail -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("result", true).put("msg", "").put("data", new JsonObject()
            .put("result", new JsonObject().put("node", new JsonArray().add(tail.getString("file")))))
            .encode()));
  }

  private void file(RoutingContext ctx) {
    int lines;
    try {
      lines = lines(ctx.queryParams().get("lines"));
    } catch (ApiError e) {
      fail.accept(ctx, e);
      return;
    }
    String filename = ctx.queryParams().get("filename");
    read(ctx, NodeLogVerticle.MAX_TAIL_BYTES, tail -> {
      if (filename != null && !filename.equals(tail.getString("file"))) {
        fail.accept(ctx, ApiError.notFound("node " + nodeId(ctx) + " has no log file '" + filename
            + "' (its log is '" + tail.getString("file") + "')"));
        return;
      }
      byte[] data = tail.getBinary("data");
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end(lastLines(new String(data, StandardCharsets.UTF_8), lines,
              data.length < tail.getLong("size")));
    });
  }

  static int lines(String given) {
    if (given == null) {
      return DEFAULT_LINES;
    }
    try {
      int n = Integer.parseInt(given.strip());
      if (n >= 1 && n <= MAX_LINES) {
        return n;
      }
      if (n == -1) {
        return Integer.MAX_VALUE; // Ray's -1: the whole file (here: all of the tail read)
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.badField("lines", "lines must be a whole number from 1 to " + MAX_LINES
        + ", or -1 for the whole file, not '" + given + "'");
  }

  /** The last {@code n} lines of {@code text}; its first line dropped when it was {@code cut} (partial). */
  static String lastLines(String text, int n, boolean cut) {
    if (cut) {
      int first = text.indexOf('\n');
      text = first < 0 ? "" : text.substring(first + 1);
    }
    int pos = text.endsWith("\n") ? text.length() - 1 : text.length();
    for (int found = 1; ; found++) {
      int newline = text.lastIndexOf('\n', pos - 1);
      if (newline < 0) {
        return text;
      }
      if (found == n) {
        return text.substring(newline + 1);
      }
      pos = newline;
    }
  }

  private String nodeId(RoutingContext ctx) {
    String given = ctx.queryParams().get("node_id");
    return given == null || given.isBlank() ? headNodeId : given.strip();
  }

  /** Looks the node up, asks it for its log's last {@code maxBytes}, and hands the answer on. */
  private void read(RoutingContext ctx, int maxBytes, java.util.function.Consumer<JsonObject> then) {
    String node = nodeId(ctx);
    vertx.executeBlocking(() -> {
      UniqueId id;
      try {
        id = UniqueId.fromHexString(node);
      } catch (RuntimeException e) {
        throw ApiError.badField("node_id", "node_id must be a node's hex id, not '" + node + "'");
      }
      var record = gcs.nodes().get(id);
      if (record == null) {
        throw ApiError.notFound("no node with node_id '" + node + "'");
      }
      if (!record.alive()) {
        throw ApiError.notFound("node " + node + " is dead: its log is on its machine only");
      }
      return record;
    }, false).compose(r -> vertx.eventBus().<JsonObject>request(NodeLogVerticle.address(node),
        new JsonObject().put("max_bytes", maxBytes), new DeliveryOptions().setSendTimeout(TIMEOUT_MS)))
        .onSuccess(m -> then.accept(m.body()))
        .onFailure(e -> fail.accept(ctx, e instanceof ApiError api ? api : answerOf(node, e)));
  }

  private static Throwable answerOf(String node, Throwable e) {
    if (e instanceof ReplyException r) {
      return switch (r.failureType()) {
        case RECIPIENT_FAILURE -> ApiError.notFound(r.getMessage());
        case NO_HANDLERS -> ApiError.notFound("node " + node + " serves no logs (a driver, or a"
            + " node of an older jray)");
        case TIMEOUT -> ApiError.timeout("node " + node + " did not send its log within "
            + TIMEOUT_MS + " ms");
        default -> e;
      };
    }
    return e;
  }
}
