package dev.jray.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A node of a {@link LocalCluster}: the JVM that printed its up line, and what that line said. */
public final class LocalNode {
  private final String label;
  private final ChildJvm jvm;
  private final String role;
  private final String nodeId;
  private final String address;
  private final String resources;

  LocalNode(String label, ChildJvm jvm, String role, String nodeId, String address,
      String resources) {
    this.label = label;
    this.jvm = jvm;
    this.role = role;
    this.nodeId = nodeId;
    this.address = address;
    this.resources = resources;
  }

  public String label() {
    return label;
  }

  /** The node id in hex, as {@code getCurrentNodeId().toHex()} gives it in tasks. */
  public String nodeId() {
    return nodeId;
  }

  public String role() {
    return role;
  }

  /** The cluster address the node printed (the head's address, for every node). */
  public String address() {
    return address;
  }

  public String resources() {
    return resources;
  }

  /** The {@code jray start --block} JVM (it hands over to a node JVM, its child). */
  public Process process() {
    return jvm.process();
  }

  public Path log() {
    return jvm.log();
  }

  public long pid() {
    return jvm.process().pid();
  }

  public boolean isAlive() {
    return jvm.process().isAlive();
  }

  /**
   * The pid of the JVM that runs the node: the launched one, or the node JVM it handed over to (a
   * launcher that maps a class archive runs the node in a child JVM, NodeClassArchive); not the
   * node's worker processes, its own children.
   */
  public long nodeJvmPid() {
    return process().children()
        .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
        .mapToLong(ProcessHandle::pid).findFirst().orElse(pid());
  }

  /** A numeric field of the node JVM's {@code /proc/<pid>/status} ({@code Threads}; {@code VmRSS} in kB). */
  public long procStatus(String field) throws IOException {
    Path status = Path.of("/proc", Long.toString(nodeJvmPid()), "status");
    for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException(status + " has no " + field);
  }

  /** The node JVM's heap in use right after a full GC, in bytes ({@code jcmd GC.run}, {@code GC.heap_info}). */
  public long heapUsedAfterGc() throws IOException, InterruptedException {
    String pid = Long.toString(nodeJvmPid());
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
    if (!m.find()) {
      throw new IllegalStateException("jcmd GC.heap_info of " + this + " says no heap use:\n" + info);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }

  private static String jcmd(String pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), pid, command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
    }
    return out;
  }

  @Override
  public String toString() {
    return label + "(" + role + " " + nodeId + ", pid " + pid() + ")";
  }
}
