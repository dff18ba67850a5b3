package dev.jray.gcs.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import dev.jray.gcs.security.ClusterToken;
import java.util.List;

/**
 * Real Hazelcast members in this JVM on 127.0.0.1, configured by {@link ClusterConfig}: a head on
 * a port free at test time, workers and drivers joining it by TCP-IP. A token of its own (so a
 * cluster name of its own) keeps concurrent test JVMs apart.
 */
public final class TestCluster implements AutoCloseable {
  public static final String HOST = "127.0.0.1";

  private final ClusterToken token = ClusterToken.generate();
  private final int headPort = freePort();
  private final List<HazelcastInstance> members = new ArrayList<>();

  public ClusterToken token() {
    return token;
  }

  public int headPort() {
    return headPort;
  }

  public String headAddress() {
    return HOST + ":" + headPort;
  }

  public Config headConfig() {
    return ClusterConfig.head(HOST, headPort, token).build();
  }

  public Config memberConfig(ClusterConfig.Role role, boolean lite) {
    return ClusterConfig.member(headAddress(), HOST, role, lite, token).build();
  }

  public HazelcastInstance startHead() {
    return start(headConfig());
  }

  public HazelcastInstance startWorker() {
    return start(memberConfig(ClusterConfig.Role.WORKER, false));
  }

  public HazelcastInstance startDriver() {
    return start(memberConfig(ClusterConfig.Role.DRIVER, true));
  }

  public HazelcastInstance start(Config config) {
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    members.add(member);
    return member;
  }

  /** Terminates the {@code index}th member started (a crash: no graceful leave). */
  public void terminate(int index) {
    members.get(index).getLifecycleService().terminate();
  }

  /** Terminates the members, newest first: tests need no graceful migration, and it is fast. */
  @Override
  public void close() {
    for (int i = members.size() - 1; i >= 0; i--) {
      if (members.get(i).getLifecycleService().isRunning()) {
        members.get(i).getLifecycleService().terminate();
      }
    }
  }

  /** A port nobody listens on right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
