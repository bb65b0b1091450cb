package io.roomcluster.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.roomcluster.gateway.config.SignalingSettings;
import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.room.MuteState;
import io.roomcluster.room.Participant;
import io.roomcluster.room.RoomEntity;
import io.roomcluster.room.RoomEventPublisher;
import io.roomcluster.room.RoomId;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The operator endpoints on a real one-node cluster: the room entity is sharded and persisted
 * in memory, and the routes are served over HTTP on loopback. Three bindings share the node: one
 * that allows 127.0.0.1, one whose allow list excludes it, and one with a short room ask timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorRoutesTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ActorSystem<Void> system;
  private ClusterSharding sharding;
  private Metrics metrics;
  private final List<ServerBinding> bindings = new ArrayList<>();
  private int allowedPort;
  private int deniedPort;
  private int shortTimeoutPort;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

  @BeforeAll
  void start() throws Exception {
    Config config =
        ConfigFactory.parseString("""
            pekko {
              loglevel = INFO
              actor {
                provider = cluster
                serialize-messages = on
                no-serialization-verification-needed-class-prefix = ["org.apache.pekko.", "java.lang.Class"]
              }
              remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
              cluster.jmx.multi-mbeans-in-same-jvm = on
              coordinated-shutdown.exit-jvm = off
              coordinated-shutdown.run-by-jvm-shutdown-hook = off
              http.server.remote-address-attribute = on
            }
            roomcluster {
              sessions.hash-key = "0123456789abcdef0123456789abcdef"
              stats.allowed-ips = ["127.0.0.1"]
              backend.backends = [{ id = "nc-1", urls = ["https://cloud.example.com/"], secret = "backend-secret-for-tests" }]
              room {
                ask-timeout = 5s
                passivate-empty-after = 1h
              }
            }
            """)
            .withFallback(PersistenceTestKitPlugin.getInstance().config())
            .withFallback(PersistenceTestKitSnapshotPlugin.config())
            .withFallback(ConfigFactory.load())
            .resolve();
    system = ActorSystem.create(Behaviors.empty(), "operator-routes-test", config);
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (cluster.selfMember().status() != MemberStatus.up()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the node did not come up");
      }
      Thread.sleep(20);
    }
    RoomEntity.init(system, RoomEventPublisher.NONE);
    sharding = ClusterSharding.get(system);

    metrics = new Metrics(() -> 3, () -> 2);
    metrics.sessionCreated();
    metrics.messageRouted("room");

    SignalingSettings allowed = SignalingSettings.fromConfig(config);
    SignalingSettings denied = SignalingSettings.fromConfig(config.withValue(
        "roomcluster.stats.allowed-ips", ConfigValueFactory.fromIterable(List.of("10.0.0.0/8", "::1"))));
    SignalingSettings shortTimeout = SignalingSettings.fromConfig(config.withValue(
        "roomcluster.room.ask-timeout", ConfigValueFactory.fromAnyRef("300ms")));
    allowedPort = bind(new OperatorRoutes(system, allowed, metrics).route());
    deniedPort = bind(new OperatorRoutes(system, denied, metrics).route());
    shortTimeoutPort = bind(new OperatorRoutes(system, shortTimeout, metrics).route());
  }

  private int bind(Route route) throws Exception {
    ServerBinding binding = Http.get(system).newServerAt("127.0.0.1", 0).bind(route)
        .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    bindings.add(binding);
    return binding.localAddress().getPort();
  }

  @AfterAll
  void stop() {
    if (system != null) {
      for (ServerBinding binding : bindings) {
        binding.unbind();
      }
      ActorTestKit.shutdown(system, WAIT);
    }
  }

  private HttpResponse<String> get(int port, String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(WAIT)
        .GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String contentType(HttpResponse<?> response) {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  // ---- stats and metrics -------------------------------------------------------------------------

  @Test
  void statsArePrettyJsonOfThisNode() throws Exception {
    HttpResponse<String> response = get(allowedPort, "/api/v1/stats");

    assertEquals(200, response.statusCode());
    assertEquals("application/json", contentType(response));
    assertEquals("{\n  \"rooms\": 2,\n  \"sessions\": 3\n}\n", response.body());
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    HttpResponse<String> response = get(allowedPort, "/metrics");

    assertEquals(200, response.statusCode());
    String type = contentType(response).toLowerCase();
    assertTrue(type.startsWith("text/plain"), type);
    assertTrue(type.contains("version=0.0.4"), type);
    assertTrue(type.contains("charset=utf-8"), type);
    List<String> lines = response.body().lines().toList();
    for (String expected : List.of(
        "# TYPE roomcluster_sessions gauge",
        "roomcluster_sessions 3",
        "roomcluster_rooms 2",
        "roomcluster_sessions_created_total 1",
        "roomcluster_messages_total{type=\"room\"} 1",
        "# TYPE roomcluster_backend_request_duration_seconds histogram",
        "# TYPE roomcluster_backend_api_requests_total counter",
        "# TYPE roomcluster_room_command_duration_seconds histogram",
        "# TYPE roomcluster_build_info gauge",
        "# TYPE jvm_memory_heap_used_bytes gauge",
        "# TYPE jvm_threads gauge")) {
      assertTrue(lines.contains(expected), "missing <" + expected + "> in\n" + response.body());
    }
  }

  @Test
  void otherPathsAndMethodsAreNotOurs() throws Exception {
    assertEquals(404, get(allowedPort, "/api/v1/statistics").statusCode());
    assertEquals(404, get(allowedPort, "/api/v1/admin/room/only-backend").statusCode());
    HttpResponse<String> post = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + allowedPort + "/api/v1/stats"))
            .timeout(WAIT).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
  }

  // ---- access ------------------------------------------------------------------------------------

  @Test
  void clientsOutsideTheAllowListGetForbiddenEvenWithForwardedHeaders() throws Exception {
    RoomId room = new RoomId("nc", "token-" + UUID.randomUUID());
    for (String path : List.of("/api/v1/stats", "/metrics",
        "/api/v1/admin/room/" + room.backendId() + "/" + room.token())) {
      // 10.0.0.0/8 is allowed, but the headers are the client's word, not its address.
      HttpResponse<String> response = get(deniedPort, path,
          "X-Forwarded-For", "10.1.2.3", "X-Real-IP", "10.1.2.3");

      assertEquals(403, response.statusCode(), path);
      assertEquals("application/json", contentType(response), path);
      JsonNode body = MAPPER.readTree(response.body());
      assertEquals("forbidden", body.path("error").asText(), path);
      assertFalse(body.path("message").asText().isEmpty(), path);
      assertFalse(response.body().contains("roomcluster_"), path);
    }
  }

  // ---- admin room view ---------------------------------------------------------------------------

  private static Participant participant(String sessionId, String userId, int type, Set<String> permissions,
      int inCall, String node) throws Exception {
    return new Participant(sessionId, userId, "nc-" + sessionId, type, permissions, inCall,
        MuteState.NONE, true, node, MAPPER.readTree("{\"displayname\":\"" + userId + "\"}"),
        List.of("chat-relay"));
  }

  @Test
  void adminViewShowsParticipantsMuteStateAndTransientData() throws Exception {
    RoomId roomId = new RoomId("nc-1", "room " + UUID.randomUUID());
    EntityRef<RoomEntity.Command> room = RoomEntity.entityRef(sharding, roomId);
    String node = Cluster.get(system).selfMember().address().toString();
    Participant moderator = participant("sess-mod", "alice", Participant.TYPE_MODERATOR,
        Set.of("publish-audio", "control"), Participant.IN_CALL | Participant.WITH_AUDIO, node);
    Participant guest = participant("sess-guest", "", Participant.TYPE_GUEST,
        Set.of("publish-audio"), 0, node);
    JsonNode properties = MAPPER.readTree("{\"name\":\"Standup\"}");
    JsonNode poll = MAPPER.readTree("{\"votes\":2}");
    room.<RoomEntity.Joined>askWithStatus(reply -> new RoomEntity.Join(moderator, properties, reply), WAIT)
        .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    room.<RoomEntity.Joined>askWithStatus(reply -> new RoomEntity.Join(guest, null, reply), WAIT)
        .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    room.<Done>askWithStatus(reply -> new RoomEntity.SetModeratorMute(
            "sess-mod", "sess-guest", true, false, true, reply), WAIT)
        .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    room.<Done>askWithStatus(reply -> new RoomEntity.SetTransient("sd:poll", poll, null, reply), WAIT)
        .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

    HttpResponse<String> response = get(allowedPort, "/api/v1/admin/room/nc-1/"
        + URLEncoder.encode(roomId.token(), StandardCharsets.UTF_8).replace("+", "%20"));

    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json", contentType(response));
    assertTrue(response.body().contains("\n  \"phase\": \"ACTIVE\""), "pretty printed:\n" + response.body());
    JsonNode body = MAPPER.readTree(response.body());
    assertEquals("nc-1", body.at("/roomId/backendId").asText());
    assertEquals(roomId.token(), body.at("/roomId/token").asText());
    assertEquals("Standup", body.at("/properties/name").asText());
    JsonNode participants = body.get("participants");
    assertEquals(2, participants.size());

    JsonNode mod = participants.get(0);
    assertEquals("sess-mod", mod.get("sessionId").asText());
    assertEquals("alice", mod.get("userId").asText());
    assertEquals(Participant.TYPE_MODERATOR, mod.get("participantType").asInt());
    assertEquals(3, mod.get("inCall").asInt());
    assertEquals(List.of("control", "publish-audio"), textList(mod.get("permissions")));
    assertFalse(mod.at("/mute/audio").asBoolean());
    assertTrue(mod.get("connected").asBoolean());
    assertEquals(node, mod.get("node").asText());
    assertEquals("alice", mod.at("/user/displayname").asText());

    JsonNode muted = participants.get(1);
    assertEquals("sess-guest", muted.get("sessionId").asText());
    assertEquals(0, muted.get("inCall").asInt());
    assertTrue(muted.at("/mute/audio").asBoolean());
    assertFalse(muted.at("/mute/video").asBoolean());

    assertEquals(2, body.at("/transientData/sd:poll/value/votes").asInt());
  }

  @Test
  void adminViewOfAnUnknownRoomIsEmpty() throws Exception {
    HttpResponse<String> response = get(allowedPort, "/api/v1/admin/room/nc-1/never-used-" + UUID.randomUUID());

    assertEquals(200, response.statusCode(), response.body());
    JsonNode body = MAPPER.readTree(response.body());
    assertEquals("EMPTY", body.get("phase").asText());
    assertEquals(0, body.get("participants").size());
  }

  @Test
  void adminViewAnswers504WhenTheRoomDoesNotAnswerInTime() throws Exception {
    RoomId roomId = new RoomId("nc-1", "stuck-" + UUID.randomUUID());
    String path = "/api/v1/admin/room/nc-1/" + roomId.token();
    PersistenceTestKit journal = PersistenceTestKit.create(system);
    // The entity's recovery failures are expected here: keep them out of the test output.
    ch.qos.logback.classic.Logger entityLog =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(RoomEntity.class);
    ch.qos.logback.classic.Level level = entityLog.getLevel();
    entityLog.setLevel(ch.qos.logback.classic.Level.OFF);
    // Recovery keeps failing, so the entity restarts with backoff and does not answer.
    journal.failNextNReads(RoomEntity.ENTITY_TYPE_KEY.name() + "|" + roomId.entityId(), 1000);
    try {
      long started = System.nanoTime();
      HttpResponse<String> response = get(shortTimeoutPort, path);
      long tookMillis = (System.nanoTime() - started) / 1_000_000;

      assertEquals(504, response.statusCode(), response.body());
      assertEquals("application/json", contentType(response));
      JsonNode body = MAPPER.readTree(response.body());
      assertEquals("timeout", body.path("error").asText());
      assertTrue(body.path("message").asText().contains("300 ms"), body.toString());
      assertTrue(tookMillis < 5_000, "took " + tookMillis + " ms");

      // Once the journal works again, the room recovers and answers.
      journal.resetPolicy();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (get(allowedPort, path).statusCode() != 200) {
        assertTrue(System.nanoTime() < deadline, "the room did not recover");
        Thread.sleep(100);
      }
    } finally {
      journal.resetPolicy();
      entityLog.setLevel(level);
    }
  }

  private static List<String> textList(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
