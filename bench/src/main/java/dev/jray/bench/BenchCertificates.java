package dev.jray.bench;

import dev.jray.gcs.security.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The PEM files of the suite's TLS rows, made with the JDK's {@code keytool} (no third-party
 * code): a throwaway CA and one EC P-256 certificate it signed, which the head, the worker and the
 * driver all present. keytool cannot write a private key as PEM, so the key is read back from its
 * PKCS#12 store and written as unencrypted PKCS#8. Stateless.
 */
final class BenchCertificates {
  private static final String STORE_PASSWORD = "jray-bench";
  private static final long KEYTOOL_TIMEOUT_S = 60;

  private BenchCertificates() {}

  /**
   * Makes the files in {@code dir} and returns the environment that turns TLS on with them
   * ({@code JRAY_USE_TLS=1} and the three file variables).
   */
  static Map<String, String> tlsEnvironment(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path caStore = dir.resolve("ca.p12");
    Path nodeStore = dir.resolve("node.p12");
    Path request = dir.resolve("node.csr");
    Path ca = dir.resolve("ca.pem");
    Path cert = dir.resolve("node.pem");
    Path key = dir.resolve("node-key.pem");
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=jray-bench-ca", "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", caStore.toString(), "-storepass", STORE_PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(),
        "-storepass", STORE_PASSWORD, "-file", ca.toString());
    keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=jray-bench-node", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", nodeStore.toString(), "-storepass", STORE_PASSWORD);
    keytool("-certreq", "-alias", "node", "-keystore", nodeStore.toString(),
        "-storepass", STORE_PASSWORD, "-file", request.toString());
    keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(),
        "-storepass", STORE_PASSWORD, "-validity", "2", "-infile", request.toString(),
        "-outfile", cert.toString());
    writePrivateKey(nodeStore, key);
    return Map.of(TlsSettings.USE_TLS_ENV, "1", TlsSettings.SERVER_CERT_ENV, cert.toString(),
        TlsSettings.SERVER_KEY_ENV, key.toString(), TlsSettings.CA_CERT_ENV, ca.toString());
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output;
    try (InputStream in = p.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(KEYTOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("keytool " + args[0] + " did not end within "
          + KEYTOOL_TIMEOUT_S + " s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + args[0] + " failed (exit " + p.exitValue()
          + "): " + output.strip());
    }
  }

  /** The node's key from its PKCS#12 store, as the unencrypted PKCS#8 PEM jray reads. */
  private static void writePrivateKey(Path store, Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, STORE_PASSWORD.toCharArray());
      Key key = keys.getKey("node", STORE_PASSWORD.toCharArray());
      String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(key.getEncoded());
      Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + body
          + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the key keytool made in " + store + ": " + e, e);
    }
  }
}
