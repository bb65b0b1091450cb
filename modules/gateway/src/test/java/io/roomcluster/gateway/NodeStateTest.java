package io.roomcluster.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class NodeStateTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void notReadyUntilRoutingConvergedThenLatchedUntilDraining() {
    NodeState state = NodeState.get(testKit.system());
    AtomicBoolean converged = new AtomicBoolean(false);
    state.routingCheck(converged::get);
    assertFalse(state.ready(), "a node that cannot reach every member yet");
    converged.set(true);
    assertTrue(state.ready());
    converged.set(false); // another node joins: its delivery actor is not known for a moment
    assertTrue(state.ready(), "a running node does not flap");
    state.startDraining();
    assertFalse(state.ready());
  }
}
