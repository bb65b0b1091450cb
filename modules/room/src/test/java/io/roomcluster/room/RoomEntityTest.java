package io.roomcluster.room;

import static io.roomcluster.room.Fixtures.NODE_A;
import static io.roomcluster.room.Fixtures.NODE_B;
import static io.roomcluster.room.Fixtures.json;
import static io.roomcluster.room.Fixtures.moderator;
import static io.roomcluster.room.Fixtures.newRoomId;
import static io.roomcluster.room.Fixtures.participant;
import static io.roomcluster.room.Fixtures.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.typesafe.config.ConfigFactory;
import io.roomcluster.room.RecordingPublisher.Published;
import io.roomcluster.room.RecordingPublisher.Relayed;
import io.roomcluster.room.RoomEntity.ChangePermissions;
import io.roomcluster.room.RoomEntity.Command;
import io.roomcluster.room.RoomEntity.DeleteRoom;
import io.roomcluster.room.RoomEntity.GetState;
import io.roomcluster.room.RoomEntity.Join;
import io.roomcluster.room.RoomEntity.Joined;
import io.roomcluster.room.RoomEntity.Leave;
import io.roomcluster.room.RoomEntity.LeaveIfAt;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.SnapshotMeta;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResult;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The room entity through {@link EventSourcedBehaviorTestKit}, which also round-trips every
 * command, event and state through its serializer.
 */
@ExtendWith(LogCapturingExtension.class)
class RoomEntityTest {

  // One ActorSystem for the class (see runtime-feasibility.md §4: no per-method systems).
  private static final ActorTestKit testKit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static final long T0 = 1_700_000_000_000L;
  private static final RoomSettings SETTINGS =
      RoomSettings.fromConfig(testKit.system().settings().config());

  private RoomId roomId;
  private MutableClock clock;
  private RecordingPublisher publisher;
  private TestProbe<ClusterSharding.ShardCommand> shard;
  private EventSourcedBehaviorTestKit<Command, RoomEvent, RoomState> room;

