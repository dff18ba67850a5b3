package dev.jray.kubernetes;

import dev.jray.autoscaler.ClusterSpec;
import dev.jray.autoscaler.LocalNodeProvider;
import dev.jray.autoscaler.NodeProvider;
import dev.jray.autoscaler.NodeType;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes as pods (the {@code kubernetes} provider): each a pod of the cluster YAML's {@code
 * provider.image} in {@code provider.namespace}, running {@code jray start --address
 * <provider.head_service> --block} with its node type's JVM options and resources, the cluster
 * token from the Secret {@code provider.token_secret} (its key {@value #TOKEN_KEY}) and the node
 * id the autoscaler knows it by. The pods carry labels ({@value #CLUSTER_LABEL}, {@value
 * #NODE_TYPE_LABEL}, {@value #NODE_ID_LABEL}, {@value #MANAGED_BY_LABEL}) by which {@link
 * #nodes()} lists them, so that a restarted head adopts the pods its predecessor launched: a head
 * that stops {@link #release}s them, running. Launched by a head whose pod a Deployment owns
 * ({@link #connect} in a pod named by {@value #POD_NAME_ENV}), they are owned by that Deployment
 * too, so that deleting it ({@code kubectl delete -f deploy/kubernetes/}) deletes them.
 *
 * <p>Threading: thread-safe; it keeps no state of its own (the Kubernetes API holds the pods), and
 * fabric8's client is thread-safe. Each call blocks on the Kubernetes API.
 */
public final class KubernetesNodeProvider implements NodeProvider {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesNodeProvider.class);
  public static final String CLUSTER_LABEL = "jray.dev/cluster";
  public static final String NODE_TYPE_LABEL = "jray.dev/node-type";
  public static final String NODE_ID_LABEL = "jray.dev/node-id";
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  /** {@value #MANAGED_BY_LABEL}'s value on the pods it launched (not on the manifests' pods). */
  public static final String MANAGED_BY = "jray-autoscaler";
  /** When the autoscaler launched the pod, ms since the epoch: its launch timeout counts from it. */
  public static final String LAUNCHED_AT_ANNOTATION = "jray.dev/launched-at-ms";
  /** Where the image keeps jray's jar (deploy/docker/Dockerfile). */
  public static final String JAR = "/opt/jray/jray.jar";
  /** The key of the token Secret that holds the cluster token. */
  public static final String TOKEN_KEY = "token";
  /** The pod's own IP (the downward API), which the node binds to. */
  public static final String POD_IP_ENV = "JRAY_POD_IP";
  /** Environment variable of the cluster token (as TokenSources reads it). */
  public static final String TOKEN_ENV = "JRAY_CLUSTER_TOKEN";
  /** The head's own pod name (the downward API), whose owner the launched pods get. */
  public static final String POD_NAME_ENV = "JRAY_POD_NAME";
  /** Every pod's cluster port, on its own IP: a restarted head's discovery finds them there. */
  public static final int MEMBER_PORT = 6379;
  static final String CONTAINER = "jray-node";
  /** A label value: at most 63 characters, alphanumerics and '-', '_', '.' within. */
  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

  private final KubernetesClient client;
  private final String namespace;
  private final String image;
  private final String serviceAccount;
  private final String headService;
  private final String tokenSecret;
  private final String clusterName;
  private final LongSupplier clockMs;
  /** Whether {@link #close} closes the client too: it made the client ({@link #connect}). */
  private final boolean ownsClient;
  /** The owner its pods get (the head's Deployment); null: none. */
  private final OwnerReference owner;

  /**
   * @param spec a cluster YAML whose {@code provider.type} is {@code kubernetes}
   * @param client the Kubernetes API (the caller's to close); its namespace is the pods' unless
   *     {@code provider.namespace} names one
   * @param clockMs the autoscaler's clock, for launch times
   * @throws IllegalArgumentException naming the YAML key whose value Kubernetes cannot take
   */
  public KubernetesNodeProvider(ClusterSpec spec, KubernetesClient client, LongSupplier clockMs) {
    this(spec, client, clockMs, false, null);
  }

  /**
   * As {@link #KubernetesNodeProvider(ClusterSpec, KubernetesClient, LongSupplier)}, its pods
   * owned by the controller of pod {@code headPod} (a ReplicaSet's Deployment, or that
   * controller itself); none if the pod has none or cannot be read.
   */
  public KubernetesNodeProvider(ClusterSpec spec, KubernetesClient client, LongSupplier clockMs,
      String headPod) {
    this(spec, client, clockMs, false, headPod);
  }

  private KubernetesNodeProvider(ClusterSpec spec, KubernetesClient client, LongSupplier clockMs,
      boolean ownsClient, String headPod) {
    this.ownsClient = ownsClient;
    if (!"kubernetes".equals(spec.providerType())) {
      throw new IllegalArgumentException("provider.type: '" + spec.providerType()
          + "' is not kubernetes");
    }
    this.client = Objects.requireNonNull(client, "client");
    this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
    Map<String, Object> p = spec.provider();
    String ns = (String) p.get("namespace");
    this.namespace = ns != null ? ns : client.getNamespace() != null ? client.getNamespace()
        : "default";
    this.image = (String) p.get("image");
    this.serviceAccount = (String) p.get("service_account");
    this.headService = (String) p.get("head_service");
    this.tokenSecret = (String) p.get("token_secret");
    this.clusterName = labelValue(spec.clusterName(), "cluster_name");
    spec.nodeTypes().keySet().forEach(t -> labelValue(t, "available_node_types." + t));
    this.owner = headPod == null || headPod.isBlank() ? null : ownerOf(headPod.strip());
  }

  /** The controller at the top of {@code pod}'s owners (a Deployment through its ReplicaSet). */
  private OwnerReference ownerOf(String pod) {
    try {
      Pod head = client.pods().inNamespace(namespace).withName(pod).get();
      OwnerReference owner = head == null ? null : controller(head.getMetadata());
      if (owner != null && "ReplicaSet".equals(owner.getKind())) {
        ReplicaSet set = client.apps().replicaSets().inNamespace(namespace)
            .withName(owner.getName()).get();
        OwnerReference up = set == null ? null : controller(set.getMetadata());
        owner = up != null ? up : owner;
      }
      if (owner == null) {
        LOG.info("pod {}/{} {}: the pods the autoscaler launches are owned by nothing (delete"
            + " them by label {}={})", namespace, pod, head == null ? "is not there"
            : "has no controller", CLUSTER_LABEL, clusterName);
        return null;
      }
      // owned, not controlled: the Deployment's own ReplicaSet must not adopt or count them
      return new OwnerReferenceBuilder(owner).withController(false).withBlockOwnerDeletion(false)
          .build();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot read the owner of pod {}/{} ({}): the pods the autoscaler launches are"
          + " owned by nothing", namespace, pod, e.getMessage());
      return null;
    }
  }

  private static OwnerReference controller(ObjectMeta meta) {
    return meta.getOwnerReferences() == null ? null : meta.getOwnerReferences().stream()
        .filter(r -> Boolean.TRUE.equals(r.getController())).findFirst().orElse(null);
  }

  /**
   * A provider on the Kubernetes API that fabric8 finds (in a pod: its service account's token;
   * elsewhere: the kubeconfig), over Vert.x 5's HTTP client; {@link #close} closes it.
   */
  public static KubernetesNodeProvider connect(ClusterSpec spec, LongSupplier clockMs) {
    KubernetesClient client = new KubernetesClientBuilder().build();
    try {
      return new KubernetesNodeProvider(spec, client, clockMs, true,
          System.getenv(POD_NAME_ENV));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private static String labelValue(String value, String key) {
    if (!LABEL_VALUE.matcher(value).matches() || value.isEmpty()) {
      throw new IllegalArgumentException(key + ": '" + value + "' is not a Kubernetes label value"
          + " (at most 63 letters, digits, '-', '_' or '.', beginning and ending with a letter or"
          + " digit)");
    }
    return value;
  }

  /** The namespace its pods live in. */
  public String namespace() {
    return namespace;
  }

  /** The pod a node of {@code type} runs in, as {@link #create} asks the API for it. */
  Pod pod(NodeType type, String nodeId) {
    Map<String, String> labels = new LinkedHashMap<>(selector());
    labels.put(NODE_TYPE_LABEL, type.name());
    labels.put(NODE_ID_LABEL, nodeId);
    Map<String, Quantity> requests = requests(type);
    Map<String, Quantity> limits = new LinkedHashMap<>();
    if (requests.containsKey("memory")) {
      // the JVM sizes its heap by the container's limit (-XX:MaxRAMPercentage), not the node's RAM
      limits.put("memory", requests.get("memory"));
    }
    Double gpus = type.resources().get("GPU");
    if (gpus != null && gpus > 0) {
      // Kubernetes schedules GPUs by their limit, in whole devices
      limits.put("nvidia.com/gpu", new Quantity(Long.toString((long) Math.ceil(gpus))));
    }
    return new PodBuilder()
        .withNewMetadata()
            .withName(podName(type, nodeId))
            .withLabels(labels)
            .addToAnnotations(LAUNCHED_AT_ANNOTATION, Long.toString(clockMs.getAsLong()))
            .withOwnerReferences(owner == null ? List.of() : List.of(owner))
        .endMetadata()
        .withNewSpec()
            // a node that ends is gone: the autoscaler launches another if the demand is still there
            .withRestartPolicy("Never")
            .withServiceAccountName(serviceAccount)
            .addToContainers(new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(image)
                .withCommand(command(type))
                .withEnv(env(nodeId))
                .addNewPort().withName("gcs").withContainerPort(MEMBER_PORT).endPort()
                .withNewResources().withRequests(requests).withLimits(limits).endResources()
                .build())
        .endSpec()
        .build();
  }

  /** The node's command: the JVM's options first, then jray's {@code start} with the type's. */
  List<String> command(NodeType type) {
    List<String> cmd = new ArrayList<>();
    cmd.add("java");
    cmd.addAll(type.jvmOptions());
    cmd.addAll(List.of("-jar", JAR, "start", "--address", headService, "--block",
        "--node-ip-address", "$(" + POD_IP_ENV + ")", "--port", Integer.toString(MEMBER_PORT)));
    cmd.addAll(type.startOptions());
    return cmd;
  }

  private List<EnvVar> env(String nodeId) {
    return List.of(
        new EnvVarBuilder().withName(LocalNodeProvider.NODE_ID_ENV).withValue(nodeId).build(),
        new EnvVarBuilder().withName(TOKEN_ENV).withNewValueFrom().withNewSecretKeyRef()
            .withName(tokenSecret).withKey(TOKEN_KEY).endSecretKeyRef().endValueFrom().build(),
        new EnvVarBuilder().withName(POD_IP_ENV).withNewValueFrom().withNewFieldRef()
            .withFieldPath("status.podIP").endFieldRef().endValueFrom().build());
  }

  /**
   * What the scheduler reserves for the pod: the type's CPUs, and its memory and object store
   * (also the pod's memory limit).
   */
  private static Map<String, Quantity> requests(NodeType type) {
    Map<String, Quantity> requests = new LinkedHashMap<>();
    Double cpus = type.resources().get("CPU");
    if (cpus != null && cpus > 0) {
      requests.put("cpu", new Quantity(Math.round(cpus * 1000) + "m"));
    }
    double bytes = type.resources().getOrDefault("memory", 0.0)
        + type.resources().getOrDefault("object_store_memory", 0.0);
    if (bytes > 0) {
      requests.put("memory", new Quantity(Long.toString((long) bytes)));
    }
    return requests;
  }

  /** {@code jray-CLUSTER-TYPE-} and the node id's first 12 digits, as a DNS label. */
  String podName(NodeType type, String nodeId) {
    return "jray-" + dnsPart(clusterName) + "-" + dnsPart(type.name()) + "-"
        + nodeId.substring(0, 12);
  }

  private static String dnsPart(String name) {
    String part = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    part = part.length() > 20 ? part.substring(0, 20) : part;
    return part.replaceAll("^-+|-+$", "");
  }

  /** The labels of every pod it launched for this cluster. */
  private Map<String, String> selector() {
    return Map.of(CLUSTER_LABEL, clusterName, MANAGED_BY_LABEL, MANAGED_BY);
  }

  @Override
  public String create(NodeType type) {
    String nodeId = newNodeId();
    Pod pod = pod(type, nodeId);
    try {
      client.pods().inNamespace(namespace).resource(pod).create();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("could not create the pod of a " + type.name() + " node in"
          + " namespace " + namespace + ": " + e.getMessage(), e);
    }
    LOG.info("launched a {} node {} (pod {}/{})", type.name(), nodeId, namespace,
        pod.getMetadata().getName());
    return nodeId;
  }

  /** A node id as jray's: 28 random bytes in hex. */
  private static String newNodeId() {
    StringBuilder hex = new StringBuilder(56);
    while (hex.length() < 56) {
      hex.append(UUID.randomUUID().toString().replace("-", ""));
    }
    return hex.substring(0, 56);
  }

  @Override
  public void terminate(String nodeId) {
    for (Pod pod : pods(Map.of(NODE_ID_LABEL, nodeId))) {
      delete(pod);
    }
  }

  private void delete(Pod pod) {
    // the default grace period: SIGTERM first, so that the node leaves the cluster gracefully
    client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).delete();
    LOG.info("removed the {} node {} (pod {}/{})", pod.getMetadata().getLabels()
        .get(NODE_TYPE_LABEL), pod.getMetadata().getLabels().get(NODE_ID_LABEL), namespace,
        pod.getMetadata().getName());
  }

  private List<Pod> pods(Map<String, String> alsoLabelled) {
    Map<String, String> labels = new LinkedHashMap<>(selector());
    labels.putAll(alsoLabelled);
    return client.pods().inNamespace(namespace).withLabels(labels).list().getItems();
  }

  @Override
  public List<Launched> nodes() {
    List<Launched> nodes = new ArrayList<>();
    for (Pod pod : pods(Map.of())) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue; // on its way out
      }
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
        delete(pod); // its node ended on its own: gone, as a local node whose process died
        continue;
      }
      Map<String, String> labels = pod.getMetadata().getLabels();
      nodes.add(new Launched(labels.get(NODE_ID_LABEL), labels.get(NODE_TYPE_LABEL),
          launchedAt(pod)));
    }
    return nodes;
  }

  /** Its launch annotation, else its creation time, else now (a pod made by hand, say). */
  private long launchedAt(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String at = annotations == null ? null : annotations.get(LAUNCHED_AT_ANNOTATION);
    try {
      if (at != null) {
        return Long.parseLong(at);
      }
      if (pod.getMetadata().getCreationTimestamp() != null) {
        return Instant.parse(pod.getMetadata().getCreationTimestamp()).toEpochMilli();
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      LOG.debug("pod {}: no launch time in {}", pod.getMetadata().getName(), e.getMessage());
    }
    return clockMs.getAsLong();
  }

  /** Deletes every pod it launched for this cluster, then the client if it made it. */
  @Override
  public void close() {
    try {
      pods(Map.of()).forEach(this::delete);
    } finally {
      release();
    }
  }

  /**
   * Leaves its pods running, for the next head to adopt (a head pod restarted: the cluster and its
   * GCS live on in them), and closes the client if it made it.
   */
  @Override
  public void release() {
    if (ownsClient) {
      client.close();
    }
  }
}
