package io.roomcluster.room;

import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The acknowledged relays a room has seen, per sender, so that a retry is relayed exactly when
 * this room has not relayed that number. A sender retries a relay it got no acknowledgement for:
 * the ack was late (the room relayed it: a repeat must not reach the peers twice), or the relay
 * never arrived (dropped with a shard's hand-off buffer: it must be relayed now, even if the room
 * has relayed hundreds of newer numbers of that sender since).
 *
 * <p>Each relay carries the sender's {@code settledBelow}: every number below it was acknowledged
 * or given up by the sender, so it will not come again. The room keeps one bit per number from
 * that floor up to the highest it has seen; the span is what the sender has in flight plus what
 * it acknowledged meanwhile, bounded by {@link #MAX_SPAN} (a sender that does not advance its
 * floor, or an old node's that sends 0, is judged exactly over the last {@code MAX_SPAN} numbers).
 * Memory only: a room that restarts (hand-off, crash) starts empty, which is when retries are
 * needed and the old room's relays are gone.
 *
 * <p>A sender's numbers restart with each incarnation of its session (a session taken over by
 * another node counts from 1 again), so a record is kept per incarnation, the last two of each
 * sender: the old one's late retries are still recognised, the new one is not judged by the old
 * one's numbers.
 */
final class RecentRelays {

  /** Numbers kept per sender incarnation at most (8 KiB of bits). */
  static final int MAX_SPAN = 1 << 16;

  /** The floor is moved (the bits copied down) only after it advanced this far. */
  private static final int SHIFT_STEP = 256;

  private static final int INCARNATIONS = 2;

  private static final class Seen {
    /** Every number below was settled; bit i of {@code bits} is {@code base + i}. */
    long base = -1;
    BitSet bits = new BitSet();

    boolean firstSight(long seq, long settledBelow) {
      if (base < 0) {
        base = Math.max(0, Math.min(seq, settledBelow));
      }
      if (seq < base || seq < settledBelow) {
        return false; // the sender counts it settled: a stale duplicate
      }
      if (settledBelow - base >= SHIFT_STEP) {
        moveBase(settledBelow);
      }
      if (seq - base >= MAX_SPAN) {
        moveBase(seq - MAX_SPAN + 1);
      }
      int bit = (int) (seq - base);
      if (bits.get(bit)) {
        return false;
      }
      bits.set(bit);
      return true;
    }

    private void moveBase(long newBase) {
      long shift = newBase - base;
      bits = shift >= bits.length() ? new BitSet() : bits.get((int) shift, bits.length());
      base = newBase;
    }
  }

  private final Map<String, LinkedHashMap<Object, Seen>> bySender = new HashMap<>();

  /**
   * Records {@code seq} of {@code sender}'s {@code incarnation}; false if it was relayed already,
   * or is below {@code settledBelow} (the sender's lowest unsettled number when it sent this).
   */
  boolean firstSight(String sender, Object incarnation, long seq, long settledBelow) {
    LinkedHashMap<Object, Seen> incarnations = bySender.computeIfAbsent(sender, s -> new LinkedHashMap<>());
    Seen seen = incarnations.get(incarnation);
    if (seen == null) {
      if (incarnations.size() >= INCARNATIONS) {
        incarnations.remove(incarnations.keySet().iterator().next());
      }
      seen = new Seen();
      incarnations.put(incarnation, seen);
    }
    return seen.firstSight(seq, settledBelow);
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