  @BeforeEach
  void newRoom() {
    roomId = newRoomId(); // a fresh persistence id per test: the in-memory journal is shared
    clock = new MutableClock(T0);
    publisher = new RecordingPublisher();
    shard = testKit.createTestProbe(ClusterSharding.ShardCommand.class);
    room = EventSourcedBehaviorTestKit.create(testKit.system(),
        RoomEntity.create(roomId, publisher, SETTINGS, clock,
            FakeMembership.nodesAandB(), Optional.of(shard.ref())));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private Joined join(Participant p) {
    return join(p, null);
  }

  private Joined join(Participant p, com.fasterxml.jackson.databind.JsonNode properties) {
    CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Joined>> result =
        room.runCommand(r -> new Join(p, properties, r));
    assertTrue(result.reply().isSuccess(), () -> "join failed: " + result.reply());
    return result.reply().getValue();
  }

  /** Runs a command that must succeed and returns its result. */
  private CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> ok(
      Function<ActorRef<StatusReply<Done>>, Command> command) {
    return succeeded(command);
  }

  private <R> CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<R>> succeeded(
      Function<ActorRef<StatusReply<R>>, Command> command) {
    CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<R>> result =
        room.runCommand(command::apply);
    assertTrue(result.reply().isSuccess(), () -> "expected success: " + result.reply());
    return result;
  }

  /**
   * Runs a command that must be rejected: error reply, no event, state unchanged, nothing
   * published. Returns the reason.
   */
  private String rejected(Function<ActorRef<StatusReply<Done>>, Command> command) {
    return rejectedWith(command);
  }

  private String rejectedJoin(Function<ActorRef<StatusReply<Joined>>, Command> command) {
    return rejectedWith(command);
  }

  private String rejectedUpdate(
      Function<ActorRef<StatusReply<ParticipantsUpdateResult>>, Command> command) {
    return rejectedWith(command);
  }

  private <R> String rejectedWith(Function<ActorRef<StatusReply<R>>, Command> command) {
    RoomState before = room.getState();
    int publishedBefore = publisher.published.size();
    CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<R>> result =
        room.runCommand(command::apply);
    assertTrue(result.reply().isError(), () -> "expected an error: " + result.reply());
    assertTrue(result.hasNoEvents(), () -> "expected no events: " + result.events());
    assertEquals(before, result.state());
    assertEquals(publishedBefore, publisher.published.size());
    return result.reply().getError().getMessage();
  }

  /** Runs a command that is acknowledged without persisting anything. */
  private void acknowledgedWithoutEvent(Function<ActorRef<StatusReply<Done>>, Command> command) {
    RoomState before = room.getState();
    int publishedBefore = publisher.published.size();
    CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
        room.runCommand(command::apply);
    assertTrue(result.reply().isSuccess(), () -> "expected success: " + result.reply());
    assertTrue(result.hasNoEvents(), () -> "expected no events: " + result.events());
    assertEquals(before, result.state());
    assertEquals(publishedBefore, publisher.published.size());
  }

  private ActiveRoom active() {
    return assertInstanceOf(ActiveRoom.class, room.getState());
  }

  private RoomSnapshot snapshot() {
    return room.<RoomSnapshot>runCommand(GetState::new).reply();
  }

  private Published lastPublished() {
    return publisher.published.get(publisher.published.size() - 1);
  }

  private String persistenceId() {
    return "Room|" + roomId.entityId();
  }

  // ---- happy paths ----------------------------------------------------------------------------

  @Nested
  class Joining {

    @Test
    void firstJoinActivatesTheRoomWithItsProperties() {
      Participant a = participant("a");
      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Joined>> result =
          room.runCommand(r -> new Join(a, properties("Team"), r));

      assertEquals(List.of(new PropertiesUpdated(properties("Team")), new ParticipantJoined(a)),
          result.events());
      ActiveRoom state = result.stateOfType(ActiveRoom.class);
      assertEquals(properties("Team"), state.properties());
      assertEquals(Map.of("a", a), state.participants());

      Joined joined = result.reply().getValue();
      assertEquals(List.of(), joined.others());
      assertEquals(RoomState.Phase.ACTIVE, joined.room().phase());
      assertEquals(roomId, joined.room().roomId());
      assertEquals(List.of(a), joined.room().participants());
      assertEquals(properties("Team"), joined.room().properties());

      // nobody was in the room for the properties; the joiner gets its own join event
      assertEquals(List.of(
              new Published(roomId, new PropertiesUpdated(properties("Team")), List.of()),
              new Published(roomId, new ParticipantJoined(a), List.of("a"))),
          publisher.published);
    }

    @Test
    void joinWithoutPropertiesActivatesTheRoomWithoutProperties() {
      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Joined>> result =
          room.runCommand(r -> new Join(participant("a"), null, r));
      assertEquals(List.of(new ParticipantJoined(participant("a"))), result.events());
      assertNull(result.stateOfType(ActiveRoom.class).properties());
    }

    @Test
    void secondJoinRepliesWithTheOthersAndPublishesToEveryone() {
      join(participant("a"), properties("Team"));
      publisher.clear();
      Participant b = participant("b");

      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Joined>> result =
          room.runCommand(r -> new Join(b, properties("Team"), r));

      // same properties: no PropertiesUpdated
      assertEquals(List.of(new ParticipantJoined(b)), result.events());
      Joined joined = result.reply().getValue();
      assertEquals(List.of(participant("a")), joined.others());
      assertEquals(List.of(participant("a"), b), joined.room().participants());
      assertEquals(List.of(new Published(roomId, new ParticipantJoined(b), List.of("a", "b"))),
          publisher.published);
    }

    @Test
    void joinWithChangedPropertiesUpdatesThemForTheOthersFirst() {
      join(participant("a"), properties("Team"));
      publisher.clear();

      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Joined>> result =
          room.runCommand(r -> new Join(participant("b"), properties("Renamed"), r));

      assertEquals(List.of(new PropertiesUpdated(properties("Renamed")),
          new ParticipantJoined(participant("b"))), result.events());
      assertEquals(properties("Renamed"), result.stateOfType(ActiveRoom.class).properties());
      assertEquals(List.of(
              new Published(roomId, new PropertiesUpdated(properties("Renamed")), List.of("a")),
              new Published(roomId, new ParticipantJoined(participant("b")), List.of("a", "b"))),
          publisher.published);
    }

    @Test
    void rejoinOfTheSameSessionUpdatesItInPlaceAndKeepsTheModeratorMute() {
      join(moderator("m"));
      join(participant("a"));
      join(participant("z"));
      ok(r -> new SetModeratorMute("m", "a", true, false, true, r));

      Participant rejoining = participant("a").withConnection(true, NODE_B).withInCall(3);
      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Joined>> result =
          room.runCommand(r -> new Join(rejoining, null, r));

      Participant expected = rejoining.withMute(new MuteState(true, false));
      assertEquals(List.of(new ParticipantJoined(expected)), result.events());
      ActiveRoom state = result.stateOfType(ActiveRoom.class);
      assertEquals(List.of("m", "a", "z"), List.copyOf(state.participants().keySet()));
      assertEquals(expected, state.participant("a"));
      assertEquals(List.of(moderator("m"), participant("z")), result.reply().getValue().others());
    }
  }

  @Nested
  class Leaving {

    @Test
    void leaveRemovesTheParticipantAndTellsTheOthers() {
      join(participant("a"));
      join(participant("b"));
      publisher.clear();

      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new Leave("a", r));

      assertEquals(List.of(new ParticipantLeft("a")), result.events());
      assertEquals(Map.of("b", participant("b")),
          result.stateOfType(ActiveRoom.class).participants());
      assertEquals(List.of(new Published(roomId, new ParticipantLeft("a"), List.of("b"))),
          publisher.published);
      shard.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void leaveDropsTheSessionsOwnTransientDataAndTellsTheOthers() {
      join(participant("a"));
      join(participant("b"));
      ok(r -> new SetTransient("sd:a", json("{\"speaking\":true}"), null, r));
      ok(r -> new SetTransient("shared", json("1"), null, r));
      publisher.clear();

      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new Leave("a", r));

      TransientRemoved removed = new TransientRemoved("sd:a", json("{\"speaking\":true}"), T0);
      assertEquals(List.of(removed, new ParticipantLeft("a")), result.events());
      assertEquals(Set.of("shared"), result.stateOfType(ActiveRoom.class).transientData().keySet());
      assertEquals(List.of(new Published(roomId, removed, List.of("a", "b")),
          new Published(roomId, new ParticipantLeft("a"), List.of("b"))), publisher.published);
    }

    @Test
    void lastLeaveEmptiesTheRoomDropsTransientDataAndPassivates() {
      join(participant("a"), properties("Team"));
      ok(r -> new SetTransient("shared", json("1"), null, r));

      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new Leave("a", r));

      assertEquals(List.of(new ParticipantLeft("a")), result.events());
      assertEquals(new ActiveRoom(properties("Team"), Map.of(), Map.of()), result.state());
      assertEquals(new Published(roomId, new ParticipantLeft("a"), List.of()), lastPublished());
      ClusterSharding.Passivate<?> passivate =
          shard.expectMessageClass(ClusterSharding.Passivate.class);
      assertNotNull(passivate.entity());
    }

    @Test
    void leaveIfAtTheRecordedNodeIsALeave() {
      join(participant("a"));
      join(participant("b"));
      ok(r -> new SetTransient("sd:a", json("1"), null, r));
      publisher.clear();

      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new LeaveIfAt("a", NODE_A, r));

