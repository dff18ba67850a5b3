package dev.jray.runtime;

import dev.jray.gcs.time.Time;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job code packages this user's nodes have fetched, on disk: one jar per package, named by its
 * SHA-256, in a directory only this user may open ({@code $XDG_CACHE_HOME/jray/packages}, else
 * {@code ~/.cache/jray/packages}; {@code -Djray.package-cache=DIR} moves it). A directory owned by
 * someone else, reached through a symbolic link, or open to the group or others is refused: its
 * jars could have been put there by another user. Every package is checked against its SHA-256
 * when it is fetched and on every cache hit; a mismatch is refused with a line naming the package
 * and fetched once more, so a jar changed on disk or a KV entry that does not match its name is
 * never loaded.
 *
 * <p>Threading: thread-safe. The directory is made and checked once, under this object's lock
 * ({@code directoryChecked}); a fetch writes a temporary file of its own and moves it into place
 * atomically, so concurrent fetches of one package (in this JVM or another) leave one whole jar.
 * Blocking (files, GCS): never on an event loop.
 */
final class PackageCache {
  /** System property: the directory of the cache instead of the per-user default. */
  static final String DIRECTORY_PROPERTY = "jray.package-cache";
  private static final Logger LOG = LoggerFactory.getLogger(PackageCache.class);
  private static final Pattern PACKAGE_ID = Pattern.compile("[0-9a-f]{64}");
  private static final Set<PosixFilePermission> OPEN_TO_OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private final Path directory;
  /** A package's bytes by its id, or null if there is no such package (the GCS KV). */
  private final Function<String, byte[]> source;
  /** Stamps a use of a cached jar (its modification time), read by {@link #prune}. */
  private final Time time;
  /** Whether the directory was made and found safe; guarded by this. */
  private boolean directoryChecked;

  /**
   * @param directory where the jars are kept (made, owner only, on first use)
   * @param source a package's bytes by its id, or null when there is none
   */
  PackageCache(Path directory, Function<String, byte[]> source, Time time) {
    this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
    this.source = Objects.requireNonNull(source, "source");
    this.time = Objects.requireNonNull(time, "time");
  }

  /**
   * This user's cache directory: {@value #DIRECTORY_PROPERTY} if set, else {@code
   * $XDG_CACHE_HOME/jray/packages} (an absolute {@code XDG_CACHE_HOME}), else {@code
   * ~/.cache/jray/packages}.
   */
  static Path defaultDirectory() {
    String configured = System.getProperty(DIRECTORY_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured.trim());
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    // the XDG spec says a relative value is to be ignored
    Path cacheHome = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
        ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return cacheHome.resolve("jray").resolve("packages");
  }

  /** The directory the jars are kept in. */
  Path directory() {
    return directory;
  }

  /**
   * A class loader over the packages, in order, each fetched first if it is not in the cache.
   *
   * @throws SecurityException if a package does not match its id twice, or the directory is unsafe
   * @throws IllegalStateException if a package is missing
   */
  ClassLoader classLoader(List<String> ids, ClassLoader parent) {
    List<URL> urls = new ArrayList<>();
    for (String id : ids) {
      try {
        urls.add(jar(id).toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalStateException(e);
      }
    }
    return new URLClassLoader("jray-job", urls.toArray(new URL[0]), parent);
  }

  /**
   * The cached jar of package {@code id}, checked against its SHA-256; fetched (and checked) when
   * it is not cached or does not match.
   *
   * @throws SecurityException if the package fetched does not match its id, twice
   */
  Path jar(String id) {
    if (id == null || !PACKAGE_ID.matcher(id).matches()) {
      // it names a file: anything but a SHA-256 in hex could point outside the cache
      throw new SecurityException("code package id '" + id + "' is not a SHA-256 in hex: refused");
    }
    Path file = checkedDirectory().resolve(id + ".jar");
    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      String actual = sha256(file);
      if (actual.equals(id)) {
        touch(file, time.milliseconds()); // a hit is a use: prune keeps what was used lately
        return file;
      }
      LOG.warn("code package " + id + " in the cache (" + file
          + ") does not match its SHA-256 (it hashes to " + actual + "): fetching it again");
    }
    for (int attempt = 1; ; attempt++) {
      byte[] jar = source.apply(id);
      if (jar == null) {
        throw new IllegalStateException("code package " + id + " is missing from the GCS");
      }
      String actual = sha256(jar);
      if (actual.equals(id)) {
        store(file, jar);
        touch(file, time.milliseconds());
        return file;
      }
      String refusal = "code package " + id + " from the GCS does not match its SHA-256 (it hashes"
          + " to " + actual + "): refused";
      if (attempt == 2) {
        throw new SecurityException(refusal);
      }
      LOG.warn(refusal + "; fetching it once more");
    }
  }

