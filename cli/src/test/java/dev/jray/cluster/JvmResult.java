package dev.jray.cluster;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A finished child JVM: its exit code and everything it printed (stdout and stderr). */
public record JvmResult(String what, int exitCode, String output, Path log) {
  private static final Pattern RESULT_LINE = Pattern.compile("^RESULT ([\\w.-]+)=(.*)$");

  public boolean ok() {
    return exitCode == 0;
  }

  /** The values of lines {@code RESULT key=value}, in order (a key given twice keeps the last). */
  public Map<String, String> results() {
    Map<String, String> r = new LinkedHashMap<>();
    for (String line : output.split("\\R")) {
      Matcher m = RESULT_LINE.matcher(line.trim());
      if (m.matches()) {
        r.put(m.group(1), m.group(2));
      }
    }
    return r;
  }

  public String result(String key) {
    String v = results().get(key);
    if (v == null) {
      throw new AssertionError(what + " printed no RESULT " + key + "; exit code " + exitCode
          + ", output:\n" + ChildJvm.tail(output, ChildJvm.LOG_TAIL_LINES));
    }
    return v;
  }

  /** A description for assertion messages. */
  public String describe() {
    return what + " exited with " + exitCode + " (log " + log + "), output:\n"
        + ChildJvm.tail(output, ChildJvm.LOG_TAIL_LINES);
  }
}
