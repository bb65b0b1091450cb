package io.roomcluster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.roomcluster.room.RoomEntity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One signaling node as in production, on loopback: a one-node Pekko cluster (artery on a free
 * port, every message serialized), in-memory persistence, the room entity, the gateway's route on
 * a free HTTP port, and a {@link FakeNextcloud} as its only backend.
 *
 * <p>A JUnit extension, one node per test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SignalingServerFixture server = SignalingServerFixture.withOverrides("roomcluster.sessions.resume-window = 1s");
 * }</pre>
 *
 * It starts the backend and the node before the class's first test, runs {@link #cleanUp()} after
 * each test (no session left behind, every backend request correctly signed) and stops both after
 * the last.
 */
final class SignalingServerFixture implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  static final String BACKEND_ID = "nc";
  static final String BACKEND_SECRET = "nextcloud-shared-secret-for-tests";
  static final String INTERNAL_SECRET = "internal-client-secret-for-tests";

  /** One client after a successful hello. */
  record Session(TestClient client, String sessionId, String resumeId, String userId) {
    void send(String json) {
      client.send(json);
    }

    JsonNode expect(String type) {
      return client.expect(type);
    }

    JsonNode expectFrame(String expectedJson) {
      return client.expectFrame(expectedJson);
    }

    void expectNothing(Duration quiet) {
      client.expectNothing(quiet);
    }
  }

  private final String overrides;
  private final List<TestClient> clients = new CopyOnWriteArrayList<>();
  // Set when the extension starts the node (before the class's first test).
  private FakeNextcloud backend;
  private ActorSystem<Void> system;
  private Gateway gateway;
  private SignalingPort binding;
  private Duration resumeWindow;

  private SignalingServerFixture(String overrides) {
    this.overrides = overrides;
  }

  /** @param overrides HOCON that wins over the test defaults, e.g. short timeouts */
  static SignalingServerFixture withOverrides(String overrides) {
    return new SignalingServerFixture(overrides);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    backend = new FakeNextcloud(BACKEND_SECRET);
    try {
      startNode();
    } catch (Exception | Error e) {
      backend.close();
      throw e;
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    cleanUp();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      ActorTestKit.shutdown(system, Duration.ofSeconds(20));
      backend.close();
    }
  }

  private void startNode() throws Exception {
    Config config =
        ConfigFactory.parseString(overrides)
            .withFallback(ConfigFactory.parseString(baseConfig(backend)))
            .withFallback(PersistenceTestKitPlugin.getInstance().config())
            .withFallback(PersistenceTestKitSnapshotPlugin.config())
            .withFallback(ConfigFactory.load())
            .resolve();
    system = ActorSystem.create(Behaviors.empty(), "gateway-test", config);
    try {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      await(Duration.ofSeconds(10), () -> cluster.selfMember().status() == MemberStatus.up(), "the node is not Up");
      gateway = Gateway.create(system);
      RoomEntity.init(system, gateway.roomEventPublisher());
      binding =
          gateway
              .bind(system, "127.0.0.1", 0)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      resumeWindow = config.getDuration("roomcluster.sessions.resume-window");
      warmUp();
    } catch (Exception | Error e) {
      ActorTestKit.shutdown(system);
      throw e;
    }
  }

  /**
   * The first WebSocket of a JVM is slow (class loading, JIT); tests with sub-second deadlines
   * must not pay for it.
   */
  private void warmUp() {
    try (TestClient client = TestClient.connect(uri("ws", "/spreed"), "warm-up")) {
      client.expect("welcome");
    }
    try {
      HttpClient.newHttpClient()
          .send(HttpRequest.newBuilder(uri("http", "/api/v1/welcome")).build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String baseConfig(FakeNextcloud backend) {
    return """
        pekko {
          loglevel = INFO
          actor {
            provider = cluster
            # Everything that may cross nodes (room commands and replies, node-to-node delivery,
            # replicated session records) is serialized as if it did. Exempt: the node-local
            # protocols that never leave the node (WebSocket stream -> connection actor -> session
            # actor; a node's session directory actor, which talks to its local replicator) and
            # the persistence testkit's own child props (java.lang.Class).
            serialize-messages = on
            no-serialization-verification-needed-class-prefix = [
              "org.apache.pekko.", "java.lang.Class",
              "io.roomcluster.gateway.ws.", "io.roomcluster.gateway.session.ClientSession$",
              "io.roomcluster.gateway.cluster.SessionDirectory$"
            ]
          }
          remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
          cluster.jmx.multi-mbeans-in-same-jvm = on
          coordinated-shutdown.exit-jvm = off
          coordinated-shutdown.run-by-jvm-shutdown-hook = off
          http.server.remote-address-attribute = on
        }
        roomcluster {
          sessions {
            hash-key = "0123456789abcdef0123456789abcdef"
            block-key = "fedcba9876543210"
          }
          clients.internal-secret = "%s"
          backend {
            allow-http = on
            timeout = 2s
            backends = [{ id = "%s", urls = ["%s"], secret = "%s" }]
          }
          room.passivate-empty-after = 1h
        }
        """
        .formatted(INTERNAL_SECRET, BACKEND_ID, backend.baseUrl(), BACKEND_SECRET);
  }

  ActorSystem<Void> system() {
    return system;
  }

  Gateway gateway() {
    return gateway;
  }

  FakeNextcloud backend() {
    return backend;
  }

  URI uri(String scheme, String path) {
    return URI.create(scheme + "://127.0.0.1:" + binding.localAddress().getPort() + path);
  }

  /** A new WebSocket on {@code /spreed}; nothing read yet. */
  TestClient open(String name) {
    TestClient client = TestClient.connect(uri("ws", "/spreed"), name);
    clients.add(client);
    return client;
  }

  /** A new WebSocket whose {@code welcome} was read. */
  TestClient connect(String name) {
    TestClient client = open(name);
    client.expect("welcome");
    return client;
  }

  /** A hello v1 as Talk sends it, with the backend's auth URL. */
  String helloV1(String id, String paramsJson) {
    return """
        {"id":"%s","type":"hello","hello":{"version":"1.0","auth":{"url":"%s","params":%s}}}"""
        .formatted(id, backend.authUrl(), paramsJson);
  }

  /** Connects and says hello as {@code userId} ({@code ""}: a guest); asserts the answer. */
  Session hello(String name, String userId) {
    TestClient client = connect(name);
    client.send(helloV1("hello-" + name, "{\"userid\":\"" + userId + "\",\"ticket\":\"ticket-" + name + "\"}"));
    return helloAnswer(client, "hello-" + name, userId);
  }

  /** Reads a successful hello answer to request {@code id}. */
  static Session helloAnswer(TestClient client, String id, String userId) {
    JsonNode frame = client.expect("hello");
    assertEquals(id, frame.path("id").asText(), "hello answer id");
    JsonNode hello = frame.path("hello");
    assertEquals(userId, hello.path("userid").asText(null), "hello userid");
    String sessionId = hello.path("sessionid").asText("");
    String resumeId = hello.path("resumeid").asText("");
    assertFalse(sessionId.isEmpty(), "sessionid missing in " + frame);
    assertFalse(resumeId.isEmpty(), "resumeid missing in " + frame);
    return new Session(client, sessionId, resumeId, userId);
  }

  /** Resume hello for {@code resumeId}. */
  static String resumeHello(String id, String resumeId) {
    return """
        {"id":"%s","type":"hello","hello":{"version":"1.0","resumeid":"%s"}}""".formatted(id, resumeId);
  }

  /**
   * Waits until {@code count} sessions have their socket attached: a hello is answered just
   * before its session attaches the socket (after any replay).
   */
  void awaitAttached(int count) {
    await(
        Duration.ofSeconds(5),
        () -> gateway.sessions().linesBySid().stream().filter(e -> e.getValue().attached()).count() == count,
        count + " sockets attached to their sessions");
  }

  int sessionCount() {
    return gateway.sessions().sessionCount();
  }

  void awaitSessionCount(int expected, Duration timeout) {
    await(timeout, () -> sessionCount() == expected, "session count stays " + sessionCount() + ", expected " + expected);
  }

  /**
   * After each test: says bye on every open connection and closes it, waits until no session is
   * left (detached ones expire after the resume window), checks that every POST the backend got
   * was correctly signed, and resets the backend.
   */
  private void cleanUp() {
    try {
      for (TestClient client : clients) {
        if (!client.isClosed()) {
          client.sendIgnoringFailure("{\"type\":\"bye\",\"bye\":{}}");
          client.close();
        }
      }
      clients.clear();
      awaitSessionCount(0, resumeWindow.plusSeconds(5));
      for (FakeNextcloud.Request request : backend.requests()) {
        if (request.method().equals("POST")) {
          assertTrue(request.checksumValid(), "backend request not signed correctly: " + request);
        }
      }
    } finally {
      backend.reset();
      backend.clearRequests();
    }
  }

  /** Polls {@code condition} until it holds; fails after {@code timeout}. */
  static void await(Duration timeout, BooleanSupplier condition, String failure) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(failure + " (after " + timeout + ")");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