  /**
   * Deletes the cached jars of packages that {@code keep} does not name, that {@code stillStored}
   * says the GCS collected, and that no one fetched or hit for {@code grace} (another cluster of
   * this user may share the cache; an open class loader keeps reading a deleted jar). Leftover
   * temporary files of fetches that died go once as old.
   *
   * @return the packages deleted
   */
  List<String> prune(Set<String> keep, Predicate<String> stillStored, Duration grace) {
    long nowMs = time.milliseconds(); // files carry wall-clock times
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<String> deleted = new ArrayList<>();
    try (Stream<Path> files = Files.list(checkedDirectory())) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        boolean part = name.endsWith(".part");
        String id = name.endsWith(".jar") ? name.substring(0, name.length() - 4) : null;
        if (!part && (id == null || !PACKAGE_ID.matcher(id).matches() || keep.contains(id))) {
          continue;
        }
        long modified = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis();
        if (nowMs - modified < grace.toMillis() || (id != null && stillStored.test(id))) {
          continue;
        }
        if (Files.deleteIfExists(file) && id != null) {
          deleted.add(id);
        }
      }
    } catch (IOException e) {
      LOG.atDebug().log(() -> "pruning the code package cache " + directory + ": " + e);
    }
    return deleted;
  }

  private void store(Path file, byte[] jar) {
    try {
      Path tmp = Files.createTempFile(directory, file.getFileName().toString(), ".part");
      try {
        Files.write(tmp, jar);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot cache code package " + file.getFileName(), e);
    }
  }

  private static void touch(Path file, long nowMs) {
    try {
      Files.setLastModifiedTime(file, FileTime.fromMillis(nowMs));
    } catch (IOException e) {
      LOG.atDebug().log(() -> "cannot mark the use of " + file + ": " + e);
    }
  }

  /** The directory, made owner-only if missing; refused if someone else could write to it. */
  private synchronized Path checkedDirectory() {
    if (directoryChecked) {
      return directory;
    }
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    try {
      if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(directory.getParent());
        if (posix) {
          Files.createDirectory(directory,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectory(directory);
        }
      }
      refuseUnsafe(posix);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      refuseUnsafe(posix); // another JVM made it at the same time
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the code package cache " + directory, e);
    }
    directoryChecked = true;
    return directory;
  }

  private void refuseUnsafe(boolean posix) {
    try {
      if (Files.isSymbolicLink(directory)) {
        throw unsafe("is a symbolic link");
      }
      if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
        throw unsafe("is not a directory");
      }
      UserPrincipal owner = Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS);
      UserPrincipal me = currentUser();
      if (!owner.equals(me)) {
        throw unsafe("belongs to " + owner.getName() + ", not to " + me.getName());
      }
      if (posix) {
        Set<PosixFilePermission> permissions = Files.getFileAttributeView(directory,
            PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes().permissions();
        if (permissions.stream().anyMatch(OPEN_TO_OTHERS::contains)) {
          throw unsafe("is open to other users (" + PosixFilePermissions.toString(permissions)
              + "; run chmod 700 on it)");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check the code package cache " + directory, e);
    }
  }

  /** This process's user: by name, else (no such name known) as the owner of a file it makes. */
  private static UserPrincipal currentUser() throws IOException {
    try {
      return FileSystems.getDefault().getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name"));
    } catch (UserPrincipalNotFoundException e) {
      Path probe = Files.createTempFile("jray-owner", ".probe");
      try {
        return Files.getOwner(probe);
      } finally {
        Files.delete(probe);
      }
    }
  }

  private SecurityException unsafe(String why) {
    return new SecurityException("code package cache " + directory + " " + why
        + ": refused, as another user could have put code there (-D" + DIRECTORY_PROPERTY
        + "=DIR chooses another)");
  }

  static String sha256(byte[] data) {
    return HexFormat.of().formatHex(digest().digest(data));
  }

  private static String sha256(Path file) {
    MessageDigest digest = digest();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read cached code package " + file, e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
