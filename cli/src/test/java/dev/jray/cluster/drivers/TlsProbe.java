package dev.jray.cluster.drivers;

import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.cluster.ClusterConfig;
import dev.jray.gcs.cluster.ClusteredVertx;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.store.ObjectStoreVerticle;
import io.vertx.core.eventbus.DeliveryOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@code TlsProbe headAddress [strangerCert strangerKey]}: a process that holds the cluster token
 * but no certificate of a TLS cluster's CA tries each node's ports. It joins Hazelcast (which has
 * no TLS in its open-source edition) as a lite member with the TLS settings of its system properties (none, or a stranger
 * CA's), reads the nodes' ports from the GCS, and for every node that runs tasks:
 *
 * <ul>
 *   <li>asks its store's stats over the event bus: {@code RESULT bus-<node>=replied|refused};
 *   <li>opens TLS to its link and transfer ports without a client certificate, and with the
 *       stranger's if given, reads, then sends bytes and reads: {@code
 *       RESULT link-<how>-<node>=refused|open} (and {@code transfer-...}); refused is a TLS
 *       alert, open is an answer, or silence for 10 s after the bytes.
 * </ul>
 */
public final class TlsProbe {
  private static final int READ_TIMEOUT_MS = 10_000;

  public static void main(String[] args) throws Exception {
    String head = args[0];
    KeyManager[] strangerKeys = args.length > 2 ? keys(args[1], args[2]) : null;
    // it holds the token (Hazelcast lets it in) but no certificate of the cluster's CA
    ClusteredVertx cluster = ClusterConfig.member(head, "127.0.0.1", ClusterConfig.Role.DRIVER, true,
            TokenSources.ofProcess().require(null))
        .tls(TlsSettings.ofProcess()).join("127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(120, TimeUnit.SECONDS);
    try {
      for (NodeRecord node : cluster.gcs().nodes().snapshot().values()) {
        if (!node.alive() || node.linkPort() <= 0) {
          continue;
        }
        String id = node.nodeId().toHex();
        result("bus-" + id, askStats(cluster, node));
        result("link-nocert-" + id, tryPort(node.linkPort(), null));
        result("transfer-nocert-" + id, tryPort(node.objectTransferPort(), null));
        if (strangerKeys != null) {
          result("link-stranger-" + id, tryPort(node.linkPort(), strangerKeys));
          result("transfer-stranger-" + id, tryPort(node.objectTransferPort(), strangerKeys));
        }
      }
    } finally {
      cluster.vertx().close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    System.out.println("PROBE_DONE");
    System.exit(0);
  }

  private static String askStats(ClusteredVertx cluster, NodeRecord node) {
    try {
      cluster.vertx().eventBus().request(ObjectStoreVerticle.statsAddress(node.nodeId()), "stats",
              new DeliveryOptions().setSendTimeout(5_000))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return "replied";
    } catch (Exception e) {
      return "refused";
    }
  }

  /**
   * TLS to a port, trusting any server: "refused" if the server answers with a TLS alert (it
   * refused this client's certificate), "no-tls: ..." if it speaks no TLS, "open" if it answers
   * or waits for more, "closed" if it closes without a word.
   */
  private static String tryPort(int port, KeyManager[] keys) throws Exception {
    SSLContext context = SSLContext.getInstance(TlsSettings.PROTOCOL);
    context.init(keys, new TrustManager[] {new TrustAnyServer()}, new SecureRandom());
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      SSLSocket socket = (SSLSocket) context.getSocketFactory()
          .createSocket(plain, "127.0.0.1", port, true);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      try {
        socket.startHandshake();
      } catch (SSLException e) {
        return refusal(e);
      }
      // TLS 1.3: the server checks the client's certificate after the client's handshake is
      // done, so its refusal comes as an alert on the first read (a write could hit the closed
      // socket first); a server that took the client waits for it in silence
      try {
        return socket.getInputStream().read() < 0 ? "closed" : "open";
      } catch (SocketTimeoutException silent) {
        // it waits for the client's first bytes: send some
      }
      // a link HELLO frame's length, or the start of an object id: anything the server reads
      socket.getOutputStream().write(new byte[] {0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0});
      socket.getOutputStream().flush();
      return socket.getInputStream().read() < 0 ? "closed" : "open";
    } catch (SSLException e) {
      return refusal(e);
    } catch (SocketTimeoutException e) {
      return "open";
    } catch (IOException e) {
      return "failed: " + e;
    }
  }

  /** A TLS server that refuses a client's certificate says so in an alert. */
  private static String refusal(SSLException e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("alert") ? "refused" : "no-tls: " + message;
  }

  private static KeyManager[] keys(String certFile, String keyFile) throws Exception {
    // TlsSettings.of would refuse them (not the cluster's CA): build the key manager directly
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(Path.of(certFile))) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    String pem = Files.readString(Path.of(keyFile));
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    PrivateKey key = KeyFactory.getInstance(cert.getPublicKey().getAlgorithm())
        .generatePrivate(new PKCS8EncodedKeySpec(der));
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setKeyEntry("stranger", key, new char[0], new X509Certificate[] {cert});
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, new char[0]);
    return factory.getKeyManagers();
  }

  private static void result(String key, Object value) {
    System.out.println("RESULT " + key + "=" + value);
    System.out.flush();
  }

  /** The probe tests the server's check of the client, not the client's of the server. */
  private static final class TrustAnyServer implements X509TrustManager {
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
