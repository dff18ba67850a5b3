package dev.jray.gcs.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for tests: it writes its certificate and certificates it issues to
 * nodes (with their PKCS#8 keys) as PEM files, as an operator's would be. Keys are RSA (2048
 * bits) or EC (P-256).
 *
 * <p>Threading: immutable after construction, except the serial counter (atomic).
 */
public final class TestPki {
  /** The files a process's TLS settings name. */
  public record NodeFiles(Path cert, Path key, Path ca) {
    public TlsSettings settings() {
      return TlsSettings.of(cert, key, ca);
    }

    /** The JVM options that turn TLS on with these files. */
    public java.util.List<String> jvmOptions() {
      return java.util.List.of("-Djray.use-tls=1", "-Djray.tls.server-cert=" + cert,
          "-Djray.tls.server-key=" + key, "-Djray.tls.ca-cert=" + ca);
    }
  }

  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

  private final String name;
  private final Path dir;
  private final KeyPair keys;
  private final X509Certificate certificate;
  private final Path caFile;

  private TestPki(String name, Path dir, KeyPair keys, X509Certificate certificate) {
    this.name = name;
    this.dir = dir;
    this.keys = keys;
    this.certificate = certificate;
    this.caFile = dir.resolve(name + "-ca.pem");
    writePem(caFile, "CERTIFICATE", der(certificate));
  }

  /** A new CA named {@code name} with an EC key, writing its files into {@code dir}. */
  public static TestPki create(String name, Path dir) {
    KeyPair keys = keyPair("EC");
    X500Name subject = new X500Name("CN=" + name + " test CA");
    try {
      X509v3CertificateBuilder b = builder(subject, subject, keys, Duration.ofDays(30));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      Files.createDirectories(dir);
      return new TestPki(name, dir, keys, sign(b, keys));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CA's certificate file. */
  public Path caFile() {
    return caFile;
  }

  /** A node certificate for both TLS ends, its key of {@code algorithm} ("RSA" or "EC"). */
  public NodeFiles issue(String node, String algorithm) {
    return issue(node, algorithm, Duration.ofDays(1), true);
  }

  /**
   * A node certificate valid {@code validFor} from an hour ago (negative: expired), for server
   * and client use or, if {@code clientToo} is false, for servers only.
   */
  public NodeFiles issue(String node, String algorithm, Duration validFor, boolean clientToo) {
    KeyPair nodeKeys = keyPair(algorithm);
    try {
      X509v3CertificateBuilder b = builder(new X500Name("CN=" + name + " test CA"),
          new X500Name("CN=" + node), nodeKeys, validFor);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(clientToo
          ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
          : new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}));
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
      X509Certificate cert = sign(b, keys);
      Path certFile = dir.resolve(name + "-" + node + "-cert.pem");
      Path keyFile = dir.resolve(name + "-" + node + "-key.pem");
      writePem(certFile, "CERTIFICATE", der(cert));
      writePem(keyFile, "PRIVATE KEY", nodeKeys.getPrivate().getEncoded());
      return new NodeFiles(certFile, keyFile, caFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes one PEM block: {@code der} in base64 between BEGIN and END lines of {@code type}. */
  public static void writePem(Path file, String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der);
    try {
      Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type
          + "-----\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject,
      KeyPair subjectKeys, Duration validFor) {
    Instant from = Instant.now().minus(Duration.ofHours(1));
    Instant to = validFor.isNegative() ? from.plus(Duration.ofMinutes(1)).plus(validFor)
        : from.plus(validFor);
    if (validFor.isNegative()) {
      from = to.minus(Duration.ofDays(1));
    }
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
        Date.from(from), Date.from(to), subject, subjectKeys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys) {
    try {
      String algorithm = issuerKeys.getPrivate().getAlgorithm().equals("EC")
          ? "SHA256withECDSA" : "SHA256withRSA";
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keyPair(String algorithm) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        generator.initialize(2048);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] der(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
