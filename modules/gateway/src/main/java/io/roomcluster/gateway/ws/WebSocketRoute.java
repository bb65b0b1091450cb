package io.roomcluster.gateway.ws;

import io.roomcluster.gateway.BuildInfo;
import io.roomcluster.gateway.Features;
import io.roomcluster.gateway.NodeState;
import io.roomcluster.gateway.config.SignalingSettings;
import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.gateway.session.HelloHandler;
import io.roomcluster.protocol.message.ServerMessage;
import io.roomcluster.protocol.message.WelcomeMessage;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import scala.Option;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /spreed}: one text frame = one JSON message. Inbound frames are size-limited and
 * handed to a {@link ClientConnection} with back-pressure (a flooding client is slowed by TCP, not
 * buffered); outbound frames go through a bounded queue that fails the connection when a client
 * cannot keep up (it may then resume on a new connection).
 */
public final class WebSocketRoute extends AllDirectives {

  private static final String WELCOME =
      ServerMessage.welcome(new WelcomeMessage(BuildInfo.VERSION, Features.CLIENT)).toJson();

  private final ActorSystem<?> system;
  private final SignalingSettings settings;
  private final HelloHandler helloHandler;
  private final AtomicLong connectionIds = new AtomicLong();

  private final Metrics metrics;
  private final TextFrameStack frameStack;
  private final SpreedSocket.Limits limits;
  private final String upgradeHeaders;

  public WebSocketRoute(ActorSystem<?> system, SignalingSettings settings, HelloHandler helloHandler, Metrics metrics) {
    this.metrics = metrics;
    this.frameStack = new TextFrameStack(system, settings.maxFrameSize(), settings.pingInterval(), settings.pongWait());
    this.limits = new SpreedSocket.Limits(settings.maxFrameSize(), settings.pingInterval(), settings.pongWait());
    String server = system.settings().config().getString("pekko.http.server.server-header");
    // What pekko-http's answer to the upgrade carries (the features header: HttpRoutes).
    this.upgradeHeaders =
        (server.isEmpty() ? "" : "Server: " + server + "\r\n") + "X-Spreed-Signaling-Features: " + Features.HEADER_VALUE + "\r\n";
    this.system = system;
    this.settings = settings;
    this.helloHandler = helloHandler;
  }

  /**
   * {@code /spreed} through the routing DSL: what {@link #upgrade} leaves to it, i.e. the draining
   * answer, the rejection of plain requests, and an upgrade that raced the start of a drain.
   */
  public Route route() {
    return path(
        "spreed",
        () ->
            NodeState.get(system).draining()
                // A keep-alive connection may still ask after the port was unbound.
                ? complete(StatusCodes.SERVICE_UNAVAILABLE, "draining")
                : extractWebSocketUpgrade(
                    upgrade -> extractRequest(request -> complete(accept(upgrade, clientAddress(request))))));
  }

  /**
   * The upgrade of {@code GET /spreed}, answered without the routing DSL; empty for any other
   * request, and while draining. This is the request of every new socket, and the directives'
   * closures and futures were a measurable part of what a new connection costs.
   */
  public Optional<HttpResponse> upgrade(HttpRequest request) {
    if (!"/spreed".equals(request.getUri().path()) || NodeState.get(system).draining()) {
      return Optional.empty();
    }
    return request
        .getAttribute(AttributeKeys.webSocketUpgrade)
        .map(upgrade -> accept(upgrade, clientAddress(request)));
  }

