package io.roomcluster.gateway;

import static io.roomcluster.gateway.SignalingServerFixture.await;
import static io.roomcluster.gateway.SignalingServerFixture.resumeHello;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomcluster.gateway.SignalingServerFixture.Session;
import io.roomcluster.gateway.session.SessionRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The paced drain of a stopping node: it closes a window of sockets, and the next ones only as
 * earlier sessions leave this node (or stop counting after the settle time). Real sessions and
 * sockets; the drain's clock is the test's, so each step is decided by the test, not by timing.
 */
class SessionDrainTest {

  private static final Duration SETTLE = Duration.ofSeconds(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration RESUME_TARGET = Duration.ofSeconds(1);
  /** Long enough for a close the drain did not ask for to have arrived. */
  private static final Duration QUIET = Duration.ofMillis(300);

  private final AtomicLong clock = new AtomicLong();

  @RegisterExtension
  static final SignalingServerFixture server = SignalingServerFixture.withOverrides("roomcluster.sessions.resume-window = 2s");

  @Test
  void closesAWindowAtATimeAndRefillsAsSessionsLeaveOrSettle() throws Exception {
    Session gone = server.hello("gone", "gone");
    gone.client().close(); // detached before the drain: nothing to close, not waited for
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sessions.add(server.hello("c" + i, "user" + i));
    }
    SessionRegistry registry = server.gateway().sessions();
    server.awaitAttached(5); // and the closed socket noticed

    SessionDrain drain = drain(registry, 2);
    assertEquals(5, drain.attachedAtStart());

    assertEquals(SessionDrain.Progress.DRAINING, drain.tick());
    List<Session> closed = closedAfterQuiet(sessions, 2);
    assertEquals(SessionDrain.Progress.DRAINING, drain.tick());
    assertEquals(closed, closedAfterQuiet(sessions, 2), "the window is full: nothing more is closed");

    // One client resumes (elsewhere, as far as this node's registry can tell: here it ends the
    // session with a bye after the resume) and its session leaves: one more socket is closed.
    clock.set(Duration.ofSeconds(1).toNanos());
    resumeAndBye(closed.get(0));
    assertEquals(SessionDrain.Progress.DRAINING, drain.tick());
    assertEquals(1, drain.takenOver());
    List<Session> third = closedAfterQuiet(sessions, 3);

    // The other one never comes back: after the settle time it no longer holds a place.
    clock.set(SETTLE.toNanos() + Duration.ofMillis(500).toNanos());
    assertEquals(SessionDrain.Progress.DRAINING, drain.tick());
    List<Session> fourth = closedAfterQuiet(sessions, 4);
    // closed(...) keeps the list's order, not the drain's (the registry's order is a hash's).
    assertTrue(fourth.containsAll(third), "closed before: " + third + ", now: " + fourth);

    clock.set(SETTLE.toNanos() + Duration.ofMillis(1500).toNanos());
    assertEquals(SessionDrain.Progress.DRAINING, drain.tick());
    closedAfterQuiet(sessions, 5);
    assertEquals(4, drain.left(), "closed sessions without a resume stay until the deadline");

    clock.set(TIMEOUT.toNanos());
    assertEquals(SessionDrain.Progress.TIMED_OUT, drain.tick());
    assertEquals(4, drain.left());
  }

  @Test
  void isDoneWhenEveryClosedSessionLeftTheNode() {
    List<Session> sessions = List.of(server.hello("a", "a"), server.hello("b", "b"));
    SessionRegistry registry = server.gateway().sessions();
    server.awaitAttached(2);
    SessionDrain drain = drain(registry, 32);

    assertEquals(SessionDrain.Progress.DRAINING, drain.tick());
    closedAfterQuiet(sessions, 2);
    resumeAndBye(sessions.get(0));
    assertEquals(SessionDrain.Progress.DRAINING, drain.tick());
    resumeAndBye(sessions.get(1));
    assertEquals(SessionDrain.Progress.DONE, drain.tick());
    assertEquals(2, drain.takenOver());
  }

