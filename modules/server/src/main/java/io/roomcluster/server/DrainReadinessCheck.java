package io.roomcluster.server;

import io.roomcluster.gateway.NodeState;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Pekko Management readiness check: false as soon as the node starts draining, before it stops
 * accepting sockets, so a load balancer sends no new clients here; and false on a fresh node
 * until it can route frames to every member ({@link NodeState#ready}).
 */
public final class DrainReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  private final NodeState state;

  public DrainReadinessCheck(ActorSystem system) {
    this.state = NodeState.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(state.ready());
  }
}
