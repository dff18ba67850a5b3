package dev.jray.node;

import java.io.IOException;

/**
 * Ends a JVM whose launcher died: a JVM started by another (a node by {@code jray start}, a
 * worker process by its node) has a pipe from it as its input, which reads end-of-file when the
 * launcher is gone, killed outright or not.
 */
public final class LauncherWatch {
  private LauncherWatch() {}

  /** Halts this JVM (exit code 137) once its input ends; a daemon thread named {@code name} waits. */
  public static void haltWhenInputEnds(String name) {
    Thread watch = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // the launcher writes nothing: only the end of its pipe matters
        }
      } catch (IOException e) {
        // a broken pipe is the launcher's end too
      }
      Runtime.getRuntime().halt(137);
    }, name);
    watch.setDaemon(true);
    watch.start();
  }
}
