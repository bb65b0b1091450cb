package io.roomcluster.room;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The acknowledged relays a room has seen lately, per sender: the highest sequence number and a
 * bit for each of the 63 before it. A sender retries a relay it got no acknowledgement for; the
 * room relays a repeat only if it has not relayed that number before, so a retry after a late
 * acknowledgement is not a duplicate for the peers. Memory only: a room that restarts (hand-off,
 * crash) starts empty, which is when retries are needed and the old room's relays are gone.
 *
 * <p>A sender's numbers restart with each incarnation of its session (a session taken over by
 * another node counts from 1 again), so a window is kept per incarnation, the last two of each
 * sender: the old one's late retries are still recognised, the new one is not judged by the old
 * one's numbers.
 */
final class RecentRelays {

  private static final int WINDOW = 64;

  private static final class Window {
    long highest = -1;
    /** Bit i: {@code highest - i} was seen. */
    long seen;
  }

  private static final int INCARNATIONS = 2;

  private final Map<String, LinkedHashMap<Object, Window>> bySender = new HashMap<>();

  /**
   * Records {@code seq} of {@code sender}'s {@code incarnation}; false if it was seen already (or
   * is older than the window: a retry that late is not relayed).
   */
  boolean firstSight(String sender, Object incarnation, long seq) {
    LinkedHashMap<Object, Window> incarnations = bySender.computeIfAbsent(sender, s -> new LinkedHashMap<>());
    Window w = incarnations.get(incarnation);
    if (w == null) {
      if (incarnations.size() >= INCARNATIONS) {
        incarnations.remove(incarnations.keySet().iterator().next());
      }
      w = new Window();
      incarnations.put(incarnation, w);
    }
    if (seq > w.highest) {
      long shift = seq - w.highest;
      w.seen = w.highest < 0 || shift >= WINDOW ? 1L : (w.seen << shift) | 1L;
      w.highest = seq;
      return true;
    }
    long age = w.highest - seq;
    if (age >= WINDOW) {
      return false;
    }
    long bit = 1L << age;
    if ((w.seen & bit) != 0) {
      return false;
    }
    w.seen |= bit;
    return true;
  }

  /** Forgets the senders that are no longer participants, once there are many of them. */
  void prune(int participants, Predicate<String> isParticipant) {
    if (bySender.size() > 2 * participants + 16) {
      bySender.keySet().removeIf(isParticipant.negate());
    }
  }

  int senders() {
    return bySender.size();
  }
}
