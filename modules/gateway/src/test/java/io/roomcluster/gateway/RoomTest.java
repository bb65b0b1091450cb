package io.roomcluster.gateway;

import static io.roomcluster.gateway.SignalingServerFixture.BACKEND_ID;
import static io.roomcluster.gateway.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.gateway.FakeNextcloud.Request;
import io.roomcluster.gateway.SignalingServerFixture.Session;
import io.roomcluster.room.RoomEntity;
import io.roomcluster.room.RoomId;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.pekko.Done;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rooms and everything that needs one: join and leave with their events and backend requests,
 * message relay to a session, a user, the room and the call, control, and transient data.
 * alice may do everything; bob may only publish audio; carol is a guest (no user id, Nextcloud
 * sends no permission list).
 */
class RoomTest {

  private static final Duration QUIET = Duration.ofMillis(300);
  private static final List<String> MODERATOR = List.of("publish-audio", "publish-video", "publish-screen", "control", "transient-data");
  private static final List<String> LISTENER = List.of("publish-audio");

  /** A session and the Nextcloud room session id it joins with. */
  private record Member(Session session, String roomSessionId) {
    String id() {
      return session.sessionId();
    }

    /** Its entry in {@code join} events. */
    JsonNode entry() {
      String userId = session.userId();
      String user = userId.equals("alice") ? ",\"user\":{\"displayname\":\"Alice\"}" : "";
      return json("{\"sessionid\":\"%s\",\"userid\":\"%s\"%s,\"roomsessionid\":\"%s\"}".formatted(id(), userId, user, roomSessionId));
    }

    void send(String json) {
      session.send(json);
    }

    JsonNode expectFrame(String json) {
      return session.expectFrame(json);
    }

    void expectNothing() {
      session.expectNothing(QUIET);
    }
  }

  private String room;

  @RegisterExtension
  static final SignalingServerFixture server = SignalingServerFixture.withOverrides("roomcluster.sessions.resume-window = 1s");

  @BeforeEach
  void prepareBackend() {
    room = "room-" + UUID.randomUUID();
    server.backend().userData("alice", json("{\"displayname\":\"Alice\"}"));
    server.backend().permissions("alice", MODERATOR);
    server.backend().permissions("bob", LISTENER);
  }

  // ---------------------------------------------------------------- join

  @Test
  void twoSessionsJoinARoomAndSeeEachOther() throws Exception {
    Member alice = member("alice", "alice");
    Member bob = member("bob", "bob");
    String properties = FakeNextcloud.roomProperties(room).toString();

    alice.send(joinRequest("r-a", room, alice));
    alice.expectFrame("{\"id\":\"r-a\",\"type\":\"room\",\"room\":{\"roomid\":\"%s\",\"properties\":%s}}".formatted(room, properties));
    assertJoinEvent(alice, alice);
    alice.expectNothing();

    bob.send(joinRequest("r-b", room, bob));
    bob.expectFrame("{\"id\":\"r-b\",\"type\":\"room\",\"room\":{\"roomid\":\"%s\",\"properties\":%s}}".formatted(room, properties));
    assertJoinEvent(bob, alice); // who was there
    assertJoinEvent(bob, bob); // then itself
    assertJoinEvent(alice, bob);
    alice.expectNothing();
    bob.expectNothing();

    Request join = server.backend().awaitRequest(r -> r.isPost("room") && r.body().contains("\"userid\":\"bob\""), TestClient.TIMEOUT);
    assertEquals(FakeNextcloud.BACKEND_PATH, join.path());
    assertEquals("{\"type\":\"room\",\"room\":{\"version\":\"1.0\",\"roomid\":\"%s\",\"userid\":\"bob\",\"sessionid\":\"nc-bob\"}}".formatted(room), join.body());
    assertTrue(join.checksumValid());
  }

