package io.roomcluster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.roomcluster.gateway.FakeNextcloud;
import io.roomcluster.gateway.TestClient;
import io.roomcluster.protocol.signing.Checksums;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Three real roomcluster nodes in this JVM: each its own ActorSystem with Artery on loopback, its
 * own HTTP port, the production Cassandra persistence config against the test Cassandra, and one
 * fake Nextcloud as their backend. Nodes are started exactly as {@link Main} starts them.
 */
final class LocalCluster implements AutoCloseable {

  static final String SECRET = "cluster-it-backend-secret";

  final FakeNextcloud nextcloud = new FakeNextcloud(SECRET);
  private final int[] remotingPorts;
  private final int[] httpPorts;
  private final ActorSystem<?>[] nodes;
  private final String extraConfig;

  LocalCluster(int size, String extraConfig) {
    this.remotingPorts = new int[size];
    this.httpPorts = new int[size];
    this.nodes = new ActorSystem<?>[size];
    this.extraConfig = extraConfig;
    for (int i = 0; i < size; i++) {
      remotingPorts[i] = freePort();
      httpPorts[i] = freePort();
    }
  }

  void startAll() {
    for (int i = 0; i < nodes.length; i++) {
      start(i);
    }
    awaitUp(nodes.length, Duration.ofSeconds(60));
  }