  /**
   * The stage of a new connection on the node's port: a {@link SpreedSocket} if its first read is
   * a complete upgrade of {@code /spreed}; anything else (and everything while draining, which
   * {@link #route} answers) is served by {@code otherwise}, pekko-http's server layer.
   */
  public Flow<ByteString, ByteString, NotUsed> portConnection(
      InetSocketAddress remote, Supplier<Flow<ByteString, ByteString, NotUsed>> otherwise) {
    return Flow.fromGraph(
        new SpreedSocket(
            new SpreedSocket.Opener() {
              @Override
              public Optional<SpreedSocket.Opened> open(ByteString first) {
                if (NodeState.get(system).draining()) {
                  return Optional.empty();
                }
                return UpgradeRequest.parse(first).map(upgrade -> opened(upgrade, remote));
              }

              @Override
              public Flow<ByteString, ByteString, NotUsed> otherwise() {
                return otherwise.get();
              }
            },
            limits,
            metrics));
  }

  private SpreedSocket.Opened opened(UpgradeRequest upgrade, InetSocketAddress remote) {
    String address =
        upgrade.forwardedFor() != null ? upgrade.forwardedFor() : remote.getAddress().getHostAddress() + ":" + remote.getPort();
    Ends ends = open(address);
    return new SpreedSocket.Opened(upgrade.response(upgradeHeaders), upgrade.rest(), ends.connection(), ends.gate(), ends.events());
  }

  private HttpResponse accept(WebSocketUpgrade upgrade, String clientAddress) {
    return ((UpgradeToWebSocketLowLevel) upgrade).handleFrames(frameStack.serverFrames(connectionFlow(clientAddress)), Option.empty());
  }

  /** Who connected, for the logs: proxy headers first, like pekko-http's {@code extractClientIP}. */
  private static String clientAddress(HttpRequest request) {
    String proxied =
        UpgradeRequest.proxiedAddress(
            request.getHeader("X-Forwarded-For").map(HttpHeader::value).orElse(null),
            request.getHeader("X-Real-Ip").map(HttpHeader::value).orElse(null));
    if (proxied != null) {
      return proxied;
    }
    return request.getAttribute(AttributeKeys.remoteAddress).map(Object::toString).orElse("unknown");
  }

  /** Client messages handed to actors and not yet taken, per socket, before it stops reading. */
  static final int INBOUND_WINDOW = 32;

  /** The application side of one connection on pekko-http's stack: Strings in, Strings out. */
  Flow<String, String, NotUsed> connectionFlow(String remoteAddress) {
    Ends ends = open(remoteAddress);
    Sink<String, NotUsed> inbound = Sink.fromGraph(InboundGate.sink(ends.gate(), ends.connection(), metrics));
    Source<String, NotUsed> frames = Source.fromGraph(ends.connection().out().source(ends.events()));
    // Not coupled: when the server closes (drain, bye, hello timeout), the frames the client had
    // already sent are still read until its close frame answers ours (or the close handshake
    // times out); a coupled flow would cancel the inbound side and drop them unread.
    return Flow.fromSinkAndSource(inbound, frames);
  }

  /** What one connection's stream works with, whichever stack carries it. */
  private record Ends(Connection connection, InboundGate gate, OutboundQueue.StreamEvents events) {}

  /** A new connection: its welcome queued, its connection actor started. */
  private Ends open(String remoteAddress) {
    long id = connectionIds.incrementAndGet();
    OutboundQueue outbound =
        new OutboundQueue(settings.outboundBuffer(), settings.outboundHighWater(), settings.writeStallTimeout());
    Connection connection = new Connection(id, outbound, remoteAddress);
    connection.send(WELCOME);
    InboundGate gate = new InboundGate(INBOUND_WINDOW);
    ActorRef<ClientConnection.Command> handler =
        system.systemActorOf(
            ClientConnection.create(connection, gate, helloHandler, settings.helloTimeout()), "ws-" + id, Props.empty());
    gate.connectionActor(handler);
    return new Ends(
        connection,
        gate,
        new OutboundQueue.StreamEvents() {
          @Override
          public void pushed(int frames) {
            metrics.framesOut(frames);
          }

          @Override
          public void ended(boolean tooSlow) {
            connection.closed();
            if (tooSlow) {
              metrics.slowClientDisconnect();
            }
          }
        });
  }
}
