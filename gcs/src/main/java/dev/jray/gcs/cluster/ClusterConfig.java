package dev.jray.gcs.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.NoDataMemberInClusterException;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.FailureDetection;
import dev.jray.gcs.bus.EventBusGuard;
import dev.jray.gcs.bus.EventBusTransport;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.time.Time;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Builds the Hazelcast {@link Config} of one member of a jray cluster. The head listens on a fixed
 * port (6379 unless {@code --port}); workers listen on the port they are given or an ephemeral
 * one, drivers on an ephemeral one. Members join by TCP-IP, through any member of the list
 * they are given (the head, or any live member once the head is gone): Hazelcast asks the
 * members it reaches for the whole cluster; or, with {@link #kubernetesDiscovery}, through the
 * pods behind a Kubernetes service, which Hazelcast asks the Kubernetes API for (TCP-IP off). A head given other members joins the cluster they
 * run (a restarted head), else starts one. Drivers are usually lite members: in the cluster,
 * holding no data. The GCS maps keep {@link #DEFAULT_GCS_BACKUPS} backups unless told otherwise,
 * so that many members may die at once without losing a record.
 * With {@link #tls} the event bus between members runs over mutual TLS; Hazelcast's own
 * connections stay plain (TLS is in Hazelcast's enterprise edition only).
 *
 * <p>The cluster token keeps strangers out as far as Hazelcast's open-source edition allows: the
 * cluster name is derived from it ({@link #clusterNameOf}), so a member or client without the
 * token never joins (the edition has no member authentication: anyone who can read the traffic
 * learns the name); the clustered event bus asks every message for a proof of it ({@link
 * EventBusGuard}); Java serialization decodes jray's records only ({@link GcsSerializationFilter}).
 *
 * <p>A builder: not thread-safe, use it from one thread. {@link #build()} returns a fresh
 * {@code Config} each time.
 */
public final class ClusterConfig {
  public static final int DEFAULT_HEAD_PORT = 6379;
  /** Member attribute: the jray node id (hex), when set with {@link #nodeId(UniqueId)}. */
  public static final String NODE_ID_ATTRIBUTE = "jray.node-id";
  /** Member attribute: the {@link Role}, lower case. */
  public static final String ROLE_ATTRIBUTE = "jray.role";
  /** Hazelcast's property that prefixes its log lines with address, cluster name and version. */
  static final String LOGGING_DETAILS = "hazelcast.logging.details.enabled";
  /** The GCS maps: every map whose name starts with {@code jray.}. */
  public static final String GCS_MAP_PATTERN = "jray.*";
  /** Backups of every GCS map entry: two members may die at once and lose nothing. */
  public static final int DEFAULT_GCS_BACKUPS = 2;
  /** Hazelcast keeps at most this many backups of a map entry. */
  public static final int MAX_GCS_BACKUPS = 6;

  /** What a member is to jray. */
  public enum Role {
    HEAD,
    WORKER,
    DRIVER;

    /** The value of {@link #ROLE_ATTRIBUTE}. */
    public String attributeValue() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The role of a member, or null for a member that jray did not configure. */
    static Role of(Member member) {
      String value = member.getAttribute(ROLE_ATTRIBUTE);
      return value == null ? null : valueOf(value.toUpperCase(Locale.ROOT));
    }
  }

  private final Role role;
  private final String host;
  private int port;
  /** The members it joins through ("host:port"), in the order given; the head's own first. */
  private final List<String> seeds = new ArrayList<>();
  private final boolean liteMember;
  private final ClusterToken token;
  private int gcsBackups = DEFAULT_GCS_BACKUPS;
  private UniqueId nodeId;
  private final List<String> alsoDecoded = new ArrayList<>();
  private TlsSettings tls;
  /** Vert.x's metrics for the member's Vert.x; null (the default): none. */
  private VertxMetricsFactory metrics;
  /** Members found through this Kubernetes service in place of TCP-IP; null (the default): TCP-IP. */
  private KubernetesDiscovery kubernetes;

  /**
   * Hazelcast's Kubernetes discovery (API mode): the members are the pods behind {@code
   * serviceName}, each listening on the member port. Needs get and list on endpoints,
   * endpointslices, pods and services for the pod's service account.
   *
   * @param namespace the service's namespace; null: the pod's own
   */
  public record KubernetesDiscovery(String serviceName, String namespace) {
    public KubernetesDiscovery {
      if (serviceName == null || serviceName.isBlank()) {
        throw new IllegalArgumentException("the Kubernetes service name of the members is empty");
      }
      if (namespace != null && namespace.isBlank()) {
        namespace = null;
      }
    }
  }

  private ClusterConfig(Role role, String host, int port, List<ClusterAddress> seeds,
      boolean liteMember, ClusterToken token) {
    this.role = Objects.requireNonNull(role, "role");
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    seeds.forEach(a -> this.seeds.add(a.toString()));
    this.liteMember = liteMember;
    this.token = Objects.requireNonNull(token, "token");
  }

  /**
   * The head: listens on exactly {@code host:port} (no auto-increment, so a busy port fails the
   * start; check it first with {@link #checkPortFree}).
   */
  public static ClusterConfig head(String host, int port, ClusterToken token) {
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("head port must be 1..65535, got " + port);
    }
    return new ClusterConfig(Role.HEAD, host, port, List.of(new ClusterAddress(host, port)), false,
        token);
  }

  /**
   * A worker or driver: listens on an ephemeral port of {@code host} (see {@link #port(int)}) and
   * joins through any member of {@code addresses}: "host:port", "[ipv6]:port", or several
   * separated by commas (the port defaults to 6379; see {@link ClusterAddress#parseList}).
   *
   * @param liteMember true for a member that holds no partitions (drivers)
   */
  public static ClusterConfig member(
      String addresses, String host, Role role, boolean liteMember, ClusterToken token) {
    return member(ClusterAddress.parseList(addresses), host, role, liteMember, token);
  }

  /**
   * As {@link #member(String, String, Role, boolean, ClusterToken)}, with the members parsed; none
   * only for a member that finds them by {@link #kubernetesDiscovery}.
   */
  public static ClusterConfig member(List<ClusterAddress> members, String host, Role role,
      boolean liteMember, ClusterToken token) {
    if (role == Role.HEAD) {
      throw new IllegalArgumentException("use ClusterConfig.head(host, port, token) for the head");
    }
    return new ClusterConfig(role, host, 0, members, liteMember, token);
  }

  /**
   * Finds the members through Hazelcast's Kubernetes discovery in place of TCP-IP (the members
   * given are then not asked); null (the default) joins by TCP-IP.
   */
  public ClusterConfig kubernetesDiscovery(KubernetesDiscovery discovery) {
    this.kubernetes = discovery;
    return this;
  }

  /**
   * A worker listens on exactly {@code port} (no auto-increment), so that others can name it as a
   * member to join through; 0 (the default) takes an ephemeral port.
   */
  public ClusterConfig port(int port) {
    if (role == Role.HEAD) {
      throw new IllegalArgumentException("the head's port is given to ClusterConfig.head");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535 (0: any free port), got " + port);
    }
    this.port = port;
    return this;
  }

  /**
   * The head also tries to join through these members (a head restarted while its cluster still
   * runs): it joins the cluster that any of them runs, or starts one if none answers.
   */
  public ClusterConfig alsoJoining(List<ClusterAddress> members) {
    for (ClusterAddress a : members) {
      if (!seeds.contains(a.toString())) {
        seeds.add(a.toString());
      }
    }
    return this;
  }

  /**
   * Backups of every GCS map entry on other members (default {@value #DEFAULT_GCS_BACKUPS}): up
   * to that many members may die at once and lose no record. Give every member the same.
   */
  public ClusterConfig gcsBackups(int backups) {
    if (backups < 0 || backups > MAX_GCS_BACKUPS) {
      throw new IllegalArgumentException("GCS backups must be 0.." + MAX_GCS_BACKUPS + ", got "
          + backups);
    }
    this.gcsBackups = backups;
    return this;
  }

  /**
   * The Hazelcast cluster name of the clusters of {@code token}: {@code "jray-"} and the first 32
   * hex digits of HMAC-SHA256(token, "hazelcast-cluster-name"). Members and clients with another
   * name never join. It is a credential in all but name: never log it.
   */
  public static String clusterNameOf(ClusterToken token) {
    return "jray-" + token.derivedHex("hazelcast-cluster-name").substring(0, 32);
  }

  /**
   * Lets values of these application classes also travel through this member's Hazelcast with
   * Java serialization, which decodes jray's own records only ({@link GcsSerializationFilter}):
   * e.g. the tasks a Hazelcast executor runs. Each is a class the application trusts to decode.
   */
  public ClusterConfig alsoDecoding(Class<?>... types) {
    for (Class<?> type : types) {
      alsoDecoded.add(type.getName());
    }
    return this;
  }

  /** Publishes the jray node id as {@link #NODE_ID_ATTRIBUTE}. */
  public ClusterConfig nodeId(UniqueId id) {
    this.nodeId = Objects.requireNonNull(id, "id");
    return this;
  }

  /** Runs the event bus over mutual TLS with these settings; null (the default) leaves it plain. */
  public ClusterConfig tls(TlsSettings settings) {
    this.tls = settings;
    return this;
  }

  /**
   * Collects Vert.x's metrics of the member's Vert.x with {@code factory} (enabled with its own
   * options); null (the default) collects none.
   */
  public ClusterConfig metrics(VertxMetricsFactory factory) {
    this.metrics = factory;
    return this;
  }

  /**
   * Starts this member: a Hazelcast member on this config under a clustered Vert.x, its event
   * bus on an ephemeral port of {@code eventBusHost}, guarded with the token and its frames
   * bounded ({@link EventBusTransport}). See {@link
   * #clusteredVertx(Config, ClusterToken, String)}.
   */
  public Future<ClusteredVertx> join(String eventBusHost) {
    VertxOptions options = defaultOptions();
    if (metrics != null) {
      options.setMetricsOptions(metrics.newOptions().setEnabled(true));
    }
    return clusteredVertx(build(), token, eventBusHost, options, tls, metrics);
  }

  /**
   * A new Hazelcast config for this member. Also makes Hazelcast log through SLF4J, its warnings
   * only, process-wide, with jray's own line in place of its warnings about refused members and
   * clients ({@link HazelcastLogging}).
   */
  Config build() {
    HazelcastLogging.installForMembers();
    Config config = new Config();
    config.setClusterName(clusterNameOf(token));
    config.setLiteMember(liteMember);
    config.getSerializationConfig()
        .setJavaSerializationFilterConfig(GcsSerializationFilter.config(alsoDecoded));

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface(ipOf(host));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getAwsConfig().setEnabled(false);
    join.getGcpConfig().setEnabled(false);
    join.getAzureConfig().setEnabled(false);
    join.getEurekaConfig().setEnabled(false);
    if (kubernetes == null) {
      join.getKubernetesConfig().setEnabled(false);
      seeds.forEach(join.getTcpIpConfig().setEnabled(true)::addMember);
    } else {
      join.getTcpIpConfig().setEnabled(false);
      // every member listens on the same port, each on its own pod's address
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-name", kubernetes.serviceName())
          .setProperty("service-port", Integer.toString(port > 0 ? port : DEFAULT_HEAD_PORT))
          // a member that is starting is not ready yet, and others must find it all the same
          .setProperty("resolve-not-ready-addresses", "true");
      if (kubernetes.namespace() != null) {
        join.getKubernetesConfig().setProperty("namespace", kubernetes.namespace());
      }
    }

    config.setProperty("hazelcast.phone.home.enabled", "false");
    // Hazelcast's log lines would start with the cluster name, which lets anyone in
    config.setProperty(LOGGING_DETAILS, "false");
    // Listen on the given interface only, not on 0.0.0.0.
    config.setProperty("hazelcast.socket.bind.any", "false");
    // Join at once: there is no batch of members starting together to wait for.
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    // Drop a member that stops answering (host down, hung, cut off) after 7 s, not 60 s. A killed
    // process on a reachable host is noticed sooner, by its refused connections.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds",
        Long.toString(FailureDetection.TIMEOUT.toSeconds()));
    // After a network split the halves find each other again by TCP-IP; merge within ~10 s.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    // A graceful shutdown waits for migrations at most this long (default 600 s).
    config.setProperty("hazelcast.graceful.shutdown.max.wait", "30");
    // jray's own shutdown hooks leave the cluster gracefully; Hazelcast's would terminate first
    config.setProperty("hazelcast.shutdownhook.enabled", "false");

    // Nothing reads Hazelcast's metrics; collecting them costs start time and CPU every 5 s.
    config.getMetricsConfig().setEnabled(false);

    config.getMemberAttributeConfig().setAttribute(ROLE_ATTRIBUTE, role.attributeValue());
    if (nodeId != null) {
      config.getMemberAttributeConfig().setAttribute(NODE_ID_ATTRIBUTE, nodeId.toHex());
    }

    config.addMapConfig(new MapConfig(GCS_MAP_PATTERN).setBackupCount(gcsBackups));
    // What vertx-hazelcast's default-cluster.xml declares, as many backups as the GCS (the event
    // bus's subscriptions must survive the same deaths); every member needs it, not just one.
    config.addMultiMapConfig(
        new MultiMapConfig("__vertx.subs")
            .setBackupCount(gcsBackups)
            .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(gcsBackups));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(gcsBackups));
    return config;
  }

  /** The jray node id a member published, or null. */
  static UniqueId nodeIdOf(Member member) {
    String hex = member.getAttribute(NODE_ID_ATTRIBUTE);
    return hex == null ? null : UniqueId.fromHexString(hex);
  }

  /**
   * Fails fast, with a message naming the port, if {@code host:port} cannot be bound, e.g. because
   * another head runs. Blocks briefly; never call on an event loop.
   *
   * @throws IllegalStateException if the port is in use or the address cannot be bound
   */
  public static void checkPortFree(String host, int port) {
    // Same SO_REUSEADDR as Hazelcast's server socket, so TIME_WAIT leftovers do not count as busy.
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "port " + port + " on " + host + " is already in use (is another jray head running?);"
              + " stop it or choose another --port",
          e);
    }
  }

  /**
   * Starts a Hazelcast member on {@code hazelcastConfig} and a clustered Vert.x on it, its event
   * bus listening on an ephemeral port of {@code eventBusHost} and guarded with {@code token}
   * ({@link EventBusGuard}). Closing the Vert.x instance leaves the cluster and shuts the
   * Hazelcast member down.
   *
   * <p>A worker or driver that finds no other member (Hazelcast then starts a cluster of its own,
   * after about 3 s) is closed again: the future fails with an {@link IllegalStateException}
   * naming the addresses it tried and why: nobody answers there, or the members there have
   * another token.
   */
  static Future<ClusteredVertx> clusteredVertx(Config hazelcastConfig, ClusterToken token,
      String eventBusHost) {
    return clusteredVertx(hazelcastConfig, token, eventBusHost, defaultOptions(), null, null);
  }

  private static VertxOptions defaultOptions() {
    // a blocked event loop is reported with the stack that blocks it, not only its duration
    return new VertxOptions()
        .setWarningExceptionTime(VertxOptions.DEFAULT_MAX_EVENT_LOOP_EXECUTE_TIME)
        .setWarningExceptionTimeUnit(VertxOptions.DEFAULT_MAX_EVENT_LOOP_EXECUTE_TIME_UNIT);
  }

  /**
   * As {@link #clusteredVertx(Config, ClusterToken, String)}, with other Vert.x options; sets
   * their event bus host, public host and port (0: ephemeral), and mutual TLS on the event bus
   * unless {@code tls} is null.
   */
  static Future<ClusteredVertx> clusteredVertx(Config hazelcastConfig, ClusterToken token,
      String eventBusHost, VertxOptions options, TlsSettings tls, VertxMetricsFactory metrics) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig);
    EventBusOptions eventBus = options
        .getEventBusOptions()
        .setHost(eventBusHost)
        .setPort(0)
        .setClusterPublicHost(eventBusHost);
    if (tls != null) {
      // peers are checked against the CA, not by name (the bus's client checks no host name)
      eventBus.setSsl(true)
          .setClientAuth(ClientAuth.REQUIRED)
          .setKeyCertOptions(tls.keyCertOptions())
          .setTrustOptions(tls.trustOptions())
          .setEnabledSecureTransportProtocols(Set.of(TlsSettings.PROTOCOL));
    }
    JoinConfig joining = hazelcastConfig.getNetworkConfig().getJoin();
    String head = joining.getKubernetesConfig().isEnabled()
        ? "the pods of Kubernetes service "
            + joining.getKubernetesConfig().getProperty("service-name")
        : String.join(",", joining.getTcpIpConfig().getMembers());
    VertxBuilder builder = Vertx.builder().with(options);
    if (metrics != null) {
      builder.withMetrics(metrics);
    }
    return builder
        // a stranger's frame is bounded before the bus buffers it (the guard sees whole messages)
        .withTransport(new EventBusTransport(options.getEventBusOptions(), Time.SYSTEM))
        .withClusterManager(manager)
        .buildClustered()
        // a lite member (a driver) alone cannot even start Vert.x's cluster maps
        .recover(e -> aloneAndLite(e) ? whyNotJoined(head) : Future.failedFuture(e))
        .compose(vertx -> {
          HazelcastInstance hazelcast = manager.getHazelcastInstance();
          if (!startedAlone(hazelcastConfig, hazelcast)) {
            // before any consumer registers: no message reaches a handler unchecked
            EventBusGuard.install(vertx, token);
            return Future.succeededFuture(new ClusteredVertx(vertx, hazelcast));
          }
          return vertx.close().transform(closed -> whyNotJoined(head));
        });
  }

  /** Fails with why a joiner found no member at {@code head}, asked off any Vert.x thread. */
  private static <T> Future<T> whyNotJoined(String head) {
    return Future.fromCompletionStage(
            CompletableFuture.supplyAsync(() -> JoinFailures.memberCannotJoin(head)))
        .compose(Future::failedFuture);
  }

  /** Whether {@code e} says the member is a lite member with no data member beside it. */
  static boolean aloneAndLite(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof NoDataMemberInClusterException) {
        return true;
      }
    }
    return false;
  }

  // Only the head may be the first member: a worker or driver alone has missed the head.
  private static boolean startedAlone(Config config, HazelcastInstance hazelcast) {
    String role = config.getMemberAttributeConfig().getAttribute(ROLE_ATTRIBUTE);
    boolean joiner = role != null && !role.equals(Role.HEAD.attributeValue());
    return joiner && hazelcast.getCluster().getMembers().size() == 1;
  }

  // Hazelcast's interface list takes IP addresses, not host names.
  private static String ipOf(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host " + host, e);
    }
  }
}
