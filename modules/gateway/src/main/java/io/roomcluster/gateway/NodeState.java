package io.roomcluster.gateway;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/** Per-node lifecycle flags shared by the edge and the health checks. */
public final class NodeState implements Extension {

  private static final ExtensionId<NodeState> ID =
      new ExtensionId<>() {
        @Override
        public NodeState createExtension(ActorSystem<?> system) {
          return new NodeState();
        }
      };

  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile BooleanSupplier routingCheck = () -> true;
  private volatile boolean routingConverged;

  public static NodeState get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Once set, the node is on its way out: not ready, no new WebSockets. */
  public boolean draining() {
    return draining.get();
  }

  public void startDraining() {
    draining.set(true);
  }

  /** How to tell that this node can route frames to every cluster member (set by the gateway). */
  public void routingCheck(BooleanSupplier check) {
    this.routingCheck = check;
  }

  /**
   * Ready for clients: not draining, and able to route to every member. The second part is
   * latched the first time it holds: a fresh node whose view of the other nodes' delivery actors
   * lags behind membership would drop its clients' first cross-node frames; a running node must
   * not flap when another one joins.
   */
  public boolean ready() {
    if (draining()) {
      return false;
    }
    if (!routingConverged && routingCheck.getAsBoolean()) {
      routingConverged = true;
    }
    return routingConverged;
  }
}