  void start(int index) {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "roomcluster", config(index));
    nodes[index] = system;
    try {
      RoomclusterNode.start(system).toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      system.terminate();
      throw new AssertionError("node " + index + " did not start", e);
    }
  }

  ActorSystem<?> node(int index) {
    return nodes[index];
  }

  /** Graceful stop (CoordinatedShutdown: drain, shard hand-off, leave); waits for termination. */
  void stop(int index) {
    ActorSystem<?> system = nodes[index];
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
  }

  private Config config(int index) {
    String seeds =
        java.util.Arrays.stream(remotingPorts)
            .mapToObj(p -> "\"pekko://roomcluster@127.0.0.1:" + p + "\"")
            .collect(Collectors.joining(", "));
    Config overrides =
        ConfigFactory.parseString(
            """
            pekko.remote.artery.canonical { hostname = "127.0.0.1", port = %d }
            pekko.cluster.seed-nodes = [%s]
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.cluster.split-brain-resolver.stable-after = 3s
            pekko.coordinated-shutdown.exit-jvm = off
            pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
            pekko.loglevel = WARNING
            roomcluster.cluster.self-join = off
            roomcluster.management.enabled = off
            roomcluster.http.port = %d
            roomcluster.sessions.hash-key = "cluster-it-hashkey-0123456789abc"
            roomcluster.sessions.block-key = "cluster-it-blockkey-0123456789ab"
            roomcluster.backend.backends = [{ id = "nc", urls = ["%s"], secret = "%s" }]
            roomcluster.backend.allow-http = on
            roomcluster.shutdown.drain-timeout = 3s
            datastax-java-driver.basic.contact-points = ["%s"]
            datastax-java-driver.basic.load-balancing-policy.local-datacenter = "%s"
            %s
            """
                .formatted(
                    remotingPorts[index], seeds, httpPorts[index], nextcloud.baseUrl(), SECRET,
                    CassandraFixture.contactPoint(), CassandraFixture.DATACENTER, extraConfig));
    Config production =
        ConfigFactory.parseResources("persistence-cassandra.conf").withFallback(ConfigFactory.parseResources("application.conf"));
    return ConfigFactory.load(overrides.withFallback(production));
  }

  void awaitUp(int members, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    for (ActorSystem<?> node : nodes) {
      if (node == null || node.whenTerminated().isCompleted()) {
        continue;
      }
      while (upMembers(node) != members) {
        if (Instant.now().isAfter(deadline)) {
          assertEquals(members, upMembers(node), "cluster did not converge on " + node.address());
        }
        sleep(200);
      }
      // As the node's readiness check does: its room region found the shard coordinator (until
      // then, a region retries every 2 s and the first join waits for it).
      while (!roomRegionRegistered(node)) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError("room shard region not registered with the coordinator on " + node.address());
        }
        sleep(100);
      }
      // Routing is ready once every node's delivery actor is known here (Receptionist gossip).
      while (deliveryNodes(node) != members) {
        if (Instant.now().isAfter(deadline)) {
          assertEquals(members, deliveryNodes(node), "delivery actors not known on " + node.address());
        }
        sleep(200);
      }
    }
  }

  private static int deliveryNodes(ActorSystem<?> node) {
    return org.apache.pekko.actor.typed.javadsl.AskPattern
        .<org.apache.pekko.actor.typed.receptionist.Receptionist.Command, org.apache.pekko.actor.typed.receptionist.Receptionist.Listing>ask(
            node.receptionist(),
            replyTo -> org.apache.pekko.actor.typed.receptionist.Receptionist.find(io.roomcluster.gateway.cluster.NodeDelivery.KEY, replyTo),
            Duration.ofSeconds(3),
            node.scheduler())
        .toCompletableFuture()
        .orTimeout(5, TimeUnit.SECONDS)
        .join()
        .getServiceInstances(io.roomcluster.gateway.cluster.NodeDelivery.KEY)
        .size();
  }

  private static boolean roomRegionRegistered(ActorSystem<?> node) {
    var check = new org.apache.pekko.cluster.sharding.ClusterShardingHealthCheck(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(node));
    return (Boolean) scala.jdk.javaapi.FutureConverters.asJava(check.apply()).toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }

  private static long upMembers(ActorSystem<?> node) {
    List<org.apache.pekko.cluster.Member> members = new ArrayList<>();
    Cluster.get(node).state().getMembers().forEach(members::add);
    return members.stream().filter(m -> m.status() == MemberStatus.up()).count();
  }

  URI webSocket(int index) {
    return URI.create("ws://127.0.0.1:" + httpPorts[index] + "/spreed");
  }

  /** A client that said hello on node {@code index}; returns the client and its hello answer. */
  Connected hello(int index, String user) {
    TestClient client = TestClient.connect(webSocket(index), user + "@node" + index);
    client.expect("welcome");
    client.send(
        "{\"id\":\"h\",\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{\"url\":\""
            + nextcloud.authUrl() + "\",\"params\":{\"userid\":\"" + user + "\"}}}}");
    var hello = client.expect("hello").path("hello");
    return new Connected(client, hello.path("sessionid").asText(), hello.path("resumeid").asText(), user);
  }

  record Connected(TestClient client, String sessionId, String resumeId, String user) {
    void join(String room) {
      client.send("{\"id\":\"j\",\"type\":\"room\",\"room\":{\"roomid\":\"" + room + "\",\"sessionid\":\"nc-" + user + "\"}}");
      assertEquals(room, client.expect("room").path("room").path("roomid").asText(), user + " joined");
    }

    void messageTo(String recipientJson, String data) {
      client.send("{\"type\":\"message\",\"message\":{\"recipient\":" + recipientJson + ",\"data\":" + data + "}}");
    }
  }

  /** The lines of a node's {@code /metrics} that start with {@code prefix}, for failure messages. */
  String metricLines(int index, String prefix) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts[index] + "/metrics")).timeout(Duration.ofSeconds(10)).build();
    try {
      String body = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
      return body.lines().filter(line -> line.startsWith(prefix)).collect(Collectors.joining("; "));
    } catch (Exception e) {
      return "(metrics unavailable: " + e + ")";
    }
  }

  /** POSTs a request signed as Nextcloud signs it to {@code /api/v1/room/{token}} of a node. */
  HttpResponse<String> backendRequest(int index, String token, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String random = Checksums.newRandom();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts[index] + "/api/v1/room/" + token))
            .header("Content-Type", "application/json")
            .header("Spreed-Signaling-Random", random)
            .header("Spreed-Signaling-Checksum", Checksums.checksum(SECRET.getBytes(StandardCharsets.UTF_8), random, bytes))
            .header("Spreed-Signaling-Backend", nextcloud.baseUrl())
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .timeout(Duration.ofSeconds(15))
            .build();
    try {
      return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    for (ActorSystem<?> node : nodes) {
      if (node != null) {
        node.terminate();
      }
    }
    for (ActorSystem<?> node : nodes) {
      if (node != null) {
        node.getWhenTerminated().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).exceptionally(e -> null).join();
      }
    }
    nextcloud.close();
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
