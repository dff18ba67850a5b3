package dev.jray.gcs.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Completable;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;
import io.vertx.core.shareddata.Lock;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link HazelcastClusterManager} whose Hazelcast member starts on a thread of its own as soon
 * as this is built, so that the member's start (thousands of classes to load) and Vert.x's own
 * start overlap on two cores instead of running one after the other. Vert.x's {@code join} waits
 * for the member, then hands over to a {@code HazelcastClusterManager} on it; {@code leave} shuts
 * the member down, as a manager that started its member itself does.
 *
 * <p>Vert.x calls {@code init}, the listener setters and {@code join} before anything else; the
 * other methods are only called once joined.
 */
final class OverlappedStartClusterManager implements ClusterManager {
  /** The member attribute through which {@code HazelcastClusterManager} finds its Vert.x node id. */
  private static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final CompletableFuture<HazelcastInstance> member = new CompletableFuture<>();
  private volatile HazelcastClusterManager joined;
  private Vertx vertx;
  private NodeListener nodeListener;
  private RegistrationListener registrationListener;

  /** Starts the member on {@code config} (which gets the Vert.x node id attribute) at once. */
  OverlappedStartClusterManager(Config config) {
    Objects.requireNonNull(config, "config");
    config.getMemberAttributeConfig().setAttribute(VERTX_NODE_ID_ATTRIBUTE,
        UUID.randomUUID().toString());
    Thread starter = new Thread(() -> {
      try {
        member.complete(Hazelcast.newHazelcastInstance(config));
      } catch (Throwable t) {
        member.completeExceptionally(t);
      }
    }, "jray-hazelcast-start");
    starter.setDaemon(true);
    starter.start();
  }

  /** The member; null until joined. */
  HazelcastInstance hazelcast() {
    HazelcastClusterManager m = joined;
    return m == null ? null : m.getHazelcastInstance();
  }

  @Override
  public void init(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void nodeListener(NodeListener listener) {
    this.nodeListener = listener;
    HazelcastClusterManager m = joined;
    if (m != null) {
      m.nodeListener(listener);
    }
  }

  @Override
  public void registrationListener(RegistrationListener listener) {
    this.registrationListener = listener;
    HazelcastClusterManager m = joined;
    if (m != null) {
      m.registrationListener(listener);
    }
  }

  @Override
  public void join(Completable<Void> promise) {
    member.whenComplete((hazelcast, failure) -> {
      if (failure != null) {
        promise.fail(failure);
        return;
      }
      HazelcastClusterManager m = new HazelcastClusterManager(hazelcast);
      m.init(vertx);
      if (nodeListener != null) {
        m.nodeListener(nodeListener);
      }
      if (registrationListener != null) {
        m.registrationListener(registrationListener);
      }
      joined = m;
      m.join(promise);
    });
  }

  @Override
  public void leave(Completable<Void> promise) {
    HazelcastClusterManager m = joined;
    if (m == null) {
      member.thenAccept(h -> h.getLifecycleService().shutdown());
      promise.succeed();
      return;
    }
    // a manager given its member never shuts it down: this one started it, so it does
    m.leave((v, failure) -> vertx.executeBlocking(() -> {
      m.getHazelcastInstance().getLifecycleService().shutdown();
      return null;
    }).onComplete((ok, e) -> {
      if (failure != null) {
        promise.fail(failure);
      } else {
        promise.complete(null, e);
      }
    }));
  }

  private HazelcastClusterManager joined() {
    HazelcastClusterManager m = joined;
    if (m == null) {
      throw new IllegalStateException("not joined to the cluster yet");
    }
    return m;
  }

  @Override
  public boolean isActive() {
    HazelcastClusterManager m = joined;
    return m != null && m.isActive();
  }

  @Override
  public String getNodeId() {
    return joined().getNodeId();
  }

  @Override
  public List<String> getNodes() {
    return joined().getNodes();
  }

  @Override
  public void setNodeInfo(NodeInfo nodeInfo, Completable<Void> promise) {
    joined().setNodeInfo(nodeInfo, promise);
  }

  @Override
  public NodeInfo getNodeInfo() {
    return joined().getNodeInfo();
  }

  @Override
  public void getNodeInfo(String nodeId, Completable<NodeInfo> promise) {
    joined().getNodeInfo(nodeId, promise);
  }

  @Override
  public <K, V> void getAsyncMap(String name, Completable<AsyncMap<K, V>> promise) {
    joined().getAsyncMap(name, promise);
  }

  @Override
  public <K, V> Map<K, V> getSyncMap(String name) {
    return joined().getSyncMap(name);
  }

  @Override
  public void getLockWithTimeout(String name, long timeout, Completable<Lock> promise) {
    joined().getLockWithTimeout(name, timeout, promise);
  }

  @Override
  public void getCounter(String name, Completable<Counter> promise) {
    joined().getCounter(name, promise);
  }

  @Override
  public void addRegistration(String address, RegistrationInfo info, Completable<Void> promise) {
    joined().addRegistration(address, info, promise);
  }

  @Override
  public void removeRegistration(String address, RegistrationInfo info, Completable<Void> promise) {
    joined().removeRegistration(address, info, promise);
  }

  @Override
  public void getRegistrations(String address, Completable<List<RegistrationInfo>> promise) {
    joined().getRegistrations(address, promise);
  }
}
