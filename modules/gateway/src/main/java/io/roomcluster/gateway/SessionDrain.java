package io.roomcluster.gateway;

import io.roomcluster.gateway.session.ClientSession;
import io.roomcluster.gateway.session.SessionLine;
import io.roomcluster.gateway.session.SessionRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The drain of a stopping node, paced: it closes its clients' sockets a window at a time, and
 * closes the next ones as the earlier ones are taken over by another node.
 *
 * <p>Closing every socket at once turns a stop into a storm: all of this node's clients reconnect
 * within the same 150 ms, and each one's handshake, hello and take-over queue behind all the
 * others on the nodes that remain (one of which may have just restarted, with a cold JIT). A
 * client's signaling gap then grows with the size of the node. Paced, a client's gap is its own
 * resume, and the clients not closed yet keep being served here meanwhile. The window is
 * self-clocking: it refills as fast as the other nodes take sessions over, so a busy cluster gets
 * a slower drain instead of longer gaps.
 *
 * <p>The window alone would make a large node's drain as long as its population times a resume
 * (740 clients, 8 at a time, half a second each: 46 s). A floor keeps it within the time-out:
 * by {@link #CLOSE_ALL_BY} of it, every socket is closed, spread evenly if the window is slower,
 * which leaves the rest of the time-out for the last clients to resume elsewhere.
 *
 * <p>Not thread-safe: {@link #tick} runs from one scheduled task at a time.
 */
final class SessionDrain {

  /**
   * @param inFlight sockets closed and not yet taken over elsewhere, at most
   * @param settle how long a closed session counts against the window if its client does not come
   *     back (so that absent clients cannot stall the drain)
   */
  record Pacing(int inFlight, Duration settle) {
    Pacing {
      if (inFlight < 1) {
        throw new IllegalArgumentException("drain-in-flight must be at least 1, was " + inFlight);
      }
    }
  }

  /** What {@link #tick} found: still draining, or done (every closed session left), or out of time. */
  enum Progress {
    DRAINING,
    DONE,
    TIMED_OUT
  }

  /** The share of the time-out by which every socket is closed, however slow the take-overs. */
  static final double CLOSE_ALL_BY = 0.6;

  private final SessionRegistry registry;
  private final Pacing pacing;
  private final LongSupplier nanoClock;
  private final long start;
  private final long deadline;
  /** Attached sessions not closed yet, in the order they will be closed. */
  private final Deque<Map.Entry<Long, SessionLine>> waiting = new ArrayDeque<>();
  /** Closed and still on this node: sid and line, with the time each was closed. */
  private final Map<Long, Closed> closed = new HashMap<>();
  private final int attachedAtStart;
  private int takenOver;

  private record Closed(SessionLine line, long atNanos) {}

  SessionDrain(SessionRegistry registry, Pacing pacing, Duration timeout, LongSupplier nanoClock) {
    this.registry = registry;
    this.pacing = pacing;
    this.nanoClock = nanoClock;
    this.start = nanoClock.getAsLong();
    this.deadline = start + timeout.toNanos();
    // Sessions already without a socket have nothing to close: they resume wherever their client
    // reconnects, from this node while it runs or from the replicated directory after.
    for (Map.Entry<Long, SessionLine> entry : registry.linesBySid()) {
      if (entry.getValue().attached()) {
        waiting.add(entry);
      }
    }
    this.attachedAtStart = waiting.size();
  }

  int attachedAtStart() {
    return attachedAtStart;
  }

  /** Sessions closed here that another node has taken over. */
  int takenOver() {
    return takenOver;
  }

  /** Closed or waiting to be closed, and still on this node. */
  int left() {
    return waiting.size() + closed.size();
  }

  /** Counts what left, closes the next sockets the window allows; on time-out closes the rest. */
  Progress tick() {
    long now = nanoClock.getAsLong();
    int onTheirWay = 0;
    for (Iterator<Map.Entry<Long, Closed>> it = closed.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Closed> entry = it.next();
      if (registry.lineBySid(entry.getKey()) != entry.getValue().line()) {
        it.remove(); // handed over (or ended): it left this node
        takenOver++;
      } else if (now - entry.getValue().atNanos() < pacing.settle().toNanos()) {
        onTheirWay++;
      }
    }
    if (now - deadline >= 0) {
      while (!waiting.isEmpty()) {
        close(waiting.poll(), now);
      }
      return closed.isEmpty() ? Progress.DONE : Progress.TIMED_OUT;
    }
    int floor = closedAtLeast(now);
    while (!waiting.isEmpty() && (onTheirWay < pacing.inFlight() || attachedAtStart - waiting.size() < floor)) {
      if (close(waiting.poll(), now)) {
        onTheirWay++;
      }
    }
    return waiting.isEmpty() && closed.isEmpty() ? Progress.DONE : Progress.DRAINING;
  }

  /** How many sockets must have been closed by {@code now}: all of them by CLOSE_ALL_BY of the time-out. */
  private int closedAtLeast(long now) {
    double share = (now - start) / (CLOSE_ALL_BY * (deadline - start));
    return share >= 1 ? attachedAtStart : (int) Math.ceil(attachedAtStart * share);
  }

  private boolean close(Map.Entry<Long, SessionLine> entry, long now) {
    SessionLine line = entry.getValue();
    if (registry.lineBySid(entry.getKey()) != line) {
      return false; // gone meanwhile (bye, expiry)
    }
    line.session().tell(ClientSession.Drain.INSTANCE);
    closed.put(entry.getKey(), new Closed(line, now));
    return true;
  }
}
