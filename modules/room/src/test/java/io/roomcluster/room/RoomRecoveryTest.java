package io.roomcluster.room;

import static io.roomcluster.room.Fixtures.NODE_A;
import static io.roomcluster.room.Fixtures.json;
import static io.roomcluster.room.Fixtures.moderator;
import static io.roomcluster.room.Fixtures.participant;
import static io.roomcluster.room.Fixtures.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.room.RoomEntity.ChangePermissions;
import io.roomcluster.room.RoomEntity.Command;
import io.roomcluster.room.RoomEntity.GetState;
import io.roomcluster.room.RoomEntity.Join;
import io.roomcluster.room.RoomEntity.Joined;
import io.roomcluster.room.RoomEntity.Leave;
import io.roomcluster.room.RoomEntity.ParticipantsUpdateResult;
import io.roomcluster.room.RoomEntity.SetConnection;
import io.roomcluster.room.RoomEntity.SetInCall;
import io.roomcluster.room.RoomEntity.SetModeratorMute;
import io.roomcluster.room.RoomEntity.SetTransient;
import io.roomcluster.room.RoomEntity.UpdateParticipants;
import io.roomcluster.room.RoomEntity.UpdateProperties;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A room persisted through Cluster Sharding on the real JDBC journal and snapshot store (H2 in a
 * file) survives the end of its ActorSystem: a new ActorSystem on the same database answers
 * {@code GetState} with exactly the same room.
 */
@ExtendWith(LogCapturingExtension.class)
class RoomRecoveryTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private String jdbcUrl() {
    return "jdbc:h2:file:" + dir.resolve("roomdb").toAbsolutePath();
  }

  /** A one-node cluster with the room entity registered. */
  private ActorSystem<Void> startNode(RoomEventPublisher publisher) throws Exception {
    JdbcClusterNodes nodes = new JdbcClusterNodes(jdbcUrl());
    // snapshots and trailing events both take part in the recovery
    ActorSystem<Void> system = nodes.start("RoomRecoveryTest",
        nodes.config("roomcluster.room.snapshot-every = 4"), null);
    RoomEntity.init(system, publisher);
    return system;
  }

  private static <R> R ask(EntityRef<Command> room,
      Function<ActorRef<StatusReply<R>>, Command> command) throws Exception {
    CompletionStage<R> reply = room.askWithStatus(command::apply, TIMEOUT);
    return reply.toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static void done(EntityRef<Command> room,
      Function<ActorRef<StatusReply<Done>>, Command> command) throws Exception {
    assertEquals(Done.getInstance(), ask(room, command));
  }

  private static Joined join(EntityRef<Command> room, Participant p, JsonNode properties)
      throws Exception {
    return ask(room, (ActorRef<StatusReply<Joined>> r) -> new Join(p, properties, r));
  }

  private static RoomSnapshot state(EntityRef<Command> room) throws Exception {
    return room.<RoomSnapshot>ask(GetState::new, TIMEOUT)
        .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private void shutdownDatabase() throws SQLException {
    new JdbcClusterNodes(jdbcUrl()).shutdownDatabase();
  }

  @Test
  void aNewActorSystemRecoversExactlyTheSameRoom() throws Exception {
    RoomId roomId = new RoomId("https://cloud.example.com/", "abc12345");
    RecordingPublisher publisher = new RecordingPublisher();
    RoomSnapshot before;

    ActorSystem<Void> first = startNode(publisher);
    try {
      EntityRef<Command> room = RoomEntity.entityRef(ClusterSharding.get(first), roomId);
      Joined joined = join(room, participant("a"), properties("Team"));
      assertEquals(List.of(), joined.others());
      join(room, moderator("m"), null);
      join(room, participant("b").withInCall(1), null);
      join(room, participant("c"), null);
      done(room, r -> new SetInCall("a", 7, r));
      done(room, r -> new ChangePermissions("b", Set.of("publish-screen", "transient-data"), r));
      done(room, r -> new SetModeratorMute("m", "b", true, false, true, r));
      done(room, r -> new UpdateProperties(properties("Renamed"), r));
      ParticipantsUpdateResult updated = ask(room,
          (ActorRef<StatusReply<ParticipantsUpdateResult>> r) -> new UpdateParticipants(
              List.of(new ParticipantUpdate("c", Participant.TYPE_GUEST, null, 9)), r));
      assertEquals(List.of("c"), updated.applied().stream()
          .map(ParticipantUpdate::sessionId).toList());
      done(room, r -> new SetTransient("shared", json("{\"x\":[1,2,{\"y\":null}]}"), null, r));
      done(room, r -> new SetTransient("sd:a", json("\"talking\""), 3_600_000L, r));
      done(room, r -> new SetConnection("c", false, NODE_A, r));
      join(room, participant("d"), null);
      done(room, r -> new Leave("d", r));

      before = state(room);
      assertEquals(RoomState.Phase.ACTIVE, before.phase());
      assertEquals(List.of("a", "m", "b", "c"),
          before.participants().stream().map(Participant::sessionId).toList());
      assertFalse(publisher.published.isEmpty(), "the publisher saw the events");
    } finally {
      ActorTestKit.shutdown(first, TIMEOUT);
    }
    shutdownDatabase(); // the next node reads the file from scratch

    assertJournalHoldsVersionedJson();

    ActorSystem<Void> second = startNode(RoomEventPublisher.NONE);
    try {
      EntityRef<Command> room = RoomEntity.entityRef(ClusterSharding.get(second), roomId);
      RoomSnapshot after = state(room);
      assertEquals(before, after);
      // spot checks, should the snapshot type ever lose a field
      assertEquals(7, after.participant("a").inCall());
      assertEquals(Set.of("publish-screen", "transient-data"),
          after.participant("b").permissions());
      assertEquals(new MuteState(true, false), after.participant("b").mute());
      assertEquals(9, after.participant("c").inCall());
      assertFalse(after.participant("c").connected());
      assertEquals(properties("Renamed"), after.properties());
      assertEquals(Set.of("shared", "sd:a"), after.transientData().keySet());

      // and it carries on from where it was
      done(room, r -> new SetInCall("a", 0, r));
      assertEquals(0, state(room).participant("a").inCall());
    } finally {
      ActorTestKit.shutdown(second, TIMEOUT);
    }
  }

  /**
   * Events and snapshots are JSON with the schema version in the manifest. (The journal also holds
   * sharding's remembered entities, under their own persistence ids.)
   */
  private void assertJournalHoldsVersionedJson() throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl(), "sa", "");
        Statement s = c.createStatement()) {
      List<String> manifests = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(
          "SELECT \"event_ser_manifest\", \"event_ser_id\" FROM \"event_journal\""
              + " WHERE \"persistence_id\" LIKE 'Room|%'")) {
        while (rs.next()) {
          manifests.add(rs.getString(1));
          assertEquals(31, rs.getInt(2), "jackson-json serializer id");
        }
      }
      assertEquals(15, manifests.size()); // 2 for the first join, then one per command
      manifests.forEach(m -> assertTrue(m.startsWith("io.roomcluster.room.RoomEvent$")
          && m.endsWith("#1"), m));
      try (ResultSet rs = s.executeQuery(
          "SELECT \"snapshot_ser_manifest\", \"sequence_number\" FROM \"snapshot\""
              + " WHERE \"persistence_id\" LIKE 'Room|%'")) {
        assertTrue(rs.next(), "a snapshot was written");
        assertEquals("io.roomcluster.room.ActiveRoom#1", rs.getString(1));
      }
    }
    shutdownDatabase();
  }
}