  @Test
  void aGuestJoinsWithAnEmptyUserId() throws Exception {
    Member alice = inRoom(member("alice", "alice"));
    Member carol = member("carol", "");

    carol.send(joinRequest("r-c", room, carol));
    carol.expectFrame("{\"id\":\"r-c\",\"type\":\"room\",\"room\":{\"roomid\":\"%s\",\"properties\":%s}}".formatted(room, FakeNextcloud.roomProperties(room)));
    assertJoinEvent(carol, alice);
    assertJoinEvent(carol, carol);
    assertJoinEvent(alice, carol);

    Request join = server.backend().awaitRequest(r -> r.isPost("room") && r.body().contains("nc-carol"), TestClient.TIMEOUT);
    assertEquals("{\"type\":\"room\",\"room\":{\"version\":\"1.0\",\"roomid\":\"%s\",\"userid\":\"\",\"sessionid\":\"nc-carol\"}}".formatted(room), join.body());
  }

  @Test
  void aJoinWithoutRoomSessionIdUsesThePublicSessionId() throws Exception {
    Session alice = server.hello("alice", "alice");

    alice.send("{\"id\":\"r\",\"type\":\"room\",\"room\":{\"roomid\":\"" + room + "\"}}");
    alice.expect("room");
    assertEquals(Set.of(new Member(alice, alice.sessionId()).entry()), joinEntries(alice.expect("event")));

    Request join = server.backend().awaitRequest(r -> r.isPost("room"), TestClient.TIMEOUT);
    assertEquals(alice.sessionId(), join.json().path("room").path("sessionid").asText());
  }

  @Test
  void aJoinTheBackendRefusesIsPassedThrough() {
    server.backend().rejectJoin(room, "no_such_room", "The room does not exist.");
    Member alice = member("alice", "alice");

    alice.send(joinRequest("r", room, alice));
    alice.expectFrame("{\"id\":\"r\",\"type\":\"error\",\"error\":{\"code\":\"no_such_room\",\"message\":\"The room does not exist.\"}}");
    alice.expectNothing();

    // not in a room: room messages go nowhere, transient data is refused
    alice.send("{\"id\":\"t\",\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"k\",\"value\":1}}");
    assertError(alice.session().client().next(), "t", "not_in_room");
  }

  @Test
  void joiningTheSameRoomAgainIsAlreadyJoined() {
    Member alice = inRoom(member("alice", "alice"));

    alice.send(joinRequest("again", room, alice));

    alice.expectFrame("""
        {"id":"again","type":"error","error":{"code":"already_joined","message":"Already joined this room.",
         "details":{"room":{"roomid":"%s","properties":%s}}}}""".formatted(room, FakeNextcloud.roomProperties(room)));
    alice.expectNothing();
  }

  // ---------------------------------------------------------------- leave

  @Test
  void leavingTellsThePeersAndTheBackend() throws Exception {
    Member alice = inRoom(member("alice", "alice"));
    Member bob = inRoom(member("bob", "bob"), alice);

    bob.send("{\"id\":\"l-b\",\"type\":\"room\",\"room\":{\"roomid\":\"\"}}");

    bob.expectFrame("{\"id\":\"l-b\",\"type\":\"room\",\"room\":{\"roomid\":\"\"}}");
    alice.expectFrame("{\"type\":\"event\",\"event\":{\"target\":\"room\",\"type\":\"leave\",\"leave\":[\"%s\"]}}".formatted(bob.id()));
    Request leave = server.backend().awaitRequest(r -> r.isLeave(room, "nc-bob"), TestClient.TIMEOUT);
    assertEquals(
        "{\"type\":\"room\",\"room\":{\"version\":\"1.0\",\"roomid\":\"%s\",\"action\":\"leave\",\"userid\":\"bob\",\"sessionid\":\"nc-bob\"}}".formatted(room),
        leave.body());
    assertTrue(leave.checksumValid());

    // out of the room: nothing from it, nothing to it, and a second leave is not answered
    alice.send(toRoom("after"));
    bob.expectNothing();
    bob.send(toRoom("from outside"));
    bob.send("{\"id\":\"l-b2\",\"type\":\"room\",\"room\":{\"roomid\":\"\"}}");
    bob.expectNothing();
    alice.expectNothing();
  }