  @Test
  void onTimeOutClosesWhatIsStillOpen() {
    List<Session> sessions = List.of(server.hello("x", "x"), server.hello("y", "y"), server.hello("z", "z"));
    server.awaitAttached(3);
    SessionDrain drain = drain(server.gateway().sessions(), 1);

    assertEquals(SessionDrain.Progress.DRAINING, drain.tick());
    closedAfterQuiet(sessions, 1);
    clock.set(TIMEOUT.toNanos());
    assertEquals(SessionDrain.Progress.TIMED_OUT, drain.tick());
    closedAfterQuiet(sessions, 3);
  }

  @Test
  void theWindowWidensAfterQuickTakeOversAndNarrowsAfterSlowOnes() {
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      sessions.add(server.hello("w" + i, "window" + i));
    }
    server.awaitAttached(6);
    SessionDrain drain = drain(server.gateway().sessions(), 1);

    assertEquals(SessionDrain.Progress.DRAINING, drain.tick());
    List<Session> first = closedAfterQuiet(sessions, 1);

    // Taken over 0.2 s after its socket closed (<= half of the 1 s target), a window's worth (1):
    // the window grows to 2.
    clock.set(Duration.ofMillis(200).toNanos());
    resumeAndBye(first.get(0));
    assertEquals(SessionDrain.Progress.DRAINING, drain.tick());
    assertEquals(2, drain.window());
    List<Session> next = closedAfterQuiet(sessions, 3);

    // One of the two quick: not yet a window's worth (2), the window stays.
    clock.set(Duration.ofMillis(400).toNanos());
    List<Session> pair = next.stream().filter(s -> !first.contains(s)).toList();
    resumeAndBye(pair.get(0));
    assertEquals(SessionDrain.Progress.DRAINING, drain.tick());
    assertEquals(2, drain.window());
    List<Session> third = closedAfterQuiet(sessions, 4);

    // The other taken over 1.3 s after its close (> the target): back to the least, 1; it left,
    // so one more socket is closed.
    clock.set(Duration.ofMillis(1500).toNanos());
    resumeAndBye(pair.get(1));
    assertEquals(SessionDrain.Progress.DRAINING, drain.tick());
    assertEquals(1, drain.window());
    closedAfterQuiet(sessions, third.size()); // one still on its way (closed at 0.4 s): full
  }

  /**
   * A session's hello is answered just before its socket is attached to it (after any replay): a
   * drain started in between does not see it yet (see the test below).
   */
  @Test
  void closesASocketThatAttachedAfterTheDrainStarted() {
    Session early = server.hello("early", "early");
    SessionRegistry registry = server.gateway().sessions();
    server.awaitAttached(1);
    SessionDrain drain = drain(registry, 8);
    assertEquals(1, drain.attachedAtStart());
    Session late = server.hello("late", "late");
    server.awaitAttached(2);
    List<Session> both = List.of(early, late);

    assertEquals(SessionDrain.Progress.DRAINING, drain.tick());
    assertEquals(List.of(early), closedAfterQuiet(both, 1), "before the next scan, only what the drain saw at its start");
    clock.set(SessionDrain.RESCAN.toNanos());
    assertEquals(SessionDrain.Progress.DRAINING, drain.tick());
    closedAfterQuiet(both, 2);
  }

  private SessionDrain drain(SessionRegistry registry, int inFlight) {
    return new SessionDrain(registry, new SessionDrain.Pacing(inFlight, SETTLE, RESUME_TARGET), TIMEOUT, clock::get);
  }

  /** Waits until {@code count} of the sockets are closed, then checks that no more close. */
  private static List<Session> closedAfterQuiet(List<Session> sessions, int count) {
    await(Duration.ofSeconds(5), () -> closed(sessions).size() >= count, "fewer than " + count + " sockets closed");
    try {
      Thread.sleep(QUIET.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Session> closed = closed(sessions);
    assertEquals(count, closed.size(), "sockets closed: " + closed);
    return closed;
  }

  private static List<Session> closed(List<Session> sessions) {
    return sessions.stream().filter(s -> s.client().isClosed()).toList();
  }

  private static void resumeAndBye(Session session) {
    int before = server.sessionCount();
    TestClient again = server.connect(session.userId() + "-again");
    again.send(resumeHello("resume", session.resumeId()));
    again.expect("hello");
    again.send("{\"type\":\"bye\",\"bye\":{}}");
    again.expect("bye");
    server.awaitSessionCount(before - 1, Duration.ofSeconds(5));
  }
}
