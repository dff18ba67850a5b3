package dev.jray.gcs.security;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Opt-in TLS, as Ray's {@code RAY_USE_TLS}: every node, driver and the CLI's peers talk mutual TLS
 * (TLS 1.3, both sides present a certificate signed by the cluster's CA) on the event bus, the
 * node-to-node link and the object transfer port. Each process gives its own certificate and key
 * and the CA's certificate as PEM files, through (first match wins) a {@code start} option, a
 * system property, or an environment variable:
 *
 * <table>
 *   <tr><th>option</th><th>property</th><th>variable</th><th>what</th></tr>
 *   <tr><td>--use-tls</td><td>jray.use-tls</td><td>JRAY_USE_TLS</td><td>1 or true: on</td></tr>
 *   <tr><td>--tls-server-cert</td><td>jray.tls.server-cert</td><td>JRAY_TLS_SERVER_CERT</td>
 *       <td>this process's certificate, then its chain (PEM)</td></tr>
 *   <tr><td>--tls-server-key</td><td>jray.tls.server-key</td><td>JRAY_TLS_SERVER_KEY</td>
 *       <td>its private key: unencrypted PKCS#8, RSA or EC (PEM)</td></tr>
 *   <tr><td>--tls-ca-cert</td><td>jray.tls.ca-cert</td><td>JRAY_TLS_CA_CERT</td>
 *       <td>the CA certificates peers must chain to (PEM)</td></tr>
 * </table>
 *
 * <p>The certificate serves as both server and client certificate (no extended key usage, or
 * both serverAuth and clientAuth). Peers are checked against the CA, not by host name: any holder
 * of a certificate the CA signed is a member, as nodes are addressed by IP and come and go.
 * Hazelcast's own member and client connections stay plain: TLS is in Hazelcast's enterprise
 * edition only.
 *
 * <p>Threading: immutable, thread-safe (an {@link SSLContext} is).
 */
public final class TlsSettings {
  /** The protocol both ends speak: no downgrade to anything older. */
  public static final String PROTOCOL = "TLSv1.3";

  /** A setting's names: the {@code start} option, the system property, the variable. */
  private record Names(String option, String property, String variable) {}

  /** The environment variables, for launchers that start jray processes. */
  public static final String USE_TLS_ENV = "JRAY_USE_TLS";
  public static final String SERVER_CERT_ENV = "JRAY_TLS_SERVER_CERT";
  public static final String SERVER_KEY_ENV = "JRAY_TLS_SERVER_KEY";
  public static final String CA_CERT_ENV = "JRAY_TLS_CA_CERT";

  private static final Names USE_TLS = new Names("--use-tls", "jray.use-tls", USE_TLS_ENV);
  private static final Names SERVER_CERT =
      new Names("--tls-server-cert", "jray.tls.server-cert", SERVER_CERT_ENV);
  private static final Names SERVER_KEY =
      new Names("--tls-server-key", "jray.tls.server-key", SERVER_KEY_ENV);
  private static final Names CA_CERT =
      new Names("--tls-ca-cert", "jray.tls.ca-cert", CA_CERT_ENV);

  /** Guarded by the class: this process's settings, read once. */
  private static TlsSettings processSettings;
  private static boolean processSettingsRead;

  private final Path certFile;
  private final Path keyFile;
  private final Path caFile;
  private final byte[] certPem;
  private final byte[] keyPem;
  private final byte[] caPem;
  private final SSLContext context;

  private TlsSettings(Path certFile, Path keyFile, Path caFile, byte[] certPem, byte[] keyPem,
      byte[] caPem, SSLContext context) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.caFile = caFile;
    this.certPem = certPem;
    this.keyPem = keyPem;
    this.caPem = caPem;
    this.context = context;
  }

  /**
   * This process's settings, from its system properties and environment, read the first time
   * and kept.
   *
   * @return null if TLS is off
   * @throws IllegalArgumentException with one line naming the variable and file at fault
   */
  public static synchronized TlsSettings ofProcess() {
    if (!processSettingsRead) {
      Map<String, String> props = new HashMap<>();
      System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
      processSettings = find(Map.of(), props, System.getenv());
      processSettingsRead = true;
    }
    return processSettings;
  }

  /**
   * The settings the sources give, loaded and checked.
   *
   * @param options {@code start}'s TLS options by name ({@code "--use-tls"} to {@code "true"}),
   *     which override the system properties, which override the environment
   * @return null if TLS is off
   * @throws IllegalArgumentException with one line naming the variable and file at fault
   */
  public static TlsSettings find(Map<String, String> options, Map<String, String> properties,
      Map<String, String> env) {
    String[] use = lookup(USE_TLS, options, properties, env);
    if (use == null || !on(use)) {
      return null;
    }
    String[] cert = require(SERVER_CERT, use, options, properties, env);
    String[] key = require(SERVER_KEY, use, options, properties, env);
    String[] ca = require(CA_CERT, use, options, properties, env);
    return load(Path.of(cert[1]), cert[0], Path.of(key[1]), key[0], Path.of(ca[1]), ca[0]);
  }

  /**
   * Loads the given files (for tests and embedding applications).
   *
   * @throws IllegalArgumentException with one line naming the file at fault
   */
  public static TlsSettings of(Path certFile, Path keyFile, Path caFile) {
    return load(certFile, "certificate", keyFile, "key", caFile, "CA certificate");
  }

  private static boolean on(String[] use) {
    return switch (use[1].strip().toLowerCase(Locale.ROOT)) {
      case "1", "true", "yes", "on" -> true;
      case "0", "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException(use[0] + ": expected 1 or 0, got '" + use[1]
          + "'");
    };
  }

  /** {name, value} of the first source that sets it, or null. */
  private static String[] lookup(Names names, Map<String, String> options,
      Map<String, String> properties, Map<String, String> env) {
    String[][] tries = {{names.option(), options.get(names.option())},
        {names.property(), properties.get(names.property())},
        {names.variable(), env.get(names.variable())}};
    for (String[] t : tries) {
      if (t[1] != null && !t[1].isBlank()) {
        return t;
      }
    }
    return null;
  }

  private static String[] require(Names names, String[] use, Map<String, String> options,
      Map<String, String> properties, Map<String, String> env) {
    String[] found = lookup(names, options, properties, env);
    if (found == null) {
      throw new IllegalArgumentException("TLS is on (" + use[0] + ") but " + names.variable()
          + " (or " + names.option() + ", -D" + names.property() + ") is not set");
    }
    return found;
  }

  private static TlsSettings load(Path certFile, String certName, Path keyFile, String keyName,
      Path caFile, String caName) {
    String certOrigin = certName + " (" + certFile + ")";
    String keyOrigin = keyName + " (" + keyFile + ")";
    String caOrigin = caName + " (" + caFile + ")";
    byte[] certPem = PemFiles.read(certFile, certOrigin);
    byte[] keyPem = PemFiles.read(keyFile, keyOrigin);
    byte[] caPem = PemFiles.read(caFile, caOrigin);
    List<X509Certificate> chain = PemFiles.certificates(certPem, certOrigin);
    PrivateKey key = PemFiles.privateKey(keyPem, keyOrigin);
    List<X509Certificate> cas = PemFiles.certificates(caPem, caOrigin);
    checkKeyMatches(key, keyOrigin, chain.get(0), certOrigin);
    X509TrustManager trust = trustManager(cas);
    checkSignedByCa(trust, chain, certOrigin, caOrigin);
    return new TlsSettings(certFile, keyFile, caFile, certPem, keyPem, caPem,
        context(key, chain, trust));
  }

  /** Signs with the key and verifies with the certificate: proof they are one pair. */
  private static void checkKeyMatches(PrivateKey key, String keyOrigin, X509Certificate cert,
      String certOrigin) {
    String mismatch = keyOrigin + " does not match the certificate in " + certOrigin;
    if (!key.getAlgorithm().equals(cert.getPublicKey().getAlgorithm())) {
      throw new IllegalArgumentException(mismatch + " (the key is " + key.getAlgorithm()
          + ", the certificate " + cert.getPublicKey().getAlgorithm() + ")");
    }
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    byte[] probe = "jray key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw new IllegalArgumentException(mismatch);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(mismatch + " (" + e.getMessage() + ")", e);
    }
  }

  /** The node's certificate must pass as a server's and as a client's, as peers will check it. */
  private static void checkSignedByCa(X509TrustManager trust, List<X509Certificate> chain,
      String certOrigin, String caOrigin) {
    X509Certificate[] certs = chain.toArray(X509Certificate[]::new);
    try {
      trust.checkServerTrusted(certs, "UNKNOWN");
      trust.checkClientTrusted(certs, "UNKNOWN");
    } catch (CertificateException e) {
      throw new IllegalArgumentException(certOrigin + " is not accepted by the CA in " + caOrigin
          + ": " + e.getMessage(), e);
    }
  }

  private static X509TrustManager trustManager(List<X509Certificate> cas) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager m : factory.getTrustManagers()) {
        if (m instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("this JVM has no X.509 trust manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust store: " + e, e);
    }
  }

  private static SSLContext context(PrivateKey key, List<X509Certificate> chain,
      X509TrustManager trust) {
    try {
      // the key store lives in memory only; its password guards nothing
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setKeyEntry("node", key, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance(PROTOCOL);
      context.init(keys.getKeyManagers(), new TrustManager[] {trust}, new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a TLS context: " + e, e);
    }
  }

  /** Mutual TLS 1.3 with this process's key, trusting the CA only. */
  public SSLContext context() {
    return context;
  }

  /** This process's certificate and key, for Vert.x (the event bus). */
  public PemKeyCertOptions keyCertOptions() {
    return new PemKeyCertOptions().addCertValue(Buffer.buffer(certPem))
        .addKeyValue(Buffer.buffer(keyPem));
  }

  /** The CA, for Vert.x (the event bus). */
  public PemTrustOptions trustOptions() {
    return new PemTrustOptions().addCertValue(Buffer.buffer(caPem));
  }

  /**
   * The environment variables that give a jray process this process's TLS settings (the files'
   * absolute paths, never their contents): for the drivers the job supervisor starts.
   */
  public Map<String, String> environment() {
    return Map.of(USE_TLS_ENV, "1", SERVER_CERT_ENV, certFile.toAbsolutePath().toString(),
        SERVER_KEY_ENV, keyFile.toAbsolutePath().toString(),
        CA_CERT_ENV, caFile.toAbsolutePath().toString());
  }

  /** The files' paths; never the key. */
  @Override
  public String toString() {
    return "TlsSettings[cert " + certFile + ", key " + keyFile + ", CA " + caFile + "]";
  }
}
