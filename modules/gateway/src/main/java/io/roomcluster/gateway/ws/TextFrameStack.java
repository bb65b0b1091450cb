package io.roomcluster.gateway.ws;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.impl.engine.ws.FrameEvent$;
import org.apache.pekko.http.impl.engine.ws.FrameHandler;
import org.apache.pekko.http.impl.engine.ws.Protocol$Opcode$Text$;
import org.apache.pekko.http.impl.engine.ws.WebSocket$;
import org.apache.pekko.http.impl.engine.ws.WebSocket;
import org.apache.pekko.http.scaladsl.settings.WebSocketSettings;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Graph;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.scaladsl.BidiFlow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

/**
 * The WebSocket protocol stack for {@code /spreed}, one text message = one String.
 *
 * <p>Why: pekko-http's message layer turns every incoming message into a sub-stream
 * ({@code splitAfter} + {@code prefixAndTail}) that is materialized per message; profiling showed
 * that materialization alone at about 30 % of the server's CPU under the reference's load client,
 * for one-frame JSON messages. This stack keeps pekko-http's own lower layers (masking, control
 * frames and close handshake, periodic pings) and replaces only the message layer with one stage
 * that assembles text frames into Strings without sub-streams.
 *
 * <p>It uses pekko-http internals ({@code impl.engine.ws}), pinned by the build to pekko-http
 * 1.3.0; every behaviour is covered by the gateway's end-to-end WebSocket tests.
 */
final class TextFrameStack {

  private static final FiniteDuration CLOSE_TIMEOUT = FiniteDuration.create(3, TimeUnit.SECONDS);

  /**
   * Masking, frame handling, keep-alive and the message layer: the same for every socket, so built
   * once (building the graph blueprint was part of what every new connection cost).
   */
  @SuppressWarnings("rawtypes")
  private final BidiFlow stack;

  /** The stack of one route; {@code maxMessageBytes} limits a client's text message. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  TextFrameStack(ActorSystem<?> system, int maxMessageBytes) {
    // Read once here: building the settings parses the whole pekko.http.server config.
    WebSocketSettings settings =
        (WebSocketSettings) org.apache.pekko.http.javadsl.settings.ServerSettings.create(system.classicSystem()).getWebsocketSettings();
    BidiFlow lower =
        WebSocket$.MODULE$
            .masking(true, (scala.Function0<Random>) Random::new)
            .atop((Graph) WebSocket$.MODULE$.frameHandling(true, CLOSE_TIMEOUT, system.classicSystem().log()))
            .atop((Graph) WebSocket$.MODULE$.periodicKeepAlive(settings));
    this.stack = lower.atop(new TextMessages(maxMessageBytes));
  }

  /** A frame-level handler for {@code UpgradeToWebSocketLowLevel.handleFrames}: the stack joined with one socket's messages. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  Graph serverFrames(Flow<String, String, NotUsed> messages) {
    return stack.join(messages.asScala());
  }

  /** Thrown into the stream for a message above the limit; the connection closes. */
  static final class MessageTooLarge extends RuntimeException {
    MessageTooLarge(int limit) {
      super("text message larger than " + limit + " bytes");
    }
  }

  /**
   * Between pekko-http's frame handler (below) and the application (above): text message parts
   * become Strings; control events (pong answers, close handshake) bypass the application; the
   * application's Strings become single text frames. Replaces pekko-http's messageAPI.
   */
  private static final class TextMessages extends GraphStage<BidiShape<Object, String, String, Object>> {

    private final Inlet<Object> fromNetwork = Inlet.create("TextMessages.fromNetwork");
    private final Outlet<String> toApp = Outlet.create("TextMessages.toApp");
    private final Inlet<String> fromApp = Inlet.create("TextMessages.fromApp");
    private final Outlet<Object> toNetwork = Outlet.create("TextMessages.toNetwork");
    private final BidiShape<Object, String, String, Object> shape = BidiShape.of(fromNetwork, toApp, fromApp, toNetwork);
    private final int maxBytes;

