package dev.jray.cli;

import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TokenSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster token of a {@code jray} command: its {@code --token-file}, else what {@link
 * TokenSources} finds; a head with none generates one and writes it, readable by the user only, to
 * its {@code --token-file} or the default file. Never prints the token: only where it is.
 *
 * <p>Stateless; reads and writes files.
 */
final class CommandTokens {
  private CommandTokens() {}

  /**
   * The head's token: {@code tokenFile}'s if it exists, else a new one written there; without
   * {@code tokenFile}, the one {@link TokenSources} finds, else a new one in the default file.
   */
  static TokenSources.Found forHead(Path tokenFile) {
    TokenSources sources = TokenSources.ofProcess();
    if (tokenFile != null && !Files.exists(tokenFile)) {
      return written(tokenFile, sources);
    }
    TokenSources.Found found = sources.locate(tokenFile);
    return found != null ? found : written(sources.defaultFile(), sources);
  }

  private static TokenSources.Found written(Path file, TokenSources sources) {
    ClusterToken generated = ClusterToken.generate();
    try {
      generated.write(file);
      return new TokenSources.Found(generated, file);
    } catch (IllegalStateException e) {
      if (!Files.exists(file)) {
        throw e;
      }
      return sources.locate(file); // another head wrote it first
    }
  }

  /**
   * The token a worker or a CLI call presents.
   *
   * @throws IllegalArgumentException with one line saying how to pass it, if none is found
   */
  static TokenSources.Found forMember(Path tokenFile) {
    TokenSources sources = TokenSources.ofProcess();
    TokenSources.Found found = sources.locate(tokenFile);
    if (found == null) {
      sources.require(tokenFile); // throws, saying how to pass one
    }
    return found;
  }

  /** How workers, drivers and {@code status} pass the head's token: lines to print, never it. */
  static List<String> howToJoin(TokenSources.Found token, String address) {
    List<String> lines = new ArrayList<>();
    String java = "java -jar jray.jar";
    if (token.file() == null) {
      lines.add("  Cluster token: from " + TokenSources.TOKEN_ENV + "; give every node, driver"
          + " and status call the same " + TokenSources.TOKEN_ENV + ".");
      lines.add("  To add another node to this cluster, run");
      lines.add("    " + java + " start --address " + address);
      lines.add("  To connect a driver (Ray.init()) to it, run it with");
      lines.add("    -Djray.address=" + address);
      lines.add("  To see the cluster:        " + java + " status --address " + address);
      return lines;
    }
    Path file = token.file().toAbsolutePath();
    lines.add("  Cluster token: in " + file + " (readable by you only); copy it to the other"
        + " machines the same way.");
    lines.add("  To add another node to this cluster, run");
    lines.add("    " + java + " start --address " + address + " --token-file " + file);
    lines.add("  To connect a driver (Ray.init()) to it, run it with");
    lines.add("    " + TokenSources.TOKEN_FILE_ENV + "=" + file + " java -Djray.address=" + address
        + " ...");
    lines.add("  To see the cluster:        " + java + " status --address " + address
        + " --token-file " + file);
    return lines;
  }
}
