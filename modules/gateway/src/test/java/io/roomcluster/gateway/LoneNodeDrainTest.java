package io.roomcluster.gateway;

import static io.roomcluster.gateway.SignalingServerFixture.BACKEND_SECRET;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomcluster.gateway.SignalingServerFixture.Session;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node with no other member up (the single-node default, or the last node of a cluster) has
 * nobody to hand its sessions to: its drain closes every socket at once and does not wait for
 * take-overs that cannot come (which made a Ctrl-C of the single node last the whole drain-timeout).
 */
class LoneNodeDrainTest {

  private FakeNextcloud backend;
  private SignalingServerFixture server;

  @BeforeEach
  void start() throws Exception {
    backend = new FakeNextcloud(BACKEND_SECRET);
    server = SignalingServerFixture.start(backend, "");
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    backend.close();
  }

  @Test
  void closesEverySocketAtOnceAndCompletesWithoutWaiting() throws Exception {
    List<Session> sessions = List.of(server.hello("a", "a"), server.hello("b", "b"), server.hello("c", "c"));
    // A hello is answered just before the session attaches its socket: wait for all three.
    SignalingServerFixture.await(
        Duration.ofSeconds(5),
        () -> server.gateway().sessions().linesBySid().stream().filter(e -> e.getValue().attached()).count() == 3,
        "3 sockets attached to their sessions");

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
