package io.roomcluster.gateway;

import com.typesafe.config.Config;
import io.roomcluster.gateway.net.TcpListener;
import io.roomcluster.gateway.ws.WebSocketRoute;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.TLSPlacebo;
import org.apache.pekko.util.ByteString;

/**
 * The node's one HTTP port. A connection that opens with an upgrade of {@code /spreed} becomes a
 * WebSocket on our own stage ({@link WebSocketRoute#socket}); every other connection (the backend
 * API, the operator routes, and any {@code /spreed} request the fast path leaves alone) is served
 * by pekko-http's server layer with the node's handler, as {@code Http.newServerAt} would.
 *
 * <p>Why not {@code Http.newServerAt}: it runs every connection through pekko-http's server
 * pipeline, which was most of the CPU a socket open cost, and leaves a WebSocket on a stack of
 * stages that each message passes one by one (see {@code SpreedSocket}).
 *
 * <p>The choice is made on the connection's first read, which holds a client's whole upgrade
 * request in practice; a request split over reads goes to pekko-http, which serves it the same
 * way, only slower. The connection's one stage makes it: a WebSocket has no stage in front of
 * it, pekko-http's layer runs fused inside the stage for the other connections.
 *
 * <p>The port itself is our own {@link TcpListener}, not pekko's {@code Tcp}: each connection's
 * socket is a stage fused with the one above, read by a selector thread and written by the
 * stream itself (see {@code ChannelStage} for the measurements behind it).
 */
public final class SignalingPort {

  private final TcpListener listener;
  private final SharedKillSwitch httpConnections;

  private SignalingPort(TcpListener listener, SharedKillSwitch httpConnections) {
    this.listener = listener;
    this.httpConnections = httpConnections;
  }

  static CompletionStage<SignalingPort> bind(
      ActorSystem<?> system,
      String host,
      int port,
      WebSocketRoute webSocket,
      Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    ServerSettings settings = ServerSettings.create(system.classicSystem());
    SharedKillSwitch httpConnections = KillSwitches.shared("roomcluster-http-connections");
    Config http = system.settings().config().getConfig("roomcluster.http");
    TcpListener.Options options =
        new TcpListener.Options(
            settings.getBacklog(),
            http.getInt("socket-loops"),
            (int) http.getBytes("socket-send-buffer").longValue(),
            (int) http.getBytes("socket-receive-buffer").longValue());
    return TcpListener.bind(
            system,
            host,
            port,
            options,
            remote -> connectionFlow(system, remote, webSocket, handler, settings, httpConnections))
        .thenApply(listener -> new SignalingPort(listener, httpConnections));
  }

  private static Flow<ByteString, ByteString, NotUsed> connectionFlow(
      ActorSystem<?> system,
      InetSocketAddress remote,
      WebSocketRoute webSocket,
      Function<HttpRequest, CompletionStage<HttpResponse>> handler,
      ServerSettings settings,
      SharedKillSwitch httpConnections) {
    return webSocket.portConnection(
        remote, () -> httpFlow(system, remote, handler, settings).via(httpConnections.flow()));
  }

  /** pekko-http's server layer, as {@code Http.newServerAt(...).bind(handler)} runs it per connection. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Flow<ByteString, ByteString, NotUsed> httpFlow(
      ActorSystem<?> system,
      InetSocketAddress remote,
      Function<HttpRequest, CompletionStage<HttpResponse>> handler,
      ServerSettings settings) {
    BidiFlow serverLayer =
        Http.get(system).serverLayer(settings, Optional.of(remote), system.classicSystem().log());
    BidiFlow<HttpResponse, ByteString, ByteString, HttpRequest, NotUsed> bytes =
        (BidiFlow<HttpResponse, ByteString, ByteString, HttpRequest, NotUsed>) serverLayer.atop((BidiFlow) TLSPlacebo.getInstance());
    scala.concurrent.duration.Duration idleTimeout = settings.getTimeouts().idleTimeout();
    if (idleTimeout.isFinite()) {
      bytes = bytes.atop(BidiFlow.<ByteString, ByteString>bidirectionalIdleTimeout(java.time.Duration.ofNanos(idleTimeout.toNanos())));
    }
    Flow<HttpRequest, HttpResponse, NotUsed> requests =
        Flow.of(HttpRequest.class).mapAsync(settings.getPipeliningLimit(), handler::apply);
    return requests.join(bytes);
  }

  public InetSocketAddress localAddress() {
    return listener.localAddress();
  }

  /** No new connections; those open stay. */
  public CompletionStage<Done> unbind() {
    return listener.unbind();
  }

  /**
   * After the drain: closes the HTTP connections still open (keep-alive connections of
   * Nextcloud, scrapers). The WebSockets were closed by the drain; one that never said hello
   * ends with the actor system.
   */
  public CompletionStage<Done> terminate() {
    httpConnections.shutdown();
    return unbind();
  }
}
