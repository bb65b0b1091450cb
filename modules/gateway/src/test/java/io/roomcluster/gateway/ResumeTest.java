package io.roomcluster.gateway;

import static io.roomcluster.gateway.SignalingServerFixture.helloAnswer;
import static io.roomcluster.gateway.SignalingServerFixture.resumeHello;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.gateway.SignalingServerFixture.Session;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A session outlives its WebSocket for the resume window; {@code bye} ends it for good. */
class ResumeTest {

  static final String NO_SUCH_SESSION =
      "{\"id\":\"%s\",\"type\":\"error\",\"error\":{\"code\":\"no_such_session\",\"message\":\"The session to resume does not exist.\"}}";

  private static final Duration RESUME_WINDOW = Duration.ofSeconds(2);
  private static final Duration QUIET = Duration.ofMillis(300);
  /**
   * How long the server may take to notice a socket the client closed. Nothing on the wire tells
   * when it has, and a frame for the session in between goes to the dead socket (the reference
   * server has the same window), so tests that address a just-disconnected session wait this long.
   */
  private static final Duration DISCONNECT_NOTICED = Duration.ofMillis(300);

  private String room;

  @RegisterExtension
  static final SignalingServerFixture server = SignalingServerFixture.withOverrides("roomcluster.sessions.resume-window = %dms".formatted(RESUME_WINDOW.toMillis()));

  @BeforeEach
  void newRoom() {
    room = "room-" + UUID.randomUUID();
  }

  // ---------------------------------------------------------------- resume

  @Test
  void aResumeWithinTheWindowKeepsTheSessionAndDeliversWhatWasQueued() throws Exception {
    Session alice = joined(server.hello("alice", "alice"), null);
    Session bob = joined(server.hello("bob", "bob"), alice);

    alice.client().close();
    Thread.sleep(DISCONNECT_NOTICED.toMillis());
    bob.send(toSession(alice, "one"));
    bob.send("{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"user\",\"userid\":\"alice\"},\"data\":{\"n\":\"two\"}}}");
    bob.send("{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{\"n\":\"three\"}}}");
    bob.expectNothing(QUIET); // no leave: the session is only detached

    TestClient again = server.connect("alice-again");
    again.send(resumeHello("res", alice.resumeId()));

    JsonNode hello = again.expect("hello");
    assertEquals(
        TestClient.json("""
            {"id":"res","type":"hello","hello":{"version":"1.0","sessionid":"%s","resumeid":"%s","userid":"alice",
             "server":{"version":"%s","features":%s}}}"""
            .formatted(alice.sessionId(), alice.resumeId(), BuildInfo.VERSION, TestClient.MAPPER.valueToTree(Features.CLIENT))),
        hello);
    again.expectFrame(relayed("session", bob, "one"));
    again.expectFrame(relayed("user", bob, "two"));
    again.expectFrame(relayed("room", bob, "three"));
    again.expectNothing(QUIET);
    bob.expectNothing(QUIET); // no leave, no second join
    assertEquals(2, server.sessionCount());

    // attached again, in the same room
    bob.send("{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{\"n\":\"four\"}}}");
    again.expectFrame(relayed("room", bob, "four"));
    again.send(toSession(bob, "back"));
    bob.expectFrame(relayed("session", new Session(again, alice.sessionId(), alice.resumeId(), "alice"), "back"));
    // and the room session survived: no leave went to Nextcloud
    assertTrue(server.backend().requests().stream().noneMatch(r -> r.isLeave(room, "nc-alice")), server.backend().requests().toString());
  }

  @Test
  void aResumeAfterTheWindowFails() throws Exception {
    Session alice = joined(server.hello("alice", "alice"), null);
    Session bob = joined(server.hello("bob", "bob"), alice);

    alice.client().close();

    bob.expectNothing(RESUME_WINDOW.dividedBy(2)); // still resumable
    // the window ends: the session leaves the room for good
    bob.expectFrame("{\"type\":\"event\",\"event\":{\"target\":\"room\",\"type\":\"leave\",\"leave\":[\"%s\"]}}".formatted(alice.sessionId()));
    server.backend().awaitRequest(r -> r.isLeave(room, "nc-alice"), TestClient.TIMEOUT);
    server.awaitSessionCount(1, TestClient.TIMEOUT);

    TestClient again = server.connect("alice-again");
    again.send(resumeHello("res", alice.resumeId()));
    again.expectFrame(NO_SUCH_SESSION.formatted("res"));
  }

