package dev.jray.gcs.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files with the JDK alone: X.509 certificates and unencrypted PKCS#8 private keys (RSA
 * or EC), the formats {@code openssl req -newkey ... -nodes} and {@code openssl pkcs8 -topk8
 * -nocrypt} write. Every error is one line that starts with the file's origin (the variable or
 * option that named it, and its path).
 *
 * <p>Stateless.
 */
final class PemFiles {
  /** Larger than any certificate bundle or key: a file this size is not one. */
  static final int MAX_FILE_BYTES = 1 << 20;
  private static final Pattern BEGIN = Pattern.compile("^-----BEGIN ([A-Z0-9 ]+)-----$");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC");

  /** One PEM block: its type (the word after BEGIN) and its decoded bytes. */
  record Block(String type, byte[] der) {}

  private PemFiles() {}

  /**
   * A PEM file's bytes.
   *
   * @param origin names the file in errors, e.g. {@code "JRAY_TLS_CA_CERT (/etc/jray/ca.pem)"}
   * @throws IllegalArgumentException naming {@code origin} if the file is missing, unreadable or
   *     too large
   */
  static byte[] read(Path file, String origin) {
    try {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(origin + ": no such file");
      }
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(origin + ": larger than " + MAX_FILE_BYTES
            + " bytes, not a PEM certificate or key");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(origin + ": cannot be read (" + e + ")", e);
    }
  }

  /**
   * The blocks of a PEM text, in order.
   *
   * @throws IllegalArgumentException naming {@code origin} if it is not PEM
   */
  static List<Block> blocks(byte[] pem, String origin) {
    List<Block> blocks = parse(new String(pem, StandardCharsets.US_ASCII), origin);
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException(origin + ": not a PEM file (no -----BEGIN ...----- line)");
    }
    return blocks;
  }

  private static List<Block> parse(String text, String origin) {
    List<Block> blocks = new ArrayList<>();
    String type = null;
    StringBuilder body = new StringBuilder();
    for (String raw : text.split("\\R")) {
      String line = raw.strip();
      if (type == null) {
        Matcher begin = BEGIN.matcher(line);
        if (begin.matches()) {
          type = begin.group(1);
          body.setLength(0);
        }
        continue;
      }
      if (line.equals("-----END " + type + "-----")) {
        blocks.add(new Block(type, decode(body, type, origin)));
        type = null;
      } else if (line.contains(":")) {
        // RFC 1421 headers (Proc-Type, DEK-Info) mark an OpenSSL-encrypted key
        throw new IllegalArgumentException(origin + ": the " + type + " block is encrypted;"
            + " jray reads unencrypted keys (openssl pkcs8 -topk8 -nocrypt)");
      } else {
        body.append(line);
      }
    }
    if (type != null) {
      throw new IllegalArgumentException(origin + ": the " + type + " block has no END line");
    }
    return blocks;
  }

  private static byte[] decode(StringBuilder base64, String type, String origin) {
    try {
      return Base64.getDecoder().decode(base64.toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(origin + ": the " + type + " block is not valid base64");
    }
  }

  /**
   * The X.509 certificates of a PEM text, in order (a node's own first, then its chain).
   *
   * @throws IllegalArgumentException naming {@code origin} if it holds none, or a bad one
   */
  static List<X509Certificate> certificates(byte[] pem, String origin) {
    List<Block> blocks = blocks(pem, origin);
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks) {
        if (b.type().equals("CERTIFICATE")) {
          try {
            certs.add((X509Certificate) factory.generateCertificate(
                new ByteArrayInputStream(b.der())));
          } catch (CertificateException e) {
            throw new IllegalArgumentException(origin + ": certificate " + (certs.size() + 1)
                + " is not a valid X.509 certificate (" + e.getMessage() + ")", e);
          }
        }
      }
    } catch (CertificateException e) {
      throw new IllegalStateException("this JVM has no X.509 certificate factory", e);
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(origin + ": holds no CERTIFICATE block (found "
          + types(blocks) + ")");
    }
    return certs;
  }

  /**
   * The one private key of a PEM text: PKCS#8 ({@code BEGIN PRIVATE KEY}), RSA or EC.
   *
   * @throws IllegalArgumentException naming {@code origin} if it holds no key, several, a key in
   *     another format (PKCS#1, SEC 1, encrypted: with the openssl command that converts it), or
   *     a key that is neither RSA nor EC
   */
  static PrivateKey privateKey(byte[] pem, String origin) {
    List<Block> blocks = blocks(pem, origin);
    List<Block> keys = blocks.stream().filter(b -> b.type().endsWith("PRIVATE KEY")).toList();
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(origin + ": holds no PRIVATE KEY block (found "
          + types(blocks) + ")");
    }
    if (keys.size() > 1) {
      throw new IllegalArgumentException(origin + ": holds " + keys.size()
          + " private keys; give one");
    }
    Block key = keys.get(0);
    switch (key.type()) {
      case "PRIVATE KEY":
        break;
      case "ENCRYPTED PRIVATE KEY":
        throw new IllegalArgumentException(origin + ": the key is encrypted; jray reads"
            + " unencrypted PKCS#8 keys (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY8)");
      default:
        throw new IllegalArgumentException(origin + ": the key is a " + key.type() + " block;"
            + " jray reads PKCS#8 keys, BEGIN PRIVATE KEY (openssl pkcs8 -topk8 -nocrypt -in KEY"
            + " -out KEY8)");
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm)
            .generatePrivate(new PKCS8EncodedKeySpec(key.der()));
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm: try the next
      }
    }
    throw new IllegalArgumentException(origin + ": the PRIVATE KEY block is not an RSA or EC key");
  }

  private static String types(List<Block> blocks) {
    return blocks.stream().map(Block::type).distinct().toList().toString();
  }
}
