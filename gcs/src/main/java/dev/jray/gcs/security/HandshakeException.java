package dev.jray.gcs.security;

import java.io.IOException;

/**
 * A peer failed the {@link Handshake}; the message says why in a few words about the peer ("it
 * did not prove the cluster token"), to follow "link from 127.0.0.1:50342 refused: ".
 */
public final class HandshakeException extends IOException {
  private static final long serialVersionUID = 1L;

  public HandshakeException(String reason) {
    super(reason);
  }
}
