package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Ray's package upload, for working_dir and java_jars: {@code GET /api/packages/gcs/<name>} is
 * 200 if the head has it, else 404; {@code PUT} with the bytes stores it in the GCS KV, where
 * runtime_env's {@code gcs://<name>} finds it. A name is a safe file name ending in .zip or .jar
 * (Ray's SDK and CLI upload {@code _ray_pkg_<hash>.zip}); a {@code pkg-<sha256>} name is checked
 * against the bytes' SHA-256 (see {@link Packages}).
 */
public final class PackageRoutes {
  /** The most bytes one package may hold (Ray caps uploads too); -Djray.job.max-package-bytes. */
  private static final long MAX_PACKAGE_BYTES = Long.getLong("jray.job.max-package-bytes", 512L << 20);

  private PackageRoutes() {}

  public static void mount(Router router, Vertx vertx, Gcs gcs) {
    router.get("/api/packages/:protocol/:name").handler(ctx -> {
      if (!isPackagePath(ctx)) { // no such name can be stored: the head has no such package
        ctx.fail(ApiError.notFound("no package " + ctx.request().path()));
        return;
      }
      String id = Packages.idOf(ctx.pathParam("name"));
      vertx.executeBlocking(() -> Packages.exists(gcs, id)).onComplete(r -> {
        if (r.failed()) {
          ctx.fail(r.cause());
        } else if (r.result()) {
          ctx.response().setStatusCode(200).end();
        } else {
          ctx.fail(ApiError.notFound("no package gcs://" + ctx.pathParam("name")));
        }
      });
    });
    router.put("/api/packages/:protocol/:name").handler(BodyHandler.create(false).setBodyLimit(MAX_PACKAGE_BYTES));
    router.put("/api/packages/:protocol/:name").handler(ctx -> {
      if (!isPackagePath(ctx)) {
        ctx.fail(ApiError.badRequest("a package is /api/packages/gcs/<name>.zip or .jar (a name"
            + " of at most 200 of A-Z a-z 0-9 _ . -), not " + ctx.request().path()));
        return;
      }
      String name = ctx.pathParam("name");
      byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
      vertx.executeBlocking(() -> {
        Packages.put(gcs, name, bytes);
        return null;
      }, false).onComplete(r -> {
        if (r.failed()) {
          ctx.fail(r.cause()); // the router's failure handler answers with the error's status and JSON
        } else {
          ctx.response().setStatusCode(200).end();
        }
      });
    });
  }

  private static boolean isPackagePath(RoutingContext ctx) {
    return "gcs".equals(ctx.pathParam("protocol"))
        && Packages.NAME.matcher(ctx.pathParam("name")).matches();
  }
}
