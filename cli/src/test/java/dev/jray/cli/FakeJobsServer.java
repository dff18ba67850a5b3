package dev.jray.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for the head's Jobs REST API in this JVM (JDK HttpServer, no WebSocket), for the
 * client's tests: it records every request, keeps packages by name, and plays each job through
 * the statuses a test gives it, one step per {@code GET /api/jobs/{id}}.
 *
 * <p>Threading: handlers run on the server's one dispatcher thread; every method that touches
 * the state is synchronized.
 */
final class FakeJobsServer implements AutoCloseable {
  /** One request as the server saw it. */
  record Request(String method, String path, String authorization, byte[] body,
      Map<String, List<String>> headers) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new ArrayList<>(); // guarded by this
  private final Map<String, byte[]> packages = new LinkedHashMap<>(); // guarded by this
  private List<String> statuses = List.of("SUCCEEDED"); // guarded by this
  private String logs = ""; // guarded by this
  private String message; // guarded by this
  private int reads; // guarded by this
  private int submitStatus = 200; // guarded by this
  private String submitError = ""; // guarded by this

  FakeJobsServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/", this::handle);
    server.start();
  }

  String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The job's statuses, one per status read, the last repeated; its log and message. */
  synchronized void play(List<String> statuses, String logs, String message) {
    this.statuses = statuses;
    this.logs = logs;
    this.message = message;
    this.reads = 0;
  }

  /** Makes the next submissions fail with this status and JSON body. */
  synchronized void refuseSubmissions(int status, String body) {
    submitStatus = status;
    submitError = body;
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  synchronized Map<String, byte[]> packages() {
    return Map.copyOf(packages);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    int status;
    String reply;
    synchronized (this) {
      requests.add(new Request(method, path,
          exchange.getRequestHeaders().getFirst("Authorization"), body,
          Map.copyOf(exchange.getRequestHeaders())));
      if (path.startsWith("/api/packages/gcs/")) {
        String name = path.substring("/api/packages/gcs/".length());
        if (method.equals("PUT")) {
          packages.put(name, body);
          status = 200;
        } else {
          status = packages.containsKey(name) ? 200 : 404;
        }
        reply = "{}";
      } else if (method.equals("POST") && path.equals("/api/jobs/")) {
        status = submitStatus;
        String id = new JsonObject(new String(body, StandardCharsets.UTF_8))
            .getString("submission_id", "raysubmit_fake1");
        reply = status == 200 ? new JsonObject().put("submission_id", id).encode() : submitError;
      } else if (path.endsWith("/logs/tail")) {
        status = 404; // no WebSocket here: the client falls back to polling
        reply = "{\"message\":\"no WebSocket\"}";
      } else if (method.equals("GET") && path.endsWith("/logs")) {
        status = 200;
        reply = new JsonObject().put("logs", logs).encode();
      } else if (method.equals("GET") && path.equals("/api/jobs/")) {
        status = 200;
        reply = new JsonArray().add(new JsonObject().put("submission_id", "raysubmit_fake1")
            .put("type", "SUBMISSION").put("status", current())).encode();
      } else if (method.equals("GET") && path.startsWith("/api/jobs/")) {
        status = 200;
        String current = statuses.get(Math.min(reads++, statuses.size() - 1));
        JsonObject info = new JsonObject().put("status", current);
        if (message != null) {
          info.put("message", message);
        }
        reply = info.encode();
      } else if (method.equals("POST") && path.endsWith("/stop")) {
        status = 200;
        reply = new JsonObject().put("stopped", true).encode();
      } else if (method.equals("DELETE")) {
        status = 200;
        reply = new JsonObject().put("deleted", true).encode();
      } else {
        status = 404;
        reply = "{\"message\":\"no route " + method + " " + path + "\"}";
      }
    }
    byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private String current() {
    return statuses.get(Math.min(reads, statuses.size() - 1));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
