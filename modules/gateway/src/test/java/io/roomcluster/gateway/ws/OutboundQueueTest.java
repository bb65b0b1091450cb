package io.roomcluster.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.AsPublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

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
  void framesNeverWrittenAreHandedBackOnceTheStreamStopped() throws Exception {
    OutboundQueue queue = new OutboundQueue(100);
    assertTrue(queue.offer("written"));
    assertTrue(queue.offer("unwritten 1"));
    assertTrue(queue.offer("unwritten 2"));
    assertEquals(List.of(), queue.takeUnwritten(), "nothing is handed back while the stream may still write");
    // A socket that takes one frame and is gone: the stream stops with two frames still queued.
    assertEquals(List.of("written"), Source.fromGraph(queue.source()).take(1).runWith(Sink.seq(), MAT)
        .toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertFalse(queue.offer("after the end"), "a stopped stream refuses frames: the session keeps them");
    assertEquals(List.of("unwritten 1", "unwritten 2"), queue.takeUnwritten());
    assertEquals(List.of(), queue.takeUnwritten(), "each is handed back once");
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

  @Test
  void aWaitingSenderIsReleasedOnceTheQueueDrainedToAQuarterOfItsHighWater() throws Exception {
    // High water well above what the stream's own stages take ahead of the socket.
    OutboundQueue queue = new OutboundQueue(1000, 64, Duration.ZERO);
    SinkQueueWithCancel<String> socket = Source.fromGraph(queue.source()).runWith(Sink.queue(1), MAT);
    CountDownLatch early = new CountDownLatch(1);
    queue.whenDrained(early::countDown);
    assertEquals(0, early.getCount(), "a queue below its high water does not hold anybody");

    for (int i = 0; i < 100; i++) {
      assertTrue(queue.offer("f" + i));
    }
    assertTrue(queue.congested(), "size " + queue.size());
    CountDownLatch released = new CountDownLatch(1);
    queue.whenDrained(released::countDown);
    assertEquals(1, released.getCount(), "held while nothing was written");

    int taken = 0;
    while (queue.size() > 16) {
      assertEquals("f" + taken, socket.pull().toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow());
      taken++;
    }
    assertTrue(released.await(10, TimeUnit.SECONDS), "released once the queue drained to 16 (64 / 4)");
    assertFalse(queue.congested());
    socket.cancel();
  }

  @Test
  void aQueueBackedUpBeforeItsStreamStartedIsStallDetectedToo() throws Exception {
    OutboundQueue queue = new OutboundQueue(100, 4, Duration.ofMillis(300));
    for (int i = 0; i < 4; i++) {
      assertTrue(queue.offer("f" + i)); // nothing to signal yet: the stream is not running
    }
    assertTrue(queue.congested());
    CountDownLatch released = new CountDownLatch(1);
    queue.whenDrained(released::countDown);
    Source.fromGraph(queue.source()).to(Sink.asPublisher(AsPublisher.WITHOUT_FANOUT)).run(MAT);
    assertTrue(released.await(4, TimeUnit.SECONDS), "the stall is seen although the stream started backed up");
    assertFalse(queue.congested(), "a stalled client holds no sender");
  }

  @Test
  void aClientThatTakesNothingWhileBackedUpStopsHoldingItsSendersAndFailsOnlyWhenItsQueueOverflows() throws Exception {
    OutboundQueue queue = new OutboundQueue(100, 4, Duration.ofMillis(300));
    CompletionStage<Done> terminated =
        Source.fromGraph(queue.source())
            .watchTermination((notUsed, done) -> done)
            .to(Sink.asPublisher(AsPublisher.WITHOUT_FANOUT))
            .run(MAT);
    for (int i = 0; i < 4; i++) {
      assertTrue(queue.offer("f" + i));
    }
    assertTrue(queue.congested(), "backed up: senders wait");
    CountDownLatch released = new CountDownLatch(1);
    queue.whenDrained(released::countDown);
    assertTrue(released.await(10, TimeUnit.SECONDS), "the waiting sender is released after the stall timeout");
    assertFalse(queue.congested(), "later senders do not wait for a stalled client");
    CountDownLatch late = new CountDownLatch(1);
    queue.whenDrained(late::countDown);
    assertEquals(0, late.getCount(), "a stalled queue holds nobody");
    assertFalse(terminated.toCompletableFuture().isDone(), "a stall alone does not disconnect");
    for (int i = 4; i < 100; i++) {
      assertTrue(queue.offer("f" + i), "frames queue on up to the capacity");
    }
    assertFalse(queue.offer("one too many"));
    try {
      terminated.toCompletableFuture().get(4, TimeUnit.SECONDS); // before the publisher's 5 s subscription timeout
      fail("the stream must fail on overflow");
    } catch (ExecutionException e) {
      assertInstanceOf(BufferOverflowException.class, e.getCause());
    }
  }

  @Test
  void aStalledClientThatReadsAgainHoldsItsSendersAgain() throws Exception {
    OutboundQueue queue = new OutboundQueue(100, 4, Duration.ofMillis(300));
    AtomicReference<Subscription> subscription =
        new AtomicReference<>();
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    Source.fromGraph(queue.source())
        .runWith(
            Sink.fromSubscriber(
                new Subscriber<String>() {
                  @Override
                  public void onSubscribe(Subscription s) {
                    subscription.set(s);
                  }

                  @Override
                  public void onNext(String frame) {
                    received.add(frame);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onComplete() {}
                }),
            MAT);
    for (int i = 0; i < 8; i++) {
      assertTrue(queue.offer("f" + i));
    }
    CountDownLatch released = new CountDownLatch(1);
    queue.whenDrained(released::countDown);
    assertTrue(released.await(10, TimeUnit.SECONDS));
    assertFalse(queue.congested(), "stalled");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (subscription.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    subscription.get().request(1); // the client reads one frame: no longer stalled, still backed up
    assertEquals("f0", received.poll(5, TimeUnit.SECONDS));
    while (!queue.congested() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(queue.congested(), "reading again, it holds its senders again while backed up");
  }

  @Test
  void aSlowButReadingClientIsNotFailedByTheStallTimeout() throws Exception {
    OutboundQueue queue = new OutboundQueue(10_000, 4, Duration.ofMillis(200));
    // Takes a frame every 20 ms: always backed up, never stalled for 200 ms.
    CompletionStage<List<String>> all =
        Source.fromGraph(queue.source())
            .throttle(1, Duration.ofMillis(20))
            .runWith(Sink.seq(), MAT);
    for (int i = 0; i < 40; i++) {
      assertTrue(queue.offer("f" + i));
    }
    queue.close();
    assertEquals(40, all.toCompletableFuture().get(20, TimeUnit.SECONDS).size());
  }
}