  @Test
  void aLeaveOutsideARoomIsNotAnswered() {
    // a user no other test has: leaves of earlier tests' sessions may still reach the backend
    Member zoe = member("zoe", "zoe");

    zoe.send("{\"id\":\"l\",\"type\":\"room\",\"room\":{\"roomid\":\"\"}}");

    zoe.expectNothing();
    assertTrue(server.backend().requests().stream().noneMatch(r -> r.isPost("room") && r.body().contains("\"zoe\"")), server.backend().requests().toString());
  }

  @Test
  void joiningAnotherRoomLeavesTheFirst() throws Exception {
    Member alice = inRoom(member("alice", "alice"));
    Member bob = inRoom(member("bob", "bob"), alice);
    String otherRoom = room + "-other";

    bob.send(joinRequest("r2", otherRoom, bob));

    bob.expectFrame("{\"id\":\"r2\",\"type\":\"room\",\"room\":{\"roomid\":\"%s\",\"properties\":%s}}".formatted(otherRoom, FakeNextcloud.roomProperties(otherRoom)));
    assertJoinEvent(bob, bob);
    alice.expectFrame("{\"type\":\"event\",\"event\":{\"target\":\"room\",\"type\":\"leave\",\"leave\":[\"%s\"]}}".formatted(bob.id()));
    server.backend().awaitRequest(r -> r.isLeave(room, "nc-bob"), TestClient.TIMEOUT);
    alice.send(toRoom("only alice is here"));
    bob.expectNothing();
  }

  // ---------------------------------------------------------------- message

  @Test
  void aMessageToASessionReachesOnlyThatSession() {
    Member alice = inRoom(member("alice", "alice"));
    Member bob = inRoom(member("bob", "bob"), alice);
    Member carol = inRoom(member("carol", ""), alice, bob);

    alice.send("{\"id\":\"m1\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"%s\"},\"data\":{\"hello\":\"to bob\"}}}".formatted(bob.id()));
    bob.expectFrame("{\"type\":\"message\",\"message\":{\"sender\":{\"type\":\"session\",\"sessionid\":\"%s\",\"userid\":\"alice\"},\"data\":{\"hello\":\"to bob\"}}}".formatted(alice.id()));

    // a guest sender has no userid
    carol.send("{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"%s\"},\"data\":[1,2.50,\"x\"]}}".formatted(alice.id()));
    alice.expectFrame("{\"type\":\"message\",\"message\":{\"sender\":{\"type\":\"session\",\"sessionid\":\"%s\"},\"data\":[1,2.50,\"x\"]}}".formatted(carol.id()));

    // unknown and own session ids are dropped without an answer
    alice.send("{\"id\":\"m2\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"not-a-session\"},\"data\":{}}}");
    alice.send("{\"id\":\"m3\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"%s\"},\"data\":{}}}".formatted(alice.id()));
    alice.expectNothing();
    bob.expectNothing();
    carol.expectNothing();
  }

  @Test
  void aMessageToASessionNeedsNoRoom() {
    Session alice = server.hello("alice", "alice");
    Session bob = server.hello("bob", "bob");

    alice.send("{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"%s\"},\"data\":\"hi\"}}".formatted(bob.sessionId()));

    bob.expectFrame("{\"type\":\"message\",\"message\":{\"sender\":{\"type\":\"session\",\"sessionid\":\"%s\",\"userid\":\"alice\"},\"data\":\"hi\"}}".formatted(alice.sessionId()));
  }

