package io.roomcluster.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A sender that does not know where a session is sends a copy to every node. While the session
 * moves, its old node may queue its copy into the hand-over and the new node buffer its own: the
 * session must get that frame once.
 */
class SessionRegistryTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private final SessionRegistry registry = new SessionRegistry();

  private SessionLine line() {
    TestProbe<ClientSession.Command> probe = testKit.createTestProbe();
    return new SessionLine(probe.ref());
  }

  @Test
  void aBroadcastCopyBufferedWhileArrivingIsDroppedWhenTheHandOverBroughtItAlong() {
    registry.expectArrival(7);
    assertTrue(registry.offerArrival(7, "located-a", true));
    assertTrue(registry.offerArrival(7, "forwarded-b", false));
    assertTrue(registry.offerArrival(7, "located-c", true));
    assertTrue(registry.offerArrival(7, "forwarded-a", false));

    registry.handedOver(7, List.of("located-a", "forwarded-a", "older"));
    List<String> buffered = registry.arrived(7, line());

    // located-a came with the hand-over; located-c did not (the old node got its copy after
    // handing over, and drops it); forwarded frames are the old node's single copy, always kept.
    assertEquals(List.of("forwarded-b", "located-c", "forwarded-a"), buffered);
  }

  @Test
  void aBroadcastCopyReachingTheStartedSessionMatchesEachBroughtFrameOnce() {
    registry.handedOver(8, List.of("x", "x", "y"));

    assertTrue(registry.isHandedOverCopy(8, "x"));
    assertTrue(registry.isHandedOverCopy(8, "x"));
    assertFalse(registry.isHandedOverCopy(8, "x"), "a third x is a new frame");
    assertTrue(registry.isHandedOverCopy(8, "y"));
    assertFalse(registry.isHandedOverCopy(8, "z"));
    assertFalse(registry.isHandedOverCopy(9, "x"), "another session brought nothing");
  }

  @Test
  void withoutAHandOverNothingIsDropped() {
    registry.expectArrival(10);
    registry.offerArrival(10, "located", true);

    assertEquals(List.of("located"), registry.arrived(10, line()));
    assertFalse(registry.offerArrival(10, "late", true), "no longer arriving: the session is found directly");
  }
}
