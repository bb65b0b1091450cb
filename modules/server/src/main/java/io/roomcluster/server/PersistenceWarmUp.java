package io.roomcluster.server;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;

/**
 * Recovers a persistence id that never has events before the node joins the cluster, so the
 * journal and snapshot plugins have connected and prepared their reads before a room lands here.
 * Without it the first room recovered on a new node waits for the Cassandra driver to connect:
 * 2.2 s for the first room, 0.7 s and 0.4 s on the next cold nodes, then 0.1 s (ClusterIT on
 * 2 shared cores) — a room hand-off during a rolling restart would pay that.
 */
final class PersistenceWarmUp
    extends EventSourcedBehaviorWithEnforcedReplies<PersistenceWarmUp.Stop, Void, PersistenceWarmUp.Nothing> {

  /** Handled once recovery has completed (commands wait for it): replies, then stops. */
  record Stop(ActorRef<Done> replyTo) {}

  /** No state: nothing is ever persisted under this id. */
  enum Nothing { INSTANCE }

  private static final PersistenceId ID = PersistenceId.ofUniqueId("roomcluster-warm-up");

  private PersistenceWarmUp() {
    super(ID);
  }

  /** Completes when the plugins answered a recovery; fails if they did not within {@code timeout}. */
  static CompletionStage<Done> run(ActorSystem<?> system, Duration timeout) {
    ActorRef<Stop> warmUp = system.systemActorOf(new PersistenceWarmUp(), "persistence-warm-up", Props.empty());
    return AskPattern.ask(warmUp, Stop::new, timeout, system.scheduler());
  }

  @Override
  public Nothing emptyState() {
    return Nothing.INSTANCE;
  }

  @Override
  public CommandHandlerWithReply<Stop, Void, Nothing> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Stop.class, stop -> Effect().stop().thenReply(stop.replyTo(), state -> Done.getInstance()))
        .build();
  }

  @Override
  public EventHandler<Nothing, Void> eventHandler() {
    return newEventHandlerBuilder().forAnyState().build();
  }
}