  @Test
  void aMessageToAUserReachesEverySessionOfThatUser() {
    Member alice = inRoom(member("alice", "alice"));
    Member bob = inRoom(member("bob", "bob"), alice);
    Member carol = inRoom(member("carol", ""), alice, bob);
    Session bobElsewhere = server.hello("bob-2", "bob"); // in no room
    Session aliceElsewhere = server.hello("alice-2", "alice");

    alice.send("{\"id\":\"m\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"user\",\"userid\":\"bob\"},\"data\":{\"hello\":\"bob\"}}}");

    String expected = "{\"type\":\"message\",\"message\":{\"sender\":{\"type\":\"user\",\"sessionid\":\"%s\",\"userid\":\"alice\"},\"data\":{\"hello\":\"bob\"}}}".formatted(alice.id());
    bob.expectFrame(expected);
    bobElsewhere.expectFrame(expected);

    // to one's own user: dropped, as in the reference; to an unknown user: dropped
    alice.send("{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"user\",\"userid\":\"alice\"},\"data\":{}}}");
    alice.send("{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"user\",\"userid\":\"nobody\"},\"data\":{}}}");
    aliceElsewhere.expectNothing(QUIET);
    alice.expectNothing();
    carol.expectNothing();
    bob.expectNothing();
  }

  @Test
  void aMessageToTheRoomReachesEveryoneElseInIt() {
    Member alice = inRoom(member("alice", "alice"));
    Member bob = inRoom(member("bob", "bob"), alice);
    Member carol = inRoom(member("carol", ""), alice, bob);
    Session outsider = server.hello("dave", "dave");

    alice.send(toRoom("hello room"));

    String expected = "{\"type\":\"message\",\"message\":{\"sender\":{\"type\":\"room\",\"sessionid\":\"%s\",\"userid\":\"alice\"},\"data\":{\"text\":\"hello room\"}}}".formatted(alice.id());
    bob.expectFrame(expected);
    carol.expectFrame(expected);
    alice.expectNothing();
    outsider.expectNothing(QUIET);

    // a session in no room cannot address one
    outsider.send(toRoom("let me in"));
    alice.expectNothing();
    bob.expectNothing();
    outsider.expectNothing(QUIET);
  }

  @Test
  void aMessageToTheCallReachesOnlySessionsInTheCall() throws Exception {
    Member alice = inRoom(member("alice", "alice"));
    Member bob = inRoom(member("bob", "bob"), alice);
    Member carol = inRoom(member("carol", ""), alice, bob);

    alice.send(toCall("nobody is in the call"));
    alice.expectNothing();
    bob.expectNothing();
    carol.expectNothing();

    setInCall(bob, 7); // in call with audio and video, as Nextcloud would report it
    alice.send(toCall("to the call"));

    bob.expectFrame("{\"type\":\"message\",\"message\":{\"sender\":{\"type\":\"call\",\"sessionid\":\"%s\",\"userid\":\"alice\"},\"data\":{\"text\":\"to the call\"}}}".formatted(alice.id()));
    carol.expectNothing();
    alice.expectNothing();

    setInCall(bob, 0);
    alice.send(toCall("after hanging up"));
    bob.expectNothing();
  }

  // ---------------------------------------------------------------- control

  @Test
  void controlMessagesNeedTheControlPermission() {
    Member alice = inRoom(member("alice", "alice"));
    Member bob = inRoom(member("bob", "bob"), alice);

    alice.send("{\"id\":\"c1\",\"type\":\"control\",\"control\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"%s\"},\"data\":{\"x\":1}}}".formatted(bob.id()));
    bob.expectFrame("{\"type\":\"control\",\"control\":{\"sender\":{\"type\":\"session\",\"sessionid\":\"%s\",\"userid\":\"alice\"},\"data\":{\"x\":1}}}".formatted(alice.id()));
    alice.send("{\"type\":\"control\",\"control\":{\"recipient\":{\"type\":\"room\"},\"data\":{\"y\":2}}}");
    bob.expectFrame("{\"type\":\"control\",\"control\":{\"sender\":{\"type\":\"room\",\"sessionid\":\"%s\",\"userid\":\"alice\"},\"data\":{\"y\":2}}}".formatted(alice.id()));
    alice.expectNothing();

    // bob lacks "control": silently ignored, whatever the recipient
    bob.send("{\"id\":\"c2\",\"type\":\"control\",\"control\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"%s\"},\"data\":{\"x\":1}}}".formatted(alice.id()));
    bob.send("{\"id\":\"c3\",\"type\":\"control\",\"control\":{\"recipient\":{\"type\":\"room\"},\"data\":{\"x\":1}}}");
    bob.send("{\"id\":\"c4\",\"type\":\"control\",\"control\":{\"recipient\":{\"type\":\"user\",\"userid\":\"alice\"},\"data\":{\"x\":1}}}");
    alice.expectNothing();
    bob.expectNothing();

    // ... while his plain messages still go through
    bob.send(toRoom("from bob"));
    alice.expectFrame("{\"type\":\"message\",\"message\":{\"sender\":{\"type\":\"room\",\"sessionid\":\"%s\",\"userid\":\"bob\"},\"data\":{\"text\":\"from bob\"}}}".formatted(bob.id()));
  }

