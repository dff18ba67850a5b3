package dev.jray.cli;

import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TlsSettings;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * A client of the head's Jobs REST API, Ray's paths and fields ({@code /api/jobs/},
 * {@code /api/packages/}), every request carrying {@code Authorization: Bearer <cluster token>}.
 * A refused connection or an error status becomes one {@link JobsClientException} line: the
 * server's own message when its body gives one. An {@code https} address is reached with this
 * process's TLS settings when it has them (trusting the cluster's CA), else with the JDK's trust.
 *
 * <p>Threading: one thread calls it at a time (a CLI command); the JDK {@link HttpClient} it holds
 * is thread-safe and its WebSocket callbacks run on the client's executor.
 */
final class JobsClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  /** Error bodies are shown in one line; a longer one is cut here. */
  private static final int MAX_MESSAGE_CHARS = 500;

  private final URI base;
  private final String authorization;
  /** Ray's --headers: sent with every request; an Authorization among them replaces the token's. */
  private final Map<String, String> headers;
  private final HttpClient http;

  /** Thrown for a refused connection or an error status; its message is the line to print. */
  static final class JobsClientException extends IllegalStateException {
    private final int status;

    JobsClientException(int status, String message) {
      super(message);
      this.status = status;
    }

    /** The HTTP status, or 0 if no answer came. */
    int status() {
      return status;
    }
  }

  JobsClient(String address, ClusterToken token) {
    this(address, token, Map.of(), null);
  }

  /**
   * @param headers extra headers for every request (Ray's --headers)
   * @param tls the TLS context of an https address ({@link JobsTls}), null for the default
   */
  JobsClient(String address, ClusterToken token, Map<String, String> headers, SSLContext tls) {
    this.base = baseUri(address);
    this.authorization = "Bearer " + token.reveal();
    this.headers = Map.copyOf(headers);
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
    TlsSettings process = "https".equals(base.getScheme()) && tls == null ? TlsSettings.ofProcess() : null;
    if (tls != null) {
      http.sslContext(tls);
    } else if (process != null) {
      http.sslContext(process.context()); // trusts the cluster's CA (the host name is still checked)
    }
    this.http = http.build();
  }

  /** Sets the token's Authorization and the extra headers on a request or WebSocket builder. */
  private void authorize(java.util.function.BiConsumer<String, String> header) {
    if (headers.keySet().stream().noneMatch("Authorization"::equalsIgnoreCase)) {
      header.accept("Authorization", authorization);
    }
    try {
      headers.forEach(header);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--headers: " + e.getMessage());
    }
  }

  /** {@code http://HOST:PORT} with no trailing slash; a bare {@code HOST:PORT} gets {@code http://}. */
  static URI baseUri(String address) {
    String text = address.strip();
    if (!text.contains("://")) {
      text = "http://" + text;
    }
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--address '" + address + "' is not a URL: " + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("--address '" + address + "' must be http://HOST:PORT");
    }
    return uri;
  }

  String address() {
    return base.toString();
  }

  /** {@code POST /api/jobs/}: the new job's submission id. */
  String submit(JsonObject request) {
    JsonObject reply = object(sendJson("POST", "/api/jobs/", request.encode()));
    String id = reply.getString("submission_id", reply.getString("job_id"));
    if (id == null) {
      throw new JobsClientException(200, "the jobs server accepted the job but named no submission_id");
    }
    return id;
  }

  /** {@code GET /api/jobs/{id}}: the job's details (Ray's JobDetails fields). */
  JsonObject info(String submissionId) {
    return object(sendJson("GET", "/api/jobs/" + encode(submissionId), null));
  }

  /** {@code GET /api/jobs/}: every job, submitted or driver. */
  JsonArray list() {
    String body = sendJson("GET", "/api/jobs/", null);
    try {
      return new JsonArray(body);
    } catch (DecodeException e) {
      throw new JobsClientException(200, "the jobs server's list is not a JSON array: " + oneLine(body));
    }
  }

  /**
   * {@code GET /api/v0/KIND?QUERY}, Ray's state API: the list's {@code data.result} object
   * ({@code total}, {@code num_filtered}, {@code result}, ...).
   *
   * @param query already encoded, without the {@code ?}; may be empty
   */
  JsonObject state(String kind, String query) {
    return dataResult(sendJson("GET", "/api/v0/" + encode(kind)
        + (query.isEmpty() ? "" : "?" + query), null));
  }

  /** The {@code data.result} of a state API answer. */
  private JsonObject dataResult(String body) {
    JsonObject data = object(body).getJsonObject("data");
    if (data == null || data.getJsonObject("result") == null) {
      throw new JobsClientException(200, "the state API's answer has no data.result: "
          + oneLine(body));
    }
    return data.getJsonObject("result");
  }

  /**
   * {@code GET /api/v0/KIND/summarize}: Ray's summary answer ({@code total}, ..., {@code
   * result.node_id_to_summary}).
   */
  JsonObject summary(String kind) {
    return dataResult(sendJson("GET", "/api/v0/" + encode(kind) + "/summarize", null));
  }

  /** {@code GET /api/cluster_status}: the nodes and their reported loads (the dashboard's). */
  JsonObject clusterStatus() {
    return object(sendJson("GET", "/api/cluster_status", null));
  }

  /** {@code GET /api/v0/tasks/timeline}: a Chrome trace (JSON array) of recent tasks. */
  String timeline(String jobId) {
    return sendJson("GET", "/api/v0/tasks/timeline" + (jobId == null ? ""
        : "?job_id=" + encode(jobId)), null);
  }

  /**
   * {@code GET /api/v0/logs/file}: the last {@code lines} lines of a node's log ({@code nodeId}
   * null: the head's).
   */
  String nodeLog(String nodeId, int lines) {
    return sendJson("GET", "/api/v0/logs/file?lines=" + lines
        + (nodeId == null ? "" : "&node_id=" + encode(nodeId)), null);
  }

  /** {@code GET /api/jobs/{id}/logs}: the job's whole log so far. */
  String logs(String submissionId) {
    return object(sendJson("GET", "/api/jobs/" + encode(submissionId) + "/logs", null))
        .getString("logs", "");
  }

  /** {@code POST /api/jobs/{id}/stop}: whether a stop was sent (false: it had already ended). */
  boolean stop(String submissionId) {
    return object(sendJson("POST", "/api/jobs/" + encode(submissionId) + "/stop", ""))
        .getBoolean("stopped", false);
  }

  /** {@code DELETE /api/jobs/{id}}: whether it was deleted. */
  boolean delete(String submissionId) {
    return object(sendJson("DELETE", "/api/jobs/" + encode(submissionId), null))
        .getBoolean("deleted", false);
  }

  /** {@code GET /api/packages/{protocol}/{name}}: whether the server holds that package. */
  boolean hasPackage(String protocol, String name) {
    try {
      sendJson("GET", "/api/packages/" + protocol + "/" + name, null);
      return true;
    } catch (JobsClientException e) {
      if (e.status() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** {@code PUT /api/packages/{protocol}/{name}}: uploads a package's bytes. */
  void putPackage(String protocol, String name, byte[] content) {
    send("PUT", "/api/packages/" + protocol + "/" + name, HttpRequest.BodyPublishers.ofByteArray(content));
  }

  /**
   * Streams the job's log through {@code GET /api/jobs/{id}/logs/tail} (a WebSocket the server
   * closes when the job ends), giving each chunk to {@code sink}; returns when the stream ends.
   *
   * @return false if the server refused the WebSocket (the caller polls instead)
   */
  boolean tail(String submissionId, Consumer<String> sink) {
    URI ws = URI.create(base.toString().replaceFirst("^http", "ws") + "/api/jobs/"
        + encode(submissionId) + "/logs/tail");
    CompletableFuture<Void> ended = new CompletableFuture<>();
    WebSocket.Listener listener = new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          sink.accept(partial.toString());
          partial.setLength(0);
        }
        socket.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
        ended.complete(null);
        return null;
      }

      @Override
      public void onError(WebSocket socket, Throwable error) {
        ended.completeExceptionally(error);
      }
    };
    try {
      WebSocket.Builder socket = http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
      authorize(socket::header);
      socket.buildAsync(ws, listener).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof ConnectException) {
        throw unreachable();
      }
      return false;
    }
    try {
      ended.join();
    } catch (CompletionException e) {
      throw new JobsClientException(0, "the log stream of job '" + submissionId + "' broke: "
          + e.getCause().getMessage());
    }
    return true;
  }

  private String sendJson(String method, String path, String jsonBody) {
    return send(method, path, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
  }

  private String send(String method, String path, HttpRequest.BodyPublisher body) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .method(method, body);
    authorize(builder::header);
    HttpRequest request = builder.build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException e) {
      throw unreachable();
    } catch (HttpTimeoutException e) {
      throw new JobsClientException(0, "the jobs server at " + base + " did not answer " + method
          + " " + path + " in " + REQUEST_TIMEOUT.toSeconds() + " s");
    } catch (IOException e) {
      throw new JobsClientException(0, "cannot talk to the jobs server at " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobsClientException(0, "interrupted while calling the jobs server");
    }
    if (response.statusCode() / 100 != 2) {
      throw new JobsClientException(response.statusCode(), method + " " + path + " failed with HTTP "
          + response.statusCode() + ": " + errorMessage(response.body()));
    }
    return response.body();
  }

  private JobsClientException unreachable() {
    return new JobsClientException(0, "cannot reach the jobs server at " + base
        + ": connection refused (is the head running, and is this its --dashboard-port?)");
  }

  /** The server's message: a JSON body's {@code message}/{@code error}/{@code detail}, else the text. */
  static String errorMessage(String body) {
    if (body == null || body.isBlank()) {
      return "(no message)";
    }
    try {
      JsonObject json = new JsonObject(body);
      for (String field : new String[] {"message", "error", "detail", "msg"}) {
        Object value = json.getValue(field);
        if (value != null) {
          return oneLine(value.toString());
        }
      }
    } catch (DecodeException | ClassCastException e) {
      // not a JSON object: the text itself is the message
    }
    return oneLine(body);
  }

  private static String oneLine(String text) {
    String line = text.strip().replaceAll("\\s*\\R\\s*", " ");
    return line.length() <= MAX_MESSAGE_CHARS ? line : line.substring(0, MAX_MESSAGE_CHARS) + "...";
  }

  private static JsonObject object(String body) {
    try {
      return new JsonObject(body);
    } catch (DecodeException e) {
      throw new JobsClientException(200, "the jobs server's answer is not a JSON object: " + oneLine(body));
    }
  }

  /** {@code segment} percent-encoded for a URL path or query (a space as %20). */
  static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
