package io.roomcluster.room;

import static io.roomcluster.room.Fixtures.json;
import static io.roomcluster.room.Fixtures.newRoomId;
import static io.roomcluster.room.Fixtures.participant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.roomcluster.room.RecordingPublisher.Published;
import io.roomcluster.room.RoomEntity.Command;
import io.roomcluster.room.RoomEntity.DeleteRoom;
import io.roomcluster.room.RoomEntity.GetState;
import io.roomcluster.room.RoomEntity.Join;
import io.roomcluster.room.RoomEntity.Joined;
import io.roomcluster.room.RoomEntity.NodeRemoved;
import io.roomcluster.room.RoomEntity.SetConnection;
import io.roomcluster.room.RoomEntity.SetTransient;
import io.roomcluster.room.RoomEvent.ParticipantLeft;
import io.roomcluster.room.RoomEvent.RoomDeleted;
import io.roomcluster.room.RoomEvent.TransientRemoved;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
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
 * Reaping the participants of departed nodes, with an injected {@link FakeMembership} and manual
 * time: nothing here waits for a real timer.
 */
@ExtendWith(LogCapturingExtension.class)
class RoomReapingTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config()
      .withFallback(EventSourcedBehaviorTestKit.config())
      .withFallback(ConfigFactory.load()));
  private static final ManualTime manualTime = ManualTime.get(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static final String NODE_1 = "pekko://roomcluster@10.0.0.1:25520#1001";
  private static final String NODE_2 = "pekko://roomcluster@10.0.0.2:25520#2002";
  /** Not (yet) a member. */
  private static final String NODE_3 = "pekko://roomcluster@10.0.0.3:25520#3003";
  private static final Duration REAP = Duration.ofSeconds(40);
  private static final RoomSettings SETTINGS =
      new RoomSettings(100, Duration.ofSeconds(5), Duration.ofHours(1), REAP);

  private RoomId roomId;
  private FakeMembership membership;
  private RecordingPublisher publisher;
  private TestProbe<ClusterSharding.ShardCommand> shard;
  private EventSourcedBehaviorTestKit<Command, RoomEvent, RoomState> room;

  @BeforeEach
  void newRoom() {
    roomId = newRoomId();
    membership = new FakeMembership(NODE_1, NODE_2);
    publisher = new RecordingPublisher();
    shard = testKit.createTestProbe(ClusterSharding.ShardCommand.class);
    room = EventSourcedBehaviorTestKit.create(testKit.system(), RoomEntity.create(roomId,
        publisher, SETTINGS, new MutableClock(1_700_000_000_000L), membership,
        Optional.of(shard.ref())));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static Participant at(String sessionId, String node) {
    return participant(sessionId).withConnection(true, node);
  }

  private void join(Participant p) {
    StatusReply<Joined> reply = room.<StatusReply<Joined>>runCommand(r -> new Join(p, null, r))
        .reply();
    assertTrue(reply.isSuccess(), () -> "join failed: " + reply);
  }

  private void ok(Function<ActorRef<StatusReply<Done>>, Command> command) {
    StatusReply<Done> reply = room.<StatusReply<Done>>runCommand(command::apply).reply();
    assertTrue(reply.isSuccess(), () -> "expected success: " + reply);
  }

  /** Lets time pass, then waits until the room has handled what the timers sent it. */
  private void timePasses(Duration d) {
    manualTime.timePasses(d);
    room.<RoomSnapshot>runCommand(GetState::new); // queued behind the timers' messages
  }

  private List<Object> journal() {
    return room.persistenceTestKit().persistedInStorage("Room|" + roomId.entityId());
  }

  /** The events persisted since {@code from} (a {@link #journal()} size). */
  private List<Object> eventsSince(int from) {
    List<Object> all = journal();
    return all.subList(from, all.size());
  }

  private List<String> sessionIds() {
    return room.getState().participantsInOrder().stream().map(Participant::sessionId).toList();
  }

  // ---- tests ----------------------------------------------------------------------------------

  @Test
  void theEntitySubscribesToMemberRemovals() {
    room.getState();
    assertFalse(membership.subscribers.isEmpty());
  }

  @Test
  void participantsOfARemovedNodeLeaveOnceAfterTheGracePeriod() {
    join(at("a", NODE_1));
    join(at("b", NODE_1));
    join(at("c", NODE_2));
    ok(r -> new SetTransient("sd:b", json("\"talking\""), null, r));
    ok(r -> new SetTransient("shared", json("1"), null, r));
    int before = journal().size();
    publisher.clear();

    membership.gone(NODE_1);
    room.runCommand(new NodeRemoved(NODE_1));
    timePasses(REAP.minusMillis(1));
    assertEquals(List.of(), eventsSince(before), "nothing before the grace period is over");

    timePasses(Duration.ofMillis(1));
    TransientRemoved sessionData =
        new TransientRemoved("sd:b", json("\"talking\""), 1_700_000_000_000L);
    assertEquals(List.of(new ParticipantLeft("a"), sessionData, new ParticipantLeft("b")),
        eventsSince(before));
    assertEquals(List.of("c"), sessionIds());
    assertEquals(List.of(
            new Published(roomId, new ParticipantLeft("a"), List.of("b", "c")),
            new Published(roomId, sessionData, List.of("b", "c")),
            new Published(roomId, new ParticipantLeft("b"), List.of("c"))),
        publisher.published);
    assertEquals(List.of(List.of("a", "b")), publisher.reaped, "the backend hears of both, once");

    // exactly once: later removals, checks and timers find nobody at that node
    room.runCommand(new NodeRemoved(NODE_1));
    room.restart();
    timePasses(REAP.multipliedBy(3));
    assertEquals(3, eventsSince(before).size());
    assertEquals(3, publisher.published.size());
    assertEquals(1, publisher.reaped.size());
    shard.expectNoMessage(Duration.ofMillis(50)); // c is still there
  }

  @Test
  void aSessionThatResumedElsewhereBeforeTheTimerIsKept() {
    join(at("a", NODE_1));
    join(at("b", NODE_1));
    membership.gone(NODE_1);
    room.runCommand(new NodeRemoved(NODE_1));
    int before = journal().size();

    timePasses(REAP.dividedBy(2));
    ok(r -> new SetConnection("a", true, NODE_2, r)); // resumed on node 2
    timePasses(REAP.dividedBy(2));

    assertEquals(List.of(new RoomEvent.ConnectionChanged("a", true, NODE_2),
        new ParticipantLeft("b")), eventsSince(before));
    assertEquals(List.of("a"), sessionIds());
    assertEquals(NODE_2, room.getState().participantsInOrder().iterator().next().node());
  }

  @Test
  void participantsOfMembersOrWithoutNodeAreLeftAlone() {
    join(at("a", NODE_1));
    join(at("b", NODE_2));
    join(participant("n").withConnection(false, null));
    int before = journal().size();

    room.runCommand(new NodeRemoved(NODE_3)); // nobody of ours there
    room.restart();
    timePasses(REAP.multipliedBy(2));

    assertEquals(List.of(), eventsSince(before));
    assertEquals(List.of("a", "b", "n"), sessionIds());
  }

  @Test
  void aJoinFromANodeThatIsNotAMemberIsReapedAndTheEmptyRoomPassivates() {
    join(at("a", NODE_3));
    int before = journal().size();

    timePasses(REAP);

    assertEquals(List.of(new ParticipantLeft("a")), eventsSince(before));
    shard.expectMessageClass(ClusterSharding.Passivate.class);
  }

  /** E.g. a new node whose membership reached this one only after its session joined. */
  @Test
  void aNodeThatIsAMemberWhenTheTimerFiresIsNotReaped() {
    join(at("a", NODE_3));
    int before = journal().size();

    membership.up(NODE_3);
    timePasses(REAP.multipliedBy(2));

    assertEquals(List.of(), eventsSince(before));
    assertEquals(List.of("a"), sessionIds());
  }

  @Test
  void aResumeOnANodeThatIsNotAMemberStartsTheTimer() {
    join(at("a", NODE_1));
    ok(r -> new SetConnection("a", false, NODE_3, r));
    int before = journal().size();

    timePasses(REAP);

    assertEquals(List.of(new ParticipantLeft("a")), eventsSince(before));
  }

  /** Also what a remembered room restarted on another node after a crash does. */
  @Test
  void afterRecoveryTheParticipantsNodesAreChecked() {
    join(at("a", NODE_1));
    join(at("b", NODE_2));
    int before = journal().size();

    membership.gone(NODE_1); // no NodeRemoved: this incarnation of the room missed it
    room.restart();
    timePasses(REAP);

    assertEquals(List.of(new ParticipantLeft("a")), eventsSince(before));
    assertEquals(List.of("b"), sessionIds());
  }

  @Test
  void repeatedChecksDoNotPostponeTheReaping() {
    membership.gone(NODE_1);
    join(at("a", NODE_1)); // starts the timer
    int before = journal().size();

    timePasses(REAP.dividedBy(2));
    join(at("b", NODE_1));
    room.runCommand(new NodeRemoved(NODE_1));
    timePasses(REAP.dividedBy(2));

    assertEquals(List.of(new RoomEvent.ParticipantJoined(at("b", NODE_1)),
        new ParticipantLeft("a"), new ParticipantLeft("b")), eventsSince(before));
  }

  /** The cluster state may still list a member when its MemberRemoved arrives. */
  @Test
  void theRemovalEventAloneStartsTheTimer() {
    join(at("a", NODE_1));
    int before = journal().size();

    room.runCommand(new NodeRemoved(NODE_1));
    membership.gone(NODE_1); // the state catches up within the grace period
    timePasses(REAP);

    assertEquals(List.of(new ParticipantLeft("a")), eventsSince(before));
  }

  @Test
  void aDeletedRoomIsNeverReaped() {
    join(at("a", NODE_1));
    membership.gone(NODE_1);
    room.runCommand(new NodeRemoved(NODE_1));
    ok(DeleteRoom::new);
    int before = journal().size();

    timePasses(REAP);
    room.restart();
    room.runCommand(new NodeRemoved(NODE_1));
    timePasses(REAP);

    assertEquals(List.of(), eventsSince(before));
    assertEquals(new RoomDeleted(), journal().get(before - 1));
    assertSame(DeletedRoom.INSTANCE, room.getState());
  }

  /** Older records carry the node's address only: any incarnation at that address counts. */
  @Test
  void aNodeIdWithoutUidMatchesAnyMemberAtItsAddress() {
    join(at("old", NodeIds.addressOf(NODE_1)));
    join(at("lost", "pekko://roomcluster@10.0.0.9:25520"));
    int before = journal().size();

    timePasses(REAP);

    assertEquals(List.of(new ParticipantLeft("lost")), eventsSince(before));
    assertEquals(List.of("old"), sessionIds());
  }
}
