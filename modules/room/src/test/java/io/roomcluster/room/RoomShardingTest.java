package io.roomcluster.room;

import static io.roomcluster.room.Fixtures.newRoomId;
import static io.roomcluster.room.Fixtures.participant;
import static io.roomcluster.room.JdbcClusterNodes.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.roomcluster.room.RecordingPublisher.Published;
import io.roomcluster.room.RoomEntity.Command;
import io.roomcluster.room.RoomEntity.GetState;
import io.roomcluster.room.RoomEntity.Join;
import io.roomcluster.room.RoomEntity.Joined;
import io.roomcluster.room.RoomEvent.ParticipantLeft;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The room entity type in Cluster Sharding with the real cluster membership: remembered rooms
 * restart by themselves and reap the participants of nodes that are gone; passivation still
 * stops (and forgets) a room. JDBC journal on an H2 file shared by the nodes of a test.
 */
@ExtendWith(LogCapturingExtension.class)
class RoomShardingTest {

  private static final String NAME = "RoomShardingTest";
  /** Short, so that the tests see reaping. */
  private static final String QUICK_REAP = "roomcluster.room.reap-disconnected-after = 1s";

  @TempDir
  Path dir;

  private JdbcClusterNodes nodes;

  @BeforeEach
  void database() {
    nodes = new JdbcClusterNodes("jdbc:h2:file:" + dir.resolve("roomdb").toAbsolutePath());
  }

  private ActorSystem<Void> startRoomNode(Config config, RoomEventPublisher publisher)
      throws Exception {
    ActorSystem<Void> system = nodes.start(NAME, config, null);
    RoomEntity.init(system, publisher);
    return system;
  }

  private static String selfNode(ActorSystem<?> system) {
    return NodeIds.of(Cluster.get(system).selfMember().uniqueAddress());
  }

