package io.roomcluster.room;

import static io.roomcluster.room.Fixtures.NODE_A;
import static io.roomcluster.room.Fixtures.json;
import static io.roomcluster.room.Fixtures.moderator;
import static io.roomcluster.room.Fixtures.participant;
import static io.roomcluster.room.Fixtures.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.roomcluster.room.RoomEntity.ChangePermissions;
import io.roomcluster.room.RoomEntity.DeleteRoom;
import io.roomcluster.room.RoomEntity.GetState;
import io.roomcluster.room.RoomEntity.Join;
import io.roomcluster.room.RoomEntity.Joined;
import io.roomcluster.room.RoomEntity.Leave;
import io.roomcluster.room.RoomEntity.ParticipantsUpdateResult;
import io.roomcluster.room.RoomEntity.RelayToRoom;
import io.roomcluster.room.RoomEntity.RemoveTransient;
import io.roomcluster.room.RoomEntity.SetConnection;
import io.roomcluster.room.RoomEntity.SetInCall;
import io.roomcluster.room.RoomEntity.SetInCallAll;
import io.roomcluster.room.RoomEntity.SetModeratorMute;
import io.roomcluster.room.RoomEntity.SetTransient;
import io.roomcluster.room.RoomEntity.UpdateParticipants;
import io.roomcluster.room.RoomEntity.UpdateProperties;
import io.roomcluster.room.RoomEvent.AllInCallChanged;
import io.roomcluster.room.RoomEvent.ConnectionChanged;
import io.roomcluster.room.RoomEvent.InCallChanged;
import io.roomcluster.room.RoomEvent.ModeratorMuteChanged;
import io.roomcluster.room.RoomEvent.ParticipantJoined;
import io.roomcluster.room.RoomEvent.ParticipantLeft;
import io.roomcluster.room.RoomEvent.ParticipantsUpdated;
import io.roomcluster.room.RoomEvent.PermissionsChanged;
import io.roomcluster.room.RoomEvent.PropertiesUpdated;
import io.roomcluster.room.RoomEvent.RoomDeleted;
import io.roomcluster.room.RoomEvent.TransientRemoved;
import io.roomcluster.room.RoomEvent.TransientSet;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every message of the room module through its configured serializer, and the schema version. */
@ExtendWith(LogCapturingExtension.class)
class RoomSerializationTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static final Serialization serialization =
      SerializationExtension.get(testKit.system());

  private static final RoomId ROOM = new RoomId("backend-1", "abc12345");

  private static ActiveRoom activeRoom() {
    Participant muted = moderator("m").withInCall(7).withMute(new MuteState(true, false));
    Participant away = participant("a").withConnection(false, NODE_A)
        .withPermissions(Set.of("control", "transient-data"));
    Participant guest = new Participant("g", null, null, Participant.TYPE_GUEST, null, 9, null,
        true, NODE_A, null, null);
    return new ActiveRoom(properties("Team"),
        Map.of("m", muted, "a", away, "g", guest),
        Map.of("k", new TransientEntry(json("{\"any\":[1,\"two\",null]}"), 1_700_000_060_000L),
            "sd:m", new TransientEntry(json("true"), null)));
  }

  private static List<RoomEvent> allEvents() {
    return List.of(
        new ParticipantJoined(participant("a")),
        new ParticipantLeft("a"),
        new InCallChanged("a", 7),
        new AllInCallChanged(0),
        new PermissionsChanged("a", Set.of("publish-audio", "control")),
        new ModeratorMuteChanged("m", "a", new MuteState(true, true)),
        new ModeratorMuteChanged(null, "a", MuteState.NONE),
        new PropertiesUpdated(properties("Team")),
        new ParticipantsUpdated(List.of(new ParticipantUpdate("a", 2, Set.of("control"), 3),
            new ParticipantUpdate("b", null, null, null))),
        new TransientSet("k", json("{\"x\":1}"), json("2"), 1_700_000_060_000L, 1_700_000_000_000L),
        new TransientSet("k", json("[]"), null, null, 1_700_000_000_000L),
        new TransientRemoved("k", json("{\"x\":1}"), 1_700_000_000_000L),
        new ConnectionChanged("a", true, NODE_A),
        new ConnectionChanged("a", false, null),
        new RoomDeleted());
  }

  private static List<RoomState> allStates() {
    return List.of(EmptyRoom.INSTANCE, activeRoom(), ActiveRoom.initial(), DeletedRoom.INSTANCE);
  }

  private static List<RoomEntity.Command> allCommands() {
    ActorRef<StatusReply<Done>> done = testKit.<StatusReply<Done>>createTestProbe().ref();
    ActorRef<StatusReply<Joined>> joined = testKit.<StatusReply<Joined>>createTestProbe().ref();
    ActorRef<StatusReply<ParticipantsUpdateResult>> updated =
        testKit.<StatusReply<ParticipantsUpdateResult>>createTestProbe().ref();
    ActorRef<RoomSnapshot> snapshot = testKit.<RoomSnapshot>createTestProbe().ref();
    ActorRef<RoomEntity.RelayAck> acks = testKit.<RoomEntity.RelayAck>createTestProbe().ref();
    ActorRef<Done> doneProbe = testKit.<Done>createTestProbe().ref();
    return List.of(
        new Join(participant("a"), properties("Team"), joined),
        new Join(participant("a"), null, joined),
        new Leave("a", done),
        new RoomEntity.LeaveIfAt("a", NODE_A + "#-4711", done),
        new SetInCall("a", 7, done),
        new SetInCallAll(0, done),
        new ChangePermissions("a", Set.of("control"), done),
        new SetModeratorMute("m", "a", true, false, true, done),
        new SetModeratorMute(null, "a", true, true, false, done),
        new UpdateProperties(properties("Team"), done),
        new UpdateParticipants(List.of(new ParticipantUpdate("a", 1, null, 3)), updated),
        new SetTransient("k", json("{\"x\":1}"), 30_000L, done),
        new SetTransient("k", json("1"), null, done),
        new RemoveTransient("k", done),
        new SetConnection("a", true, NODE_A, done),
        new DeleteRoom(done),
        new GetState(snapshot),
        RelayToRoom.unacknowledged("a", true, "{\"type\":\"message\"}"),
        new RelayToRoom("a", false, "{\"type\":\"message\"}", 41, 38, acks),
        RoomEntity.Broadcast.unacknowledged("{\"type\":\"event\"}", null),
        new RoomEntity.Broadcast("{\"type\":\"event\"}", java.util.Set.of("a"), doneProbe),
        RoomEntity.Stop.INSTANCE,
        RoomEntity.IdleCheck.INSTANCE,
        new RoomEntity.NodeRemoved(NODE_A + "#-4711"),
        new RoomEntity.ReapNode(NODE_A + "#-4711"));
  }

  private static List<Object> allReplies() {
    RoomSnapshot snapshot = RoomSnapshot.of(ROOM, activeRoom(), 1_700_000_000_000L);
    Joined joined = new Joined(snapshot, List.of(moderator("m")));
    ParticipantsUpdateResult result = new ParticipantsUpdateResult(
        List.of(new ParticipantUpdate("a", null, Set.of("control"), null)), List.of("x"));
    return List.of(snapshot, RoomSnapshot.of(ROOM, EmptyRoom.INSTANCE, 0L), joined, result,
        StatusReply.success(joined), StatusReply.success(result), StatusReply.ack(),
        new RoomEntity.RelayAck(41));
  }

  private static Serializer serializerFor(Object o) {
    return serialization.findSerializerFor(o);
  }

  private static Stream<DynamicTest> roundTrips(List<?> messages, String serializerName) {
    return messages.stream().map(m -> dynamicTest(m.getClass().getSimpleName() + " " + m, () -> {
      testKit.serializationTestKit().verifySerialization(m, true);
      if (serializerName != null) {
        assertEquals(serializerName, serializerFor(m).getClass().getSimpleName());
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> commandsRoundTripAsCbor() {
    return roundTrips(allCommands(), "JacksonCborSerializer");
  }

  @TestFactory
  Stream<DynamicTest> repliesRoundTrip() {
    List<Object> replies = allReplies();
    Stream<DynamicTest> ours = roundTrips(
        replies.stream().filter(r -> !(r instanceof StatusReply)).toList(),
        "JacksonCborSerializer");
    Stream<DynamicTest> wrapped = roundTrips(
        replies.stream().filter(r -> r instanceof StatusReply).toList(), null);
    Stream<DynamicTest> error = Stream.of(dynamicTest("StatusReply.error", () -> {
      StatusReply<Done> back = testKit.serializationTestKit()
          .verifySerialization(StatusReply.<Done>error("unknown session x"), false);
      assertEquals("unknown session x", back.getError().getMessage());
    }));
    return Stream.concat(Stream.concat(ours, wrapped), error);
  }

  @TestFactory
  Stream<DynamicTest> eventsAndStatesRoundTripAsJsonWithSchemaVersion1() {
    return Stream.concat(allEvents().stream(), allStates().stream())
        .map(m -> dynamicTest(m.getClass().getSimpleName() + " " + m, () -> {
          testKit.serializationTestKit().verifySerialization(m, true);
          Serializer serializer = serializerFor(m);
          assertEquals("JacksonJsonSerializer", serializer.getClass().getSimpleName());
          assertEquals(m.getClass().getName() + "#" + RoomSchemaMigration.CURRENT_VERSION,
              Serializers.manifestFor(serializer, m));
        }));
  }

  @Test
  void everyEventAndStateClassIsCoveredAndBoundToTheMigration() {
    Set<Class<?>> persisted = new HashSet<>();
    persisted.addAll(Arrays.asList(RoomEvent.class.getPermittedSubclasses()));
    persisted.addAll(Arrays.asList(RoomState.class.getPermittedSubclasses()));

    Config migrations =
        testKit.system().settings().config().getConfig("pekko.serialization.jackson.migrations");
    for (Class<?> c : persisted) {
      String key = "\"" + c.getName() + "\"";
      assertTrue(migrations.hasPath(key), "no migration bound for " + c.getName());
      assertEquals(RoomSchemaMigration.class.getName(), migrations.getString(key));
    }
    Set<Class<?>> tested = Stream.concat(allEvents().stream(), allStates().stream())
        .map(Object::getClass).collect(Collectors.toSet());
    assertEquals(persisted, tested, "every persisted class needs a round-trip case here");
  }

  @Test
  void everyCommandClassIsCovered() {
    Set<Class<?>> commands = new HashSet<>();
    for (Class<?> c : RoomEntity.Command.class.getPermittedSubclasses()) {
      if (c.isInterface()) {
        commands.addAll(Arrays.asList(c.getPermittedSubclasses()));
      } else {
        commands.add(c);
      }
    }
    assertEquals(commands,
        allCommands().stream().map(Object::getClass).collect(Collectors.toSet()));
  }

  @Test
  void eventsAreReadableJsonInTheJournal() {
    RoomEvent event = new ParticipantJoined(participant("a"));
    byte[] bytes = serialization.serialize(event).get();
    JsonNode journalled = json(new String(bytes, StandardCharsets.UTF_8));
    assertEquals("a", journalled.at("/participant/sessionId").asText());
    assertEquals(NODE_A, journalled.at("/participant/node").asText());
    assertEquals("User a", journalled.at("/participant/user/displayname").asText());
  }

  @Test
  void absentJsonValuesStayNullAfterARoundTrip() {
    Participant guest = new Participant("g", null, null, 4, null, 0, null, false, null,
        json("null"), null);
    assertEquals(null, guest.user());
    assertEquals(MuteState.NONE, guest.mute());
    assertEquals(Set.of(), guest.permissions());
    assertEquals(List.of(), guest.features());
    Participant back = testKit.serializationTestKit()
        .verifySerialization(new ParticipantJoined(guest), true).participant();
    assertEquals(null, back.user());
  }

  // ---- RoomId ---------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0} | {1} -> {2}")
  @CsvSource(delimiter = ' ', value = {
      "backend-1 abc12345 backend-1~abc12345",
      "https://cloud.example.com/ abc https%3A%2F%2Fcloud.example.com%2F~abc",
      "a~b|c x%y a%7Eb%7Cc~x%25y",
      "ünï.code_- t %C3%BCn%C3%AF.code_-~t",
  })
  void entityIdsAreUrlSafeAndReversible(String backend, String token, String entityId) {
    RoomId id = new RoomId(backend, token);
    assertEquals(entityId, id.entityId());
    assertEquals(id, RoomId.fromEntityId(entityId));
    assertTrue(entityId.matches("[A-Za-z0-9._~%-]+"), entityId);
  }

  @Test
  void anEmptyBackendIdIsAllowed() {
    RoomId id = new RoomId("", "abc");
    assertEquals("~abc", id.entityId());
    assertEquals(id, RoomId.fromEntityId("~abc"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"no-separator", "a~b~c", "a b~c", "a~%zz", "a~%4", "a~"})
  void malformedEntityIdsAreRejected(String entityId) {
    assertThrows(IllegalArgumentException.class, () -> RoomId.fromEntityId(entityId));
  }
}
