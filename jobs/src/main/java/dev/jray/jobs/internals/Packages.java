package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Job packages in the GCS KV, under the key {@code pkg:<sha256 hex>} that Ray.init()'s code
 * upload (JobPackages) uses too, so a working_dir or jar uploaded once is shared. Blocking (GCS).
 */
final class Packages {
  static final String KEY_PREFIX = "pkg:";

  private Packages() {}

  static boolean exists(Gcs gcs, String sha256) {
    return gcs.kv().containsKey(KEY_PREFIX + sha256);
  }

  /** Stores {@code bytes} as package {@code sha256}, which must be their SHA-256. */
  static void put(Gcs gcs, String sha256, byte[] bytes) {
    String actual = sha256(bytes);
    if (!actual.equals(sha256)) {
      throw ApiError.badRequest("the package's SHA-256 is " + actual + ", not " + sha256
          + " as its name says");
    }
    gcs.kv().putIfAbsent(KEY_PREFIX + sha256, bytes);
  }

  /** The bytes of package {@code sha256}, checked against it. */
  static byte[] read(Gcs gcs, String sha256, String uri) throws EntrypointLauncher.SetupException {
    byte[] bytes = gcs.kv().get(KEY_PREFIX + sha256);
    if (bytes == null) {
      throw new EntrypointLauncher.SetupException("package " + uri + " was not uploaded to the"
          + " head (PUT /api/packages/gcs/pkg-" + sha256 + ".zip or .jar first)");
    }
    if (!sha256(bytes).equals(sha256)) {
      throw new EntrypointLauncher.SetupException("package " + uri + " does not match its SHA-256");
    }
    return bytes;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }
}