  private static void join(ActorSystem<?> system, RoomId roomId, Participant p) throws Exception {
    RoomEntity.entityRef(ClusterSharding.get(system), roomId)
        .<Joined>askWithStatus(r -> new Join(p, null, r), TIMEOUT)
        .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static RoomSnapshot state(ActorSystem<?> system, RoomId roomId) throws Exception {
    EntityRef<Command> room = RoomEntity.entityRef(ClusterSharding.get(system), roomId);
    return room.<RoomSnapshot>ask(GetState::new, TIMEOUT)
        .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** The running rooms of this node's shard region, by shard (without waking any room). */
  private static ShardRegion.CurrentShardRegionState regionState(ActorSystem<?> system) {
    TestProbe<ShardRegion.CurrentShardRegionState> probe = ActorTestKit.create(system)
        .createTestProbe();
    ClusterSharding.get(system).shardState()
        .tell(new GetShardRegionState(RoomEntity.ENTITY_TYPE_KEY, probe.ref()));
    return probe.receiveMessage(TIMEOUT);
  }

  private static Set<String> runningRooms(ActorSystem<?> system) {
    return regionState(system).getShards().stream()
        .flatMap(shard -> shard.getEntityIds().stream())
        .collect(Collectors.toSet());
  }

  private static List<String> sessionIds(RoomSnapshot room) {
    return room.participants().stream().map(Participant::sessionId).toList();
  }

  private static List<Object> events(RecordingPublisher publisher) {
    return publisher.published.stream().map(Published::event).map(Object.class::cast).toList();
  }

  @Test
  void theRoomTypeRemembersItsEntitiesInDistributedDataAndNeverPassivatesByItself() throws Exception {
    ActorSystem<Void> system = nodes.start(NAME, nodes.config(""), null);
    try {
      ClusterShardingSettings settings = RoomEntity.shardingSettings(system);
      assertTrue(settings.rememberEntities());
      assertEquals(ClusterShardingSettings.rememberEntitiesStoreModeDdata(),
          settings.rememberEntitiesStoreMode());
      assertTrue(settings.passivationStrategySettings().idleEntitySettings().isEmpty());
      assertTrue(settings.passivationStrategySettings().replacementPolicySettings().isEmpty());
    } finally {
      ActorTestKit.shutdown(system, TIMEOUT);
    }
  }

  /**
   * The node hosting a room and its sessions goes away; the surviving node starts the room without
   * being asked (remember entities, replicated in Distributed Data), the room finds that the
   * participants' node incarnation is no member, reaps them and passivates, which also drops it
   * from the remembered rooms: it is not started again.
   */
  @Test
  void aRememberedRoomRestartsOnTheSurvivorReapsTheSessionsOfTheGoneNodeAndIsForgotten()
      throws Exception {
    RoomId roomId = newRoomId();
    RecordingPublisher publisher = new RecordingPublisher();
    ActorSystem<Void> first = startRoomNode(nodes.config(QUICK_REAP), RoomEventPublisher.NONE);
    ActorSystem<Void> second = null;
    try {
      // allocated to the first node while it is alone (and one shard is never rebalanced)
      String firstNode = selfNode(first);
      join(first, roomId, participant("a").withConnection(true, firstNode));
      join(first, roomId, participant("b").withConnection(true, firstNode));
      assertEquals(Set.of(roomId.entityId()), runningRooms(first));
      second = nodes.start(NAME, nodes.config(QUICK_REAP), Cluster.get(first).selfMember().address());
      RoomEntity.init(second, publisher);

      ActorTestKit.shutdown(first, TIMEOUT); // leaves: its shards are handed off

      // nobody sends the room anything
      TestProbe<Object> probe = ActorTestKit.create(second).createTestProbe();
      probe.awaitAssert(TIMEOUT, () -> {
        assertEquals(List.of(new ParticipantLeft("a"), new ParticipantLeft("b")),
            events(publisher));
        return null;
      });
      // the empty room passivated: stopped, and no longer remembered
      ActorSystem<Void> survivor = second;
      probe.awaitAssert(TIMEOUT, () -> {
        assertEquals(Set.of(), runningRooms(survivor));
        return null;
      });
      probe.expectNoMessage(Duration.ofSeconds(1));
      assertEquals(Set.of(), runningRooms(second));
      RoomSnapshot room = state(second, roomId);
      assertEquals(RoomState.Phase.ACTIVE, room.phase());
      assertEquals(List.of(), sessionIds(room));
      assertEquals(2, publisher.published.size(), "each participant left once");
    } finally {
      ActorTestKit.shutdown(first, TIMEOUT); // no-op when already terminated
      if (second != null) {
        ActorTestKit.shutdown(second, TIMEOUT);
      }
    }
  }

  /**
   * Two nodes: the room runs on the first, one session is on the second. The second leaves the
   * cluster; the room hears of it through its MemberRemoved subscription and reaps that session.
   */
  @Test
  void aMemberRemovedFromTheClusterHasItsSessionsReaped() throws Exception {
    RoomId roomId = newRoomId();
    RecordingPublisher publisher = new RecordingPublisher();
    ActorSystem<Void> first = startRoomNode(nodes.config(QUICK_REAP), publisher);
    ActorSystem<Void> second = null;
    try {
      // the room's shard is allocated to the first node while it is alone (and one shard is
      // never rebalanced)
      join(first, roomId, participant("here").withConnection(true, selfNode(first)));
      second = nodes.start(NAME, nodes.config(""), Cluster.get(first).selfMember().address());
      RoomEntity.init(second, RoomEventPublisher.NONE); // as every node does
      join(first, roomId, participant("there").withConnection(true, selfNode(second)));
      assertEquals(Set.of(roomId.entityId()), runningRooms(first));
      publisher.clear();

      ActorTestKit.shutdown(second, TIMEOUT); // leaves the cluster, then is removed

      TestProbe<Object> probe = ActorTestKit.create(first).createTestProbe();
      probe.awaitAssert(TIMEOUT, () -> {
        assertEquals(List.of(new ParticipantLeft("there")), events(publisher));
        return null;
      });
      assertEquals(List.of("here"), sessionIds(state(first, roomId)));
      probe.expectNoMessage(Duration.ofSeconds(2)); // and only once
      assertEquals(1, publisher.published.size());
    } finally {
      if (second != null) {
        ActorTestKit.shutdown(second, TIMEOUT); // no-op when already terminated
      }
      ActorTestKit.shutdown(first, TIMEOUT);
    }
  }
}
