package dev.jray.gcs;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where job code packages live in the GCS KV and how a holder keeps one from being collected.
 * A package is the jar (or zip) whose SHA-256 in hex is its id, or one uploaded through the Jobs
 * API under its own name (Ray's {@code _ray_pkg_<hash>.zip}), under {@code pkg:<id>}; the
 * cluster's leader removes one that no unfinished job names (nor a finished one whose actor
 * lives) and no holder references, once it has been so for a grace period. A holder that needs
 * a package before any job names it (a queued Jobs API submission) writes {@link #reference}
 * and removes it when done.
 */
public final class CodePackages {
  /** System property: how long a package stays unused before it is collected, in seconds. */
  public static final String GRACE_PROPERTY = "jray.gcs.package-grace-seconds";
  /** Ray's temporary reference expiration of an uploaded package. */
  private static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);
  private static final String KEY_PREFIX = "pkg:";
  private static final String REFERENCE_PREFIX = "pkg-ref:";
  private static final String JOB_HOLDER_PREFIX = "job-";
  /** A SHA-256 in hex, or a package's safe file name (no ':' nor path separators). */
  private static final Pattern ID =
      Pattern.compile("[0-9a-f]{64}|[A-Za-z0-9_.-]{1,200}\\.(?:zip|jar)");
  private static final Pattern REFERENCE =
      Pattern.compile(Pattern.quote(REFERENCE_PREFIX) + "(" + ID.pattern() + "):(.+)");

  private CodePackages() {}

  /**
   * How long a package stays unused before the GCS and the nodes' caches let it go: {@value
   * #GRACE_PROPERTY}, else ten minutes.
   *
   * @throws IllegalArgumentException if the property is not a whole number of seconds, at least 0
   */
  public static Duration graceOfProcess() {
    String value = System.getProperty(GRACE_PROPERTY);
    if (value == null) {
      return DEFAULT_GRACE;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      if (seconds >= 0) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(GRACE_PROPERTY + " must be a whole number of seconds, at"
        + " least 0, got '" + value + "'");
  }

  /** The KV key of package {@code id}. */
  public static String key(String id) {
    return KEY_PREFIX + id;
  }

  /** The KV key by which {@code holder} keeps package {@code id} from being collected. */
  public static String reference(String id, String holder) {
    return REFERENCE_PREFIX + id + ":" + holder;
  }

  /** The package a KV key holds, or null if it holds none. */
  public static String packageOf(String kvKey) {
    if (!kvKey.startsWith(KEY_PREFIX)) {
      return null;
    }
    String id = kvKey.substring(KEY_PREFIX.length());
    return ID.matcher(id).matches() ? id : null;
  }

  /**
   * The holder by which a job's task and actor runtime envs keep their {@code java_jars}
   * packages: a reference held only while the job is unfinished or one of its actors lives.
   */
  public static String jobHolder(String jobHex) {
    return JOB_HOLDER_PREFIX + jobHex;
  }

  /** The job (hex) whose runtime envs a reference key is held for, or null for another holder. */
  public static String jobOfReference(String kvKey) {
    Matcher m = REFERENCE.matcher(kvKey);
    if (!m.matches()) {
      return null;
    }
    String holder = m.group(2);
    return holder.startsWith(JOB_HOLDER_PREFIX) ? holder.substring(JOB_HOLDER_PREFIX.length())
        : null;
  }

  /** The package a reference key keeps, or null if the key is no reference. */
  public static String referencedBy(String kvKey) {
    Matcher m = REFERENCE.matcher(kvKey);
    return m.matches() ? m.group(1) : null;
  }
}