      TransientRemoved removed = new TransientRemoved("sd:a", json("1"), T0);
      assertEquals(List.of(removed, new ParticipantLeft("a")), result.events());
      assertEquals(Map.of("b", participant("b")),
          result.stateOfType(ActiveRoom.class).participants());
      assertEquals(List.of(new Published(roomId, removed, List.of("a", "b")),
          new Published(roomId, new ParticipantLeft("a"), List.of("b"))), publisher.published);
    }

    @Test
    void leaveIfAtOfTheLastParticipantPassivates() {
      join(participant("a"));
      assertEquals(List.of(new ParticipantLeft("a")),
          ok(r -> new LeaveIfAt("a", NODE_A, r)).events());
      shard.expectMessageClass(ClusterSharding.Passivate.class);
    }

    /** The session expired on node A, but its client resumed on node B meanwhile. */
    @Test
    void leaveIfAtAnotherNodeKeepsTheParticipant() {
      join(participant("a"));
      ok(r -> new SetConnection("a", true, NODE_B, r));
      acknowledgedWithoutEvent(r -> new LeaveIfAt("a", NODE_A, r));
      acknowledgedWithoutEvent(r -> new LeaveIfAt("a", null, r));
      assertEquals(NODE_B, active().participant("a").node());
    }

    @Test
    void leaveIfAtForAnUnknownSessionIsAcknowledged() {
      acknowledgedWithoutEvent(r -> new LeaveIfAt("a", NODE_A, r)); // unused room
      assertSame(EmptyRoom.INSTANCE, room.getState());
      join(participant("a"));
      acknowledgedWithoutEvent(r -> new LeaveIfAt("gone", NODE_A, r));
    }
  }

  @Nested
  class InCall {

    @Test
    void setInCallChangesTheFlagsAndPublishes() {
      join(participant("a"));
      join(participant("b"));

      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new SetInCall("a", 7, r));

      assertEquals(List.of(new InCallChanged("a", 7)), result.events());
      assertEquals(7, result.stateOfType(ActiveRoom.class).participant("a").inCall());
      assertEquals(0, result.stateOfType(ActiveRoom.class).participant("b").inCall());
      assertEquals(new Published(roomId, new InCallChanged("a", 7), List.of("a", "b")),
          lastPublished());
    }

    @Test
    void setInCallToTheCurrentValueIsANoOp() {
      join(participant("a"));
      ok(r -> new SetInCall("a", 3, r));
      acknowledgedWithoutEvent(r -> new SetInCall("a", 3, r));
    }

    @Test
    void setInCallAllChangesEveryone() {
      join(participant("a").withInCall(7));
      join(participant("b"));

      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new SetInCallAll(0, r));

      assertEquals(List.of(new AllInCallChanged(0)), result.events());
      result.stateOfType(ActiveRoom.class).participants().values()
          .forEach(p -> assertEquals(0, p.inCall()));
      assertEquals(new Published(roomId, new AllInCallChanged(0), List.of("a", "b")),
          lastPublished());
      acknowledgedWithoutEvent(r -> new SetInCallAll(0, r));
    }

    @Test
    void setInCallAllOnAnUnusedRoomIsANoOp() {
      acknowledgedWithoutEvent(r -> new SetInCallAll(1, r));
      assertSame(EmptyRoom.INSTANCE, room.getState());
    }
  }

  @Nested
  class Permissions {

    @Test
    void changePermissionsReplacesThemAndPublishes() {
      join(participant("a"));

      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new ChangePermissions("a", Set.of("control", "publish-screen"), r));

      assertEquals(List.of(new PermissionsChanged("a", Set.of("control", "publish-screen"))),
          result.events());
      assertEquals(Set.of("control", "publish-screen"),
          result.stateOfType(ActiveRoom.class).participant("a").permissions());
      assertInstanceOf(PermissionsChanged.class, lastPublished().event());
      acknowledgedWithoutEvent(r -> new ChangePermissions("a", Set.of("publish-screen",
          "control"), r));
    }
  }

  @Nested
  class ModeratorMute {

    @BeforeEach
    void participants() {
      join(moderator("m"));
      join(participant("a"));
      join(participant("c").withPermissions(Set.of("control")));
      join(participant("g").withParticipantType(Participant.TYPE_GUEST_MODERATOR));
      join(participant("o").withParticipantType(Participant.TYPE_OWNER));
    }

    @Test
    void moderatorMutesAudioOnly() {
      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new SetModeratorMute("m", "a", true, false, true, r));

      ModeratorMuteChanged event = new ModeratorMuteChanged("m", "a", new MuteState(true, false));
      assertEquals(List.of(event), result.events());
      assertEquals(new MuteState(true, false),
          result.stateOfType(ActiveRoom.class).participant("a").mute());
      assertEquals(new Published(roomId, event, List.of("m", "a", "c", "g", "o")),
          lastPublished());
    }

    @Test
    void everyModeratingRoleAndTheBackendMayMuteAndUnmute() {
      ok(r -> new SetModeratorMute("c", "a", false, true, true, r)); // permission control
      ok(r -> new SetModeratorMute("g", "a", true, false, true, r)); // guest moderator
      assertEquals(new MuteState(true, true), active().participant("a").mute());
      ok(r -> new SetModeratorMute("o", "a", true, false, false, r)); // owner unmutes audio
      assertEquals(new MuteState(false, true), active().participant("a").mute());
      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> byBackend =
          ok(r -> new SetModeratorMute(null, "a", true, true, false, r));
      assertEquals(List.of(new ModeratorMuteChanged(null, "a", MuteState.NONE)),
          byBackend.events());
      assertEquals(MuteState.NONE, active().participant("a").mute());
    }

    @Test
    void mutingWhatIsAlreadyMutedIsANoOp() {
      ok(r -> new SetModeratorMute("m", "a", true, true, true, r));
      acknowledgedWithoutEvent(r -> new SetModeratorMute("m", "a", true, false, true, r));
    }

    @Test
    void aParticipantWithoutControlMayNotMute() {
      String reason = rejected(r -> new SetModeratorMute("a", "m", true, true, true, r));
      assertTrue(reason.contains("may not mute"), reason);
    }

    @Test
    void muteOfAnUnknownTargetOrByAnUnknownActorIsRejected() {
      assertEquals("unknown session nobody",
          rejected(r -> new SetModeratorMute("m", "nobody", true, true, true, r)));
      assertEquals("unknown session nobody",
          rejected(r -> new SetModeratorMute("nobody", "a", true, true, true, r)));
    }

    @Test
    void muteSelectingNeitherAudioNorVideoIsRejected() {
      String reason = rejected(r -> new SetModeratorMute("m", "a", false, false, true, r));
      assertTrue(reason.contains("nothing selected"), reason);
    }
  }

  @Nested
  class Properties {

    @Test
    void updatePropertiesOnAnUnusedRoomActivatesIt() {
      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new UpdateProperties(properties("Team"), r));
      assertEquals(List.of(new PropertiesUpdated(properties("Team"))), result.events());
      assertEquals(new ActiveRoom(properties("Team"), Map.of(), Map.of()), result.state());
    }

    @Test
    void updatePropertiesReplacesThemAndIdenticalOnesAreANoOp() {
      join(participant("a"), properties("Team"));

      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new UpdateProperties(properties("Renamed"), r));

      assertEquals(List.of(new PropertiesUpdated(properties("Renamed"))), result.events());
      assertEquals(properties("Renamed"), result.stateOfType(ActiveRoom.class).properties());
      assertEquals(
          new Published(roomId, new PropertiesUpdated(properties("Renamed")), List.of("a")),
          lastPublished());
      acknowledgedWithoutEvent(r -> new UpdateProperties(properties("Renamed"), r));
    }
  }

  @Nested
  class BackendParticipantsUpdate {

    @Test
    void appliesUpdatesForKnownSessionsAndIgnoresTheRest() {
      join(participant("a"));
      join(participant("b"));
      ParticipantUpdate forA = new ParticipantUpdate("a", Participant.TYPE_MODERATOR,
          Set.of("control"), 7);
      ParticipantUpdate forB = new ParticipantUpdate("b", null, null, 1);
      ParticipantUpdate forStranger = new ParticipantUpdate("stranger", 3, null, 1);

      CommandResultWithReply<Command, RoomEvent, RoomState,
          StatusReply<ParticipantsUpdateResult>> result =
          succeeded(r -> new UpdateParticipants(List.of(forA, forStranger, forB), r));

      assertEquals(new ParticipantsUpdateResult(List.of(forA, forB), List.of("stranger")),
          result.reply().getValue());
      assertEquals(List.of(new ParticipantsUpdated(List.of(forA, forB))), result.events());
      ActiveRoom state = result.stateOfType(ActiveRoom.class);
      assertEquals(participant("a").withParticipantType(2).withPermissions(Set.of("control"))
          .withInCall(7), state.participant("a"));
      assertEquals(participant("b").withInCall(1), state.participant("b"));
      assertEquals(new Published(roomId, new ParticipantsUpdated(List.of(forA, forB)),
          List.of("a", "b")), lastPublished());
    }

    @Test
    void updatesThatChangeNothingOrNameOnlyStrangersPersistNothing() {
      join(participant("a"));
      ParticipantUpdate same = new ParticipantUpdate("a", Participant.TYPE_USER, null, 0);
      ParticipantUpdate stranger = new ParticipantUpdate("stranger", null, null, 1);

      CommandResultWithReply<Command, RoomEvent, RoomState,
          StatusReply<ParticipantsUpdateResult>> result =
          room.runCommand(r -> new UpdateParticipants(List.of(same, stranger), r));

      assertEquals(new ParticipantsUpdateResult(List.of(same), List.of("stranger")),
          result.reply().getValue());
      assertTrue(result.hasNoEvents());
    }

    @Test
    void onAnUnusedRoomEverySessionIsIgnored() {
      ParticipantUpdate update = new ParticipantUpdate("a", null, null, 1);
      CommandResultWithReply<Command, RoomEvent, RoomState,
          StatusReply<ParticipantsUpdateResult>> result =
          room.runCommand(r -> new UpdateParticipants(List.of(update), r));
      assertEquals(new ParticipantsUpdateResult(List.of(), List.of("a")),
          result.reply().getValue());
      assertTrue(result.hasNoEvents());
      assertSame(EmptyRoom.INSTANCE, result.state());
    }
  }

  @Nested
  class TransientData {

    @BeforeEach
    void participants() {
      join(participant("a"));
      join(participant("b"));
      publisher.clear();
    }

    @Test
    void setStoresTheValueAndPublishesToEveryone() {
      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new SetTransient("foo", json("{\"any\":\"json\"}"), null, r));

      TransientSet event = new TransientSet("foo", json("{\"any\":\"json\"}"), null, null, T0);
      assertEquals(List.of(event), result.events());
      assertEquals(Map.of("foo", new TransientEntry(json("{\"any\":\"json\"}"), null)),
          result.stateOfType(ActiveRoom.class).transientData());
      assertEquals(List.of(new Published(roomId, event, List.of("a", "b"))), publisher.published);
    }

    @Test
    void settingAnIdenticalValueIsANoOpAndAChangeCarriesTheOldValue() {
      ok(r -> new SetTransient("foo", json("1"), null, r));
      acknowledgedWithoutEvent(r -> new SetTransient("foo", json("1"), 60_000L, r));

      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new SetTransient("foo", json("2"), null, r));
      assertEquals(List.of(new TransientSet("foo", json("2"), json("1"), null, T0)),
          result.events());
    }

    @Test
    void removeDropsTheKeyAndCarriesTheOldValue() {
      ok(r -> new SetTransient("foo", json("1"), null, r));
      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new RemoveTransient("foo", r));
      assertEquals(List.of(new TransientRemoved("foo", json("1"), T0)), result.events());
      assertEquals(Map.of(), result.stateOfType(ActiveRoom.class).transientData());
      assertEquals(new Published(roomId, new TransientRemoved("foo", json("1"), T0),
          List.of("a", "b")), lastPublished());
    }

    /** Decision: removing a missing key is acknowledged without an event (idempotent, no race). */
    @Test
    void removeOfAMissingKeyIsAcknowledgedWithoutAnEvent() {
      acknowledgedWithoutEvent(r -> new RemoveTransient("missing", r));
    }

    @Test
    void settingNullRemovesTheKey() {
      ok(r -> new SetTransient("foo", json("1"), null, r));
      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new SetTransient("foo", json("null"), null, r));
      assertEquals(List.of(new TransientRemoved("foo", json("1"), T0)), result.events());
    }

    @Test
    void expiredEntriesAreHiddenOnReadAndDroppedWhenTheMapIsTouched() {
      ok(r -> new SetTransient("short", json("\"s\""), 1_000L, r));
      ok(r -> new SetTransient("long", json("\"l\""), 10_000L, r));
      ok(r -> new SetTransient("forever", json("\"f\""), null, r));
      assertEquals(Set.of("short", "long", "forever"), snapshot().transientData().keySet());
      assertEquals(new TransientEntry(json("\"s\""), T0 + 1_000L),
          snapshot().transientData().get("short"));

      clock.advance(Duration.ofMillis(999));
      assertEquals(Set.of("short", "long", "forever"), snapshot().transientData().keySet());

      clock.advance(Duration.ofMillis(1)); // exactly at the expiry
      assertEquals(Set.of("long", "forever"), snapshot().transientData().keySet());
      // read-only: the persistent state still holds it ...
      assertEquals(Set.of("short", "long", "forever"), active().transientData().keySet());

      // ... until a transient change touches the map
      long now = T0 + 1_000L;
      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(r -> new SetTransient("other", json("1"), null, r));
      assertEquals(List.of(new TransientSet("other", json("1"), null, null, now)),
          result.events());
      assertEquals(Set.of("long", "forever", "other"),
          result.stateOfType(ActiveRoom.class).transientData().keySet());

      // an expired value is gone: setting it again is a change, not a no-op, and has no old value
      clock.advance(Duration.ofMillis(9_000));
      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> again =
          ok(r -> new SetTransient("long", json("\"l\""), null, r));
      assertEquals(List.of(new TransientSet("long", json("\"l\""), null, null, T0 + 10_000L)),
          again.events());
      // removing an expired key is like removing a missing one
      ok(r -> new SetTransient("brief", json("1"), 5L, r));
      clock.advance(Duration.ofMillis(5));
      acknowledgedWithoutEvent(r -> new RemoveTransient("brief", r));
      // and a restart replays to exactly the same state
      assertEquals(room.getState(), room.restart().state());
    }

    @Test
    void joinReplyCarriesTheUnexpiredTransientData() {
      ok(r -> new SetTransient("k", json("1"), 1_000L, r));
      ok(r -> new SetTransient("j", json("2"), null, r));
      clock.advance(Duration.ofSeconds(2));
      Joined joined = join(participant("c"));
      assertEquals(Map.of("j", new TransientEntry(json("2"), null)),
          joined.room().transientData());
    }
  }

  @Nested
  class Connection {

    @Test
    void disconnectAndResumeOnAnotherNode() {
      join(participant("a"));
      join(participant("b"));

      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> lost =
          ok(r -> new SetConnection("a", false, NODE_A, r));
      assertEquals(List.of(new ConnectionChanged("a", false, NODE_A)), lost.events());
      assertEquals(participant("a").withConnection(false, NODE_A),
          lost.stateOfType(ActiveRoom.class).participant("a"));

      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> resumed =
          ok(r -> new SetConnection("a", true, NODE_B, r));
      assertEquals(List.of(new ConnectionChanged("a", true, NODE_B)), resumed.events());
      assertEquals(NODE_B, resumed.stateOfType(ActiveRoom.class).participant("a").node());
      assertEquals(new Published(roomId, new ConnectionChanged("a", true, NODE_B),
          List.of("a", "b")), lastPublished());

      acknowledgedWithoutEvent(r -> new SetConnection("a", true, NODE_B, r));
    }
  }

  @Nested
  class Deletion {

    @Test
    void deleteEndsTheRoomTellsThoseInItAndPassivates() {
      join(participant("a"), properties("Team"));
      join(participant("b"));

      CommandResultWithReply<Command, RoomEvent, RoomState, StatusReply<Done>> result =
          ok(DeleteRoom::new);

      assertEquals(List.of(new RoomDeleted()), result.events());
      assertSame(DeletedRoom.INSTANCE, result.state());
      assertEquals(new Published(roomId, new RoomDeleted(), List.of("a", "b")), lastPublished());
      shard.expectMessageClass(ClusterSharding.Passivate.class);
      RoomSnapshot snapshot = snapshot();
      assertEquals(new RoomSnapshot(roomId, RoomState.Phase.DELETED, null, List.of(), Map.of()),
          snapshot);
    }

    @Test
    void deletingAnUnusedRoomPersistsNothing() {
      acknowledgedWithoutEvent(DeleteRoom::new);
      assertSame(EmptyRoom.INSTANCE, room.getState());
    }

    /** Every command to a deleted room gets an error; GetState still answers; relays vanish. */
    @TestFactory
    Stream<DynamicTest> everyCommandToADeletedRoomIsRejected() {
      join(participant("a"));
      ok(DeleteRoom::new);
      Participant b = participant("b");
      List<Pair<String, Function<ActorRef<StatusReply<Object>>, Command>>> commands = List.of(
          cmd("Join", r -> new Join(b, properties("x"), cast(r))),
          cmd("Leave", r -> new Leave("a", cast(r))),
          cmd("LeaveIfAt", r -> new LeaveIfAt("a", NODE_A, cast(r))),
          cmd("SetInCall", r -> new SetInCall("a", 1, cast(r))),
          cmd("SetInCallAll", r -> new SetInCallAll(1, cast(r))),
          cmd("ChangePermissions", r -> new ChangePermissions("a", Set.of(), cast(r))),
          cmd("SetModeratorMute", r -> new SetModeratorMute(null, "a", true, true, true, cast(r))),
          cmd("UpdateProperties", r -> new UpdateProperties(properties("x"), cast(r))),
          cmd("UpdateParticipants", r -> new UpdateParticipants(List.of(), cast(r))),
          cmd("SetTransient", r -> new SetTransient("k", json("1"), null, cast(r))),
          cmd("RemoveTransient", r -> new RemoveTransient("k", cast(r))),
          cmd("SetConnection", r -> new SetConnection("a", true, NODE_A, cast(r))),
          cmd("DeleteRoom", r -> new DeleteRoom(cast(r))));
      Stream<DynamicTest> rejected = commands.stream().map(c -> dynamicTest(c.first(), () -> {
        String reason = rejectedWith(c.second());
        assertEquals("room " + roomId + " was deleted", reason);
      }));
      Stream<DynamicTest> others = Stream.of(
          dynamicTest("GetState", () -> assertEquals(RoomState.Phase.DELETED, snapshot().phase())),
          dynamicTest("RelayToRoom", () -> {
            CommandResult<Command, RoomEvent, RoomState> result =
                room.runCommand(RelayToRoom.unacknowledged("a", false, "{}"));
            assertTrue(result.hasNoEvents());
            assertEquals(List.of(), publisher.relayed);
          }));
      return Stream.concat(rejected, others);
    }
  }

  private static Pair<String, Function<ActorRef<StatusReply<Object>>, Command>> cmd(String name,
      Function<ActorRef<StatusReply<Object>>, Command> command) {
    return Pair.create(name, command);
  }

  /** Lets one table hold commands of different reply types; the test only reads the error. */
  @SuppressWarnings("unchecked")
  private static <T> ActorRef<T> cast(ActorRef<?> ref) {
    return (ActorRef<T>) ref;
  }

  @Nested
  class GetStateInEveryPhase {

    @Test
    void anUnusedRoomIsEmpty() {
      CommandResultWithReply<Command, RoomEvent, RoomState, RoomSnapshot> result =
          room.runCommand(GetState::new);
      assertEquals(new RoomSnapshot(roomId, RoomState.Phase.EMPTY, null, List.of(), Map.of()),
          result.reply());
      assertTrue(result.hasNoEvents());
    }

    @Test
    void anActiveRoomShowsEverything() {
      join(participant("a").withInCall(3), properties("Team"));
      ok(r -> new SetTransient("k", json("1"), null, r));
      assertEquals(new RoomSnapshot(roomId, RoomState.Phase.ACTIVE, properties("Team"),
              List.of(participant("a").withInCall(3)),
              Map.of("k", new TransientEntry(json("1"), null))),
          snapshot());
    }
  }

  @Nested
  class Relay {

    @BeforeEach
    void participants() {
      join(participant("sender"));
      join(participant("inCall").withInCall(Participant.IN_CALL | Participant.WITH_AUDIO));
      join(participant("phone").withInCall(Participant.WITH_PHONE)); // bit 1 not set
      join(participant("watching"));
      join(participant("away").withInCall(7).withConnection(false, NODE_B));
      join(participant("elsewhere").withInCall(1).withConnection(true, NODE_B));
      publisher.clear();
    }

    @Test
    void roomMessagesGoToEveryConnectedParticipantButTheSender() {
      CommandResult<Command, RoomEvent, RoomState> result =
          room.runCommand(RelayToRoom.unacknowledged("sender", false, "{\"hello\":1}"));
      assertTrue(result.hasNoEvents());
      assertEquals(List.of(new Relayed(roomId, "sender", false,
              List.of("inCall", "phone", "watching", "elsewhere"), "{\"hello\":1}")),
          publisher.relayed);
      assertEquals(List.of(), publisher.published);
    }

    @Test
    void callMessagesGoOnlyToConnectedParticipantsInTheCall() {
      room.runCommand(RelayToRoom.unacknowledged("sender", true, "{\"offer\":1}"));
      assertEquals(List.of(new Relayed(roomId, "sender", true,
          List.of("inCall", "elsewhere"), "{\"offer\":1}")), publisher.relayed);
    }

    @Test
    void messagesFromNonParticipantsAreDroppedSilently() {
      CommandResult<Command, RoomEvent, RoomState> result =
          room.runCommand(RelayToRoom.unacknowledged("stranger", false, "{}"));
      assertTrue(result.hasNoEvents());
      assertEquals(List.of(), publisher.relayed);
    }

    @Test
    void acknowledgedRelaysAreAnsweredAndARetriedOneIsRelayedOnce() {
      TestProbe<RoomEntity.RelayAck> acks = testKit.createTestProbe();
      room.runCommand(new RelayToRoom("sender", false, "{\"n\":1}", 1, 1, acks.ref()));
      room.runCommand(new RelayToRoom("sender", false, "{\"n\":2}", 2, 1, acks.ref()));
      room.runCommand(new RelayToRoom("sender", false, "{\"n\":1}", 1, 1, acks.ref())); // ack was late
      assertEquals(new RoomEntity.RelayAck(1), acks.receiveMessage());
      assertEquals(new RoomEntity.RelayAck(2), acks.receiveMessage());
      assertEquals(new RoomEntity.RelayAck(1), acks.receiveMessage(), "a repeat is acknowledged too");
      assertEquals(List.of("{\"n\":1}", "{\"n\":2}"),
          publisher.relayed.stream().map(Relayed::payload).toList(), "relayed once each");
    }

    @Test
    void aRetryOfARelayTheRoomNeverSawIsRelayedHoweverManyNewerOnesCameFirst() {
      // A shard's hand-off dropped number 3 with the region's buffer; the room moved and relayed
      // 4..600 while the sender waited its ack timeout (the sender's floor stays at 3 meanwhile).
      TestProbe<RoomEntity.RelayAck> acks = testKit.createTestProbe();
      room.runCommand(new RelayToRoom("sender", false, "{\"n\":1}", 1, 1, acks.ref()));
      room.runCommand(new RelayToRoom("sender", false, "{\"n\":2}", 2, 1, acks.ref()));
      for (int n = 4; n <= 600; n++) {
        room.runCommand(new RelayToRoom("sender", false, "{\"n\":" + n + "}", n, 3, acks.ref()));
      }
      room.runCommand(new RelayToRoom("sender", false, "{\"n\":3}", 3, 3, acks.ref())); // the retry
      room.runCommand(new RelayToRoom("sender", false, "{\"n\":3}", 3, 3, acks.ref())); // its late twin
      room.runCommand(new RelayToRoom("sender", false, "{\"n\":2}", 2, 1, acks.ref())); // stale
      acks.receiveSeveralMessages(602);
      List<String> relayed = publisher.relayed.stream().map(Relayed::payload).toList();
      assertEquals(600, relayed.size(), "every number once, the late retry included");
      assertEquals("{\"n\":3}", relayed.get(599));
    }

    @Test
    void aDroppedAcknowledgedRelayIsAcknowledgedSoThatItIsNotRetried() {
      TestProbe<RoomEntity.RelayAck> acks = testKit.createTestProbe();
      room.runCommand(new RelayToRoom("stranger", false, "{}", 7, 7, acks.ref()));
      assertEquals(new RoomEntity.RelayAck(7), acks.receiveMessage());
      assertEquals(List.of(), publisher.relayed);
    }

    @Test
    void anAcknowledgedBroadcastIsAnsweredOnceRelayedAndByAnUnusedRoom() {
      TestProbe<Done> acks = testKit.createTestProbe();
      room.runCommand(new RoomEntity.Broadcast("{\"chat\":1}", null, acks.ref()));
      acks.expectMessage(Done.getInstance());
      assertEquals(List.of("{\"chat\":1}"), publisher.relayed.stream().map(Relayed::payload).toList());

      // A room nothing was persisted for has no one to tell, and says so rather than time out.
      EventSourcedBehaviorTestKit<Command, RoomEvent, RoomState> unused =
          EventSourcedBehaviorTestKit.create(testKit.system(), RoomEntity.create(newRoomId(),
              publisher, SETTINGS, clock, FakeMembership.nodesAandB(), Optional.empty()));
      unused.runCommand(new RoomEntity.Broadcast("{\"chat\":2}", null, acks.ref()));
      acks.expectMessage(Done.getInstance());
      unused.runCommand(RoomEntity.Broadcast.unacknowledged("{\"chat\":3}", null));
      acks.expectNoMessage(java.time.Duration.ofMillis(100));
      assertEquals(1, publisher.relayed.size());
    }

    @Test
    void relaysInAnUnusedRoomAreDropped() {
      EventSourcedBehaviorTestKit<Command, RoomEvent, RoomState> unused =
          EventSourcedBehaviorTestKit.create(testKit.system(), RoomEntity.create(newRoomId(),
              publisher, SETTINGS, clock, FakeMembership.nodesAandB(), Optional.empty()));
      assertTrue(unused.runCommand(RelayToRoom.unacknowledged("sender", false, "{}")).hasNoEvents());
      assertEquals(List.of(), publisher.relayed);
    }
  }

  @Nested
  class Snapshots {

    @Test
    void aSnapshotIsTakenEveryNEventsAndRestoresTheStateExactly() {
      assertEquals(5, SETTINGS.snapshotEvery()); // src/test/resources/application.conf
      join(participant("a"), properties("Team"));                        // events 1, 2
      join(moderator("m"));                                              // 3
      ok(r -> new SetInCall("a", 7, r));                                 // 4
      ok(r -> new SetTransient("k", json("{\"x\":[1,2]}"), 60_000L, r)); // 5: snapshot

      List<Pair<SnapshotMeta, Object>> snapshots =
          room.snapshotTestKit().orElseThrow().persistedInStorage(persistenceId());
      assertEquals(1, snapshots.size());
      assertEquals(5L, snapshots.get(0).first().sequenceNr());
      RoomState state = room.getState();
      assertEquals(state, snapshots.get(0).second());

      // without the events, only the snapshot can bring the state back
      room.persistenceTestKit().clearByIdPreservingSeqNumbers(persistenceId());
      assertEquals(state, room.restart().state());
    }

    @Test
    void restartReplaysEveryKindOfEventToTheSameState() {
      join(participant("a"), properties("Team"));
      join(moderator("m"));
      join(participant("b"));
      ok(r -> new SetInCall("a", 7, r));
      ok(r -> new SetInCallAll(3, r));
      ok(r -> new ChangePermissions("b", Set.of("publish-screen"), r));
      ok(r -> new SetModeratorMute("m", "a", true, true, true, r));
      ok(r -> new UpdateProperties(properties("Renamed"), r));
      CommandResultWithReply<Command, RoomEvent, RoomState,
          StatusReply<ParticipantsUpdateResult>> updated = succeeded(
              r -> new UpdateParticipants(List.of(new ParticipantUpdate("b", 4, null, 9)), r));
      assertEquals(List.of("b"), updated.reply().getValue().applied().stream()
          .map(ParticipantUpdate::sessionId).toList());
      ok(r -> new SetTransient("k", json("1"), 60_000L, r));
      ok(r -> new SetTransient("sd:b", json("2"), null, r));
      ok(r -> new RemoveTransient("k", r));
      ok(r -> new SetConnection("a", false, NODE_A, r));
      ok(r -> new Leave("b", r));
      RoomState state = room.getState();
      assertEquals(state, room.restart().state());
    }
  }

  // ---- rejections -----------------------------------------------------------------------------

  @Nested
  class Rejections {

    @BeforeEach
    void participants() {
      join(participant("a"));
    }

    @Test
    void commandsForAnUnknownSession() {
      assertEquals("unknown session x", rejected(r -> new Leave("x", r)));
      assertEquals("unknown session x", rejected(r -> new SetInCall("x", 1, r)));
      assertEquals("unknown session x",
          rejected(r -> new ChangePermissions("x", Set.of("control"), r)));
      assertEquals("unknown session x", rejected(r -> new SetConnection("x", true, NODE_A, r)));
    }

    @Test
    void commandsForAnUnknownSessionInAnUnusedRoom() {
      EventSourcedBehaviorTestKit<Command, RoomEvent, RoomState> unused =
          EventSourcedBehaviorTestKit.create(testKit.system(), RoomEntity.create(newRoomId(),
              publisher, SETTINGS, clock, FakeMembership.nodesAandB(), Optional.empty()));
      room = unused;
      assertEquals("unknown session a", rejected(r -> new Leave("a", r)));
      assertEquals("unknown session a", rejected(r -> new SetInCall("a", 1, r)));
      assertEquals("unknown session a", rejected(r -> new ChangePermissions("a", Set.of(), r)));
      assertEquals("unknown session a", rejected(r -> new SetConnection("a", false, null, r)));
      assertEquals("unknown session a",
          rejected(r -> new SetModeratorMute(null, "a", true, true, true, r)));
      assertSame(EmptyRoom.INSTANCE, room.getState());
    }

    @ParameterizedTest(name = "inCall = {0}")
    @ValueSource(ints = {-1, 16, 17, 32, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void inCallFlagsOutsideTheKnownBits(int inCall) {
      String expected = "invalid in-call flags " + inCall;
      assertEquals(expected, rejected(r -> new SetInCall("a", inCall, r)));
      assertEquals(expected, rejected(r -> new SetInCallAll(inCall, r)));
      assertEquals(expected, rejectedJoin(r -> new Join(participant("b").withInCall(inCall), null, r)));
      assertEquals(expected + " for session a", rejectedUpdate(r -> new UpdateParticipants(
          List.of(new ParticipantUpdate("a", null, null, inCall)), r)));
    }

    @ParameterizedTest(name = "inCall = {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 7, 8, 9, 15})
    void everyCombinationOfTheKnownFlagsIsAccepted(int inCall) {
      ok(r -> new SetInCall("a", inCall, r));
      assertEquals(inCall, active().participant("a").inCall());
    }

    @ParameterizedTest(name = "participantType = {0}")
    @ValueSource(ints = {-1, 7, 100})
    void participantTypeOutsideZeroToSix(int type) {
      assertEquals("invalid participant type " + type,
          rejectedJoin(r -> new Join(participant("b").withParticipantType(type), null, r)));
      assertEquals("invalid participant type " + type + " for session a",
          rejectedUpdate(r -> new UpdateParticipants(
              List.of(new ParticipantUpdate("a", type, null, null)), r)));
    }

    @Test
    void oneBadEntryRejectsTheWholeParticipantsUpdate() {
      rejectedUpdate(r -> new UpdateParticipants(List.of(new ParticipantUpdate("a", null, null, 1),
          new ParticipantUpdate("a", 9, null, null)), r));
      assertEquals("participant update without session id", rejectedUpdate(r -> new UpdateParticipants(
          List.of(new ParticipantUpdate(" ", null, null, 1)), r)));
      assertEquals("participant updates missing",
          rejectedUpdate(r -> new UpdateParticipants(null, r)));
    }

    @Test
    void emptyOrMissingTransientKeys() {
      String expected = "transient key must not be empty";
      assertEquals(expected, rejected(r -> new SetTransient("", json("1"), null, r)));
      assertEquals(expected, rejected(r -> new SetTransient("  ", json("1"), null, r)));
      assertEquals(expected, rejected(r -> new SetTransient(null, json("1"), null, r)));
      assertEquals(expected, rejected(r -> new RemoveTransient("", r)));
      assertEquals(expected, rejected(r -> new RemoveTransient(null, r)));
    }

    @Test
    void nonPositiveTransientTtl() {
      assertEquals("transient ttl must be positive, was 0",
          rejected(r -> new SetTransient("k", json("1"), 0L, r)));
      assertEquals("transient ttl must be positive, was -5",
          rejected(r -> new SetTransient("k", json("1"), -5L, r)));
    }

    @Test
    void transientDataNeedsParticipants() {
      ok(r -> new Leave("a", r));
      assertEquals("room " + roomId + " has no participants",
          rejected(r -> new SetTransient("k", json("1"), null, r)));
    }

    @Test
    void malformedJoins() {
      assertEquals("join without participant", rejectedJoin(r -> new Join(null, null, r)));
      Participant noId = new Participant(" ", "u", "nc", 3, Set.of(), 0, null, true, NODE_A,
          null, null);
      assertEquals("join without session id", rejectedJoin(r -> new Join(noId, null, r)));
      assertEquals("a connected participant needs the node that holds its connection",
          rejectedJoin(r -> new Join(participant("b").withConnection(true, null), null, r)));
    }

    @Test
    void missingValues() {
      assertEquals("properties missing", rejected(r -> new UpdateProperties(null, r)));
      assertEquals("properties missing", rejected(r -> new UpdateProperties(json("null"), r)));
      assertEquals("permissions missing", rejected(r -> new ChangePermissions("a", null, r)));
      assertEquals("a connected session needs the node that holds its connection",
          rejected(r -> new SetConnection("a", true, " ", r)));
    }
  }
}
