package io.roomcluster.gateway;

import io.roomcluster.gateway.session.ClientSession;
import io.roomcluster.gateway.session.SessionLine;
import io.roomcluster.gateway.session.SessionRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
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
 * <p>The window adapts to how fast the other nodes take sessions over, as a congestion window
 * does: a window's worth of sessions that left within half of {@code resumeTarget} after their
 * socket was closed widens it by one, each that took longer than {@code resumeTarget} narrows it
 * by one (never below {@code inFlight}, never above {@link #MAX_WINDOW_FACTOR} times it). A
 * fixed small window keeps each resume short but makes a large node's drain its population times
 * a resume (740 clients, 8 at a time, half a second each: 46 s, past the time-out, after which
 * the rest would reconnect at once); a fixed large one, or a pace forced by the clock, queues the
 * resumes on the other nodes (measured: forcing 62 closes a second on 2 cores gave 1000-client
 * rolls a 12 s gap).
 *
 * <p>Not thread-safe: {@link #tick} runs from one scheduled task at a time.
 */
final class SessionDrain {

  /**
   * @param inFlight sockets closed and not yet taken over elsewhere: the window at the start, and
   *     its least
   * @param settle how long a closed session counts against the window if its client does not come
   *     back (so that absent clients cannot stall the drain)
   * @param resumeTarget how long a take-over may take before the window narrows
   */
  record Pacing(int inFlight, Duration settle, Duration resumeTarget) {
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

  /** The window grows to this many times {@code inFlight} at most. */
  static final int MAX_WINDOW_FACTOR = 8;

  /**
   * How often the registry is scanned again for sockets attached after the drain started: a
   * session whose hello was in flight then (answered, its socket attached a moment later) would
   * otherwise stay open until the HTTP server's terminate cut it.
   */
  static final Duration RESCAN = Duration.ofMillis(500);

  private final SessionRegistry registry;
  private final Pacing pacing;
  private final LongSupplier nanoClock;
  private final long deadline;
  /** Attached sessions not closed yet, in the order they will be closed. */
  private final Deque<Map.Entry<Long, SessionLine>> waiting = new ArrayDeque<>();
  /** Closed and still on this node: sid and line, with the time each was closed. */
  private final Map<Long, Closed> closed = new HashMap<>();
  /** Every session a scan has put in {@link #waiting}: each is closed once. */
  private final Set<Long> known = new HashSet<>();
  private long scannedAt;
  private final int attachedAtStart;
  private int takenOver;
  private int window;
  private int quickInARow;

  private record Closed(SessionLine line, long atNanos) {}

  SessionDrain(SessionRegistry registry, Pacing pacing, Duration timeout, LongSupplier nanoClock) {
    this.registry = registry;
    this.pacing = pacing;
    this.nanoClock = nanoClock;
    this.deadline = nanoClock.getAsLong() + timeout.toNanos();
    this.window = pacing.inFlight();
    scan(nanoClock.getAsLong());
    this.attachedAtStart = waiting.size();
  }

  /**
   * Queues the attached sessions not seen yet. Sessions without a socket have nothing to close:
   * they resume wherever their client reconnects, from this node while it runs or from the
   * replicated directory after.
   */
  private void scan(long now) {
    scannedAt = now;
    for (Map.Entry<Long, SessionLine> entry : registry.linesBySid()) {
      if (entry.getValue().attached() && known.add(entry.getKey())) {
        waiting.add(entry);
      }
    }
  }

  int attachedAtStart() {
    return attachedAtStart;
  }

  /** Sessions closed here that another node has taken over. */
  int takenOver() {
    return takenOver;
  }

  /** Sockets closed and not yet taken over, at most, now. */
  int window() {
    return window;
  }

  /** Closed or waiting to be closed, and still on this node. */
  int left() {
    return waiting.size() + closed.size();
  }

  /** Counts what left, closes the next sockets the window allows; on time-out closes the rest. */
  Progress tick() {
    long now = nanoClock.getAsLong();
    if (now - scannedAt >= RESCAN.toNanos()) {
      scan(now);
    }
    int onTheirWay = 0;
    for (Iterator<Map.Entry<Long, Closed>> it = closed.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Closed> entry = it.next();
      if (registry.lineBySid(entry.getKey()) != entry.getValue().line()) {
        it.remove(); // handed over (or ended): it left this node
        takenOver++;
        adapt(now - entry.getValue().atNanos());
      } else if (now - entry.getValue().atNanos() < pacing.settle().toNanos()) {
        onTheirWay++;
      }
    }
    if (now - deadline >= 0) {
      if (scannedAt != now) {
        scan(now);
      }
      while (!waiting.isEmpty()) {
        close(waiting.poll(), now);
      }
      return closed.isEmpty() ? Progress.DONE : Progress.TIMED_OUT;
    }
    while (!waiting.isEmpty() && onTheirWay < window) {
      if (close(waiting.poll(), now)) {
        onTheirWay++;
      }
    }
    if (waiting.isEmpty() && closed.isEmpty() && scannedAt != now) {
      scan(now); // the last look before done
    }
    return waiting.isEmpty() && closed.isEmpty() ? Progress.DONE : Progress.DRAINING;
  }

  /**
   * Widens the window by one after a window's worth of quick take-overs (one more per round, not
   * twice as many: a burst of quick ones on an idle cluster must not open it wide just before
   * the load arrives), narrows it by one after each slow one.
   */
  private void adapt(long takeOverNanos) {
    long target = pacing.resumeTarget().toNanos();
    if (takeOverNanos <= target / 2) {
      if (++quickInARow >= window) {
        quickInARow = 0;
        window = Math.min(window + 1, pacing.inFlight() * MAX_WINDOW_FACTOR);
      }
    } else if (takeOverNanos > target) {
      quickInARow = 0;
      window = Math.max(window - 1, pacing.inFlight());
    }
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