    TextMessages(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public BidiShape<Object, String, String, Object> shape() {
      return shape;
    }

    @Override
    public Attributes initialAttributes() {
      return Attributes.name("roomcluster-text-messages");
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
      return new TimerGraphStageLogic(shape) {
        private final StringBuilder partial = new StringBuilder();
        private int partialBytes;

        {
          setHandler(
              fromNetwork,
              new AbstractInHandler() {
                @Override
                public void onPush() {
                  onNetwork(grab(fromNetwork));
                }

                @Override
                public void onUpstreamFinish() {
                  complete(toApp);
                }
              });
          setHandler(
              toApp,
              new AbstractOutHandler() {
                @Override
                public void onPull() {}

                @Override
                public void onDownstreamFinish(Throwable cause) {
                  // The application stopped reading: control frames must still flow.
                }
              });
          setHandler(
              fromApp,
              new AbstractInHandler() {
                @Override
                public void onPush() {
                  String text = grab(fromApp);
                  emit(toNetwork, textFrame(text), () -> tryPull(fromApp));
                }

                @Override
                public void onUpstreamFinish() {
                  emit(toNetwork, FrameHandler.UserHandlerCompleted$.MODULE$);
                }

                @Override
                public void onUpstreamFailure(Throwable ex) {
                  emit(toNetwork, new FrameHandler.UserHandlerErredOut(ex));
                }
              });
          setHandler(
              toNetwork,
              new AbstractOutHandler() {
                @Override
                public void onPull() {}
              });
        }

        @Override
        public void preStart() {
          pull(fromNetwork);
          pull(fromApp);
          // The frame-out handler times out a close handshake on these ticks.
          Duration tick = Duration.ofMillis(CLOSE_TIMEOUT.toMillis());
          scheduleWithFixedDelay("tick", tick, tick);
        }

        @Override
        public void onTimer(Object key) {
          if (isAvailable(toNetwork)) {
            push(toNetwork, WebSocket.Tick$.MODULE$);
          }
        }

        private void onNetwork(Object event) {
          if (event instanceof FrameHandler.TextMessagePart part) {
            appendText(part);
            return;
          }
          if (event instanceof FrameHandler.PeerClosed closed) {
            if (closed.code().isDefined() && isErrorCode((Integer) closed.code().get())) {
              fail(toApp, new IllegalStateException("peer closed with " + closed.code().get() + " " + closed.reason()));
            } else {
              complete(toApp);
            }
          } else if (event instanceof FrameHandler.ActivelyCloseWithCode) {
            complete(toApp);
          }
          if (event instanceof FrameHandler.BypassEvent) {
            emit(toNetwork, event, this::pullNetwork);
          } else {
            pullNetwork(); // binary parts, message ends: ignored like the reference ignores binary
          }
        }

        private void appendText(FrameHandler.TextMessagePart part) {
          String data = part.data();
          partialBytes += WebSocketRoute.utf8Length(data, maxBytes);
          if (partialBytes > maxBytes) {
            failStage(new MessageTooLarge(maxBytes));
            return;
          }
          if (part.last() && partial.length() == 0) {
            emitToApp(data); // the common case: a whole message in one frame, no copy
            return;
          }
          partial.append(data);
          if (part.last()) {
            String text = partial.toString();
            partial.setLength(0);
            emitToApp(text);
          } else {
            pullNetwork();
          }
        }

        private void emitToApp(String text) {
          partialBytes = 0;
          if (isClosed(toApp)) {
            pullNetwork();
          } else {
            emit(toApp, text, this::pullNetwork);
          }
        }

        private void pullNetwork() {
          if (!hasBeenPulled(fromNetwork) && !isClosed(fromNetwork)) {
            pull(fromNetwork);
          }
        }
      };
    }

    private static boolean isErrorCode(int code) {
      // 1000 normal, 1001 going away; 1005/1006 are never sent on the wire.
      return code != 1000 && code != 1001;
    }
  }

  private static Object textFrame(String text) {
    return FrameEvent$.MODULE$.fullFrame(
        Protocol$Opcode$Text$.MODULE$, Option.empty(), ByteString.fromString(text, StandardCharsets.UTF_8), true, false, false, false);
  }
}
