package dev.jray.gcs.cluster;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a cluster member listens, as users write it: {@code host:port}, an IPv6 address in
 * brackets ({@code [::1]:6379}), or a host alone (port {@value ClusterConfig#DEFAULT_HEAD_PORT}).
 * The one parser of addresses: the CLI's {@code --address}, a driver's {@code jray.address} /
 * {@code JRAY_ADDRESS} and the cluster bootstrap all use it. Immutable.
 *
 * @param host a host name, IPv4 address, or IPv6 address (without brackets)
 * @param port 1..65535
 */
public record ClusterAddress(String host, int port) {
  // names and IPv4 addresses; IPv6 (with an optional zone, %eth0) only inside brackets
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[\\w.-]+)?");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  /** At most this many members in one list: a seed list names a few, never thousands. */
  public static final int MAX_LIST_SIZE = 64;

  public ClusterAddress {
    Objects.requireNonNull(host, "host");
    if (!HOST.matcher(host).matches() && !IPV6.matcher(host).matches()) {
      throw new IllegalArgumentException("'" + host + "' is not a host name or IP address");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 1..65535");
    }
  }

  /**
   * Parses {@code host:port}, {@code [ipv6]:port}, {@code host} or {@code [ipv6]}.
   *
   * @throws IllegalArgumentException one line saying what is wrong with {@code text}
   */
  public static ClusterAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("the address is empty: give HOST:PORT, e.g. 127.0.0.1:"
          + ClusterConfig.DEFAULT_HEAD_PORT);
    }
    String address = text.trim();
    if (address.indexOf('/') >= 0) {
      throw invalid(text, "an address has no scheme or path, only HOST:PORT");
    }
    String host;
    String port;
    if (address.startsWith("[")) {
      int close = address.indexOf(']');
      if (close < 0) {
        throw invalid(text, "no ']' closes the IPv6 address");
      }
      host = address.substring(1, close);
      String rest = address.substring(close + 1);
      if (!IPV6.matcher(host).matches()) {
        throw invalid(text, "'" + host + "' in brackets is not an IPv6 address");
      }
      if (!rest.isEmpty() && !rest.startsWith(":")) {
        throw invalid(text, "'" + rest + "' after ']' is not ':PORT'");
      }
      port = rest.isEmpty() ? null : rest.substring(1);
    } else {
      int colon = address.indexOf(':');
      if (colon >= 0 && address.indexOf(':', colon + 1) >= 0) {
        throw invalid(text, "an IPv6 address goes in brackets, as [::1]:"
            + ClusterConfig.DEFAULT_HEAD_PORT);
      }
      host = colon < 0 ? address : address.substring(0, colon);
      port = colon < 0 ? null : address.substring(colon + 1);
      if (!HOST.matcher(host).matches()) {
        throw invalid(text, host.isEmpty() ? "the host is missing"
            : "'" + host + "' is not a host name or IP address");
      }
    }
    return new ClusterAddress(host, port == null ? ClusterConfig.DEFAULT_HEAD_PORT : port(text, port));
  }

  /**
   * As {@link #parse(String)}, for a setting: the error opens with {@code source} (e.g. {@code
   * JRAY_ADDRESS}).
   */
  public static ClusterAddress parse(String text, String source) {
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses a comma-separated list of member addresses, {@code h1:p1,h2:p2} (each as {@link
   * #parse(String)}), dropping repeats and keeping the order.
   *
   * @throws IllegalArgumentException one line naming the bad entry, an empty entry, or a list
   *     longer than {@value #MAX_LIST_SIZE}
   */
  public static List<ClusterAddress> parseList(String text) {
    if (text == null || text.isBlank()) {
      return List.of(parse(text)); // its one line says what to give
    }
    String[] parts = text.split(",", -1);
    if (parts.length > MAX_LIST_SIZE) {
      throw new IllegalArgumentException("the address list names " + parts.length
          + " members; at most " + MAX_LIST_SIZE + " are allowed");
    }
    Set<ClusterAddress> addresses = new LinkedHashSet<>();
    for (String part : parts) {
      if (part.isBlank()) {
        throw new IllegalArgumentException("'" + text + "' has an empty entry: give"
            + " HOST:PORT,HOST:PORT");
      }
      addresses.add(parse(part));
    }
    return List.copyOf(addresses);
  }

  /** As {@link #parseList(String)}, for a setting: the error opens with {@code source}. */
  public static List<ClusterAddress> parseList(String text, String source) {
    try {
      return parseList(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  /** The canonical text of a list: {@code h1:p1,h2:p2}, as {@link #parseList} reads back. */
  public static String toText(List<ClusterAddress> addresses) {
    return String.join(",", addresses.stream().map(ClusterAddress::toString).toList());
  }

  private static int port(String text, String port) {
    if (port.isEmpty()) {
      throw invalid(text, "the port after ':' is missing");
    }
    if (!DIGITS.matcher(port).matches()) {
      throw invalid(text, "port '" + port + "' is not a number");
    }
    // more than five digits is out of range, and may not fit an int
    int value = port.length() > 5 ? -1 : Integer.parseInt(port);
    if (value < 1 || value > 65535) {
      throw invalid(text, "port " + port + " is outside 1..65535");
    }
    return value;
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException("'" + text + "' is not an address HOST:PORT: " + why);
  }

  /** {@code host:port}, the IPv6 host in brackets: what {@link #parse} reads back. */
  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