  @Test
  void controlOutsideARoomIsIgnored() {
    Session alice = server.hello("alice", "alice"); // her permissions come with a room
    Session bob = server.hello("bob", "bob");

    alice.send("{\"type\":\"control\",\"control\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"%s\"},\"data\":{}}}".formatted(bob.sessionId()));

    bob.expectNothing(QUIET);
    alice.expectNothing(QUIET);
  }

  // ---------------------------------------------------------------- transient data

  @Test
  void transientDataIsSharedWithEveryoneInTheRoom() {
    Member alice = inRoom(member("alice", "alice"));
    Member bob = inRoom(member("bob", "bob"), alice);
    Member carol = inRoom(member("carol", ""), alice, bob); // no permission list: all permissions

    alice.send("{\"id\":\"t1\",\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"foo\",\"value\":{\"x\":1}}}");
    String first = "{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"foo\",\"value\":{\"x\":1}}}";
    for (Member m : List.of(alice, bob, carol)) {
      m.expectFrame(first); // the setter too
    }

    // the same value again changes nothing
    alice.send("{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"foo\",\"value\":{\"x\":1}}}");
    alice.expectNothing();

    carol.send("{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"foo\",\"value\":{\"x\":2},\"ttl\":60000000000}}");
    String second = "{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"foo\",\"value\":{\"x\":2},\"oldvalue\":{\"x\":1}}}";
    for (Member m : List.of(alice, bob, carol)) {
      m.expectFrame(second);
    }

    // a late joiner gets the current data after its join events
    Member dave = member("dave", "dave");
    dave.send(joinRequest("r-d", room, dave));
    dave.expectFrame("{\"id\":\"r-d\",\"type\":\"room\",\"room\":{\"roomid\":\"%s\",\"properties\":%s}}".formatted(room, FakeNextcloud.roomProperties(room)));
    assertJoinEvent(dave, alice, bob, carol);
    assertJoinEvent(dave, dave);
    dave.expectFrame("{\"type\":\"transient\",\"transient\":{\"type\":\"initial\",\"data\":{\"foo\":{\"x\":2}}}}");
    for (Member m : List.of(alice, bob, carol)) {
      assertJoinEvent(m, dave);
    }

    alice.send("{\"id\":\"t2\",\"type\":\"transient\",\"transient\":{\"type\":\"remove\",\"key\":\"foo\"}}");
    String removed = "{\"type\":\"transient\",\"transient\":{\"type\":\"remove\",\"key\":\"foo\",\"oldvalue\":{\"x\":2}}}";
    for (Member m : List.of(alice, bob, carol, dave)) {
      m.expectFrame(removed);
    }
    // removing a missing key changes nothing
    alice.send("{\"type\":\"transient\",\"transient\":{\"type\":\"remove\",\"key\":\"foo\"}}");
    for (Member m : List.of(alice, bob, carol, dave)) {
      m.expectNothing();
    }
  }

