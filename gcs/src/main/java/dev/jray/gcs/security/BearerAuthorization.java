package dev.jray.gcs.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The check of an HTTP service's {@code Authorization: Bearer <cluster token>} header (the
 * head's Jobs API, each node's metrics), in constant time: the comparison reveals no prefix of
 * the token.
 *
 * <p>Threading: immutable, thread-safe.
 */
public final class BearerAuthorization {
  private final byte[] expected;

  public BearerAuthorization(ClusterToken token) {
    this.expected = ("Bearer " + Objects.requireNonNull(token, "token").reveal())
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @param header the request's {@code Authorization} header; null if it has none
   * @return null if it carries the token, else why not, in one line for the 401's body
   */
  public String refusal(String header) {
    if (header != null
        && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), expected)) {
      return null;
    }
    return (header == null ? "no Authorization header" : "wrong cluster token")
        + ": send 'Authorization: Bearer <the cluster token>' (the token in"
        + " ~/.jray/cluster-token, or given by --token-file)";
  }
}
