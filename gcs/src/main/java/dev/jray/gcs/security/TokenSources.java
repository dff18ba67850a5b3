package dev.jray.gcs.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where a process finds the cluster token, first match wins: a token file named on the command
 * line; the {@code JRAY_CLUSTER_TOKEN} environment variable (the token itself); the file named by
 * {@code JRAY_CLUSTER_TOKEN_FILE} or the system property {@code jray.token-file}; the default
 * file {@code ~/.jray/cluster-token} ({@code $JRAY_HOME/cluster-token} when set), which a head
 * started without a token writes, so workers and drivers on the same machine find it as Ray's
 * {@code ~/.ray/auth_token}.
 *
 * <p>Threading: immutable, thread-safe; {@link #find} reads files.
 */
public final class TokenSources {
  public static final String TOKEN_ENV = "JRAY_CLUSTER_TOKEN";
  public static final String TOKEN_FILE_ENV = "JRAY_CLUSTER_TOKEN_FILE";
  public static final String TOKEN_FILE_PROPERTY = "jray.token-file";
  public static final String HOME_ENV = "JRAY_HOME";
  public static final String HOME_PROPERTY = "jray.home";
  public static final String DEFAULT_FILE_NAME = "cluster-token";

  private final Map<String, String> env;
  private final Map<String, String> properties;

  /** @param env the environment; @param properties the system properties (as strings) */
  public TokenSources(Map<String, String> env, Map<String, String> properties) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    this.properties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
  }

  /** This process's environment and system properties. */
  public static TokenSources ofProcess() {
    Map<String, String> props = new java.util.HashMap<>();
    System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    return new TokenSources(System.getenv(), props);
  }

  /** The default token file: {@code $JRAY_HOME/cluster-token}, else {@code ~/.jray/cluster-token}. */
  public Path defaultFile() {
    String home = properties.getOrDefault(HOME_PROPERTY, env.get(HOME_ENV));
    Path dir = home != null && !home.isBlank() ? Path.of(home)
        : Path.of(properties.getOrDefault("user.home", "."), ".jray");
    return dir.resolve(DEFAULT_FILE_NAME);
  }

  /**
   * A token and the file it came from.
   *
   * @param file null when it came from {@value #TOKEN_ENV} itself
   */
  public record Found(ClusterToken token, Path file) {
    public Found {
      Objects.requireNonNull(token, "token");
    }
  }

  /**
   * The token, or null if no source gives one.
   *
   * @param explicitFile a {@code --token-file} option, or null
   * @throws IllegalArgumentException naming the source if it is set but unreadable or invalid
   */
  public ClusterToken find(Path explicitFile) {
    Found found = locate(explicitFile);
    return found == null ? null : found.token();
  }

  /** As {@link #find}, with the file the token came from. */
  public Found locate(Path explicitFile) {
    if (explicitFile != null) {
      return new Found(ClusterToken.read(explicitFile), explicitFile);
    }
    String text = env.get(TOKEN_ENV);
    if (text != null && !text.isBlank()) {
      return new Found(ClusterToken.of(text, TOKEN_ENV), null);
    }
    String file = properties.getOrDefault(TOKEN_FILE_PROPERTY, env.get(TOKEN_FILE_ENV));
    if (file != null && !file.isBlank()) {
      return new Found(ClusterToken.read(Path.of(file)), Path.of(file));
    }
    Path defaultFile = defaultFile();
    return Files.isRegularFile(defaultFile)
        ? new Found(ClusterToken.read(defaultFile), defaultFile) : null;
  }

  /**
   * The token a worker, driver or CLI call must present.
   *
   * @throws IllegalArgumentException with one line that says how to pass it, if none is found
   */
  public ClusterToken require(Path explicitFile) {
    ClusterToken t = find(explicitFile);
    if (t == null) {
      throw new IllegalArgumentException("no cluster token: pass --token-file FILE, or set "
          + TOKEN_ENV + " or " + TOKEN_FILE_ENV + " (the head writes " + defaultFile()
          + " when it generates one)");
    }
    return t;
  }
}
