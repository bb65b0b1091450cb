package io.roomcluster.gateway.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomcluster.gateway.config.BackendSettings.Backend;
import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.protocol.backend.BackendServerRoomRequest;
import io.roomcluster.room.RoomEntity;
import io.roomcluster.room.RoomId;
import io.roomcluster.room.RoomSnapshot;
import io.roomcluster.room.RoomState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.testkit.javadsl.TestEntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A backend request whose room does not answer (its node crashed, the room starts elsewhere only
 * once the node is downed) asks the room again until the deadline instead of failing at the first
 * time-out: Nextcloud does not retry. A probe stands in for the room.
 */
class RoomRequestHandlerTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Backend BACKEND = new Backend("nc", List.of("http://127.0.0.1/"), new byte[] {1}, 0);
  private static final Duration ASK = Duration.ofMillis(300);

  private final TestProbe<RoomEntity.Command> room = testKit.createTestProbe();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Nextcloud's request {@code json} for room "tok", handled with a deadline of {@code deadline}. */
  private CompletableFuture<RoomRequestHandler.Outcome> handle(Duration deadline, String json) {
    RoomRequestHandler handler =
        new RoomRequestHandler(
            roomId -> TestEntityRef.of(RoomEntity.ENTITY_TYPE_KEY, roomId.entityId(), room.ref()),
            null, // the request types below reach no client outside the room
            ASK,
            deadline,
            new Metrics(() -> 0, () -> 0));
    BackendServerRoomRequest request = BackendServerRoomRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    return handler.handle(BACKEND, "tok", request).toCompletableFuture();
  }

  @Test
  void aRoomThatAnswersOnlyTheThirdAskStillGetsTheChange() throws Exception {
    CompletableFuture<RoomRequestHandler.Outcome> outcome =
        handle(Duration.ofSeconds(5), "{\"type\":\"incall\",\"incall\":{\"incall\":7,\"all\":true}}");

    RoomEntity.SetInCallAll first = room.expectMessageClass(RoomEntity.SetInCallAll.class);
    RoomEntity.SetInCallAll second = room.expectMessageClass(RoomEntity.SetInCallAll.class, Duration.ofSeconds(2));
    RoomEntity.SetInCallAll third = room.expectMessageClass(RoomEntity.SetInCallAll.class, Duration.ofSeconds(2));
    assertEquals(7, third.inCall());
    third.replyTo().tell(StatusReply.ack());

    assertEquals(200, outcome.get(2, TimeUnit.SECONDS).status());
    assertEquals(List.of(7, 7), List.of(first.inCall(), second.inCall()), "the same change each time");
    room.expectNoMessage(ASK.multipliedBy(2));
  }

  @Test
  void aRoomMessageIsAnsweredOnlyOnceTheRoomRelayedIt() throws Exception {
    CompletableFuture<RoomRequestHandler.Outcome> outcome =
        handle(Duration.ofSeconds(5), "{\"type\":\"message\",\"message\":{\"data\":{\"chat\":{\"refresh\":true}}}}");

    RoomEntity.Broadcast lost = room.expectMessageClass(RoomEntity.Broadcast.class);
    assertTrue(lost.payload().contains("\"refresh\":true"), lost.payload());
    Thread.sleep(ASK.toMillis() / 2);
    assertFalse(outcome.isDone(), "not answered before the room relayed it");
    RoomEntity.Broadcast again = room.expectMessageClass(RoomEntity.Broadcast.class, Duration.ofSeconds(2));
    assertEquals(lost.payload(), again.payload());
    again.ackTo().tell(Done.getInstance());

    assertEquals(200, outcome.get(2, TimeUnit.SECONDS).status());
  }

  @Test
  void aRoomSilentUntilTheDeadlineFailsWithATimeOut() {
    long start = System.nanoTime();
    CompletableFuture<RoomRequestHandler.Outcome> outcome =
        handle(Duration.ofMillis(700), "{\"type\":\"incall\",\"incall\":{\"incall\":1,\"all\":true}}");

    ExecutionException failure = assertThrows(ExecutionException.class, () -> outcome.get(3, TimeUnit.SECONDS));
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    assertInstanceOf(TimeoutException.class, failure.getCause());
    assertTrue(elapsedMillis >= 700, "gave up after " + elapsedMillis + " ms, before the deadline");
    // 300 + 300 + the 100 ms left: three asks on time; a slow machine may start the third too late.
    int asks = room.receiveSeveralMessages(2).size();
    while (asks < 4) {
      try {
        room.expectMessageClass(RoomEntity.SetInCallAll.class, Duration.ofMillis(100));
        asks++;
      } catch (AssertionError none) {
        break;
      }
    }
    assertTrue(asks <= 3, asks + " asks within a 700 ms deadline at 300 ms each");
    room.expectNoMessage(ASK);
  }

  @Test
  void theDeadlineCoversTheWholeRequestNotEachAsk() throws Exception {
    // "participants" reads the room, then relays the update. The read takes two time-outs
    // (~600 ms of the 1000), so the relay has the ~400 ms left: two asks, not a fresh 1000 ms.
    CompletableFuture<RoomRequestHandler.Outcome> outcome =
        handle(Duration.ofMillis(1000), "{\"type\":\"participants\",\"participants\":{\"changed\":[],\"users\":[]}}");

    room.expectMessageClass(RoomEntity.GetState.class);
    room.expectMessageClass(RoomEntity.GetState.class, Duration.ofSeconds(2));
    RoomEntity.GetState third = room.expectMessageClass(RoomEntity.GetState.class, Duration.ofSeconds(2));
    third.replyTo().tell(new RoomSnapshot(new RoomId("nc", "tok"), RoomState.Phase.ACTIVE, null, List.of(), Map.of()));

    ExecutionException failure = assertThrows(ExecutionException.class, () -> outcome.get(3, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, failure.getCause());
    int relays = 0;
    while (true) {
      try {
        room.expectMessageClass(RoomEntity.Broadcast.class, Duration.ofMillis(100));
        relays++;
      } catch (AssertionError none) {
        break;
      }
    }
    assertTrue(relays >= 1 && relays <= 2, relays + " relay asks in the ~400 ms the read left");
  }

  @Test
  void aRefusalIsNotAskedAgain() {
    CompletableFuture<RoomRequestHandler.Outcome> outcome =
        handle(Duration.ofSeconds(5), "{\"type\":\"incall\",\"incall\":{\"incall\":1,\"all\":true}}");

    room.expectMessageClass(RoomEntity.SetInCallAll.class).replyTo().tell(StatusReply.error("room tok was deleted"));

    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> outcome.get(3, TimeUnit.SECONDS));
    assertInstanceOf(StatusReply.ErrorMessage.class, failure.getCause());
    room.expectNoMessage(ASK.multipliedBy(2));
  }
}
