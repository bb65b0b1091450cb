package io.roomcluster.room;

import static io.roomcluster.room.Fixtures.newRoomId;
import static io.roomcluster.room.Fixtures.participant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.roomcluster.room.RoomEntity.Command;
import io.roomcluster.room.RoomEntity.GetState;
import io.roomcluster.room.RoomEntity.Join;
import io.roomcluster.room.RoomEntity.Joined;
import io.roomcluster.room.RoomEntity.Leave;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Passivation and stopping with a real (spawned) entity and a probe standing in for the shard, so
 * the {@code Passivate} message can be compared with the entity's own ref.
 */
@ExtendWith(LogCapturingExtension.class)
class RoomPassivationTest {

  private static final ActorTestKit testKit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static final Duration IDLE = Duration.ofMillis(300);
  private static final RoomSettings QUICK_IDLE = new RoomSettings(100, Duration.ofSeconds(5), IDLE,
      Duration.ofHours(1));

  private RoomId roomId;
  private TestProbe<ClusterSharding.ShardCommand> shard;

  @BeforeEach
  void setUp() {
    roomId = newRoomId();
    shard = testKit.createTestProbe(ClusterSharding.ShardCommand.class);
  }

  private ActorRef<Command> spawnRoom(RoomSettings settings) {
    return testKit.spawn(RoomEntity.create(roomId, RoomEventPublisher.NONE, settings,
        Clock.systemUTC(), FakeMembership.nodesAandB(), Optional.of(shard.ref())));
  }

  private static void join(ActorRef<Command> room, Participant p) {
    TestProbe<StatusReply<Joined>> reply = testKit.createTestProbe();
    room.tell(new Join(p, null, reply.ref()));
    assertTrue(reply.receiveMessage().isSuccess());
  }

  private static void leave(ActorRef<Command> room, String sessionId) {
    TestProbe<StatusReply<Done>> reply = testKit.createTestProbe();
    room.tell(new Leave(sessionId, reply.ref()));
    assertTrue(reply.receiveMessage().isSuccess());
  }

  private static RoomSnapshot state(ActorRef<Command> room) {
    TestProbe<RoomSnapshot> reply = testKit.createTestProbe();
    room.tell(new GetState(reply.ref()));
    return reply.receiveMessage();
  }

  @Test
  void theLastLeaveAsksTheShardToPassivateThisEntity() {
    ActorRef<Command> room = spawnRoom(RoomSettings.fromConfig(testKit.system().settings().config()));
    join(room, participant("a"));
    join(room, participant("b"));
    leave(room, "a");
    shard.expectNoMessage(Duration.ofMillis(200));

    leave(room, "b");
    shard.expectMessage(new ClusterSharding.Passivate<>(room));
  }

  @Test
  void anIdleEmptyRoomPassivatesItself() {
    ActorRef<Command> room = spawnRoom(QUICK_IDLE);
    assertEquals(RoomState.Phase.EMPTY, state(room).phase()); // woken up by a query only
    shard.expectMessage(IDLE.multipliedBy(10), new ClusterSharding.Passivate<>(room));
  }

  @Test
  void anIdleRoomWithParticipantsIsNotPassivated() {
    ActorRef<Command> room = spawnRoom(QUICK_IDLE);
    join(room, participant("a"));
    shard.expectNoMessage(IDLE.multipliedBy(4));
  }

  @Test
  void theStopMessageStopsTheEntityAndTheRoomComesBackFromTheJournal() {
    ActorRef<Command> room = spawnRoom(QUICK_IDLE);
    join(room, participant("a"));
    RoomSnapshot before = state(room);

    TestProbe<Object> watcher = testKit.createTestProbe();
    room.tell(RoomEntity.Stop.INSTANCE);
    watcher.expectTerminated(room);

    ActorRef<Command> again = spawnRoom(QUICK_IDLE);
    assertEquals(before, state(again));
    assertEquals(List.of(participant("a")), state(again).participants());
  }
}
