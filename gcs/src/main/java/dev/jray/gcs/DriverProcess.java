package dev.jray.gcs;

import java.nio.charset.StandardCharsets;

/**
 * The process of a job's driver, as it records itself at {@code Ray.init()} in the GCS KV under
 * {@link JobRecord#DRIVER_PROCESS_KEY_PREFIX}: its pid and its command line (empty if the OS does
 * not tell).
 */
public record DriverProcess(long pid, String commandLine) {
  /** A command line longer than this is cut: the KV entry stays small. */
  private static final int MAX_COMMAND_LINE_CHARS = 16 * 1024;

  public DriverProcess {
    commandLine = commandLine == null ? ""
        : commandLine.length() > MAX_COMMAND_LINE_CHARS
            ? commandLine.substring(0, MAX_COMMAND_LINE_CHARS) : commandLine;
  }

  /** This JVM's process. */
  public static DriverProcess current() {
    ProcessHandle self = ProcessHandle.current();
    return new DriverProcess(self.pid(), self.info().commandLine().orElse(""));
  }

  /** The KV value: the pid, a newline, the command line (UTF-8). */
  public byte[] bytes() {
    return (pid + "\n" + commandLine).getBytes(StandardCharsets.UTF_8);
  }

  /** The process a KV value holds, or null if it holds none. */
  public static DriverProcess parse(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    String s = new String(bytes, StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    try {
      return new DriverProcess(Long.parseLong(nl < 0 ? s : s.substring(0, nl)),
          nl < 0 ? "" : s.substring(nl + 1));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
