package dev.jray.cli;

import dev.jray.gcs.security.TlsSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code jray start}'s TLS options (a picocli mixin): mutual TLS on a node's event bus, link and
 * transfer port, over the system properties and environment variables of the same names.
 *
 * <p>Filled by picocli, then read by the command's one thread.
 */
final class TlsOptions {
  @Option(names = "--use-tls", description = "Mutual TLS on the event bus, link and transfer port"
      + " (or JRAY_USE_TLS=1); needs the three files below.")
  boolean useTls;

  @Option(names = "--tls-server-cert", description = "This node's certificate, PEM (or JRAY_TLS_SERVER_CERT).")
  String tlsServerCert;

  @Option(names = "--tls-server-key", description = "Its private key, PKCS#8 PEM (or JRAY_TLS_SERVER_KEY).")
  String tlsServerKey;

  @Option(names = "--tls-ca-cert", description = "The cluster's CA certificate, PEM (or JRAY_TLS_CA_CERT).")
  String tlsCaCert;

  /** The TLS options over the system properties over the environment; null if TLS is off. */
  TlsSettings settings() {
    Map<String, String> options = new HashMap<>();
    if (useTls) {
      options.put("--use-tls", "true");
    }
    for (String[] given : given()) {
      options.put(given[0], given[1]);
    }
    Map<String, String> props = new HashMap<>();
    System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    return TlsSettings.find(options, props, System.getenv());
  }

  /** The TLS options given on this command line, as options of another {@code jray start}. */
  List<String> asStartOptions() {
    List<String> options = new ArrayList<>();
    if (useTls) {
      options.add("--use-tls");
    }
    for (String[] given : given()) {
      options.addAll(List.of(given[0], given[1]));
    }
    return options;
  }

  /** The files given, as {option, value} pairs. */
  private List<String[]> given() {
    List<String[]> given = new ArrayList<>();
    for (String[] option : new String[][] {{"--tls-server-cert", tlsServerCert},
        {"--tls-server-key", tlsServerKey}, {"--tls-ca-cert", tlsCaCert}}) {
      if (option[1] != null) {
        given.add(option);
      }
    }
    return given;
  }
}
