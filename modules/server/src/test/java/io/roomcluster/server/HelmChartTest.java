package io.roomcluster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.roomcluster.gateway.config.BackendSettings;
import io.roomcluster.gateway.config.SignalingSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.pekko.event.NoLogging;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrapSettings;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart under {@code helm/roomcluster}, linted and rendered in-process by Helm 3
 * (helm-java's native library, no binaries or cluster), asserted on the parsed manifests; and the
 * HOCON the chart renders, loaded the way the node loads its {@code --config} file.
 */
class HelmChartTest {

  private static final String RELEASE = "talk";
  private static final String NAMESPACE = "signaling";
  private static final String FULLNAME = RELEASE + "-roomcluster";
  /** helm-java's library defaults to Kubernetes 1.20; the chart requires >= 1.23. */
  private static final String KUBE_VERSION = "1.30.0";
  private static final String POD_IP = "10.1.2.3";
  private static final YAMLMapper YAML = new YAMLMapper();

  private static Path chart;

  @BeforeAll
  static void helmAvailable() {
    chart = findChart();
    try {
      Helm.version().call();
    } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError from JNA
      Assumptions.abort(
          "helm-java's native Helm library cannot load on this platform ("
              + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + "): " + e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // lint

  @Test
  void lintStrictPasses() {
    LintResult result = new Helm(chart).lint().strict().call();
    assertFalse(result.isFailed(), () -> "helm lint --strict: " + result.getMessages());
    List<String> problems =
        result.getMessages().stream().filter(m -> m.contains("[ERROR]") || m.contains("[WARNING]")).toList();
    assertEquals(List.of(), problems);
  }

  // ---------------------------------------------------------------------------------------------
  // default values

  @Test
  void defaultsRenderTheWholeRelease() {
    Map<String, JsonNode> docs = byKind(render(Map.of()));
    assertEquals(
        Set.of("ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Secret", "Service", "Deployment", "PodDisruptionBudget"),
        docs.keySet());
    docs.values().forEach(doc -> assertEquals(FULLNAME, doc.at("/metadata/name").asText(), doc.toString()));
  }

  @Test
  void deploymentRunsThreeNodesWithProbesOnTheManagementPort() {
    JsonNode deployment = byKind(render(Map.of())).get("Deployment");
    JsonNode spec = deployment.get("spec");
    assertEquals(3, spec.get("replicas").asInt());
    assertEquals("RollingUpdate", spec.at("/strategy/type").asText());
    assertEquals(1, spec.at("/strategy/rollingUpdate/maxSurge").asInt());
    assertEquals(0, spec.at("/strategy/rollingUpdate/maxUnavailable").asInt());
    assertTrue(spec.get("minReadySeconds").asInt() > 0);

    JsonNode pod = spec.at("/template/spec");
    // The drain (its time-out, from the node's own config) + shard hand-off + leaving the cluster
    // (up to ~20 s on loaded nodes) must fit, or Kubernetes kills the node mid-drain.
    long drainTimeout = ConfigFactory.parseResources("cluster.conf").resolve()
        .getDuration("roomcluster.shutdown.drain-timeout").toSeconds();
    assertTrue(pod.get("terminationGracePeriodSeconds").asInt() >= drainTimeout + 30,
        "terminationGracePeriodSeconds " + pod.get("terminationGracePeriodSeconds") + " < drain-timeout " + drainTimeout + " s + 30 s");
    assertEquals(FULLNAME, pod.get("serviceAccountName").asText());
    assertEquals(podSelector(deployment), spec.at("/selector/matchLabels"));

    JsonNode container = onlyContainer(deployment);
    assertEquals(
        Map.of("http", 8080, "management", 8558, "remoting", 25520), containerPorts(container));
    assertEquals("/ready", container.at("/startupProbe/httpGet/path").asText());
    assertEquals("management", container.at("/startupProbe/httpGet/port").asText());
    assertEquals("/ready", container.at("/readinessProbe/httpGet/path").asText());
    assertEquals("management", container.at("/readinessProbe/httpGet/port").asText());
    assertEquals("/alive", container.at("/livenessProbe/httpGet/path").asText());
    assertEquals("management", container.at("/livenessProbe/httpGet/port").asText());

    String command = String.join(" ", strings(container.get("command")));
    assertTrue(
        command.endsWith("exec java $JAVA_OPTS -jar /app/roomcluster-server.jar run --config /etc/roomcluster/roomcluster.conf"),
        command);
    assertTrue(container.at("/resources/limits/cpu").isMissingNode(), "no CPU limit");
    assertTrue(container.at("/resources/limits/memory").isTextual());
    assertEquals(
        "/etc/roomcluster",
        volumeMountOf(pod, container, "configMap", FULLNAME).get("mountPath").asText());
  }

  @Test
  void deploymentEnvironmentCarriesPodIpVersionAndSecrets() {
    JsonNode container = onlyContainer(byKind(render(Map.of())).get("Deployment"));
    Map<String, JsonNode> env = env(container);
    assertEquals("status.podIP", env.get("ROOMCLUSTER_REMOTE_HOST").at("/valueFrom/fieldRef/fieldPath").asText());
    assertEquals("status.podIP", env.get("ROOMCLUSTER_MANAGEMENT_HOST").at("/valueFrom/fieldRef/fieldPath").asText());
    assertEquals("0.1.0-SNAPSHOT", env.get("ROOMCLUSTER_APP_VERSION").get("value").asText());
    assertTrue(env.get("JAVA_OPTS").get("value").asText().contains("-XX:MaxRAMPercentage=50"));
    Map<String, String> secretKeys =
        Map.of(
            "ROOMCLUSTER_SESSIONS_HASH_KEY", "session-hash-key",
            "ROOMCLUSTER_SESSIONS_BLOCK_KEY", "session-block-key",
            "ROOMCLUSTER_INTERNAL_SECRET", "internal-secret",
            "ROOMCLUSTER_BACKEND_SECRET", "backend-secret");
    secretKeys.forEach(
        (name, key) -> {
          JsonNode ref = env.get(name).at("/valueFrom/secretKeyRef");
          assertEquals(FULLNAME, ref.get("name").asText(), name);
          assertEquals(key, ref.get("key").asText(), name);
        });
    assertTrue(env.get("ROOMCLUSTER_INTERNAL_SECRET").at("/valueFrom/secretKeyRef/optional").asBoolean());
    assertFalse(env.get("ROOMCLUSTER_BACKEND_SECRET").at("/valueFrom/secretKeyRef/optional").asBoolean());
  }

  @Test
  void chartCreatedSecretHoldsGeneratedKeysOfUsableLength() {
    JsonNode secret = byKind(render(Map.of())).get("Secret");
    Map<String, String> data = decodedSecretData(secret);
    assertEquals(Set.of("session-hash-key", "session-block-key", "internal-secret", "backend-secret"), data.keySet());
    assertEquals(32, data.get("session-hash-key").length());
    assertEquals(32, data.get("session-block-key").length());
    assertEquals(32, data.get("backend-secret").length());
    assertEquals("", data.get("internal-secret"), "internal clients stay off unless configured");
  }

  @Test
  void configChecksumRollsThePodsWhenTheConfigChanges() {
    String defaults = checksum(render(Map.of()));
    assertTrue(defaults.matches("[0-9a-f]{64}"), defaults);
    assertEquals(defaults, checksum(render(Map.of())), "deterministic");
    assertNotEquals(defaults, checksum(render(Map.of("logLevel", "DEBUG"))));
  }

  @Test
  void serviceExposesHttpOnly() {
    List<JsonNode> docs = render(Map.of());
    JsonNode service = byKind(docs).get("Service");
    JsonNode ports = service.at("/spec/ports");
    assertEquals(1, ports.size());
    assertEquals("http", ports.get(0).get("name").asText());
    assertEquals("http", ports.get(0).get("targetPort").asText());
    assertEquals(podSelector(byKind(docs).get("Deployment")), service.at("/spec/selector"));
  }

  @Test
  void roleLetsTheServiceAccountDiscoverPods() {
    Map<String, JsonNode> docs = byKind(render(Map.of()));
    JsonNode rules = docs.get("Role").get("rules");
    assertEquals(1, rules.size());
    assertEquals(List.of(""), strings(rules.get(0).get("apiGroups")));
    assertEquals(List.of("pods"), strings(rules.get(0).get("resources")));
    assertEquals(Set.of("get", "watch", "list"), Set.copyOf(strings(rules.get(0).get("verbs"))));

    JsonNode binding = docs.get("RoleBinding");
    assertEquals("Role", binding.at("/roleRef/kind").asText());
    assertEquals(FULLNAME, binding.at("/roleRef/name").asText());
    JsonNode subject = binding.at("/subjects/0");
    assertEquals("ServiceAccount", subject.get("kind").asText());
    assertEquals(docs.get("ServiceAccount").at("/metadata/name").asText(), subject.get("name").asText());
    assertEquals(NAMESPACE, subject.get("namespace").asText());
  }

  @Test
  void podDisruptionBudgetAllowsOneNodeDownAndSelectsThePods() {
    Map<String, JsonNode> docs = byKind(render(Map.of()));
    JsonNode pdb = docs.get("PodDisruptionBudget");
    assertEquals(1, pdb.at("/spec/maxUnavailable").asInt());
    assertTrue(pdb.at("/spec/minAvailable").isMissingNode());
    assertEquals(podSelector(docs.get("Deployment")), pdb.at("/spec/selector/matchLabels"));

    JsonNode min = byKind(render(Map.of("podDisruptionBudget.minAvailable", 2))).get("PodDisruptionBudget");
    assertEquals(2, min.at("/spec/minAvailable").asInt());
    assertTrue(min.at("/spec/maxUnavailable").isMissingNode());
  }

  @Test
  void singleReplicaHasNoPodDisruptionBudget() {
    Map<String, JsonNode> docs = byKind(render(Map.of("replicaCount", 1)));
    assertFalse(docs.containsKey("PodDisruptionBudget"));
    assertEquals(1, docs.get("Deployment").at("/spec/replicas").asInt());
    assertEquals(1, loadRenderedConfig(render(Map.of("replicaCount", 1)))
        .getInt("pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
  }

  @Test
  void bothDisruptionBudgetKnobsFailTheRender() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> render(Map.of("podDisruptionBudget.minAvailable", 1, "podDisruptionBudget.maxUnavailable", 1)));
    assertTrue(
        e.getMessage().contains("set podDisruptionBudget.minAvailable OR podDisruptionBudget.maxUnavailable, not both"),
        e.getMessage());
  }

  @Test
  void noBackendFailsTheRender() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> render(Map.of("signaling.backends", "null")));
    assertTrue(e.getMessage().contains("no Nextcloud backend configured"), e.getMessage());
  }

  @Test
  void podMonitorNeedsThePrometheusOperatorApi() {
    // helm template knows no monitoring.coreos.com/v1: the guard keeps the PodMonitor out.
    assertFalse(byKind(render(Map.of("podMonitor.enabled", true))).containsKey("PodMonitor"));
  }

  @Test
  void topologySpreadDefaultsToThisReleasesPods() {
    JsonNode deployment = byKind(render(Map.of())).get("Deployment");
    JsonNode constraints = deployment.at("/spec/template/spec/topologySpreadConstraints");
    assertEquals(2, constraints.size());
    for (JsonNode c : constraints) {
      assertEquals(podSelector(deployment), c.at("/labelSelector/matchLabels"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // existing Secret, per-backend secrets, Cassandra credentials, Ingress (ci/existing-secret-values.yaml)

  @Test
  void existingSecretIsReferencedWithItsOwnKeyNames() {
    Map<String, JsonNode> docs = byKind(render(Map.of(), ciValues("existing-secret-values.yaml")));
    assertFalse(docs.containsKey("Secret"), "no chart-created Secret");
    assertTrue(docs.containsKey("Ingress"));
    Map<String, JsonNode> env = env(onlyContainer(docs.get("Deployment")));
    assertEquals("signaling-secrets", env.get("ROOMCLUSTER_SESSIONS_HASH_KEY").at("/valueFrom/secretKeyRef/name").asText());
    assertEquals("hashkey", env.get("ROOMCLUSTER_SESSIONS_HASH_KEY").at("/valueFrom/secretKeyRef/key").asText());
    assertEquals("blockkey", env.get("ROOMCLUSTER_SESSIONS_BLOCK_KEY").at("/valueFrom/secretKeyRef/key").asText());
    assertEquals("internalsecret", env.get("ROOMCLUSTER_INTERNAL_SECRET").at("/valueFrom/secretKeyRef/key").asText());
    assertEquals("nc2-secret", env.get("ROOMCLUSTER_BACKEND_1_SECRET").at("/valueFrom/secretKeyRef/key").asText());
    assertEquals("cassandra-credentials", env.get("ROOMCLUSTER_CASSANDRA_PASSWORD").at("/valueFrom/secretKeyRef/name").asText());

    Config config = loadRenderedConfig(render(Map.of(), ciValues("existing-secret-values.yaml")));
    SignalingSettings settings = SignalingSettings.fromConfig(config);
    List<BackendSettings.Backend> backends = settings.backend().backends();
    assertEquals(List.of("nc1", "nc2"), backends.stream().map(BackendSettings.Backend::id).toList());
    assertEquals(fakeSecret("sharedsecret"), new String(backends.get(0).secret(), StandardCharsets.UTF_8));
    assertEquals(fakeSecret("nc2-secret"), new String(backends.get(1).secret(), StandardCharsets.UTF_8));
    assertEquals(50, backends.get(1).sessionLimit());
    assertEquals("PlainTextAuthProvider", config.getString("datastax-java-driver.advanced.auth-provider.class"));
    assertEquals(fakeSecret("password"), config.getString("datastax-java-driver.advanced.auth-provider.password"));
    assertEquals(List.of("10.0.0.0/8", "127.0.0.1"), config.getStringList("roomcluster.stats.allowed-ips"));
  }

  // ---------------------------------------------------------------------------------------------
  // the rendered HOCON, loaded like the node loads --config

  @Test
  void renderedConfigIncludesTheNodesClasspathConfig() {
    String hocon = renderedHocon(render(Map.of()));
    assertTrue(hocon.contains("include classpath(\"application.conf\")"), hocon);
    assertTrue(hocon.contains("include classpath(\"persistence-cassandra.conf\")"), hocon);
  }

  @Test
  void renderedConfigFormsTheClusterThroughBootstrapOnKubernetes() {
    List<JsonNode> docs = render(Map.of());
    Config config = loadRenderedConfig(docs);
    JsonNode deployment = byKind(docs).get("Deployment");
    Map<String, Integer> ports = containerPorts(onlyContainer(deployment));

    assertTrue(config.getBoolean("roomcluster.cluster.bootstrap"));
    assertFalse(config.getBoolean("roomcluster.cluster.self-join"));
    assertTrue(config.getBoolean("roomcluster.management.enabled"));
    assertTrue(config.getStringList("pekko.cluster.seed-nodes").isEmpty());

    // Pekko's own parser of the bootstrap section.
    ClusterBootstrapSettings bootstrap = ClusterBootstrapSettings.apply(config, NoLogging.getInstance());
    assertEquals("kubernetes-api", bootstrap.getContactPointDiscoveryMethod());
    assertEquals(3, bootstrap.getContactPointDiscoveryRequiredContactPointsNr());
    assertEquals(ports.get("management"), bootstrap.getContactPointFallbackPort());
    String serviceName = bootstrap.getContactPointDiscoveryServiceName().orElseThrow();

    // The discovery selector finds exactly this release's pods.
    String selector = config.getString("pekko.discovery.kubernetes-api.pod-label-selector");
    assertTrue(selector.startsWith("app.kubernetes.io/name=%s"), selector);
    Map<String, String> selected = parseSelector(String.format(selector, serviceName));
    Map<String, String> podLabels = new HashMap<>();
    deployment.at("/spec/template/metadata/labels").fields().forEachRemaining(f -> podLabels.put(f.getKey(), f.getValue().asText()));
    selected.forEach((k, v) -> assertEquals(v, podLabels.get(k), "pod label " + k));
    assertEquals(Map.of("app.kubernetes.io/name", "roomcluster", "app.kubernetes.io/instance", RELEASE), selected);

    // Addresses: the pod IP for the other nodes, every interface for clients and probes.
    assertEquals(POD_IP, config.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals((int) ports.get("remoting"), config.getInt("pekko.remote.artery.canonical.port"));
    assertEquals(POD_IP, config.getString("pekko.management.http.hostname"));
    assertEquals("0.0.0.0", config.getString("pekko.management.http.bind-hostname"));
    assertEquals((int) ports.get("management"), config.getInt("pekko.management.http.port"));
    assertEquals("0.0.0.0", config.getString("roomcluster.http.host"));
    assertEquals((int) ports.get("http"), config.getInt("roomcluster.http.port"));
    assertEquals("0.1.0-SNAPSHOT", config.getString("pekko.cluster.app-version"));
    assertEquals(
        "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider",
        config.getString("pekko.cluster.downing-provider-class"));
  }

  @Test
  void renderedConfigJournalsToTheConfiguredCassandra() {
    Config config =
        loadRenderedConfig(
            render(
                Map.of(
                    "cassandra.keyspace", "talk_rooms",
                    "cassandra.localDatacenter", "dc-west",
                    "cassandra.contactPoints[0]", "cassandra-0.cassandra:9042",
                    "cassandra.contactPoints[1]", "cassandra-1.cassandra:9042")));
    assertEquals("pekko.persistence.cassandra.journal", config.getString("pekko.persistence.journal.plugin"));
    assertEquals("cassandra", config.getString("roomcluster.persistence.kind"));
    assertEquals("talk_rooms", config.getString("pekko.persistence.cassandra.journal.keyspace"));
    assertEquals("talk_rooms", config.getString("pekko.persistence.cassandra.snapshot.keyspace"));
    assertEquals(
        List.of("cassandra-0.cassandra:9042", "cassandra-1.cassandra:9042"),
        config.getStringList("datastax-java-driver.basic.contact-points"));
    assertEquals("dc-west", config.getString("datastax-java-driver.basic.load-balancing-policy.local-datacenter"));
  }

  @Test
  void renderedConfigPassesTheNodesSignalingValidation() {
    Config config = loadRenderedConfig(render(Map.of()));
    SignalingSettings settings = SignalingSettings.fromConfig(config);
    assertEquals(fakeSecret("session-hash-key"), new String(settings.hashKey(), StandardCharsets.UTF_8));
    assertFalse(settings.backend().allowAll());
    BackendSettings.Backend backend = settings.backend().backends().get(0);
    assertEquals("nextcloud", backend.id());
    assertEquals(fakeSecret("backend-secret"), new String(backend.secret(), StandardCharsets.UTF_8));
    assertFalse(settings.devBackendEnabled());
  }

  @Test
  void renderedConfigNeedsOnlyVariablesTheDeploymentSets() {
    List<JsonNode> docs = render(Map.of(), ciValues("existing-secret-values.yaml"));
    Set<String> required = new TreeSet<>();
    Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(renderedHocon(docs));
    while (m.find()) {
      required.add(m.group(1));
    }
    assertFalse(required.isEmpty());
    Set<String> provided = env(onlyContainer(byKind(docs).get("Deployment"))).keySet();
    assertTrue(provided.containsAll(required), "missing in the Deployment: " + minus(required, provided));
  }

  @Test
  void allowAllWithoutBackendsIsAccepted() {
    Config config = loadRenderedConfig(render(Map.of(), ciValues("allow-all-values.yaml")));
    SignalingSettings settings = SignalingSettings.fromConfig(config);
    assertTrue(settings.backend().allowAll());
    assertEquals(List.of(), settings.backend().backends());
    assertEquals(fakeSecret("backend-secret"), new String(settings.backend().allowAllSecret(), StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  private static Path findChart() {
    Path dir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      Path candidate = p.resolve("helm/roomcluster/Chart.yaml");
      if (Files.isRegularFile(candidate)) {
        return candidate.getParent();
      }
    }
    throw new IllegalStateException("helm/roomcluster not found above " + dir);
  }

  private static Path ciValues(String name) {
    return chart.resolve("ci").resolve(name);
  }

  /** {@code helm template talk CHART --namespace signaling --kube-version 1.30.0 [--set ...] [-f ...]}. */
  private static List<JsonNode> render(Map<String, Object> sets, Path... valuesFiles) {
    TemplateCommand template =
        new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
    for (Path values : valuesFiles) {
      template = template.withValuesFile(values);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    String manifests = template.call();
    try {
      List<JsonNode> docs = new ArrayList<>();
      for (JsonNode doc : YAML.readerFor(JsonNode.class).<JsonNode>readValues(manifests).readAll()) {
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new AssertionError("rendered manifests are not YAML:\n" + manifests, e);
    }
  }

  private static Map<String, JsonNode> byKind(List<JsonNode> docs) {
    Map<String, JsonNode> byKind = new LinkedHashMap<>();
    for (JsonNode doc : docs) {
      JsonNode previous = byKind.put(doc.get("kind").asText(), doc);
      assertTrue(previous == null, "two " + doc.get("kind").asText() + " documents");
    }
    return byKind;
  }

  private static JsonNode onlyContainer(JsonNode deployment) {
    JsonNode containers = deployment.at("/spec/template/spec/containers");
    assertEquals(1, containers.size());
    return containers.get(0);
  }

  private static JsonNode podSelector(JsonNode deployment) {
    return deployment.at("/spec/selector/matchLabels");
  }

  private static Map<String, Integer> containerPorts(JsonNode container) {
    Map<String, Integer> ports = new HashMap<>();
    container.get("ports").forEach(p -> ports.put(p.get("name").asText(), p.get("containerPort").asInt()));
    return ports;
  }

  private static Map<String, JsonNode> env(JsonNode container) {
    Map<String, JsonNode> env = new LinkedHashMap<>();
    container.get("env").forEach(e -> env.put(e.get("name").asText(), e));
    return env;
  }

  private static JsonNode volumeMountOf(JsonNode pod, JsonNode container, String type, String source) {
    String volume = null;
    for (JsonNode v : pod.get("volumes")) {
      if (v.has(type) && source.equals(v.get(type).path("name").asText())) {
        volume = v.get("name").asText();
      }
    }
    for (JsonNode mount : container.get("volumeMounts")) {
      if (mount.get("name").asText().equals(volume)) {
        return mount;
      }
    }
    throw new AssertionError("no mount of " + type + " " + source);
  }

  private static List<String> strings(JsonNode array) {
    List<String> list = new ArrayList<>();
    array.forEach(n -> list.add(n.asText()));
    return list;
  }

  private static Map<String, String> decodedSecretData(JsonNode secret) {
    Map<String, String> data = new HashMap<>();
    secret.get("data").fields().forEachRemaining(
        f -> data.put(f.getKey(), new String(java.util.Base64.getDecoder().decode(f.getValue().asText()), StandardCharsets.UTF_8)));
    return data;
  }

  private static String checksum(List<JsonNode> docs) {
    return byKind(docs).get("Deployment").at("/spec/template/metadata/annotations").get("checksum/config").asText();
  }

  private static String renderedHocon(List<JsonNode> docs) {
    return byKind(docs).get("ConfigMap").at("/data").get("roomcluster.conf").asText();
  }

  /**
   * The ConfigMap's roomcluster.conf as the node loads it ({@link NodeConfig}: the file, then every
   * module's reference.conf, resolved), with the container's environment as the Deployment defines
   * it: field refs are the pod IP, secret refs a 32-character stand-in per key. Substitutions look
   * up root paths before the real environment, so the stand-ins are root keys named like the
   * variables.
   */
  private static Config loadRenderedConfig(List<JsonNode> docs) {
    Config file = ConfigFactory.parseString(renderedHocon(docs));
    Config env = ConfigFactory.empty();
    for (JsonNode e : env(onlyContainer(byKind(docs).get("Deployment"))).values()) {
      String value;
      if (e.has("value")) {
        value = e.get("value").asText();
      } else if (e.at("/valueFrom/fieldRef/fieldPath").asText().equals("status.podIP")) {
        value = POD_IP;
      } else if (e.at("/valueFrom/secretKeyRef").isObject()) {
        value = fakeSecret(e.at("/valueFrom/secretKeyRef/key").asText());
      } else {
        throw new AssertionError("unexpected env entry " + e);
      }
      env = env.withValue(e.get("name").asText(), ConfigValueFactory.fromAnyRef(value));
    }
    return env.withFallback(file).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  /** A distinct 32-byte value per Secret key (valid as hash key, block key and secret). */
  private static String fakeSecret(String key) {
    return (key + "-................................").substring(0, 32);
  }

  private static Map<String, String> parseSelector(String selector) {
    return java.util.Arrays.stream(selector.split(","))
        .map(term -> term.split("=", 2))
        .collect(Collectors.toMap(kv -> kv[0].trim(), kv -> kv[1].trim()));
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    Set<String> rest = new TreeSet<>(a);
    rest.removeAll(b);
    return rest;
  }
}