  @Test
  void aResumeWithAnUnknownIdFailsAndTheConnectionMayStillSayHello() {
    TestClient client = server.connect("a");

    client.send(resumeHello("r1", "garbage"));
    client.expectFrame(NO_SUCH_SESSION.formatted("r1"));
    // a public session id is not a resume id
    Session bob = server.hello("bob", "bob");
    client.send(resumeHello("r2", bob.sessionId()));
    client.expectFrame(NO_SUCH_SESSION.formatted("r2"));
    assertEquals(1, server.sessionCount());

    client.send(server.helloV1("h", "{\"userid\":\"alice\"}"));
    helloAnswer(client, "h", "alice");
  }

  @Test
  void anEmptyResumeIdIsAnOrdinaryHello() {
    // the 0.4.1 Go client always sends "resumeid":""
    TestClient client = server.connect("a");

    client.send("{\"id\":\"h\",\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"resumeid\":\"\",\"auth\":{\"url\":\"%s\",\"params\":{\"userid\":\"alice\"}}}}"
        .formatted(server.backend().authUrl()));

    helloAnswer(client, "h", "alice");
  }

  @Test
  void aResumeWhileTheOldConnectionIsOpenTakesTheSessionOver() {
    Session alice = joined(server.hello("alice", "alice"), null);
    Session bob = joined(server.hello("bob", "bob"), alice);

    TestClient second = server.connect("alice-second");
    second.send(resumeHello("res", alice.resumeId()));

    alice.expectFrame("{\"type\":\"bye\",\"bye\":{\"reason\":\"session_resumed\"}}");
    alice.client().expectClosed();
    JsonNode hello = second.expect("hello");
    assertEquals(alice.sessionId(), hello.path("hello").path("sessionid").asText());
    assertEquals(alice.resumeId(), hello.path("hello").path("resumeid").asText());

    bob.send(toSession(alice, "to the new connection"));
    second.expectFrame(relayed("session", bob, "to the new connection"));
    bob.expectNothing(QUIET); // neither leave nor join
    assertEquals(2, server.sessionCount());
  }

  // ---------------------------------------------------------------- bye

  @Test
  void byeEndsTheSessionForGood() throws Exception {
    Session alice = joined(server.hello("alice", "alice"), null);
    Session bob = joined(server.hello("bob", "bob"), alice);

    alice.send("{\"id\":\"x\",\"type\":\"bye\",\"bye\":{}}");

    alice.expectFrame("{\"id\":\"x\",\"type\":\"bye\",\"bye\":{\"reason\":\"\"}}");
    alice.client().expectClosed();
    bob.expectFrame("{\"type\":\"event\",\"event\":{\"target\":\"room\",\"type\":\"leave\",\"leave\":[\"%s\"]}}".formatted(alice.sessionId()));
    server.backend().awaitRequest(r -> r.isLeave(room, "nc-alice"), TestClient.TIMEOUT);
    server.awaitSessionCount(1, TestClient.TIMEOUT);

    TestClient again = server.connect("alice-again");
    again.send(resumeHello("res", alice.resumeId()));
    again.expectFrame(NO_SUCH_SESSION.formatted("res"));
    bob.send(toSession(alice, "anyone?"));
    again.expectNothing(QUIET);
  }

  @Test
  void byeOutsideARoomClosesQuietly() {
    // a user no other test has: leaves of earlier tests' sessions may still reach the backend
    Session zoe = server.hello("zoe", "zoe");

    zoe.send("{\"id\":\"x\",\"type\":\"bye\",\"bye\":{}}");

    zoe.expectFrame("{\"id\":\"x\",\"type\":\"bye\",\"bye\":{\"reason\":\"\"}}");
    zoe.client().expectClosed();
    server.awaitSessionCount(0, TestClient.TIMEOUT);
    assertTrue(server.backend().requests().stream().noneMatch(r -> r.isPost("room") && r.body().contains("\"zoe\"")), server.backend().requests().toString());
  }

  // ---------------------------------------------------------------- helpers

  /** Joins {@link #room} with room session id {@code nc-<userid>}; {@code present} sees the join. */
  private Session joined(Session session, Session present) {
    session.send("{\"id\":\"j\",\"type\":\"room\",\"room\":{\"roomid\":\"%s\",\"sessionid\":\"nc-%s\"}}".formatted(room, session.userId()));
    session.expect("room");
    if (present != null) {
      session.expect("event"); // who is there
      present.expect("event"); // the newcomer
    }
    session.expect("event"); // itself
    return session;
  }

  private static String toSession(Session recipient, String text) {
    return "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"%s\"},\"data\":{\"n\":\"%s\"}}}"
        .formatted(recipient.sessionId(), text);
  }

  private static String relayed(String recipientType, Session sender, String text) {
    return "{\"type\":\"message\",\"message\":{\"sender\":{\"type\":\"%s\",\"sessionid\":\"%s\",\"userid\":\"%s\"},\"data\":{\"n\":\"%s\"}}}"
        .formatted(recipientType, sender.sessionId(), sender.userId(), text);
  }
}
