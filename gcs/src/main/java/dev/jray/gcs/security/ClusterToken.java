package dev.jray.gcs.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's shared secret, as Ray's token authentication: every node, driver and CLI call
 * proves it holds it, and it never travels itself. Each use has its own key, derived from it by
 * HMAC-SHA256 over a purpose string, so a value seen in one place (the Hazelcast cluster name,
 * an event-bus header) tells nothing about the token or the other keys.
 *
 * <p>Threading: immutable, thread-safe.
 */
public final class ClusterToken {
  /** A generated token: 256 random bits, as 64 hex digits. */
  public static final int GENERATED_BYTES = 32;
  /** A token given by the operator must be at least this long (a generated one is 64). */
  public static final int MIN_LENGTH = 32;
  /** Longer than any sensible token: a token file is read only up to this. */
  public static final int MAX_LENGTH = 1024;
  private static final String HMAC = "HmacSHA256";

  private final byte[] secret;

  private ClusterToken(byte[] secret) {
    this.secret = secret;
  }

  /** A fresh random 256-bit token. */
  public static ClusterToken generate() {
    byte[] bytes = new byte[GENERATED_BYTES];
    new SecureRandom().nextBytes(bytes);
    return new ClusterToken(HexFormat.of().formatHex(bytes).getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * A token given as text (an environment variable, a file's content); surrounding white space
   * is ignored.
   *
   * @param origin where it came from, for the error ("JRAY_CLUSTER_TOKEN", a file's path)
   * @throws IllegalArgumentException naming {@code origin} if it is too short, too long, or
   *     holds white space or control characters
   */
  public static ClusterToken of(String text, String origin) {
    Objects.requireNonNull(origin, "origin");
    String t = Objects.requireNonNull(text, origin).strip();
    if (t.length() < MIN_LENGTH || t.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(origin + ": a cluster token has " + MIN_LENGTH + " to "
          + MAX_LENGTH + " characters, this one has " + t.length());
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException(origin + ": a cluster token is printable ASCII without"
            + " spaces; character " + i + " is not");
      }
    }
    return new ClusterToken(t.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Reads a token file.
   *
   * @throws IllegalArgumentException naming the file if it is missing, unreadable or not a token
   */
  public static ClusterToken read(Path file) {
    try {
      if (Files.size(file) > MAX_LENGTH + 2) {
        throw new IllegalArgumentException("token file " + file + ": larger than a token");
      }
      return of(Files.readString(file, StandardCharsets.US_ASCII), "token file " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("token file " + file + " cannot be read: " + e, e);
    }
  }

  /**
   * Writes this token to a new file readable and writable by its owner only (its directory, if
   * created here, by the owner only too).
   *
   * @throws IllegalStateException naming the file if it exists or cannot be written
   */
  public void write(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null && !Files.isDirectory(dir)) {
        Files.createDirectories(dir, ownerOnlyDirectory());
      }
      Files.write(file, secret, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (FileAlreadyExistsException e) {
      throw new IllegalStateException("token file " + file + " exists already", e);
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("token file " + file + " cannot be written: " + e, e);
    }
  }

  private static java.nio.file.attribute.FileAttribute<?> ownerOnlyDirectory() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  }

  /** The token's text, to hand to a child process; never log it. */
  public String reveal() {
    return new String(secret, StandardCharsets.US_ASCII);
  }

  /** HMAC-SHA256 under the key derived for {@code purpose}, over the parts in order. */
  public byte[] mac(String purpose, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(derivedKey(purpose), HMAC));
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** Whether {@code proof} is {@link #mac} of the parts, compared in constant time. */
  public boolean verify(byte[] proof, String purpose, byte[]... parts) {
    return proof != null && MessageDigest.isEqual(proof, mac(purpose, parts));
  }

  /** The key for one purpose: HMAC-SHA256(token, purpose). */
  public byte[] derivedKey(String purpose) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(secret, HMAC));
      return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** A derived key as hex, for places that carry text (a cluster name, a header). */
  public String derivedHex(String purpose) {
    return HexFormat.of().formatHex(derivedKey(purpose));
  }

  /** Never the secret. */
  @Override
  public String toString() {
    return "ClusterToken[" + derivedHex("fingerprint").substring(0, 8) + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClusterToken t && MessageDigest.isEqual(secret, t.secret);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(derivedKey("hash"));
  }
}
