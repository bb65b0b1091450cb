package io.roomcluster.gateway;

import java.util.concurrent.atomic.AtomicBoolean;
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
}
