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
    assertTrue(recent.firstSight("a", ONE, 500));
    assertTrue(recent.firstSight("a", TWO, 1), "taken over by another node: its own numbers");
    assertFalse(recent.firstSight("a", ONE, 500), "a late retry of the old incarnation");
    assertTrue(recent.firstSight("a", THREE, 1));
    assertTrue(recent.firstSight("a", ONE, 500), "the two last incarnations are kept, not more");
  }

  @Test
  void eachNumberOfASenderIsNewOnce() {
    assertTrue(recent.firstSight("a", ONE, 1));
    assertTrue(recent.firstSight("a", ONE, 2));
    assertFalse(recent.firstSight("a", ONE, 1));
    assertFalse(recent.firstSight("a", ONE, 2));
    assertTrue(recent.firstSight("b", ONE, 1), "senders are counted apart");
  }

  @Test
  void aGapIsFilledLaterByTheRetryOfTheMissingNumber() {
    // 5 dropped in a hand-off, 6 arrived; the retry of 5 comes after 6.
    assertTrue(recent.firstSight("a", ONE, 4));
    assertTrue(recent.firstSight("a", ONE, 6));
    assertTrue(recent.firstSight("a", ONE, 5));
    assertFalse(recent.firstSight("a", ONE, 5));
    assertFalse(recent.firstSight("a", ONE, 4));
  }

  @Test
  void aRetryOlderThanTheWindowIsNotRelayed() {
    assertTrue(recent.firstSight("a", ONE, 1));
    assertTrue(recent.firstSight("a", ONE, 100));
    assertFalse(recent.firstSight("a", ONE, 2), "63 behind the newest at most");
    assertTrue(recent.firstSight("a", ONE, 37), "within the window and not seen");
    assertTrue(recent.firstSight("a", ONE, 1_000), "a jump past the window starts it over");
    assertFalse(recent.firstSight("a", ONE, 1_000));
    assertTrue(recent.firstSight("a", ONE, 999));
  }

  @Test
  void forgetsSendersThatLeftOnceThereAreMany() {
    for (int i = 0; i < 20; i++) {
      recent.firstSight("s" + i, ONE, 1);
    }
    recent.prune(2, Set.of("s0", "s1")::contains);
    assertEquals(20, recent.senders(), "not yet many: 20 <= 2 * 2 + 16");
    recent.firstSight("s20", ONE, 1);
    recent.prune(2, Set.of("s0", "s1")::contains);
    assertEquals(2, recent.senders());
    assertFalse(recent.firstSight("s0", ONE, 1), "a participant's window is kept");
  }
}
