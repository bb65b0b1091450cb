package io.roomcluster.gateway;

import static io.roomcluster.gateway.SignalingServerFixture.INTERNAL_SECRET;
import static io.roomcluster.gateway.SignalingServerFixture.resumeHello;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.gateway.SignalingServerFixture.Session;
import io.roomcluster.protocol.signing.Checksums;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The two deadlines of a new client: hello within the hello timeout, guests in a room soon after. */
class ClientTimeoutsTest {

  private static final Duration HELLO_TIMEOUT = Duration.ofMillis(800);
  private static final Duration ROOM_JOIN_TIMEOUT = Duration.ofMillis(1200);
  /** Long enough after a deadline to be sure it did not fire. */
  private static final Duration MARGIN = Duration.ofMillis(500);

  @RegisterExtension
  static final SignalingServerFixture server =
      SignalingServerFixture.withOverrides(
          """
          roomcluster.clients.hello-timeout = %dms
          roomcluster.clients.room-join-timeout = %dms
          roomcluster.sessions.resume-window = 1s
          """
              .formatted(HELLO_TIMEOUT.toMillis(), ROOM_JOIN_TIMEOUT.toMillis()));

  // ---------------------------------------------------------------- hello timeout

  @Test
  void aSilentClientIsSaidByeAfterTheHelloTimeout() {
    TestClient client = server.connect("silent");

    client.expectNothing(HELLO_TIMEOUT.dividedBy(2));
    client.expectFrame("{\"type\":\"bye\",\"bye\":{\"reason\":\"hello_timeout\"}}");
    client.expectClosed();
  }

  @Test
  void framesOtherThanHelloDoNotStopTheHelloTimeout() {
    TestClient client = server.connect("chatty");

    client.send("{\"id\":\"1\",\"type\":\"room\",\"room\":{\"roomid\":\"r\"}}");
    client.send("not json");
    client.expect("error");
    client.expect("error");

    client.expectFrame("{\"type\":\"bye\",\"bye\":{\"reason\":\"hello_timeout\"}}");
    client.expectClosed();
  }

  @Test
  void aClientWhoseSlowHelloFailedMustSayHelloAgainInTime() {
    // answered only after the first deadline has passed, and then refused
    server.backend().rejectAuth("invalid_ticket", "The ticket is invalid.");
    server.backend().delayAnswers(HELLO_TIMEOUT.multipliedBy(2));
    TestClient client = server.connect("slow");

    client.send(server.helloV1("1", "{\"userid\":\"alice\"}"));
    client.expectFrame("{\"id\":\"1\",\"type\":\"error\",\"error\":{\"code\":\"invalid_ticket\",\"message\":\"The ticket is invalid.\"}}");

    // as in the reference, a failed hello starts a new hello deadline
    client.expectNothing(HELLO_TIMEOUT.dividedBy(2));
    client.expectFrame("{\"type\":\"bye\",\"bye\":{\"reason\":\"hello_timeout\"}}");
    client.expectClosed();
  }

  @Test
  void aClientThatSaidHelloInTimeStays() {
    Session alice = server.hello("alice", "alice");

    alice.expectNothing(HELLO_TIMEOUT.plus(MARGIN));
    assertEquals(1, server.sessionCount());
  }

  // ---------------------------------------------------------------- room join timeout

  @Test
  void aGuestThatJoinsNoRoomIsSaidByeAfterTheRoomJoinTimeout() {
    Session guest = server.hello("guest", ""); // the backend answers an empty userid

    guest.expectNothing(ROOM_JOIN_TIMEOUT.dividedBy(2));
    guest.expectFrame("{\"type\":\"bye\",\"bye\":{\"reason\":\"room_join_timeout\"}}");
    guest.client().expectClosed();

    // the session is gone, not waiting for a resume
    server.awaitSessionCount(0, Duration.ofSeconds(2));
    TestClient again = server.connect("guest-again");
    again.send(resumeHello("r", guest.resumeId()));
    again.expectFrame(ResumeTest.NO_SUCH_SESSION.formatted("r"));
  }

