package io.roomcluster.gateway;

import static io.roomcluster.gateway.SignalingServerFixture.BACKEND_SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.gateway.FakeNextcloud.Request;
import io.roomcluster.gateway.SignalingServerFixture.Session;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Nextcloud hears, every ping interval, about the members of each room connected here. */
class RoomPingTest {

  private static FakeNextcloud backend;
  private static SignalingServerFixture server;

  @BeforeAll
  static void start() throws Exception {
    backend = new FakeNextcloud(BACKEND_SECRET);
    server = SignalingServerFixture.start(backend, "roomcluster.backend.room-ping-interval = 300ms");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    backend.close();
  }

  private Session joined(String user, String room) {
    Session session = server.hello(user, user);
    session.send("{\"id\":\"j\",\"type\":\"room\",\"room\":{\"roomid\":\"" + room + "\",\"sessionid\":\"nc-" + user + "\"}}");
    session.expect("room");
    return session;
  }

  private static Set<String> pingedSessions(Request ping) {
    Set<String> ids = new HashSet<>();
    for (JsonNode entry : TestClient.json(ping.body()).path("ping").path("entries")) {
      ids.add(entry.path("sessionid").asText());
    }
    return ids;
  }

  @Test
  void membersArePingedPerRoomUntilTheyLeave() throws Exception {
    Session alice = joined("alice", "pinged");
    alice.expect("event");
    Session bob = joined("bob", "pinged");
    bob.expect("event"); // alice is there
    bob.expect("event"); // own join
    alice.expect("event");
    backend.clearRequests();

    Request ping = backend.awaitRequest(r -> r.isPost("ping") && pingedSessions(r).size() == 2, Duration.ofSeconds(5));
    JsonNode body = TestClient.json(ping.body()).path("ping");
    assertEquals("pinged", body.path("roomid").asText());
    assertEquals(Set.of("nc-alice", "nc-bob"), pingedSessions(ping), "one request for the room, both members");
    assertTrue(ping.checksumValid(), "signed like every backend request");

    bob.send("{\"id\":\"l\",\"type\":\"room\",\"room\":{\"roomid\":\"\"}}");
    bob.expect("room");
    backend.clearRequests();
    Request after = backend.awaitRequest(r -> r.isPost("ping"), Duration.ofSeconds(5));
    assertEquals(Set.of("nc-alice"), pingedSessions(after), "bob left: no longer pinged");
    server.cleanUp();
  }
}
