package io.roomcluster.server;

import com.typesafe.config.Config;
import io.roomcluster.gateway.BuildInfo;
import io.roomcluster.gateway.Gateway;
import io.roomcluster.gateway.SignalingPort;
import io.roomcluster.room.RoomEntity;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import io.roomcluster.gateway.NodeState;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings one node up, in order: persistence (schema, warm-up), cluster membership, sharding, HTTP. */
public final class RoomclusterNode {

  private static final Logger log = LoggerFactory.getLogger(RoomclusterNode.class);
  /** A journal that does not answer by then is not waited for: rooms retry their recovery. */
  private static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(30);

  private RoomclusterNode() {}

  /** Completes with the HTTP binding once the node serves requests. */
  public static CompletionStage<SignalingPort> start(ActorSystem<Void> system) {
    Config config = system.settings().config();
    return preparePersistence(system, config)
        .thenCompose(done -> warmUpPersistence(system))
        .thenCompose(
            done -> {
              joinCluster(system, config);
              Gateway gateway = Gateway.create(system);
              RoomEntity.init(system, gateway.roomEventPublisher());
              startManagement(system, config);
              registerDrain(system, config, gateway);
              return bindHttp(system, config, gateway);
            });
  }

  private static CompletionStage<Done> preparePersistence(ActorSystem<?> system, Config config) {
    if (config.getString("roomcluster.persistence.kind").equals("jdbc")
        && config.getBoolean("roomcluster.persistence.create-schema")) {
      // Must finish before the first room persists an event.
      return SchemaUtils.createIfNotExists(system);
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  /** Before joining: shards allocated here must not wait for the journal's first connection. */
  private static CompletionStage<Done> warmUpPersistence(ActorSystem<?> system) {
    long started = System.nanoTime();
    return PersistenceWarmUp.run(system, WARM_UP_TIMEOUT)
        .handle(
            (done, failure) -> {
              if (failure != null) {
                log.warn("The journal did not answer a recovery within {}; joining the cluster anyway", WARM_UP_TIMEOUT, failure);
              } else {
                log.debug("Journal and snapshot store answered in {} ms", (System.nanoTime() - started) / 1_000_000);
              }
              return Done.getInstance();
            });
  }

  private static void joinCluster(ActorSystem<?> system, Config config) {
    Cluster cluster = Cluster.get(system);
    if (config.getBoolean("roomcluster.cluster.self-join")) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  /**
   * Graceful stop, in CoordinatedShutdown's order: readiness turns false, the port is unbound,
   * client sockets are closed so clients resume on other nodes (which take the sessions over from
   * this one while it still runs), then shards are handed off and the node leaves the cluster.
   */
  private static void registerDrain(ActorSystem<?> system, Config config, Gateway gateway) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "roomcluster-not-ready",
        () -> {
          NodeState.get(system).startDraining();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    Duration drainTimeout = config.getDuration("roomcluster.shutdown.drain-timeout");
    int drainInFlight = config.getInt("roomcluster.shutdown.drain-in-flight");
    Duration drainSettle = config.getDuration("roomcluster.shutdown.drain-settle");
    Duration drainResumeTarget = config.getDuration("roomcluster.shutdown.drain-resume-target");
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceRequestsDone(),
        "roomcluster-drain-sessions",
        () -> gateway.drain(system, drainTimeout, drainInFlight, drainSettle, drainResumeTarget));
  }

  private static void startManagement(ActorSystem<?> system, Config config) {
    boolean bootstrap = config.getBoolean("roomcluster.cluster.bootstrap");
    if (config.getBoolean("roomcluster.management.enabled")) {
      PekkoManagement.get(system).start();
      if (bootstrap) {
        // Kubernetes (helm/roomcluster): find the other pods through contact-point discovery
        // (pekko.management.cluster.bootstrap), then join their cluster or form a new one.
        ClusterBootstrap.get(system).start();
      }
    } else if (bootstrap) {
      // Contact points probe each other's management endpoint: without it the node never joins.
      throw new IllegalArgumentException(
          "roomcluster.cluster.bootstrap = on needs roomcluster.management.enabled = on");
    }
  }

  private static CompletionStage<SignalingPort> bindHttp(
      ActorSystem<?> system, Config config, Gateway gateway) {
    String host = config.getString("roomcluster.http.host");
    int port = config.getInt("roomcluster.http.port");
    return gateway
        .bind(system, host, port)
        .thenApply(
            binding -> {
              // Unbind first (no new sockets), close the remaining HTTP connections once the
              // paced drain of the WebSockets is over.
              CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
              shutdown.addTask(
                  CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind", binding::unbind);
              shutdown.addTask(
                  CoordinatedShutdown.PhaseServiceStop(), "http-terminate", binding::terminate);
              log.info(
                  "{} listening on http://{} (WebSocket /spreed, backend API /api/v1/room/{token})",
                  BuildInfo.SERVER_HEADER,
                  binding.localAddress().getHostString() + ":" + binding.localAddress().getPort());
              return binding;
            });
  }
}
