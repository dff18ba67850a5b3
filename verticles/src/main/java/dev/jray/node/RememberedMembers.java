package dev.jray.node;

import dev.jray.gcs.cluster.ClusterAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file in which a head keeps the addresses of the other full members of its cluster, one a
 * line, so that a head restarted on the same port finds the cluster that still runs without
 * being told ({@code $JRAY_HOME/head-<port>.members}). Stateless; reads and writes block on the
 * disk.
 */
public final class RememberedMembers {
  private static final Logger LOG = LoggerFactory.getLogger(RememberedMembers.class);

  private RememberedMembers() {}

  /** The file of the head on {@code port}, beside the default token file's folder {@code home}. */
  public static Path of(Path home, int port) {
    return home.resolve("head-" + port + ".members");
  }

  /**
   * The members the file names (at most {@value ClusterAddress#MAX_LIST_SIZE}); none if it does
   * not exist or cannot be read as addresses (said in one line of the log).
   */
  public static List<ClusterAddress> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null && lines.size() < ClusterAddress.MAX_LIST_SIZE) {
        if (!line.isBlank() && line.length() <= 300) {
          lines.add(line.trim());
        }
      }
      return lines.isEmpty() ? List.of() : ClusterAddress.parseList(String.join(",", lines));
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("ignoring the remembered members in " + file + ": " + e.getMessage());
      return List.of();
    }
  }

  /** Replaces the file with {@code members} (written aside, then moved over it). */
  static void write(Path file, List<String> members) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, members, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.debug("remembering the members in {}", file, e);
    }
  }
}
