package io.roomcluster.gateway.ws;

import io.roomcluster.gateway.BuildInfo;
import io.roomcluster.gateway.Features;
import io.roomcluster.gateway.NodeState;
import io.roomcluster.gateway.config.SignalingSettings;
import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.gateway.session.HelloHandler;
import io.roomcluster.protocol.message.ServerMessage;
import io.roomcluster.protocol.message.WelcomeMessage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import scala.Option;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.http.scaladsl.settings.WebSocketSettings;

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
  private final WebSocketSettings webSocketSettings;

  public WebSocketRoute(ActorSystem<?> system, SignalingSettings settings, HelloHandler helloHandler, Metrics metrics) {
    this.metrics = metrics;
    this.webSocketSettings = TextFrameStack.webSocketSettings(system);
    this.system = system;
    this.settings = settings;
    this.helloHandler = helloHandler;
  }

  public Route route() {
    return path(
        "spreed",
        () ->
            extractClientIP(
                ip ->
                    NodeState.get(system).draining()
                        // A keep-alive connection may still ask after the port was unbound.
                        ? complete(StatusCodes.SERVICE_UNAVAILABLE, "draining")
                        : extractWebSocketUpgrade(
                            upgrade ->
                                complete(
                                    ((UpgradeToWebSocketLowLevel) upgrade)
                                        .handleFrames(
                                            TextFrameStack.serverFrames(system, webSocketSettings, connectionFlow(ip.toString()), settings.maxFrameSize()),
                                            Option.empty())))));
  }

  /** Client messages handed to actors and not yet taken, per socket, before it stops reading. */
  static final int INBOUND_WINDOW = 32;

  /** The application side of one connection: Strings in, Strings out. */
  Flow<String, String, NotUsed> connectionFlow(String remoteAddress) {
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

    Sink<String, NotUsed> inbound = Sink.fromGraph(InboundGate.sink(gate, connection, metrics));
    Source<String, NotUsed> frames =
        Source.fromGraph(outbound.source())
            .map(
                json -> {
                  metrics.frameOut();
                  return json;
                })
            .watchTermination(
                (notUsed, done) -> {
                  done.whenComplete(
                      (ok, failure) -> {
                        connection.closed();
                        if (failure instanceof BufferOverflowException) {
                          metrics.slowClientDisconnect();
                        }
                      });
                  return notUsed;
                });
    // Not coupled: when the server closes (drain, bye, hello timeout), the frames the client had
    // already sent are still read until its close frame answers ours (or the close handshake
    // times out); a coupled flow would cancel the inbound side and drop them unread.
    return Flow.fromSinkAndSource(inbound, frames);
  }

  /**
   * UTF-8 size of {@code text} (the limit is in bytes, like the reference's), computed only when
   * the character count leaves it in doubt; capped just above {@code limit}.
   */
  static int utf8Length(CharSequence text, int limit) {
    int chars = text.length();
    if (chars > limit) {
      return chars;
    }
    if ((long) chars * 3 <= limit) {
      return chars; // even all 3-byte characters would fit: the exact size does not matter
    }
    int bytes = 0;
    for (int i = 0; i < chars && bytes <= limit; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

}
