package io.roomcluster.gateway;

import static io.roomcluster.gateway.SignalingServerFixture.BACKEND_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomcluster.gateway.FakeNextcloud.Request;
import io.roomcluster.room.MuteState;
import io.roomcluster.room.Participant;
import io.roomcluster.room.RoomId;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sessions reaped by their room (their node died and they did not resume in time) are reported
 * to Nextcloud as left, at the URL they authenticated with, as an expired session reports itself.
 */
class ReapedSessionsTest {

  @RegisterExtension
  static final SignalingServerFixture server = SignalingServerFixture.withOverrides("");

  private static Participant ghost(String id, String userId, String backendUrl) {
    return new Participant(id, userId, "nc-" + id, Participant.TYPE_USER, Set.of(), 0, MuteState.NONE, false,
        "pekko://roomcluster@127.0.0.1:1#1", null, List.of(), backendUrl);
  }

  @Test
  void everyReapedClientSessionIsReportedAsLeftOnce() throws Exception {
    server.backend().clearRequests();
    RoomId room = new RoomId(BACKEND_ID, "reaped-room");
    server.gateway().roomEventPublisher().reaped(room, List.of(
        ghost("ghost-user", "carol", server.backend().authUrl()),
        ghost("ghost-guest", "", server.backend().authUrl()),
        ghost("ghost-internal", "", null)));

    Request user = server.backend().awaitRequest(r -> r.isLeave("reaped-room", "nc-ghost-user"), TestClient.TIMEOUT);
    assertEquals(
        "{\"type\":\"room\",\"room\":{\"version\":\"1.0\",\"roomid\":\"reaped-room\",\"action\":\"leave\",\"userid\":\"carol\",\"sessionid\":\"nc-ghost-user\"}}",
        user.body());
    assertTrue(user.checksumValid());
    server.backend().awaitRequest(r -> r.isLeave("reaped-room", "nc-ghost-guest"), TestClient.TIMEOUT);
    server.backend().awaitIdle(Duration.ofMillis(500));
    assertEquals(2, server.backend().requests().stream().filter(r -> r.body().contains("\"action\":\"leave\"")).count(),
        "an internal client (no backend URL) is not reported: " + server.backend().requests());
  }
}
