package io.roomcluster.gateway;

import io.roomcluster.gateway.backend.BackendRegistry;
import io.roomcluster.gateway.backend.NextcloudClient;
import io.roomcluster.gateway.backend.RoomRequestHandler;
import io.roomcluster.gateway.cluster.ClusterDelivery;
import io.roomcluster.gateway.cluster.NodeDelivery;
import io.roomcluster.gateway.cluster.SessionDirectory;
import io.roomcluster.gateway.config.SignalingSettings;
import io.roomcluster.gateway.http.HttpRoutes;
import io.roomcluster.gateway.http.OperatorRoutes;
import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.gateway.room.NodeRoomEvents;
import io.roomcluster.gateway.session.HelloHandler;
import io.roomcluster.gateway.session.RoomPinger;
import io.roomcluster.gateway.session.SessionContext;
import io.roomcluster.gateway.session.SessionIds;
import io.roomcluster.gateway.session.SessionRegistry;
import io.roomcluster.gateway.ws.WebSocketRoute;
import io.roomcluster.room.NodeIds;
import io.roomcluster.room.RoomEventPublisher;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;

/** The node's edge: everything that speaks HTTP or WebSocket, wired once per ActorSystem. */
public final class Gateway {

  private final Function<HttpRequest, CompletionStage<HttpResponse>> handler;
  private final WebSocketRoute webSocket;
  private final RoomEventPublisher roomEventPublisher;
  private final SessionRegistry sessions;

  private Gateway(
      Function<HttpRequest, CompletionStage<HttpResponse>> handler,
      WebSocketRoute webSocket,
      RoomEventPublisher roomEventPublisher,
      SessionRegistry sessions) {
    this.handler = handler;
    this.webSocket = webSocket;
    this.roomEventPublisher = roomEventPublisher;
    this.sessions = sessions;
  }

  /** @throws IllegalArgumentException listing every configuration problem */
  public static Gateway create(ActorSystem<?> system) {
    SignalingSettings settings = SignalingSettings.fromConfig(system.settings().config());
    SessionRegistry registry = new SessionRegistry();
    Metrics metrics = new Metrics(registry::sessionCount, registry::roomCount);
    BackendRegistry backends = new BackendRegistry(settings.backend());
    NextcloudClient nextcloud = new NextcloudClient(system, settings.backend(), metrics);
    ClusterDelivery delivery =
        new ClusterDelivery(system, registry, metrics, NodeIds.of(Cluster.get(system).selfMember().uniqueAddress()));
    NodeState.get(system).routingCheck(delivery::knowsEveryUpMember);
    delivery.start(system.systemActorOf(NodeDelivery.create(registry, delivery), "node-delivery", Props.empty()));
    SessionContext sessionContext =
        new SessionContext(
            settings,
            new SessionIds(settings.hashKey(), settings.blockKey()),
            registry,
            nextcloud,
            ClusterSharding.get(system),
            delivery,
            system.systemActorOf(SessionDirectory.create(settings.resumeWindow()), "session-directory", Props.empty()),
            backends,
            metrics,
            new RoomPinger(system, nextcloud, settings.roomPingInterval()));
    HelloHandler hello = new HelloHandler(system, settings, backends, nextcloud, sessionContext);
    WebSocketRoute webSocket = new WebSocketRoute(system, settings, hello, metrics);
    RoomRequestHandler roomRequests =
        new RoomRequestHandler(
            sessionContext.sharding(), delivery, settings.roomAskTimeout(), settings.roomBackendRequestDeadline(), metrics);
    Function<HttpRequest, CompletionStage<HttpResponse>> handler =
        new HttpRoutes(settings, webSocket, backends, roomRequests, metrics, new OperatorRoutes(system, settings, metrics))
            .handler(system);
    return new Gateway(handler, webSocket, new NodeRoomEvents(system, delivery, nextcloud, backends), registry);
  }

  /** What the node's HTTP port serves: {@code /spreed}, the backend API, the operator routes. */
  public Function<HttpRequest, CompletionStage<HttpResponse>> handler() {
    return handler;
  }

  /** Serves {@link #handler} on {@code host:port}, with {@code /spreed} sockets on our own stage (see {@link SignalingPort}). */
  public CompletionStage<SignalingPort> bind(ActorSystem<?> system, String host, int port) {
    return SignalingPort.bind(system, host, port, webSocket, handler);
  }

  /** Handed to the RoomEntity so that room changes reach the sessions connected here. */
  public RoomEventPublisher roomEventPublisher() {
    return roomEventPublisher;
  }

  public SessionRegistry sessions() {
    return sessions;
  }

  /**
   * Drain for a graceful stop: close the client sockets, paced (see {@link SessionDrain}), so the
   * clients resume on other nodes, which take the sessions over from here; completes when every
   * closed session has left this node or after {@code timeout}, when the sockets still open are
   * closed at once (their sessions stay resumable from the replicated directory).
   */
  public CompletionStage<Done> drain(
      ActorSystem<?> system, Duration timeout, int inFlight, Duration settle, Duration resumeTarget) {
    SessionDrain.Pacing pacing = new SessionDrain.Pacing(inFlight, settle, resumeTarget);
    NodeState.get(system).startDraining();
    if (!anotherMemberUp(system)) {
      // Nobody can take the sessions over (the single node, or the last one): waiting would only
      // delay the stop. Their clients reconnect to this node's successor and start new sessions.
      SessionDrain all = new SessionDrain(sessions, pacing, Duration.ZERO, System::nanoTime);
      all.tick();
      system.log().info("drain: no other node is up; closed the sockets of {} sessions", all.attachedAtStart());
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    SessionDrain drain = new SessionDrain(sessions, pacing, timeout, System::nanoTime);
    system.log().info(
        "drain: closing the sockets of {} sessions, {} at a time to start with, so their clients resume on other nodes",
        drain.attachedAtStart(), pacing.inFlight());
    CompletableFuture<Done> drained = new CompletableFuture<>();
    long start = System.nanoTime();
    Runnable[] tick = new Runnable[1];
    tick[0] =
        () -> {
          SessionDrain.Progress progress = drain.tick();
          if (progress == SessionDrain.Progress.DRAINING) {
            system.scheduler().scheduleOnce(DRAIN_TICK, tick[0], system.executionContext());
            return;
          }
          long ms = (System.nanoTime() - start) / 1_000_000;
          if (progress == SessionDrain.Progress.DONE) {
            system.log().info("drain: all {} sessions left this node after {} ms (window at the end {})",
                drain.attachedAtStart(), ms, drain.window());
          } else {
            system.log().warn(
                "drain: {} of {} sessions not resumed elsewhere after {} ms; they stay resumable from the session directory",
                drain.left(), drain.attachedAtStart(), ms);
          }
          drained.complete(Done.getInstance());
        };
    tick[0].run();
    return drained;
  }

  private static boolean anotherMemberUp(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    for (Member member : cluster.state().getMembers()) {
      if (!member.uniqueAddress().equals(cluster.selfMember().uniqueAddress())
          && (member.status().equals(MemberStatus.up()) || member.status().equals(MemberStatus.weaklyUp()))
          && !cluster.state().getUnreachable().contains(member)) {
        return true;
      }
    }
    return false;
  }

  /** How often the drain looks for taken-over sessions and refills its window. */
  private static final Duration DRAIN_TICK = Duration.ofMillis(20);
}
