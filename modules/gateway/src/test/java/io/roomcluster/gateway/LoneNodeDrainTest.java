package io.roomcluster.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomcluster.gateway.SignalingServerFixture.Session;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node with no other member up (the single-node default, or the last node of a cluster) has
 * nobody to hand its sessions to: its drain closes every socket at once and does not wait for
 * take-overs that cannot come (which made a Ctrl-C of the single node last the whole drain-timeout).
 */
class LoneNodeDrainTest {

  @RegisterExtension
  static final SignalingServerFixture server = SignalingServerFixture.withOverrides("roomcluster.sessions.resume-window = 1s");

  @Test
  void closesEverySocketAtOnceAndCompletesWithoutWaiting() throws Exception {
    List<Session> sessions = List.of(server.hello("a", "a"), server.hello("b", "b"), server.hello("c", "c"));
    server.awaitAttached(3);

    // A window of one and a minute to wait: paced, this drain would take the whole minute.
    server.gateway()
        .drain(server.system(), Duration.ofMinutes(1), 1, Duration.ofSeconds(30), Duration.ofSeconds(1))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    SignalingServerFixture.await(
        Duration.ofSeconds(5),
        () -> sessions.stream().allMatch(s -> s.client().isClosed()),
        "not every socket was closed");
    assertTrue(NodeState.get(server.system()).draining(), "readiness stays false once the drain began");
  }
}
