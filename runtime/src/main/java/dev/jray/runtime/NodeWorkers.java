package dev.jray.runtime;

import java.util.Objects;

/**
 * The core worker of the cluster node that runs in this JVM, if any: the code of its tasks and
 * actors calls {@code Ray} through it, as Ray's worker processes initialize themselves, while
 * the node's lifecycle stays the node's.
 *
 * <p>Threading: one volatile field; set by the node's start, cleared by its stop.
 */
public final class NodeWorkers {
  private static volatile CoreWorker installed;

  private NodeWorkers() {}

  /** Makes {@code worker} the one {@code Ray.init()} uses in this JVM. */
  public static void install(CoreWorker worker) {
    installed = Objects.requireNonNull(worker, "worker");
  }

  /** Undoes {@link #install}; returns whether {@code worker} was the installed one. */
  public static boolean uninstall(CoreWorker worker) {
    if (installed != worker) {
      return false;
    }
    installed = null;
    return true;
  }

  /** The installed worker, or null. */
  public static CoreWorker installed() {
    return installed;
  }
}
