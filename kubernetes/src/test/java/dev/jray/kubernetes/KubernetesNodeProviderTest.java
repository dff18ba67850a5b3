package dev.jray.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.autoscaler.Autoscaler;
import dev.jray.autoscaler.ClusterSpec;
import dev.jray.autoscaler.ClusterYaml;
import dev.jray.autoscaler.NodeProvider;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.NodeLoad;
import dev.jray.gcs.NodeRecord;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes provider under the real autoscaler, against fabric8's mock API server (CRUD: it
 * keeps the pods it is sent, lists them by label and deletes them).
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesNodeProviderTest {
  private static final String NAMESPACE = "ml";
  private static final ClusterSpec SPEC = ClusterYaml.parse("""
      cluster_name: demo
      max_workers: 3
      idle_timeout_minutes: 1
      provider:
        type: kubernetes
        namespace: ml
        image: registry.example/jray:0.1
        service_account: jray
        head_service: jray-head
      available_node_types:
        head: {resources: {CPU: 1}, max_workers: 0}
        cpu_worker:
          resources: {CPU: 2, memory: 1073741824, object_store_memory: 536870912}
          max_workers: 3
          jvm_options: ["-Xmx768m"]
        gpu_worker: {resources: {CPU: 4, GPU: 1, accel: 2}, max_workers: 1}
      head_node_type: head
      """);

  KubernetesClient client; // the mock server's, set by the extension

  private final InMemoryGcs gcs = new InMemoryGcs();
  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final UniqueId head = UniqueId.randomId();

  private void node(UniqueId id, String role, double cpus, double freeCpu,
      Map<String, Integer> demands) {
    gcs.nodes().put(id, new NodeRecord(id, role, "127.0.0.1", "h", true, Map.of("CPU", cpus), 1,
        2, 0, null));
    gcs.kv().put(NodeLoad.KEY_PREFIX + id.toHex(), new NodeLoad(id, Map.of("CPU", cpus),
        Map.of("CPU", freeCpu), demands, 0, 1 << 20, 0, now.get()).toBytes());
  }

  private List<Pod> pods() {
    return client.pods().inNamespace(NAMESPACE).list().getItems();
  }

  private static Map<String, String> env(Container c) {
    return c.getEnv().stream().filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void pendingTasksBecomeWorkerPodsAndIdleOnesAreDeleted() {
    KubernetesNodeProvider provider = new KubernetesNodeProvider(SPEC, client, now::get);
    Autoscaler autoscaler = new Autoscaler(SPEC, provider, gcs, now::get);
    node(head, "head", 1, 0, Map.of("{CPU=2.0}", 5)); // five 2-CPU tasks wait on the head

    autoscaler.tick();

    List<Pod> pods = pods();
    assertEquals(3, pods.size(), "max_workers 3 cpu_worker pods: " + pods);
    List<String> ids = provider.nodes().stream().map(NodeProvider.Launched::nodeId).toList();
    for (Pod pod : pods) {
      Map<String, String> labels = pod.getMetadata().getLabels();
      String id = labels.get(KubernetesNodeProvider.NODE_ID_LABEL);
      assertTrue(ids.contains(id));
      assertEquals(Map.of("jray.dev/cluster", "demo", "jray.dev/node-type", "cpu_worker",
          "jray.dev/node-id", id, "app.kubernetes.io/managed-by", "jray-autoscaler"), labels);
      assertEquals("jray-demo-cpu-worker-" + id.substring(0, 12), pod.getMetadata().getName());
      assertEquals(Long.toString(now.get()),
          pod.getMetadata().getAnnotations().get(KubernetesNodeProvider.LAUNCHED_AT_ANNOTATION));
      assertEquals("jray", pod.getSpec().getServiceAccountName());
      assertEquals("Never", pod.getSpec().getRestartPolicy());
      Container c = pod.getSpec().getContainers().get(0);
      assertEquals("registry.example/jray:0.1", c.getImage());
      assertEquals(List.of("java", "-Xmx768m", "-jar", "/opt/jray/jray.jar", "start", "--address",
          "jray-head:6379", "--block", "--node-ip-address", "$(JRAY_POD_IP)", "--port", "6379",
          "--num-cpus", "2", "--memory", "1073741824", "--object-store-memory", "536870912"),
          c.getCommand());
      assertEquals(Map.of("JRAY_NODE_ID", id), env(c));
      EnvVar token = c.getEnv().stream().filter(e -> e.getName().equals("JRAY_CLUSTER_TOKEN"))
          .findFirst().orElseThrow();
      assertEquals("jray-cluster-token", token.getValueFrom().getSecretKeyRef().getName());
      assertEquals("token", token.getValueFrom().getSecretKeyRef().getKey());
      EnvVar ip = c.getEnv().stream().filter(e -> e.getName().equals("JRAY_POD_IP"))
          .findFirst().orElseThrow();
      assertEquals("status.podIP", ip.getValueFrom().getFieldRef().getFieldPath());
      assertEquals(Map.of("cpu", new Quantity("2000m"), "memory", new Quantity("1610612736")),
          c.getResources().getRequests());
      assertEquals(Map.of("memory", new Quantity("1610612736")), c.getResources().getLimits());
    }
    autoscaler.tick();
    assertEquals(3, pods().size(), "pods launching count as room: none launched again");

    for (String id : ids) {
      node(UniqueId.fromHexString(id), "worker", 2, 2, Map.of()); // joined, idle
    }
    node(head, "head", 1, 1, Map.of());
    autoscaler.tick();
    assertEquals(3, pods().size(), "idle, not for long enough yet");
    now.addAndGet(61_000);
    autoscaler.tick();
    List<Pod> left = pods();
    assertEquals(2, left.size(), "one idle node a pass");
    Set<String> leftIds = left.stream()
        .map(p -> p.getMetadata().getLabels().get(KubernetesNodeProvider.NODE_ID_LABEL))
        .collect(Collectors.toSet());
    String removed = ids.stream().filter(id -> !leftIds.contains(id)).findFirst().orElseThrow();
    gcs.nodes().update(UniqueId.fromHexString(removed), NodeRecord::dead);
    autoscaler.tick();
    assertEquals(1, pods().size());
  }

  @Test
  void aGpuTypesPodAsksForTheGpuAndCustomResourcesGoToTheNode() {
    KubernetesNodeProvider provider = new KubernetesNodeProvider(SPEC, client, now::get);
    Autoscaler autoscaler = new Autoscaler(SPEC, provider, gcs, now::get);
    node(head, "head", 1, 1, Map.of("{GPU=1.0}", 1));
    autoscaler.tick();
    Pod pod = pods().get(0);
    assertEquals("gpu_worker", pod.getMetadata().getLabels().get("jray.dev/node-type"));
    Container c = pod.getSpec().getContainers().get(0);
    assertEquals(Map.of("nvidia.com/gpu", new Quantity("1")), c.getResources().getLimits());
    assertEquals(Map.of("cpu", new Quantity("4000m")), c.getResources().getRequests());
    List<String> cmd = c.getCommand();
    assertEquals(List.of("--num-cpus", "4", "--num-gpus", "1", "--resources", "{\"accel\":2}"),
        cmd.subList(cmd.indexOf("--port") + 2, cmd.size()));
  }

  @Test
  void aRestartedHeadAdoptsThePodsAndCloseDeletesThemAll() {
    KubernetesNodeProvider first = new KubernetesNodeProvider(SPEC, client, now::get);
    String a = first.create(SPEC.nodeTypes().get("cpu_worker"));
    String b = first.create(SPEC.nodeTypes().get("gpu_worker"));
    long launchedAt = now.get();
    // a pod of the manifests' worker Deployment: same cluster, not the autoscaler's
    client.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata()
        .withName("jray-worker-abc").addToLabels("jray.dev/cluster", "demo").endMetadata()
        .build()).create();

    now.addAndGet(30_000);
    KubernetesNodeProvider restarted = new KubernetesNodeProvider(SPEC, client, now::get);
    assertEquals(Set.of(new NodeProvider.Launched(a, "cpu_worker", launchedAt),
        new NodeProvider.Launched(b, "gpu_worker", launchedAt)), Set.copyOf(restarted.nodes()));

    restarted.terminate(a);
    restarted.terminate(a); // gone already: nothing
    assertEquals(List.of(b), restarted.nodes().stream().map(NodeProvider.Launched::nodeId)
        .toList());

    restarted.close();
    assertEquals(List.of("jray-worker-abc"), pods().stream().map(p -> p.getMetadata().getName())
        .toList(), "only the autoscaler's pods go");
  }

  @Test
  void theHeadsDeploymentOwnsThePodsWhichOutliveTheHead() {
    client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
        .withNewMetadata().withName("jray-head").withUid("uid-deployment").endMetadata()
        .build()).create();
    client.apps().replicaSets().inNamespace(NAMESPACE).resource(new ReplicaSetBuilder()
        .withNewMetadata().withName("jray-head-5d8f").withUid("uid-replicaset")
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment")
        .withName("jray-head").withUid("uid-deployment").withController(true).endOwnerReference()
        .endMetadata().build()).create();
    client.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata()
        .withName("jray-head-5d8f-x2x9z").addToLabels("jray.dev/role", "head")
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
        .withName("jray-head-5d8f").withUid("uid-replicaset").withController(true)
        .endOwnerReference().endMetadata().build()).create();

    KubernetesNodeProvider provider = new KubernetesNodeProvider(SPEC, client, now::get,
        "jray-head-5d8f-x2x9z");
    String id = provider.create(SPEC.nodeTypes().get("cpu_worker"));
    Pod pod = client.pods().inNamespace(NAMESPACE)
        .withLabel(KubernetesNodeProvider.NODE_ID_LABEL, id).list().getItems().get(0);
    assertEquals(List.of(new OwnerReferenceBuilder().withApiVersion("apps/v1")
        .withKind("Deployment").withName("jray-head").withUid("uid-deployment")
        .withController(false).withBlockOwnerDeletion(false).build()),
        pod.getMetadata().getOwnerReferences(), "deleting the Deployment deletes the pods");

    provider.release(); // the head stops: its pods run on for the next head
    assertEquals(2, pods().size());
    assertEquals(List.of(id), new KubernetesNodeProvider(SPEC, client, now::get, "gone").nodes()
        .stream().map(NodeProvider.Launched::nodeId).toList());
  }

  @Test
  void aPodWhoseNodeEndedIsGone() {
    KubernetesNodeProvider provider = new KubernetesNodeProvider(SPEC, client, now::get);
    String id = provider.create(SPEC.nodeTypes().get("cpu_worker"));
    Pod pod = pods().get(0);
    pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Failed")
        .build());
    client.pods().inNamespace(NAMESPACE).resource(pod).updateStatus();
    assertTrue(provider.nodes().isEmpty(), id + " failed: not a node any more");
    assertTrue(pods().isEmpty(), "and its pod is deleted");
  }

  @Test
  void namesKubernetesCannotTakeAreErrorsNamingTheKey() {
    ClusterSpec bad = ClusterYaml.parse("""
        cluster_name: my cluster
        provider: {type: kubernetes, image: i, head_service: h}
        available_node_types: {head: {resources: {CPU: 1}}}
        head_node_type: head
        """);
    assertEquals("cluster_name: 'my cluster' is not a Kubernetes label value (at most 63 letters,"
        + " digits, '-', '_' or '.', beginning and ending with a letter or digit)",
        assertThrows(IllegalArgumentException.class,
            () -> new KubernetesNodeProvider(bad, client, now::get)).getMessage());
    ClusterSpec local = ClusterYaml.parse("""
        provider: {type: local}
        available_node_types: {head: {resources: {CPU: 1}}}
        head_node_type: head
        """);
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new KubernetesNodeProvider(local, client, now::get)).getMessage()
        .startsWith("provider.type:"));
  }

  @Test
  void theNamespaceDefaultsToTheClients() {
    ClusterSpec noNamespace = ClusterYaml.parse("""
        provider: {type: kubernetes, image: i, head_service: h}
        available_node_types: {head: {resources: {CPU: 1}}}
        head_node_type: head
        """);
    KubernetesNodeProvider provider = new KubernetesNodeProvider(noNamespace, client, now::get);
    assertEquals(client.getNamespace(), provider.namespace());
    assertNull(noNamespace.provider().get("namespace"));
  }
}
