package dev.jray.node.metrics;

import dev.jray.gcs.security.BearerAuthorization;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TlsSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Objects;

/**
 * Serves a node's {@link NodeMetrics} at {@code GET /metrics} in Prometheus's text format, as
 * Ray's nodes do on {@code --metrics-export-port}. Every request needs {@code Authorization:
 * Bearer <cluster token>} (401 otherwise), as the head's Jobs API; with TLS on it serves HTTPS
 * with the node's certificate. Any other path is 404, any other method 405.
 *
 * <p>Threading: requests are handled on this verticle's event loop, which never blocks: the
 * scrape reads the node's counts on a worker thread. {@code server} is set once, on the event
 * loop, while it starts.
 */
public final class MetricsHttpVerticle extends VerticleBase {
  /** The one path it serves. */
  public static final String PATH = "/metrics";
  /** Prometheus's text exposition format. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** A scraper that keeps a connection open and silent this long is dropped. */
  private static final int IDLE_TIMEOUT_SECONDS = 60;

  private final NodeMetrics metrics;
  private final String host;
  private final int port;
  private final BearerAuthorization authorization;
  private final TlsSettings tls;
  private HttpServer server;

  /**
   * @param port the port to listen on; 0: any free one
   * @param tls the node's TLS settings; null: plain HTTP
   */
  public MetricsHttpVerticle(NodeMetrics metrics, String host, int port, ClusterToken token,
      TlsSettings tls) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.host = Objects.requireNonNull(host, "host");
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("the metrics port must be 0 to 65535, got " + port);
    }
    this.port = port;
    this.authorization = new BearerAuthorization(token);
    this.tls = tls;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions http = new HttpServerOptions().setHost(host).setPort(port)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS);
    if (tls != null) {
      http.setSsl(true).setKeyCertOptions(tls.keyCertOptions());
    }
    return vertx.createHttpServer(http).requestHandler(this::handle).listen()
        .onSuccess(s -> server = s);
  }

  private void handle(HttpServerRequest request) {
    String refusal = authorization.refusal(request.getHeader(HttpHeaders.AUTHORIZATION));
    if (refusal != null) {
      request.response().putHeader("WWW-Authenticate", "Bearer");
      answer(request, 401, refusal);
    } else if (!PATH.equals(request.path())) {
      answer(request, 404, "no such path: metrics are at " + PATH);
    } else if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      answer(request, 405, PATH + " takes GET");
    } else {
      metrics.scrape(vertx).onComplete(r -> {
        if (r.succeeded()) {
          request.response().putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(r.result());
        } else {
          answer(request, 500, "the metrics could not be read: " + r.cause());
        }
      });
    }
  }

  private static void answer(HttpServerRequest request, int status, String message) {
    request.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(message + "\n");
  }

  /** The port it listens on. Once started. */
  public int port() {
    return server.actualPort();
  }

  /** {@code host:port}, as a Prometheus target. Once started. */
  public String target() {
    return MetricsEndpoints.target(host, port());
  }

  /** {@code http://host:port/metrics} ({@code https} with TLS). Once started. */
  public String url() {
    return url(tls, host, port());
  }

  /** The URL of the metrics served on {@code host:port}: https when {@code tls} is not null. */
  public static String url(TlsSettings tls, String host, int port) {
    return (tls == null ? "http" : "https") + "://" + MetricsEndpoints.target(host, port) + PATH;
  }
}
