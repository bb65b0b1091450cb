package io.roomcluster.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.AsPublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The per-connection outbound queue: order, close after queued frames, and its overflow policy. */
class OutboundQueueTest {

  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Materializer MAT = Materializer.matFromSystem(KIT.system());

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void framesOfferedBeforeAndAfterStartArriveInOrderAndCloseCompletesAfterThem() throws Exception {
    OutboundQueue queue = new OutboundQueue(100);
    assertTrue(queue.offer("a"));
    assertTrue(queue.offer("b"));
    CompletionStage<List<String>> all = Source.fromGraph(queue.source()).runWith(Sink.seq(), MAT);
    assertTrue(queue.offer("c"));
    queue.close();
    assertFalse(queue.offer("after close"));
    assertEquals(List.of("a", "b", "c"), all.toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  @Test
  void concurrentSendersKeepTheirOwnOrder() throws Exception {
    OutboundQueue queue = new OutboundQueue(100_000);
    CompletionStage<List<String>> all = Source.fromGraph(queue.source()).runWith(Sink.seq(), MAT);
    int senders = 4;
    int perSender = 5_000;
    CountDownLatch done = new CountDownLatch(senders);
    for (int s = 0; s < senders; s++) {
      int sender = s;
      new Thread(() -> {
        for (int i = 0; i < perSender; i++) {
          queue.offer(sender + ":" + i);
        }
        done.countDown();
      }).start();
    }
    assertTrue(done.await(30, TimeUnit.SECONDS));
    queue.close();
    List<String> received = all.toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(senders * perSender, received.size());
    int[] next = new int[senders];
    for (String frame : received) {
      String[] parts = frame.split(":");
      int sender = Integer.parseInt(parts[0]);
      assertEquals(next[sender], Integer.parseInt(parts[1]), "order of sender " + sender);
      next[sender]++;
    }
  }

  @Test
  void aClientThatDoesNotReadIsFailedOnceTheQueueIsFull() throws Exception {
    OutboundQueue queue = new OutboundQueue(3);
    // Nobody subscribes to the publisher, so nothing is ever requested: like a socket the client
    // does not read.
    CompletionStage<Done> terminated =
        Source.fromGraph(queue.source())
            .watchTermination((notUsed, done) -> done)
            .to(Sink.asPublisher(AsPublisher.WITHOUT_FANOUT))
            .run(MAT);
    assertTrue(queue.offer("1"));
    assertTrue(queue.offer("2"));
    assertTrue(queue.offer("3"));
    assertFalse(queue.offer("4"), "the frame beyond the capacity is dropped");
    try {
      terminated.toCompletableFuture().get(10, TimeUnit.SECONDS);
      fail("the stream must fail");
    } catch (ExecutionException e) {
      assertInstanceOf(BufferOverflowException.class, e.getCause());
    }
    assertFalse(queue.offer("5"), "nothing is queued after the overflow");
  }
}
