package dev.jray.client;

import dev.jray.api.exception.RayException;
import dev.jray.api.runtime.RayRuntime;
import dev.jray.client.ClientProtocol.Reader;
import dev.jray.driver.ClientConnector;
import dev.jray.gcs.cluster.ClusterAddress;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.gcs.serialization.Serializer;
import dev.jray.gcs.serialization.Serializers;
import dev.jray.gcs.time.Time;
import dev.jray.runtime.CoreWorker;
import dev.jray.runtime.JobPackages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Found by {@code Ray.init()} for {@code jray://HOST[:PORT]} addresses (port {@value
 * ClientProtocol#DEFAULT_PORT} if none): offers the application's class path as code packages,
 * as a member driver ships it, and the job's namespace ({@code jray.namespace}) and runtime env
 * ({@code jray.job.runtime-env} / {@code JRAY_JOB_RUNTIME_ENV}), presenting the cluster token
 * from the usual sources.
 */
public final class RayClientConnector implements ClientConnector {
  private static final Logger LOG = LoggerFactory.getLogger(RayClientConnector.class);

  @Override
  public RayRuntime connect(String address) {
    String hostPort = address.substring(SCHEME.length()).trim();
    if (!hostPort.contains(":")) {
      hostPort = hostPort + ":" + ClientProtocol.DEFAULT_PORT;
    }
    ClusterAddress server = ClusterAddress.parse(hostPort, "the Ray Client address " + address);
    ClusterToken token = TokenSources.ofProcess().require(null);
    TlsSettings tls = TlsSettings.ofProcess(); // the cluster's TLS: its CA is trusted
    String env = System.getProperty("jray.job.runtime-env", System.getenv("JRAY_JOB_RUNTIME_ENV"));
    String runtimeEnv = CoreWorker.validRuntimeEnv(env);
    String namespace = System.getProperty("jray.namespace");
    long t0 = Time.SYSTEM.nanoseconds();
    List<Path> code = JobPackages.applicationClassPath(System.getProperty("java.class.path", ""),
        JobPackages.codeSearchPath());
    JobPackages.checkSizes(code);
    List<Handshake.Package> packages = new ArrayList<>();
    for (Path entry : code) {
      byte[] bytes = JobPackages.packageOf(entry);
      packages.add(new Handshake.Package(JobPackages.packageId(bytes),
          String.valueOf(entry.getFileName()), bytes));
    }
    Handshake hello = Handshake.start(namespace, runtimeEnv, packages);
    LOG.debug("Ray Client: {} code packages made in {} ms", packages.size(),
        (Time.SYSTEM.nanoseconds() - t0) / 1_000_000);
    ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
        ? Thread.currentThread().getContextClassLoader()
        : RayClientConnector.class.getClassLoader();
    return new ClientRuntime(new ClientRuntime.ClientRuntimeOpener() {
      @Override
      public Serializer serializer() {
        return Serializers.fory();
      }

      @Override
      public ClassLoader loader() {
        return loader;
      }

      @Override
      public ClientConnection open(Consumer<Reader> onFrame, Consumer<RayException> onBreak) {
        return ClientConnection.open(server.host(), server.port(), token, tls, hello, onFrame,
            onBreak, Time.SYSTEM);
      }
    });
  }
}
