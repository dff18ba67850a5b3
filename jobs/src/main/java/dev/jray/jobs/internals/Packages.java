package dev.jray.jobs.internals;

import dev.jray.gcs.CodePackages;
import dev.jray.gcs.Gcs;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Job packages in the GCS KV, under the key ({@link CodePackages}) that Ray.init()'s code upload
 * (JobPackages) uses too, so a working_dir or jar uploaded once is shared. A queued submission
 * holds its packages ({@link #hold}) until its entrypoint starts, so the leader does not collect
 * them while it waits. Blocking (GCS).
 */
final class Packages {
  private Packages() {}

  static boolean exists(Gcs gcs, String sha256) {
    return gcs.kv().containsKey(CodePackages.key(sha256));
  }

  /** Stores {@code bytes} as package {@code sha256}, which must be their SHA-256. */
  static void put(Gcs gcs, String sha256, byte[] bytes) {
    String actual = sha256(bytes);
    if (!actual.equals(sha256)) {
      throw ApiError.badRequest("the package's SHA-256 is " + actual + ", not " + sha256
          + " as its name says");
    }
    gcs.kv().putIfAbsent(CodePackages.key(sha256), bytes);
  }

  /** The bytes of package {@code sha256}, checked against it. */
  static byte[] read(Gcs gcs, String sha256, String uri) throws EntrypointLauncher.SetupException {
    byte[] bytes = gcs.kv().get(CodePackages.key(sha256));
    if (bytes == null) {
      throw new EntrypointLauncher.SetupException("package " + uri + " was not uploaded to the"
          + " head (PUT /api/packages/gcs/pkg-" + sha256 + ".zip or .jar first)");
    }
    if (!sha256(bytes).equals(sha256)) {
      throw new EntrypointLauncher.SetupException("package " + uri + " does not match its SHA-256");
    }
    return bytes;
  }

  /** Keeps the submission's packages from collection until {@link #release}d. */
  static void hold(Gcs gcs, JobSubmission s) {
    for (String id : s.runtimeEnv().packageIds()) {
      gcs.kv().put(CodePackages.reference(id, holder(s)), new byte[0]);
    }
  }

  /** Lets the submission's packages be collected once no job uses them. */
  static void release(Gcs gcs, JobSubmission s) {
    for (String id : s.runtimeEnv().packageIds()) {
      gcs.kv().remove(CodePackages.reference(id, holder(s)));
    }
  }

  private static String holder(JobSubmission s) {
    return "submission:" + s.submissionId();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }
}
