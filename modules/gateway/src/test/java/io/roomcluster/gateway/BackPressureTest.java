package io.roomcluster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.gateway.SignalingServerFixture.Session;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Back-pressure across sessions: a sender that outruns its recipient's socket is slowed (its own
 * socket is not read) instead of overflowing the recipient, and a recipient that takes nothing at
 * all stops holding its senders after the stall timeout, and is disconnected when its queue
 * overflows.
 */
class BackPressureTest {

  /** Far below what the sender sends, so that without back-pressure the recipient overflows. */
  private static final int OUTBOUND_BUFFER = 200;
  private static final int MESSAGES = 4000;
  /** 8 KB per message: 32 MB in all, far more than the TCP buffers on the way can hold. */
  private static final String PAD = "x".repeat(8 * 1024);

  @RegisterExtension
  static final SignalingServerFixture server =
      SignalingServerFixture.withOverrides(
          """
          roomcluster.clients {
            outbound-buffer = %d
            outbound-high-water = 16
            write-stall-timeout = 3s
          }
          # the disconnected recipient's session need not wait long for a resume
          roomcluster.sessions.resume-window = 2s
          """
              .formatted(OUTBOUND_BUFFER));

  @Test
  void aSenderOutrunningItsRecipientIsSlowedAndEveryMessageArrivesInOrder() throws Exception {
    long slowBefore = slowClientDisconnects();
    // The recipient reads nothing while the sender floods; it reads on before the stall timeout.
    Flood flood = floodPausedRecipient("sender", "recipient");
    Session recipient = flood.recipient();
    AtomicInteger sent = flood.sent();
    int stalledAt = awaitNoProgress(sent, Duration.ofMillis(400), Duration.ofSeconds(30));
    assertTrue(stalledAt < MESSAGES,
        "the sender's socket must stop being read while its recipient is backed up (sent " + stalledAt + ")");
    recipient.client().resumeReading();

    for (int i = 0; i < MESSAGES; i++) {
      JsonNode frame = recipient.client().next(Duration.ofSeconds(20));
      assertEquals("message", frame.path("type").asText(), "frame " + i + ": " + frame);
      assertEquals(i, frame.path("message").path("data").path("i").asInt(-1), "message order");
    }
    flood.thread().join(10_000);
    assertEquals(MESSAGES, sent.get());
    assertFalse(recipient.client().isClosed(), "a recipient that keeps reading is not disconnected");
    assertEquals(slowBefore, slowClientDisconnects(), "no slow-client disconnect");
  }

  @Test
  void aRecipientThatTakesNothingIsDisconnectedAndReleasesItsSender() throws Exception {
    long slowBefore = slowClientDisconnects();
    Flood flood = floodPausedRecipient("sender2", "dead");
    Session sender = flood.sender();
    Session recipient = flood.recipient();
    // Held while the dead recipient is backed up, free again after the stall timeout; the
    // recipient's queue then overflows and it is disconnected (its session is detached and
    // queues for a resume).
    flood.thread().join(60_000);
    assertEquals(MESSAGES, flood.sent().get(), "the sender got every message out");
    assertEquals(slowBefore + 1, slowClientDisconnects(), "the overflowed recipient counts as a slow client");
    // The sender's session is still in service.
    sender.send(message(recipient.sessionId(), -1));
    Session other = server.hello("other", "erin");
    sender.send(message(other.sessionId(), 7));
    assertEquals(7, other.expect("message").path("message").path("data").path("i").asInt());
    recipient.client().resumeReading(); // sees its connection end
  }

  /** A sender flooding a recipient that has stopped reading; {@code sent} counts what it got out. */
  private record Flood(Session sender, Session recipient, AtomicInteger sent, Thread thread) {}

  private static Flood floodPausedRecipient(String senderName, String recipientName) {
    Session sender = server.hello(senderName, "user-" + senderName);
    Session recipient = server.hello(recipientName, "user-" + recipientName);
    recipient.client().pauseReading();
    AtomicInteger sent = new AtomicInteger();
    Thread thread = new Thread(() -> {
      for (int i = 0; i < MESSAGES; i++) {
        sender.client().sendAsync(message(recipient.sessionId(), i)).join();
        sent.incrementAndGet();
      }
    }, "flood");
    thread.start();
    return new Flood(sender, recipient, sent, thread);
  }

  private static String message(String recipientId, int i) {
    return """
        {"type":"message","message":{"recipient":{"type":"session","sessionid":"%s"},"data":{"i":%d,"pad":"%s"}}}"""
        .formatted(recipientId, i, PAD);
  }

  /** Waits until {@code count} stopped growing for {@code quiet} (or reached all); returns it. */
  private static int awaitNoProgress(AtomicInteger count, Duration quiet, Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    int last = -1;
    long lastChange = System.nanoTime();
    while (System.nanoTime() < end) {
      int now = count.get();
      if (now >= MESSAGES) {
        return now;
      }
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange >= quiet.toNanos()) {
        return now;
      }
      Thread.sleep(20);
    }
    return count.get();
  }

  private long slowClientDisconnects() throws IOException, InterruptedException {
    String metrics =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(server.uri("http", "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
            .body();
    return metrics.lines()
        .filter(line -> line.startsWith("roomcluster_websocket_slow_client_disconnects_total "))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no slow-client counter in /metrics"));
  }
}
