package dev.jray.jobs.internals;

import dev.jray.gcs.CodePackages;
import dev.jray.gcs.Gcs;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Job packages in the GCS KV, under the key ({@link CodePackages}) that Ray.init()'s code upload
 * (JobPackages) uses too: {@code pkg-<sha256>.zip|.jar} (what jray's CLI uploads) is keyed by its
 * SHA-256, so a working_dir or jar uploaded once is shared; any other name (Ray's {@code
 * _ray_pkg_<hash>.zip}) is keyed by the name. A queued submission holds its packages ({@link
 * #hold}) until its entrypoint starts, so the leader does not collect them while it waits.
 * Blocking (GCS).
 */
final class Packages {
  /** A package's name: a safe file name, bounded, no path separators; a zip or a jar. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,200}\\.(?:zip|jar)");
  private static final Pattern BY_CONTENT = Pattern.compile("pkg-([0-9a-f]{64})\\.(?:zip|jar)");

  private Packages() {}

  /** The id in the GCS of the package named {@code name} (one {@link #NAME} matches). */
  static String idOf(String name) {
    Matcher m = BY_CONTENT.matcher(name);
    return m.matches() ? m.group(1) : name;
  }

  static boolean exists(Gcs gcs, String id) {
    return gcs.kv().containsKey(CodePackages.key(id));
  }

  /**
   * Stores {@code bytes} as package {@code name}.
   *
   * @throws ApiError 400 if a {@code pkg-<sha256>} name does not match the bytes' SHA-256
   */
  static void put(Gcs gcs, String name, byte[] bytes) {
    String id = idOf(name);
    if (id.equals(name)) {
      gcs.kv().put(CodePackages.key(id), bytes); // as Ray's upload: the last one wins
      return;
    }
    String actual = sha256(bytes);
    if (!actual.equals(id)) {
      throw ApiError.badRequest("the package's SHA-256 is " + actual + ", not " + id
          + " as its name says");
    }
    gcs.kv().putIfAbsent(CodePackages.key(id), bytes);
  }

  /** The bytes of package {@code id}, checked against it if it is a SHA-256. */
  static byte[] read(Gcs gcs, String id, String uri) throws EntrypointLauncher.SetupException {
    byte[] bytes = gcs.kv().get(CodePackages.key(id));
    if (bytes == null) {
      throw new EntrypointLauncher.SetupException("package " + uri + " was not uploaded to the"
          + " head (PUT /api/packages/gcs/<name> first)");
    }
    boolean bySha = id.indexOf('.') < 0; // a name always ends in .zip or .jar
    if (bySha && !sha256(bytes).equals(id)) {
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
