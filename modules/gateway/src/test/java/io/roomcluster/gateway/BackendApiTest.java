package io.roomcluster.gateway;

import static io.roomcluster.gateway.SignalingServerFixture.BACKEND_SECRET;
import static io.roomcluster.gateway.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.gateway.SignalingServerFixture.Session;
import io.roomcluster.protocol.signing.Checksums;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /api/v1/room/{token}}, signed exactly as Nextcloud's BackendNotifier signs it
 * (HMAC-SHA256 of random + body, the backend's base URL in Spreed-Signaling-Backend): each request
 * type's effect on connected clients and on the room's persisted state (read back through the
 * admin view), and every refusal with its JSON error and no state change.
 */
class BackendApiTest {

  private static final Duration QUIET = Duration.ofMillis(300);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private String room;

  @RegisterExtension
  static final SignalingServerFixture server = SignalingServerFixture.withOverrides("");

  @BeforeEach
  void newRoom() {
    room = "api-" + UUID.randomUUID();
    server.backend().permissions("alice", List.of("publish-audio", "publish-video", "control", "transient-data"));
    server.backend().permissions("bob", List.of("publish-audio"));
  }

  // ---------------------------------------------------------------- helpers

  private Session joined(String user) {
    Session session = server.hello(user, user);
    session.send("{\"id\":\"j\",\"type\":\"room\",\"room\":{\"roomid\":\"" + room + "\",\"sessionid\":\"nc-" + user + "\"}}");
    session.expect("room");
    return session;
  }

  /** alice joins, then bob; all join events consumed. */
  private Session[] aliceAndBob() {
    Session alice = joined("alice");
    alice.expect("event");
    Session bob = joined("bob");
    bob.expect("event");
    bob.expect("event");
    alice.expect("event");
    return new Session[] {alice, bob};
  }

  private HttpResponse<String> post(String body) {
    return post(room, body, BACKEND_SECRET, server.backend().baseUrl(), "application/json");
  }

  private HttpResponse<String> post(String token, String body, String secret, String backendUrl, String contentType) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String random = Checksums.newRandom();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri("http", "/api/v1/room/" + token))
            .header("Content-Type", contentType)
            .header("Spreed-Signaling-Random", random)
            .header("Spreed-Signaling-Checksum", Checksums.checksum(secret.getBytes(StandardCharsets.UTF_8), random, bytes))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    if (backendUrl != null) {
      request.header("Spreed-Signaling-Backend", backendUrl);
    }
    return send(request.build());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** The room's persisted state, through the admin view. */
  private JsonNode state() {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(server.uri("http", "/api/v1/admin/room/" + SignalingServerFixture.BACKEND_ID + "/" + room)).GET().build());
    assertEquals(200, response.statusCode(), response.body());
    return json(response.body());
  }

  private static JsonNode participant(JsonNode state, String sessionId) {
    for (JsonNode p : state.path("participants")) {
      if (p.path("sessionId").asText().equals(sessionId)) {
        return p;
      }
    }
    return null;
  }

  private static void assertOk(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("{}", response.body());
  }

  // ---------------------------------------------------------------- request types

  @Test
  void incallMapsNextcloudSessionsDropsUnknownOnesAndPersistsTheFlags() {
    Session[] s = aliceAndBob();
    assertOk(post("""
        {"type":"incall","incall":{"incall":7,
          "changed":[{"inCall":7,"sessionId":"nc-alice","participantType":1,"lastPing":1},{"inCall":3,"sessionId":"nc-ghost"}],
          "users":[{"inCall":7,"sessionId":"nc-alice"},{"inCall":0,"sessionId":"nc-bob"},{"inCall":0,"sessionId":"0"},{"inCall":3,"sessionId":"nc-ghost"}]}}"""));
    for (Session session : s) {
      JsonNode update = session.expect("event").path("event");
      assertEquals("participants", update.path("target").asText());
      assertEquals("update", update.path("type").asText());
      JsonNode users = update.path("update").path("users");
      assertEquals(2, users.size(), "unknown and \"0\" sessions dropped: " + users);
      assertEquals(s[0].sessionId(), users.get(0).path("sessionId").asText(), "Nextcloud's id rewritten to the signaling id");
      assertEquals("nc-alice", users.get(0).path("nextcloudSessionId").asText());
      assertEquals(7, users.get(0).path("inCall").asInt());
      assertEquals(s[1].sessionId(), users.get(1).path("sessionId").asText());
    }
    JsonNode state = state();
    assertEquals(7, participant(state, s[0].sessionId()).path("inCall").asInt(), "persisted");
    assertEquals(1, participant(state, s[0].sessionId()).path("participantType").asInt());
    assertEquals(0, participant(state, s[1].sessionId()).path("inCall").asInt());
  }

  @Test
  void incallForAllReachesEveryMemberAndIsPersisted() {
    Session[] s = aliceAndBob();
    assertOk(post("{\"type\":\"incall\",\"incall\":{\"incall\":3,\"changed\":[{\"inCall\":3,\"sessionId\":\"nc-bob\"}],\"users\":[{\"inCall\":3,\"sessionId\":\"nc-bob\"}]}}"));
    s[0].expect("event");
    s[1].expect("event");
    assertOk(post("{\"type\":\"incall\",\"incall\":{\"incall\":0,\"all\":true}}"));
    for (Session session : s) {
      session.expectFrame("{\"type\":\"event\",\"event\":{\"target\":\"participants\",\"type\":\"update\",\"update\":{\"roomid\":\"" + room + "\",\"incall\":0,\"all\":true}}}");
    }
    assertEquals(0, participant(state(), s[1].sessionId()).path("inCall").asInt());
  }

  @Test
  void aPermissionChangeTakesEffectOnTheNextControlMessage() {
    Session[] s = aliceAndBob();
    Session alice = s[0];
    Session bob = s[1];
    String control = "{\"type\":\"control\",\"control\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"" + alice.sessionId() + "\"},\"data\":{\"action\":\"x\"}}}";
    bob.send(control);
    alice.expectNothing(QUIET); // bob may not control yet

    assertOk(post("{\"type\":\"participants\",\"participants\":{\"changed\":[{\"sessionId\":\"nc-bob\",\"permissions\":[\"publish-audio\",\"control\"],\"participantType\":2}],"
        + "\"users\":[{\"sessionId\":\"nc-bob\",\"participantType\":2}]}}"));
    JsonNode update = alice.expect("event").path("event").path("update").path("users").get(0);
    assertFalse(update.has("permissions"), "permissions are stripped from what clients see");
    bob.expect("event");
    assertEquals(List.of("control", "publish-audio"), List.of(participant(state(), bob.sessionId()).path("permissions").get(0).asText(),
        participant(state(), bob.sessionId()).path("permissions").get(1).asText()));

    bob.send(control);
    assertEquals("x", alice.expect("control").path("control").path("data").path("action").asText(), "now allowed");
  }

  @Test
  void moderatorMuteIsRoomStateAndIsRepeatedOnRejoin() {
    Session[] s = aliceAndBob();
    Session alice = s[0];
    Session bob = s[1];
    alice.send("{\"type\":\"control\",\"control\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"" + bob.sessionId() + "\"},\"data\":{\"action\":\"forceMute\",\"peerId\":\"" + bob.sessionId() + "\"}}}");
    assertEquals("forceMute", bob.expect("control").path("control").path("data").path("action").asText());
    SignalingServerFixture.await(Duration.ofSeconds(5),
        () -> participant(state(), bob.sessionId()).path("mute").path("audio").asBoolean(), "mute recorded in the room");

    // bob leaves and comes back: he is told again.
    bob.send("{\"id\":\"l\",\"type\":\"room\",\"room\":{\"roomid\":\"\"}}");
    bob.expect("room");
    alice.expect("event");
    bob.send("{\"id\":\"j2\",\"type\":\"room\",\"room\":{\"roomid\":\"" + room + "\",\"sessionid\":\"nc-bob\"}}");
    bob.expect("room");
    bob.expect("event"); // alice is there
    bob.expect("event"); // own join
    JsonNode again = bob.expect("control").path("control").path("data");
    assertEquals("forceMute", again.path("action").asText());
    assertEquals(bob.sessionId(), again.path("peerId").asText());

    // a moderator lifts it
    alice.send("{\"type\":\"control\",\"control\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"" + bob.sessionId() + "\"},\"data\":{\"action\":\"forceUnmute\",\"peerId\":\"" + bob.sessionId() + "\"}}}");
    bob.expect("control");
    SignalingServerFixture.await(Duration.ofSeconds(5),
        () -> !participant(state(), bob.sessionId()).path("mute").path("audio").asBoolean(), "mute lifted");
  }

  @Test
  void messageReachesEveryMember() {
    Session[] s = aliceAndBob();
    assertOk(post("{\"type\":\"message\",\"message\":{\"data\":{\"type\":\"chat\",\"chat\":{\"refresh\":true}}}}"));
    for (Session session : s) {
      session.expectFrame("{\"type\":\"event\",\"event\":{\"target\":\"room\",\"type\":\"message\",\"message\":{\"roomid\":\"" + room
          + "\",\"data\":{\"type\":\"chat\",\"chat\":{\"refresh\":true}}}}}");
    }
  }

  @Test
  void updateChangesThePersistedPropertiesAndTellsMembersAndUsers() {
    Session[] s = aliceAndBob();
    Session carol = server.hello("carol", "carol"); // not in the room, but one of the userids
    assertOk(post("{\"type\":\"update\",\"update\":{\"userids\":[\"carol\"],\"properties\":{\"name\":\"Renamed\",\"type\":2}}}"));
    for (Session member : s) {
      member.expectFrame("{\"type\":\"room\",\"room\":{\"roomid\":\"" + room + "\",\"properties\":{\"name\":\"Renamed\",\"type\":2}}}");
    }
    carol.expectFrame("{\"type\":\"event\",\"event\":{\"target\":\"roomlist\",\"type\":\"update\",\"update\":{\"roomid\":\"" + room
        + "\",\"properties\":{\"name\":\"Renamed\",\"type\":2}}}}");
    assertEquals("Renamed", state().path("properties").path("name").asText());
  }

  @Test
  void inviteTellsInvitedUsersAndUpdatesTheOthers() {
    Session dave = server.hello("dave", "dave");
    Session erin = server.hello("erin", "erin");
    assertOk(post("{\"type\":\"invite\",\"invite\":{\"userids\":[\"dave\"],\"alluserids\":[\"dave\",\"erin\"],\"properties\":{\"name\":\"R\"}}}"));
    assertEquals("invite", dave.expect("event").path("event").path("type").asText());
    assertEquals("update", erin.expect("event").path("event").path("type").asText());
  }

  @Test
  void disinvitedSessionsAreToldClosedAndRemovedFromTheRoom() {
    Session[] s = aliceAndBob();
    assertOk(post("{\"type\":\"disinvite\",\"disinvite\":{\"userids\":[],\"sessionids\":[\"nc-bob\",\"0\"],\"alluserids\":[\"alice\"],\"properties\":{}}}"));
    s[1].expectFrame("{\"type\":\"event\",\"event\":{\"target\":\"roomlist\",\"type\":\"disinvite\",\"disinvite\":{\"roomid\":\"" + room + "\",\"reason\":\"disinvited\"}}}");
    s[1].client().expectClosed();
    // alice, still invited (alluserids), gets the roomlist update and sees bob leave, in either order
    List<JsonNode> aliceGot = List.of(s[0].expect("event").path("event"), s[0].expect("event").path("event"));
    assertTrue(aliceGot.stream().anyMatch(e -> e.path("target").asText().equals("roomlist") && e.path("type").asText().equals("update")), aliceGot.toString());
    assertTrue(aliceGot.stream().anyMatch(e -> e.path("leave").path(0).asText().equals(s[1].sessionId())), aliceGot.toString());
    SignalingServerFixture.await(Duration.ofSeconds(5), () -> participant(state(), s[1].sessionId()) == null, "bob left the room state");
  }

  @Test
  void switchtoReachesOnlyTheListedSessions() {
    Session[] s = aliceAndBob();
    assertOk(post("{\"type\":\"switchto\",\"switchto\":{\"roomid\":\"breakout-1\",\"sessions\":{\"nc-bob\":{\"reason\":\"breakout\"}}}}"));
    s[1].expectFrame("{\"type\":\"event\",\"event\":{\"target\":\"room\",\"type\":\"switchto\",\"switchto\":{\"roomid\":\"breakout-1\",\"details\":{\"reason\":\"breakout\"}}}}");
    s[0].expectNothing(QUIET);
  }

  @Test
  void deleteEndsTheRoomForEveryoneAndFurtherChangesAreRefused() {
    Session[] s = aliceAndBob();
    assertOk(post("{\"type\":\"delete\",\"delete\":{\"userids\":[\"alice\",\"bob\"]}}"));
    // The room's own frame and the users' roomlist disinvite take different paths: either order.
    Set<JsonNode> expected = Set.of(
        json("{\"type\":\"room\",\"room\":{\"roomid\":\"\"}}"),
        json("{\"type\":\"event\",\"event\":{\"target\":\"roomlist\",\"type\":\"disinvite\",\"disinvite\":{\"roomid\":\"" + room + "\",\"reason\":\"deleted\"}}}"));
    for (Session member : s) {
      assertEquals(expected, Set.of(member.client().next(), member.client().next()), member.userId());
    }
    assertEquals("DELETED", state().path("phase").asText());
    HttpResponse<String> refused = post("{\"type\":\"update\",\"update\":{\"properties\":{\"name\":\"x\"}}}");
    assertEquals(400, refused.statusCode(), refused.body());
    assertTrue(json(refused.body()).path("error").path("message").asText().contains("deleted"));
  }

  @Test
  void dialoutIsAnsweredAsNotAvailableWithTheUpstreamShape() {
    HttpResponse<String> response = post("{\"type\":\"dialout\",\"dialout\":{\"number\":\"+4912345678\",\"options\":{}}}");
    assertEquals(404, response.statusCode());
    assertEquals(json("{\"type\":\"dialout\",\"dialout\":{\"error\":{\"code\":\"no_client_available\",\"message\":\"No available client found to trigger dialout.\"}}}"),
        json(response.body()));
  }

  // ---------------------------------------------------------------- refusals

  @Test
  void badRequestsAreRefusedWithAJsonErrorAndChangeNothing() {
    Session[] s = aliceAndBob();
    JsonNode before = state();
    String body = "{\"type\":\"incall\",\"incall\":{\"incall\":0,\"all\":true}}";
    Map<String, HttpResponse<String>> refusals = new java.util.LinkedHashMap<>();
    refusals.put("wrong secret", post(room, body, "not-the-secret", server.backend().baseUrl(), "application/json"));
    refusals.put("unknown backend", post(room, body, BACKEND_SECRET, "https://evil.example.com/", "application/json"));
    refusals.put("not JSON", post(room, "this is not json", BACKEND_SECRET, server.backend().baseUrl(), "application/json"));
    refusals.put("wrong content type", post(room, body, BACKEND_SECRET, server.backend().baseUrl(), "text/plain"));
    refusals.put("unknown type", post("{\"type\":\"transient\",\"transient\":{}}"));
    refusals.put("missing payload", post("{\"type\":\"incall\"}"));
    refusals.put("invalid flags", post("{\"type\":\"incall\",\"incall\":{\"incall\":99,\"all\":true}}"));
    refusals.put("oversized", post(room, "{\"type\":\"message\",\"message\":{\"data\":\"" + "x".repeat(300 * 1024) + "\"}}",
        BACKEND_SECRET, server.backend().baseUrl(), "application/json"));
    HttpResponse<String> unsigned = send(HttpRequest.newBuilder(server.uri("http", "/api/v1/room/" + room))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    refusals.put("no checksum", unsigned);

    Map<String, Integer> expected = Map.of("wrong secret", 403, "unknown backend", 403, "no checksum", 403, "not JSON", 400,
        "wrong content type", 400, "unknown type", 400, "missing payload", 400, "invalid flags", 400, "oversized", 413);
    refusals.forEach((what, response) -> {
      assertEquals(expected.get(what), response.statusCode(), what + ": " + response.body());
      assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), what);
      JsonNode error = json(response.body()).path("error");
      assertFalse(error.path("code").asText().isEmpty(), what + " has an error code: " + response.body());
      assertFalse(error.path("message").asText().isEmpty(), what + " has a message");
    });
    s[0].expectNothing(QUIET);
    s[1].expectNothing(QUIET);
    assertEquals(before, state(), "no state change");
  }
}
