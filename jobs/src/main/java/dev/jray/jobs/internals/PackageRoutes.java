package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ray's package upload, for the CLI's working_dir and java_jars: {@code GET
 * /api/packages/gcs/pkg-<sha256>.zip} is 200 if the head has it, else 404; {@code PUT} with the
 * bytes stores it (checked against its SHA-256) in the GCS KV, where runtime_env's {@code
 * gcs://pkg-<sha256>.zip} finds it.
 */
public final class PackageRoutes {
  private static final Pattern NAME = Pattern.compile("pkg-([0-9a-f]{64})\\.(zip|jar)");
  /** The most bytes one package may hold (Ray caps uploads too); -Djray.job.max-package-bytes. */
  private static final long MAX_PACKAGE_BYTES = Long.getLong("jray.job.max-package-bytes", 512L << 20);

  private PackageRoutes() {}

  public static void mount(Router router, Vertx vertx, Gcs gcs) {
    router.get("/api/packages/:protocol/:name").handler(ctx -> {
      String sha = sha(ctx);
      vertx.executeBlocking(() -> Packages.exists(gcs, sha)).onComplete(r -> {
        if (r.failed()) {
          respond(ctx, r.cause());
        } else if (r.result()) {
          ctx.response().setStatusCode(200).end();
        } else {
          respond(ctx, ApiError.notFound("no package " + ctx.pathParam("name")));
        }
      });
    });
    router.put("/api/packages/:protocol/:name").handler(BodyHandler.create(false).setBodyLimit(MAX_PACKAGE_BYTES));
    router.put("/api/packages/:protocol/:name").handler(ctx -> {
      String sha = sha(ctx);
      byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
      vertx.executeBlocking(() -> {
        Packages.put(gcs, sha, bytes);
        return null;
      }, false).onComplete(r -> {
        if (r.failed()) {
          respond(ctx, r.cause());
        } else {
          ctx.response().setStatusCode(200).end();
        }
      });
    });
  }

  /** The package's SHA-256 from its path. @throws ApiError 400 if the path names none */
  private static String sha(RoutingContext ctx) {
    Matcher m = NAME.matcher(ctx.pathParam("name"));
    if (!"gcs".equals(ctx.pathParam("protocol")) || !m.matches()) {
      throw ApiError.badRequest("a package is /api/packages/gcs/pkg-<sha256 hex>.zip or .jar, not "
          + ctx.request().path());
    }
    return m.group(1);
  }

  private static void respond(RoutingContext ctx, Throwable e) {
    ctx.fail(e); // the router's failure handler answers with the error's status and JSON
  }
}