  @Test
  void aGuestInARoomStays() {
    Session guest = server.hello("guest", "");

    guest.send("{\"id\":\"j\",\"type\":\"room\",\"room\":{\"roomid\":\"guest-room\",\"sessionid\":\"nc-guest\"}}");
    guest.expect("room");
    guest.expect("event");

    guest.expectNothing(ROOM_JOIN_TIMEOUT.plus(MARGIN));
    assertEquals(1, server.sessionCount());
  }

  @Test
  void aGuestThatLeavesItsRoomMustJoinAnotherInTime() {
    Session guest = server.hello("guest", "");
    guest.send("{\"id\":\"j\",\"type\":\"room\",\"room\":{\"roomid\":\"guest-room\",\"sessionid\":\"nc-guest\"}}");
    guest.expect("room");
    guest.expect("event");

    guest.send("{\"id\":\"l\",\"type\":\"room\",\"room\":{\"roomid\":\"\"}}");
    guest.expectFrame("{\"id\":\"l\",\"type\":\"room\",\"room\":{\"roomid\":\"\"}}");

    guest.expectNothing(ROOM_JOIN_TIMEOUT.dividedBy(2));
    guest.expectFrame("{\"type\":\"bye\",\"bye\":{\"reason\":\"room_join_timeout\"}}");
    guest.client().expectClosed();
    server.awaitSessionCount(0, Duration.ofSeconds(2));
  }

  @Test
  void aGuestWhoseJoinFailedAfterTheDeadlineIsSaidBye() {
    Session guest = server.hello("guest", "");
    server.backend().rejectJoin("closed-room", "no_such_room", "The room does not exist.");
    server.backend().delayAnswers(ROOM_JOIN_TIMEOUT.multipliedBy(3).dividedBy(2));

    guest.send("{\"id\":\"j\",\"type\":\"room\",\"room\":{\"roomid\":\"closed-room\",\"sessionid\":\"nc-guest\"}}");

    // The deadline passed while Nextcloud was asked; the refusal may or may not get through first.
    JsonNode frame = guest.client().next();
    if (frame.path("type").asText().equals("error")) {
      assertEquals("no_such_room", frame.path("error").path("code").asText(), frame.toString());
      frame = guest.client().next();
    }
    assertEquals(TestClient.json("{\"type\":\"bye\",\"bye\":{\"reason\":\"room_join_timeout\"}}"), frame);
    guest.client().expectClosed();
    server.awaitSessionCount(0, Duration.ofSeconds(2));
  }

  @Test
  void aUserThatLeavesItsRoomHasNoRoomJoinTimeout() {
    Session alice = server.hello("alice", "alice");
    alice.send("{\"id\":\"j\",\"type\":\"room\",\"room\":{\"roomid\":\"user-room\",\"sessionid\":\"nc-alice\"}}");
    alice.expect("room");
    alice.expect("event");
    alice.send("{\"id\":\"l\",\"type\":\"room\",\"room\":{\"roomid\":\"\"}}");
    alice.expect("room");

    alice.expectNothing(ROOM_JOIN_TIMEOUT.plus(MARGIN));
    assertEquals(1, server.sessionCount());
  }

  @Test
  void aUserSessionHasNoRoomJoinTimeout() {
    Session alice = server.hello("alice", "alice");

    alice.expectNothing(ROOM_JOIN_TIMEOUT.plus(MARGIN));
    assertEquals(1, server.sessionCount());
  }

  @Test
  void anInternalClientHasNoRoomJoinTimeout() {
    TestClient client = server.connect("recorder");
    String random = Checksums.newRandom();
    String token = Checksums.internalToken(INTERNAL_SECRET.getBytes(StandardCharsets.UTF_8), random);
    client.send(HelloTest.internalHello("i", random, token, server.backend().baseUrl()));
    SignalingServerFixture.helloAnswer(client, "i", "");

    client.expectNothing(ROOM_JOIN_TIMEOUT.plus(MARGIN));
    assertEquals(1, server.sessionCount());
  }
}
