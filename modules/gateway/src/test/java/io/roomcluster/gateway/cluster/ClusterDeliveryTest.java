package io.roomcluster.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.gateway.session.SessionRegistry;
import io.roomcluster.room.Participant;
import io.roomcluster.room.RoomId;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Room frames for members at a node this node does not list are counted and offered to every node. */
class ClusterDeliveryTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Participant at(String sessionId, String node) {
    return new Participant(sessionId, "u-" + sessionId, "r-" + sessionId, Participant.TYPE_USER, Set.of(), 0, null,
        true, node, null, List.of());
  }

  @Test
  void framesForMembersOfAnUnlistedNodeAreCountedPerMember() {
    Metrics metrics = new Metrics(() -> 0, () -> 0);
    ClusterDelivery delivery =
        new ClusterDelivery(testKit.system(), new SessionRegistry(), metrics, "pekko://roomcluster@127.0.0.1:1#1");
    TestProbe<NodeDelivery.Command> self = testKit.createTestProbe();
    delivery.start(self.ref());
    String gone = "pekko://roomcluster@127.0.0.1:2#7";

    delivery.toParticipants(List.of(at("a", gone), at("b", gone)), "{\"type\":\"message\"}");
    RoomId room = new RoomId("nc", "room");
    delivery.roomGone(room, List.of(at("c", gone)), "{\"type\":\"room\"}");

    String text = metrics.render();
    assertTrue(text.lines().anyMatch(l -> l.equals("roomcluster_room_deliveries_to_unknown_node_total 3")), text);
    // Offered to the nodes that are there (here: this one), where the session may have resumed.
    assertEquals(new NodeDelivery.RoomGone(room, List.of("c"), "{\"type\":\"room\"}"), self.receiveMessage());
  }
}
