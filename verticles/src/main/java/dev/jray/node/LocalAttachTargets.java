package dev.jray.node;

import dev.jray.gcs.cluster.ClusterAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes running on this machine that a driver started by hand attaches to, as a Ray driver
 * finds its machine's raylet: each node {@code jray start} runs writes a file under {@code
 * <tmpdir>/jray/attach} ({@link #publish}) naming its own cluster address, the addresses it joined
 * through and its {@link AttachTarget}; a driver given one of those addresses attaches to that node
 * ({@link #matching}). A file whose process ended is skipped (and removed); one whose pid another
 * process took fails the link's handshake, and the driver tries the next or joins as a member.
 *
 * <p>Stateless; reads and writes files: not on an event loop.
 */
public final class LocalAttachTargets {
  private static final Logger LOG = LoggerFactory.getLogger(LocalAttachTargets.class);
  /** Files read at most: far more nodes than one machine runs. */
  private static final int MAX_FILES = 1024;

  private LocalAttachTargets() {}

  static Path dir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "jray", "attach");
  }

  /**
   * Records this process's node as one drivers on this machine may attach to; the file goes when
   * the JVM exits.
   *
   * @param member the node's own cluster address ({@code host:port})
   * @param joinedThrough the addresses it joined through (itself for a head), comma-separated
   */
  public static void publish(AttachTarget target, String member, String joinedThrough) {
    Properties p = new Properties();
    p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
    p.setProperty("target", target.toString());
    p.setProperty("member", member);
    p.setProperty("joined", joinedThrough);
    Path file = dir().resolve(ProcessHandle.current().pid() + ".properties");
    try {
      Files.createDirectories(dir());
      Path tmp = Files.createTempFile(dir(), "attach", ".part");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        p.store(out, "a jray node drivers on this machine attach to");
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      file.toFile().deleteOnExit();
    } catch (IOException e) {
      LOG.warn("cannot write {}: drivers on this machine will join as members", file, e);
    }
  }

  /**
   * The live local nodes a driver given {@code addresses} attaches to: first those whose own
   * cluster address is one of them, then those that joined through one of them.
   */
  public static List<AttachTarget> matching(List<ClusterAddress> addresses) {
    List<AttachTarget> named = new ArrayList<>();
    List<AttachTarget> joined = new ArrayList<>();
    if (!Files.isDirectory(dir())) {
      return named;
    }
    try (Stream<Path> files = Files.list(dir())) {
      for (Path f : files.filter(f -> f.toString().endsWith(".properties")).limit(MAX_FILES)
          .sorted().toList()) {
        Properties p = read(f);
        if (p == null) {
          continue;
        }
        try {
          long pid = Long.parseLong(p.getProperty("pid", ""));
          if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            Files.deleteIfExists(f);
            continue;
          }
          AttachTarget target = AttachTarget.parse(p.getProperty("target"), f.toString());
          if (addresses.contains(ClusterAddress.parse(p.getProperty("member", "")))) {
            named.add(target);
          } else if (ClusterAddress.parseList(p.getProperty("joined", ""), f.toString()).stream()
              .anyMatch(addresses::contains)) {
            joined.add(target);
          }
        } catch (IOException | RuntimeException e) {
          LOG.debug("skipped {}: {}", f, e.toString());
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", dir(), e.toString());
    }
    named.addAll(joined);
    return named;
  }

  private static Properties read(Path f) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(f)) {
      p.load(in);
      return p;
    } catch (IOException e) {
      return null;
    }
  }
}