  @Test
  void transientDataNeedsARoomAndThePermission() {
    Member alice = inRoom(member("alice", "alice"));
    Member bob = inRoom(member("bob", "bob"), alice); // without "transient-data"
    Session outsider = server.hello("dave", "dave");

    bob.send("{\"id\":\"tb\",\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"foo\",\"value\":1}}");
    assertError(bob.session().client().next(), "tb", "not_allowed");
    bob.send("{\"id\":\"tb2\",\"type\":\"transient\",\"transient\":{\"type\":\"remove\",\"key\":\"foo\"}}");
    assertError(bob.session().client().next(), "tb2", "not_allowed");

    outsider.send("{\"id\":\"to\",\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"foo\",\"value\":1}}");
    assertError(outsider.client().next(), "to", "not_in_room");

    alice.send("{\"id\":\"tu\",\"type\":\"transient\",\"transient\":{\"type\":\"increment\",\"key\":\"foo\"}}");
    assertError(alice.session().client().next(), "tu", "ignored");

    alice.expectNothing(); // nothing was set
    bob.expectNothing();
  }

  // ---------------------------------------------------------------- helpers

  private Member member(String name, String userId) {
    return new Member(server.hello(name, userId), "nc-" + name);
  }

  /** Joins {@link #room} (where {@code present} already are) and reads the frames that causes. */
  private Member inRoom(Member joiner, Member... present) {
    joiner.send(joinRequest("join-" + joiner.roomSessionId(), room, joiner));
    assertEquals("join-" + joiner.roomSessionId(), joiner.session().expect("room").path("id").asText());
    if (present.length > 0) {
      assertJoinEvent(joiner, present);
    }
    assertJoinEvent(joiner, joiner);
    for (Member m : present) {
      assertJoinEvent(m, joiner);
    }
    return joiner;
  }

  private static String joinRequest(String id, String roomId, Member member) {
    return "{\"id\":\"%s\",\"type\":\"room\",\"room\":{\"roomid\":\"%s\",\"sessionid\":\"%s\"}}".formatted(id, roomId, member.roomSessionId());
  }

  /** The next frame of {@code receiver} is a join event listing exactly {@code joined} (any order). */
  private static void assertJoinEvent(Member receiver, Member... joined) {
    JsonNode frame = receiver.session().client().next();
    Set<JsonNode> expected = new HashSet<>(Arrays.stream(joined).map(Member::entry).toList());
    assertEquals(expected, joinEntries(frame), receiver.session().client() + ": join event " + frame);
    assertEquals(joined.length, frame.path("event").path("join").size(), "no entry twice: " + frame);
  }

  private static Set<JsonNode> joinEntries(JsonNode frame) {
    assertEquals("event", frame.path("type").asText(), frame.toString());
    JsonNode event = frame.path("event");
    assertEquals("room", event.path("target").asText(), frame.toString());
    assertEquals("join", event.path("type").asText(), frame.toString());
    assertEquals(3, event.size(), "only target, type and join: " + frame);
    assertTrue(frame.path("id").isMissingNode(), "events carry no id: " + frame);
    return new HashSet<>(StreamSupport.stream(event.path("join").spliterator(), false).toList());
  }

  private static void assertError(JsonNode frame, String id, String code) {
    assertEquals("error", frame.path("type").asText(), frame.toString());
    assertEquals(id, frame.path("id").asText(), frame.toString());
    assertEquals(code, frame.path("error").path("code").asText(), frame.toString());
    assertFalse(frame.path("error").path("message").asText().isEmpty(), frame.toString());
  }

  private static String toRoom(String text) {
    return "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{\"text\":\"%s\"}}}".formatted(text);
  }

  private static String toCall(String text) {
    return "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"call\"},\"data\":{\"text\":\"%s\"}}}".formatted(text);
  }

  /**
   * Nextcloud reports in-call changes through the backend API; here the room entity is told
   * directly, which is where that request ends up.
   */
  private void setInCall(Member member, int flags) throws Exception {
    ClusterSharding.get(server.system())
        .entityRefFor(RoomEntity.ENTITY_TYPE_KEY, new RoomId(BACKEND_ID, room).entityId())
        .<Done>askWithStatus(replyTo -> new RoomEntity.SetInCall(member.id(), flags, replyTo), Duration.ofSeconds(5))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }
}
