package dev.jray.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jray.autoscaler.ClusterSpec;
import dev.jray.autoscaler.ClusterYaml;
import dev.jray.gcs.cluster.ClusterAddress;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.kubernetes.KubernetesNodeProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

/**
 * deploy/kubernetes/ and deploy/docker/: every manifest parses and references what exists (the
 * Services' pods and ports, the Secret, ConfigMap and ServiceAccount they name, the flags of
 * {@code jray start} in their args, the cluster YAML the head's autoscaler reads), and the image
 * keeps the jar the build makes where the manifests and the Kubernetes provider run it.
 */
class KubernetesManifestsTest {
  /** The tests run in cli/; the repository's root is its parent. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path MANIFESTS = ROOT.resolve("deploy/kubernetes");
  private static final Pattern ENV_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  /** kind → name → the document. */
  private final Map<String, Map<String, Map<String, Object>>> objects = load();

  private static Map<String, Map<String, Map<String, Object>>> load() {
    Map<String, Map<String, Map<String, Object>>> byKind = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(MANIFESTS)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException(MANIFESTS + ": " + e, e);
    }
    assertFalse(files.isEmpty(), "no manifest in " + MANIFESTS);
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new IllegalStateException(file + ": " + e, e);
      }
      for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
        if (doc == null) {
          continue;
        }
        Map<String, Object> object = map(doc, file.getFileName().toString());
        String kind = (String) object.get("kind");
        String name = (String) map(object.get("metadata"), file + " metadata").get("name");
        assertNotNull(object.get("apiVersion"), file + ": " + kind + " " + name + " apiVersion");
        assertNotNull(kind, file + ": a document without kind");
        assertNotNull(name, file + ": a " + kind + " without a name");
        Map<String, Object> previous = byKind.computeIfAbsent(kind, k -> new LinkedHashMap<>())
            .put(name, object);
        assertEquals(null, previous, "two " + kind + "s named " + name);
      }
    }
    return byKind;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String where) {
    assertTrue(value instanceof Map, where + ": not a mapping: " + value);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    return value == null ? List.of() : (List<Object>) value;
  }

  private static Map<String, Object> at(Map<String, Object> object, String... path) {
    Map<String, Object> m = object;
    for (String key : path) {
      m = map(m.get(key), String.join(".", path));
    }
    return m;
  }

  private Map<String, Map<String, Object>> all(String kind) {
    return objects.getOrDefault(kind, Map.of());
  }

  private Map<String, Object> named(String kind, String name, String referrer) {
    Map<String, Object> object = all(kind).get(name);
    assertNotNull(object, referrer + " names " + kind + " " + name + ", which no manifest makes"
        + " (there are " + all(kind).keySet() + ")");
    return object;
  }

  private static Map<String, Object> podSpec(Map<String, Object> deployment) {
    return at(deployment, "spec", "template", "spec");
  }

  private static List<Map<String, Object>> containers(Map<String, Object> deployment) {
    return list(podSpec(deployment).get("containers")).stream()
        .map(c -> map(c, "container")).toList();
  }

  /** The port names and numbers its containers declare. */
  private static Set<String> containerPorts(Map<String, Object> deployment) {
    Set<String> ports = new HashSet<>();
    for (Map<String, Object> c : containers(deployment)) {
      for (Object p : list(c.get("ports"))) {
        Map<String, Object> port = map(p, "port");
        ports.add(String.valueOf(port.get("containerPort")));
        if (port.get("name") != null) {
          ports.add((String) port.get("name"));
        }
      }
    }
    return ports;
  }

  @Test
  void theManifestsMakeWhatTheReadmeSays() {
    assertEquals(Set.of("Secret", "ServiceAccount", "Role", "RoleBinding", "ConfigMap",
        "Deployment", "Service"), objects.keySet());
    assertEquals(Set.of("jray-head", "jray-worker"), all("Deployment").keySet());
    assertEquals(Set.of("jray-head", "jray-members"), all("Service").keySet());
  }

  @Test
  void servicesSelectPodsThatHaveTheirTargetPorts() {
    all("Service").forEach((name, service) -> {
      Map<String, Object> selector = at(service, "spec", "selector");
      assertFalse(selector.isEmpty(), "Service " + name + " selects nothing");
      List<String> selected = new ArrayList<>();
      all("Deployment").forEach((dname, d) -> {
        if (at(d, "spec", "template", "metadata", "labels").entrySet()
            .containsAll(selector.entrySet())) {
          selected.add(dname);
          Set<String> ports = containerPorts(d);
          for (Object p : list(at(service, "spec").get("ports"))) {
            String target = String.valueOf(map(p, "port").get("targetPort"));
            assertTrue(ports.contains(target), "Service " + name + "'s targetPort " + target
                + " is not a port of Deployment " + dname + "'s containers " + ports);
          }
        }
      });
      assertFalse(selected.isEmpty(), "Service " + name + "'s selector " + selector
          + " matches no Deployment's pods");
    });
    assertEquals("None", at(all("Service").get("jray-members"), "spec").get("clusterIP"),
        "Hazelcast's discovery needs each pod's address: a headless Service");
  }

  @Test
  void deploymentsReferenceWhatExists() {
    all("Deployment").forEach((name, d) -> {
      String where = "Deployment " + name;
      assertTrue(at(d, "spec", "template", "metadata", "labels").entrySet()
          .containsAll(at(d, "spec", "selector", "matchLabels").entrySet()), where
          + ": its selector does not match its own pods");
      named("ServiceAccount", (String) podSpec(d).get("serviceAccountName"), where);
      Set<String> volumes = new HashSet<>();
      for (Object v : list(podSpec(d).get("volumes"))) {
        Map<String, Object> volume = map(v, "volume");
        volumes.add((String) volume.get("name"));
        if (volume.get("configMap") != null) {
          named("ConfigMap", (String) map(volume.get("configMap"), "configMap").get("name"),
              where);
        }
      }
      for (Map<String, Object> c : containers(d)) {
        Set<String> env = new HashSet<>();
        for (Object e : list(c.get("env"))) {
          Map<String, Object> var = map(e, "env");
          env.add((String) var.get("name"));
          Object from = var.get("valueFrom");
          if (from != null && map(from, "valueFrom").get("secretKeyRef") != null) {
            Map<String, Object> ref = at(var, "valueFrom", "secretKeyRef");
            Map<String, Object> secret = named("Secret", (String) ref.get("name"), where);
            assertTrue(at(secret, "stringData").containsKey(ref.get("key")), where + " reads key "
                + ref.get("key") + " of Secret " + ref.get("name") + ", which has none");
          }
        }
        for (Object m : list(c.get("volumeMounts"))) {
          String volume = (String) map(m, "volumeMount").get("name");
          assertTrue(volumes.contains(volume), where + " mounts volume " + volume + ", not one of "
              + volumes);
        }
        Object probe = c.get("readinessProbe");
        if (probe != null) {
          Object port = at(map(probe, "probe"), "tcpSocket").get("port");
          assertTrue(containerPorts(d).contains(String.valueOf(port)), where + "'s probe port "
              + port);
        }
        for (Object arg : list(c.get("args"))) {
          Matcher ref = ENV_REF.matcher(String.valueOf(arg));
          while (ref.find()) {
            assertTrue(env.contains(ref.group(1)), where + "'s args use $(" + ref.group(1)
                + "), which its env does not define");
          }
        }
      }
    });
  }

  /** The args of each container, which run on the image's entrypoint (java -jar jray.jar). */
  private Map<String, List<String>> startArgs() {
    Map<String, List<String>> args = new LinkedHashMap<>();
    all("Deployment").forEach((name, d) -> {
      for (Map<String, Object> c : containers(d)) {
        assertEquals(null, c.get("command"), "Deployment " + name + " keeps the image's entrypoint");
        args.put(name, list(c.get("args")).stream().map(String::valueOf).toList());
      }
    });
    return args;
  }

  @Test
  void theContainersArgsAreOptionsOfJrayStart() {
    startArgs().forEach((name, args) -> {
      assertEquals("start", args.get(0), "Deployment " + name);
      CommandLine start = new CommandLine(new StartCommand());
      for (String arg : args.subList(1, args.size())) {
        if (arg.startsWith("--")) {
          assertNotNull(start.getCommandSpec().findOption(arg.split("=", 2)[0]),
              "Deployment " + name + ": " + arg + " is not an option of jray start");
        }
      }
      try {
        start.parseArgs(args.subList(1, args.size()).toArray(String[]::new));
      } catch (CommandLine.ParameterException e) {
        fail("Deployment " + name + "'s args are not a valid jray start: " + e.getMessage());
      }
      StartCommand parsed = start.getCommand();
      assertEquals(KubernetesDiscoveryOptions.DEFAULT_SERVICE, parsed.kubernetesOptions.service,
          "Deployment " + name + " finds the members through the members' Service");
      named("Service", parsed.kubernetesOptions.service, "Deployment " + name);
      assertNotNull(parsed.metricsExportPort, "Deployment " + name + " serves metrics on a"
          + " fixed port, the containers' metrics port");
      assertTrue(containerPorts(all("Deployment").get(name))
          .contains(parsed.metricsExportPort.toString()), "Deployment " + name);
    });
  }

  @Test
  void theHeadsAutoscalerReadsAKubernetesClusterYamlOfThisCluster() {
    Map<String, Object> head = all("Deployment").get("jray-head");
    List<String> args = startArgs().get("jray-head");
    String config = args.get(args.indexOf("--autoscaling-config") + 1);
    Map<String, Object> mount = list(containers(head).get(0).get("volumeMounts")).stream()
        .map(m -> map(m, "mount")).filter(m -> config.startsWith(m.get("mountPath") + "/"))
        .findFirst().orElseThrow(() -> new AssertionError(config + " is on no mounted volume"));
    Map<String, Object> volume = list(podSpec(head).get("volumes")).stream()
        .map(v -> map(v, "volume")).filter(v -> v.get("name").equals(mount.get("name")))
        .findFirst().orElseThrow();
    String configMap = (String) map(volume.get("configMap"), "configMap").get("name");
    String key = Path.of(config).getFileName().toString();
    String yaml = (String) at(named("ConfigMap", configMap, "the head"), "data").get(key);
    assertNotNull(yaml, "ConfigMap " + configMap + " has no " + key);

    ClusterSpec spec = ClusterYaml.parse(yaml);
    assertEquals("kubernetes", spec.providerType());
    Map<String, Object> provider = spec.provider();
    assertEquals(containers(head).get(0).get("image"), provider.get("image"),
        "the autoscaler's pods run the head's image");
    all("Deployment").values().forEach(d -> assertEquals(provider.get("image"),
        containers(d).get(0).get("image")));
    named("ServiceAccount", (String) provider.get("service_account"), "the cluster YAML");
    assertTrue(at(named("Secret", (String) provider.get("token_secret"), "the cluster YAML"),
        "stringData").containsKey(KubernetesNodeProvider.TOKEN_KEY));
    ClusterAddress headService = ClusterAddress.parse((String) provider.get("head_service"));
    Map<String, Object> service = named("Service", headService.host(), "provider.head_service");
    assertTrue(list(at(service, "spec").get("ports")).stream()
        .anyMatch(p -> Integer.valueOf(headService.port()).equals(map(p, "port").get("port"))),
        "Service " + headService.host() + " has no port " + headService.port());
    assertEquals(KubernetesNodeProvider.MEMBER_PORT, headService.port());
    assertEquals(spec.clusterName(), at(all("Service").get("jray-members"), "spec", "selector")
        .get(KubernetesNodeProvider.CLUSTER_LABEL), "a restarted head's discovery finds the pods"
        + " the autoscaler launched: they carry the cluster's name");
    assertTrue(list(containers(head).get(0).get("env")).stream().anyMatch(e -> map(e, "env")
        .get("name").equals(KubernetesNodeProvider.POD_NAME_ENV)), "the head names its pod,"
        + " whose Deployment owns the pods the autoscaler launches");
    String headArgs = String.join(" ", args);
    assertTrue(headArgs.contains(String.join(" ",
        spec.nodeTypes().get(spec.headNodeType()).startOptions())),
        "the head offers its head_node_type's resources: " + headArgs);
  }

  @Test
  void theRoleLetsTheProviderManagePodsAndTheBindingNamesWhatExists() {
    Map<String, Object> binding = all("RoleBinding").values().iterator().next();
    Map<String, Object> role = named("Role", (String) map(binding.get("roleRef"), "roleRef")
        .get("name"), "the RoleBinding");
    for (Object s : list(binding.get("subjects"))) {
      named("ServiceAccount", (String) map(s, "subject").get("name"), "the RoleBinding");
    }
    Set<String> podVerbs = new HashSet<>();
    Set<String> readable = new HashSet<>();
    Set<String> readableOne = new HashSet<>();
    for (Object r : list(role.get("rules"))) {
      Map<String, Object> rule = map(r, "rule");
      Collection<Object> verbs = list(rule.get("verbs"));
      for (Object resource : list(rule.get("resources"))) {
        if (resource.equals("pods")) {
          verbs.forEach(v -> podVerbs.add((String) v));
        }
        if (verbs.contains("list") && verbs.contains("get")) {
          readable.add((String) resource);
        }
        if (verbs.contains("get")) {
          readableOne.add((String) resource);
        }
      }
    }
    assertTrue(podVerbs.containsAll(Set.of("get", "list", "watch", "create", "delete")),
        podVerbs.toString());
    assertTrue(readableOne.contains("replicasets"), "the head reads its ReplicaSet's owner");
    assertTrue(readable.containsAll(Set.of("endpoints", "endpointslices", "pods", "services")),
        "Hazelcast's Kubernetes discovery reads these: " + readable);
  }

  @Test
  void theSecretsPlaceholderIsNoToken() {
    String token = (String) at(all("Secret").get("jray-cluster-token"), "stringData")
        .get(KubernetesNodeProvider.TOKEN_KEY);
    assertThrows(IllegalArgumentException.class, () -> ClusterToken.of(token, "secret.yaml"),
        "a token in the repository would be everyone's: the nodes must refuse the placeholder");
  }

  @Test
  void theImageKeepsTheJarTheBuildMakesWhereThePodsRunIt() throws IOException {
    List<String> dockerfile = Files.readAllLines(ROOT.resolve("deploy/docker/Dockerfile"));
    String pom = Files.readString(ROOT.resolve("cli/pom.xml"));
    Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
    assertTrue(finalName.find(), "cli/pom.xml names its jar");
    String copy = dockerfile.stream().filter(l -> l.startsWith("COPY ")).findFirst()
        .orElseThrow();
    assertEquals("COPY cli/target/" + finalName.group(1) + ".jar " + KubernetesNodeProvider.JAR,
        copy);
    String entrypoint = dockerfile.stream().filter(l -> l.startsWith("ENTRYPOINT "))
        .findFirst().orElseThrow();
    assertTrue(entrypoint.contains("\"-jar\", \"" + KubernetesNodeProvider.JAR + "\""),
        entrypoint);
    assertTrue(dockerfile.stream().anyMatch(l -> l.startsWith("FROM eclipse-temurin:17")));
    // the manifest carries the JVM flags Hazelcast needs, so java -jar needs none of its own
    assertTrue(pom.contains("<Add-Opens>java.base/java.lang "), "jray.jar's Add-Opens");
  }
}
