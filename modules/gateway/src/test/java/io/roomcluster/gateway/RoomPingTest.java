package io.roomcluster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.gateway.FakeNextcloud.Request;
import io.roomcluster.gateway.SignalingServerFixture.Session;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Nextcloud hears, every ping interval, about the members of each room connected here. */
class RoomPingTest {

  @RegisterExtension
  static final SignalingServerFixture server = SignalingServerFixture.withOverrides("roomcluster.backend.room-ping-interval = 300ms");

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
    server.backend().clearRequests();

    Request ping = server.backend().awaitRequest(r -> r.isPost("ping") && pingedSessions(r).size() == 2, Duration.ofSeconds(5));
    JsonNode body = TestClient.json(ping.body()).path("ping");
    assertEquals("pinged", body.path("roomid").asText());
    assertEquals(Set.of("nc-alice", "nc-bob"), pingedSessions(ping), "one request for the room, both members");
    assertTrue(ping.checksumValid(), "signed like every backend request");

    bob.send("{\"id\":\"l\",\"type\":\"room\",\"room\":{\"roomid\":\"\"}}");
    bob.expect("room");
    server.backend().clearRequests();
    Request after = server.backend().awaitRequest(r -> r.isPost("ping"), Duration.ofSeconds(5));
    assertEquals(Set.of("nc-alice"), pingedSessions(after), "bob left: no longer pinged");
  }
}
