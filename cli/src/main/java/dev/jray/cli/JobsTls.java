package dev.jray.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Ray's {@code --verify} for an https Jobs API: {@code true} (the default: the cluster's CA when
 * this process has TLS settings, else the JDK's trust), {@code false} (any certificate), or a
 * PEM file, or a directory of them, whose certificates are trusted. Stateless.
 */
final class JobsTls {
  private JobsTls() {}

  /**
   * The TLS context {@code verify} asks for, or null for the default trust.
   *
   * @throws IllegalArgumentException if it names no readable certificates
   */
  static SSLContext context(String verify) {
    if (verify == null || List.of("true", "True", "1").contains(verify)) {
      return null;
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      if (List.of("false", "False", "0").contains(verify)) {
        context.init(null, new TrustManager[] {new TrustingEveryone()}, new SecureRandom());
        return context;
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int n = 0;
      for (Certificate c : certificates(Path.of(verify))) {
        trusted.setCertificateEntry("ca-" + n++, c);
      }
      if (n == 0) {
        throw new IllegalArgumentException("--verify " + verify + " holds no PEM certificate");
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      context.init(null, trust.getTrustManagers(), new SecureRandom());
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("--verify " + verify + ": neither true, false nor a"
          + " readable file or directory of PEM certificates (" + e.getMessage() + ")");
    }
  }

  private static List<Certificate> certificates(Path location) throws IOException, GeneralSecurityException {
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(location)) {
      try (Stream<Path> listed = Files.list(location)) {
        listed.filter(Files::isRegularFile).sorted().forEach(files::add);
      }
    } else {
      files.add(location);
    }
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    List<Certificate> all = new ArrayList<>();
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f)) {
        all.addAll(x509.generateCertificates(in));
      } catch (GeneralSecurityException e) {
        if (files.size() == 1) {
          throw e;
        } // a directory may hold other files
      }
    }
    return all;
  }

  /** {@code --verify false}: Ray's verify=False, any server certificate is accepted. */
  private static final class TrustingEveryone implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
