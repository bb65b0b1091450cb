package io.roomcluster.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RecentRelaysTest {

  private static final Object ONE = "incarnation 1";
  private static final Object TWO = "incarnation 2";
  private static final Object THREE = "incarnation 3";

  private final RecentRelays recent = new RecentRelays();

  @Test
  void aNewIncarnationOfASessionCountsFromOneAgainAndTheOldOnesRetriesAreStillKnown() {
    assertTrue(recent.firstSight("a", ONE, 500, 500));
    assertTrue(recent.firstSight("a", TWO, 1, 1), "taken over by another node: its own numbers");
    assertFalse(recent.firstSight("a", ONE, 500, 500), "a late retry of the old incarnation");
    assertTrue(recent.firstSight("a", THREE, 1, 1));
    assertTrue(recent.firstSight("a", ONE, 500, 500), "the two last incarnations are kept, not more");
  }

  @Test
  void eachNumberOfASenderIsNewOnce() {
    assertTrue(recent.firstSight("a", ONE, 1, 1));
    assertTrue(recent.firstSight("a", ONE, 2, 1));
    assertFalse(recent.firstSight("a", ONE, 1, 1));
    assertFalse(recent.firstSight("a", ONE, 2, 1));
    assertTrue(recent.firstSight("b", ONE, 1, 1), "senders are counted apart");
  }

  @Test
  void aGapIsFilledLaterByTheRetryOfTheMissingNumber() {
    // 5 dropped in a hand-off, 6 arrived; the retry of 5 comes after 6.
    assertTrue(recent.firstSight("a", ONE, 4, 4));
    assertTrue(recent.firstSight("a", ONE, 6, 5));
    assertTrue(recent.firstSight("a", ONE, 5, 5));
    assertFalse(recent.firstSight("a", ONE, 5, 5));
    assertFalse(recent.firstSight("a", ONE, 4, 4));
  }

  @Test
  void aRetryFarBehindTheNewestIsRelayedWhileTheSenderHasNotSettledIt() {
    // Two seconds of a busy sender pass between a dropped relay and its retry.
    assertTrue(recent.firstSight("a", ONE, 1, 1));
    for (long n = 3; n <= 5_000; n++) {
      assertTrue(recent.firstSight("a", ONE, n, 2));
    }
    assertTrue(recent.firstSight("a", ONE, 2, 2), "never relayed here: relayed now");
    assertFalse(recent.firstSight("a", ONE, 2, 2));
    assertFalse(recent.firstSight("a", ONE, 4_000, 2), "relayed already, long ago");
  }

  @Test
  void aFreshRoomJudgesByTheSendersFloor() {
    // The room moved: its first sight of the sender is a newer number, then the retry of the
    // dropped one, then a stale copy of one the sender had settled before the move.
    assertTrue(recent.firstSight("a", ONE, 140, 136));
    assertTrue(recent.firstSight("a", ONE, 136, 136));
    assertFalse(recent.firstSight("a", ONE, 135, 130), "below the floor the room started from");
  }

  @Test
  void whatTheSenderSettledIsNotRelayedAgainAsTheFloorMoves() {
    for (long n = 1; n <= 2_000; n++) {
      assertTrue(recent.firstSight("a", ONE, n, n));
    }
    assertFalse(recent.firstSight("a", ONE, 1_990, 1_990), "a late twin");
    assertFalse(recent.firstSight("a", ONE, 10, 10), "far below the floor");
    assertTrue(recent.firstSight("a", ONE, 2_001, 2_001));
  }

  @Test
  void aSenderWithoutAFloorIsJudgedExactlyOverTheLastSpan() {
    // An older node's session sends settledBelow 0.
    long newest = 3L * RecentRelays.MAX_SPAN + 1; // odd
    for (long n = 1; n <= newest; n += 2) {
      recent.firstSight("a", ONE, n, 0);
    }
    assertTrue(recent.firstSight("a", ONE, newest - 1, 0), "an even number, never seen");
    assertFalse(recent.firstSight("a", ONE, newest - 1, 0));
    assertFalse(recent.firstSight("a", ONE, newest - RecentRelays.MAX_SPAN + 2, 0), "an odd one, seen");
    assertTrue(recent.firstSight("a", ONE, newest - RecentRelays.MAX_SPAN + 3, 0), "an even one, never seen");
    assertFalse(recent.firstSight("a", ONE, 2, 0), "older than the span: not relayed");
  }

  @Test
  void forgetsSendersThatLeftOnceThereAreMany() {
    for (int i = 0; i < 20; i++) {
      recent.firstSight("s" + i, ONE, 1, 1);
    }
    recent.prune(2, Set.of("s0", "s1")::contains);
    assertEquals(20, recent.senders(), "not yet many: 20 <= 2 * 2 + 16");
    recent.firstSight("s20", ONE, 1, 1);
    recent.prune(2, Set.of("s0", "s1")::contains);
    assertEquals(2, recent.senders());
    assertFalse(recent.firstSight("s0", ONE, 1, 1), "a participant's record is kept");
  }
}
