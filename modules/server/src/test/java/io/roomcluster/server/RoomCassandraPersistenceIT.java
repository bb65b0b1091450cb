package io.roomcluster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.roomcluster.room.MuteState;
import io.roomcluster.room.Participant;
import io.roomcluster.room.RoomEntity;
import io.roomcluster.room.RoomEntity.Command;
import io.roomcluster.room.RoomEntity.GetState;
import io.roomcluster.room.RoomEntity.Join;
import io.roomcluster.room.RoomEntity.Joined;
import io.roomcluster.room.RoomEntity.Leave;
import io.roomcluster.room.RoomEntity.SetInCall;
import io.roomcluster.room.RoomEventPublisher;
import io.roomcluster.room.RoomId;
import io.roomcluster.room.RoomSnapshot;
import io.roomcluster.room.RoomState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A room persisted through Cluster Sharding on pekko-persistence-cassandra, with our production
 * settings ({@code persistence-cassandra.conf}: one keyspace, keyspace and table autocreate off,
 * so the tables come from {@code cluster-config/cassandra-schema.cql} alone), is recovered
 * exactly by a new ActorSystem, from a snapshot plus the events after it.
 */
@ExtendWith(CassandraFixture.class)
class RoomCassandraPersistenceIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static Config config() {
    Config overrides = ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.coordinated-shutdown.exit-jvm = off
        datastax-java-driver.basic.contact-points = ["%s"]
        datastax-java-driver.basic.load-balancing-policy.local-datacenter = "%s"
        pekko.persistence.cassandra.journal.keyspace = "%s"
        # snapshot, then two more events: recovery reads both
        roomcluster.room.snapshot-every = 4
        """.formatted(CassandraFixture.contactPoint(), CassandraFixture.DATACENTER,
        CassandraFixture.KEYSPACE));
    Config production = ConfigFactory.parseResources("persistence-cassandra.conf")
        .withFallback(ConfigFactory.parseResources("application.conf"));
    return ConfigFactory.load(overrides.withFallback(production));
  }

  private static ActorSystem<Void> startNode() throws Exception {
    Config config = config();
    assertFalse(config.getBoolean("pekko.persistence.cassandra.journal.keyspace-autocreate"));
    assertFalse(config.getBoolean("pekko.persistence.cassandra.journal.tables-autocreate"));
    assertFalse(config.getBoolean("pekko.persistence.cassandra.snapshot.tables-autocreate"));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "RoomCassandraPersistenceIT", config);
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(org.apache.pekko.cluster.typed.Join.create(cluster.selfMember().address()));
    ActorTestKit.create(system).createTestProbe().awaitAssert(TIMEOUT, () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
    RoomEntity.init(system, RoomEventPublisher.NONE);
    return system;
  }

  private static Participant participant(String sessionId) {
    JsonNode user = MAPPER.createObjectNode().put("displayname", "User " + sessionId);
    return new Participant(sessionId, "user-" + sessionId, "nc-" + sessionId,
        Participant.TYPE_USER, Set.of("publish-audio", "publish-video"), 0, MuteState.NONE, true,
        "pekko://roomcluster@127.0.0.1:25520", user, List.of("chat-relay"));
  }

  private static <R> R ask(EntityRef<Command> room,
      Function<ActorRef<StatusReply<R>>, Command> command) throws Exception {
    return room.askWithStatus(command::apply, TIMEOUT)
        .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static void done(EntityRef<Command> room,
      Function<ActorRef<StatusReply<Done>>, Command> command) throws Exception {
    assertEquals(Done.getInstance(), ask(room, command));
  }

  private static RoomSnapshot state(EntityRef<Command> room) throws Exception {
    return room.<RoomSnapshot>ask(GetState::new, TIMEOUT)
        .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void aNewActorSystemRecoversTheRoomFromCassandra() throws Exception {
    RoomId roomId = new RoomId("https://cloud.example.com/", "it-" + UUID.randomUUID());
    String persistenceId = RoomEntity.ENTITY_TYPE_KEY.name() + "|" + roomId.entityId();
    RoomSnapshot before;

    ActorSystem<Void> first = startNode();
    try {
      EntityRef<Command> room = RoomEntity.entityRef(ClusterSharding.get(first), roomId);
      JsonNode properties = MAPPER.createObjectNode().put("name", "Team").put("type", 2);
      Joined joined = ask(room, (ActorRef<StatusReply<Joined>> r) ->
          new Join(participant("a"), properties, r));
      assertEquals(List.of(), joined.others());
      ask(room, (ActorRef<StatusReply<Joined>> r) -> new Join(participant("b"), null, r));
      ask(room, (ActorRef<StatusReply<Joined>> r) -> new Join(participant("c"), null, r));
      done(room, r -> new SetInCall("a", 7, r));
      done(room, r -> new Leave("c", r));
      done(room, r -> new SetInCall("b", 3, r));
      before = state(room);
      assertEquals(RoomState.Phase.ACTIVE, before.phase());
    } finally {
      ActorTestKit.shutdown(first, TIMEOUT);
    }

    ActorSystem<Void> second = startNode();
    try {
      EntityRef<Command> room = RoomEntity.entityRef(ClusterSharding.get(second), roomId);
      RoomSnapshot after = state(room);
      assertEquals(before, after);
      assertEquals(List.of("a", "b"),
          after.participants().stream().map(Participant::sessionId).toList());
      assertEquals(7, after.participant("a").inCall());
      assertEquals(3, after.participant("b").inCall());
      // and it carries on from where it was
      done(room, r -> new SetInCall("a", 0, r));
      assertEquals(0, state(room).participant("a").inCall());
    } finally {
      ActorTestKit.shutdown(second, TIMEOUT);
    }

    assertRowsInCassandra(persistenceId);
  }

  /** The events and a snapshot are where the schema put them. */
  private static void assertRowsInCassandra(String persistenceId) {
    try (CqlSession session = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(CassandraFixture.HOST, CassandraFixture.port()))
        .withLocalDatacenter(CassandraFixture.DATACENTER)
        .withKeyspace(CassandraFixture.KEYSPACE)
        .build()) {
      List<Long> sequenceNrs = new ArrayList<>();
      for (Row row : session.execute("SELECT sequence_nr, ser_manifest FROM messages"
          + " WHERE persistence_id = ? AND partition_nr = 0", persistenceId)) {
        sequenceNrs.add(row.getLong("sequence_nr"));
        String manifest = row.getString("ser_manifest");
        assertTrue(manifest.startsWith("io.roomcluster.room.RoomEvent$"), manifest);
      }
      assertTrue(sequenceNrs.size() >= 7, "events in messages: " + sequenceNrs);
      Row snapshot = session.execute(
          "SELECT sequence_nr, ser_manifest FROM snapshots WHERE persistence_id = ? LIMIT 1",
          persistenceId).one();
      assertTrue(snapshot != null, "a snapshot in snapshots");
      assertTrue(snapshot.getString("ser_manifest").startsWith("io.roomcluster.room.ActiveRoom"),
          snapshot.getString("ser_manifest"));
    }
  }
}
