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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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

  private RoomRequestHandler handler(Duration deadline) {
    return new RoomRequestHandler(
        roomId -> TestEntityRef.of(RoomEntity.ENTITY_TYPE_KEY, roomId.entityId(), room.ref()),
        null, // the request types below reach no client outside the room
        ASK,
        deadline,
        new Metrics(() -> 0, () -> 0));
  }

  private static BackendServerRoomRequest request(String json) {
    return BackendServerRoomRequest.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aRoomThatAnswersOnlyTheThirdAskStillGetsTheChange() throws Exception {
    CompletableFuture<RoomRequestHandler.Outcome> outcome =
        handler(Duration.ofSeconds(5))
            .handle(BACKEND, "tok", request("{\"type\":\"incall\",\"incall\":{\"incall\":7,\"all\":true}}"))
            .toCompletableFuture();

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
        handler(Duration.ofSeconds(5))
            .handle(BACKEND, "tok", request("{\"type\":\"message\",\"message\":{\"data\":{\"chat\":{\"refresh\":true}}}}"))
            .toCompletableFuture();

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
        handler(Duration.ofMillis(700))
            .handle(BACKEND, "tok", request("{\"type\":\"incall\",\"incall\":{\"incall\":1,\"all\":true}}"))
            .toCompletableFuture();

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
  void aRefusalIsNotAskedAgain() {
    CompletableFuture<RoomRequestHandler.Outcome> outcome =
        handler(Duration.ofSeconds(5))
            .handle(BACKEND, "tok", request("{\"type\":\"incall\",\"incall\":{\"incall\":1,\"all\":true}}"))
            .toCompletableFuture();

    room.expectMessageClass(RoomEntity.SetInCallAll.class).replyTo().tell(StatusReply.error("room tok was deleted"));

    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> outcome.get(3, TimeUnit.SECONDS));
    assertInstanceOf(StatusReply.ErrorMessage.class, failure.getCause());
    room.expectNoMessage(ASK.multipliedBy(2));
  }
}
