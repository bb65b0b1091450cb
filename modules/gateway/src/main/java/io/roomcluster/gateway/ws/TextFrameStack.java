package io.roomcluster.gateway.ws;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.impl.engine.ws.FrameEvent$;
import org.apache.pekko.http.impl.engine.ws.FrameData;
import org.apache.pekko.http.impl.engine.ws.FrameHandler;
import org.apache.pekko.http.impl.engine.ws.FrameHeader;
import org.apache.pekko.http.impl.engine.ws.FrameStart;
import org.apache.pekko.http.impl.engine.ws.Protocol;
import org.apache.pekko.http.impl.engine.ws.Protocol$Opcode$Binary$;
import org.apache.pekko.http.impl.engine.ws.Protocol$Opcode$Continuation$;
import org.apache.pekko.http.impl.engine.ws.Protocol$Opcode$Ping$;
import org.apache.pekko.http.impl.engine.ws.Protocol$Opcode$Text$;
import org.apache.pekko.http.impl.engine.ws.WebSocket$;
import org.apache.pekko.http.impl.engine.ws.WebSocket;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.FlowShape;
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
 * frames and close handshake) and replaces the message layer with one stage that assembles text
 * frames into Strings without sub-streams. Two more of pekko-http's layers cost more than they
 * do, measured the same way, and are replaced too:
 * <ul>
 *   <li>its frame handler decodes text frames with a byte-at-a-time UTF-8 decoder (19 % of the
 *       server's CPU): {@link TextAsBytes} hands it text frames as binary ones, and the message
 *       stage decodes each whole message with the JDK's decoder;
 *   <li>its periodic keep-alive re-arms a timer for every incoming frame (3 %): the message
 *       stage counts idle ticks of the timer it already runs instead, and pings a client that
 *       sent nothing for {@code roomcluster.clients.ping-interval}.
 * </ul>
 * And one thing pekko-http's stack does not do: a read deadline ({@code clients.pong-wait}).
 *
 * <p>It uses pekko-http internals ({@code impl.engine.ws}), pinned by the build to pekko-http
 * 1.3.0; every behaviour is covered by the gateway's end-to-end WebSocket tests.
 */
final class TextFrameStack {

  static final FiniteDuration CLOSE_TIMEOUT = FiniteDuration.create(3, TimeUnit.SECONDS);
  private static final Duration MIN_TICK = Duration.ofMillis(100);
  /** Also the close handshake's tick: its time-out is checked on each. */
  private static final Duration MAX_TICK = Duration.ofMillis(CLOSE_TIMEOUT.toMillis());
  private static final Object PING =
      new FrameHandler.DirectAnswer(
          FrameEvent$.MODULE$.fullFrame(Protocol$Opcode$Ping$.MODULE$, Option.empty(), ByteString.emptyByteString(), true, false, false, false));

  /**
   * Masking, frame handling, keep-alive and the message layer: the same for every socket, so built
   * once (building the graph blueprint was part of what every new connection cost).
   */
  @SuppressWarnings("rawtypes")
  private final BidiFlow stack;

  /**
   * The stack of one route; {@code maxMessageBytes} limits a client's text message, a client that
   * sent nothing for {@code pingInterval} is pinged, and one that sent no frame at all (pongs
   * included) for {@code pongWait} is cut off (either never if zero).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  TextFrameStack(ActorSystem<?> system, int maxMessageBytes, Duration pingInterval, Duration pongWait) {
    BidiFlow lower =
        WebSocket$.MODULE$
            .masking(true, (scala.Function0<Random>) Random::new)
            .atop((Graph) org.apache.pekko.stream.javadsl.BidiFlow.fromFlows(Flow.fromGraph(new TextAsBytes(pongWait)), Flow.create()))
            .atop((Graph) WebSocket$.MODULE$.frameHandling(true, CLOSE_TIMEOUT, system.classicSystem().log()));
    this.stack = lower.atop(new TextMessages(maxMessageBytes, pingInterval));
  }

  /** The period of a timer that watches {@code period}: a part of it, within MIN_TICK..MAX_TICK. */
  static Duration tickWithin(Duration period, int parts) {
    Duration tick = period.dividedBy(parts);
    if (tick.compareTo(MAX_TICK) > 0) {
      return MAX_TICK;
    }
    return tick.compareTo(MIN_TICK) < 0 ? MIN_TICK : tick;
  }

  /** How many ticks make at least {@code period}. */
  static int ticksIn(Duration period, Duration tick) {
    return (int) Math.max(1, (period.toMillis() + tick.toMillis() - 1) / tick.toMillis());
  }

  /** A frame-level handler for {@code UpgradeToWebSocketLowLevel.handleFrames}: the stack joined with one socket's messages. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  Graph serverFrames(Flow<String, String, NotUsed> messages) {
    return stack.join(messages.asScala());
  }

  /**
   * Between masking and pekko-http's frame handler, for incoming frames: a text frame is passed on
   * as a binary one, so that the handler hands over its bytes undecoded (its validation of frame
   * order, control frames and the close handshake stay). A client's binary message is dropped
   * here, frames and continuations: ignored, as the reference ignores binary messages.
   *
   * <p>Every frame passes here, pongs included (the frame handler drops those), so this is where
   * the read deadline is kept: a client silent for {@code pongWait} fails the stream with {@link
   * ReadDeadlineExceeded} and the connection closes, as the reference's read deadline closes it.
   */
  private static final class TextAsBytes extends GraphStage<FlowShape<Object, Object>> {
    private final Inlet<Object> in = Inlet.create("TextAsBytes.in");
    private final Outlet<Object> out = Outlet.create("TextAsBytes.out");
    private final FlowShape<Object, Object> shape = FlowShape.of(in, out);
    private final Duration tick;
    private final int silentTicksAllowed;

    TextAsBytes(Duration pongWait) {
      this.tick = pongWait.isZero() ? null : tickWithin(pongWait, 4);
      this.silentTicksAllowed = pongWait.isZero() ? Integer.MAX_VALUE : ticksIn(pongWait, tick);
    }

    @Override
    public FlowShape<Object, Object> shape() {
      return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
      return new TimerGraphStageLogic(shape) {
        /** Inside a binary message (until a frame with FIN ends it). */
        private boolean inBinaryMessage;
        /** The data still to come of the current frame belongs to a dropped frame. */
        private boolean droppingFrameData;
        private boolean heardSinceTick;
        private int silentTicks;

        {
          setHandler(in, new AbstractInHandler() {
            @Override
            public void onPush() {
              Object event = grab(in);
              heardSinceTick = true;
              if (event instanceof FrameStart start) {
                onFrameStart(start);
              } else if (event instanceof FrameData && droppingFrameData) {
                pull(in);
              } else {
                push(out, event);
              }
            }
          });
          setHandler(out, new AbstractOutHandler() {
            @Override
            public void onPull() {
              pull(in);
            }
          });
        }

        @Override
        public void preStart() {
          if (tick != null) {
            scheduleWithFixedDelay("read-deadline", tick, tick);
          }
        }

        @Override
        public void onTimer(Object key) {
          if (heardSinceTick) {
            heardSinceTick = false;
            silentTicks = 0;
          } else if (++silentTicks >= silentTicksAllowed) {
            failStage(new ReadDeadlineExceeded(tick.multipliedBy(silentTicks)));
          }
        }

        private void onFrameStart(FrameStart start) {
          FrameHeader header = start.header();
          Protocol.Opcode opcode = header.opcode();
          droppingFrameData = false;
          if (opcode == Protocol$Opcode$Text$.MODULE$) {
            inBinaryMessage = false;
            FrameHeader asBinary =
                new FrameHeader(Protocol$Opcode$Binary$.MODULE$, header.mask(), header.length(), header.fin(), header.rsv1(), header.rsv2(), header.rsv3());
            push(out, new FrameStart(asBinary, start.data()));
          } else if (opcode == Protocol$Opcode$Binary$.MODULE$
              || (opcode == Protocol$Opcode$Continuation$.MODULE$ && inBinaryMessage)) {
            inBinaryMessage = !header.fin();
            droppingFrameData = !start.lastPart();
            pull(in);
          } else {
            push(out, start); // control frames (they may come between fragments), continuations of text
          }
        }
      };
    }
  }

  /** Thrown into the stream when a client sent nothing for too long; the connection closes. */
  static final class ReadDeadlineExceeded extends RuntimeException {
    ReadDeadlineExceeded(Duration silence) {
      super("no frame from the client for " + silence.toMillis() + " ms");
    }
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
    /** Drives the close handshake's time-out below, and the pings. */
    private final Duration tick;
    private final int idleTicksBeforePing;

    TextMessages(int maxBytes, Duration pingInterval) {
      this.maxBytes = maxBytes;
      this.tick = pingInterval.isZero() ? MAX_TICK : tickWithin(pingInterval, 3);
      this.idleTicksBeforePing = pingInterval.isZero() ? Integer.MAX_VALUE : ticksIn(pingInterval, tick);
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
        /** The frames so far of a message that came in more than one. */
        private ByteString partial = ByteString.emptyByteString();
        private boolean heardSinceTick;
        private int idleTicks;

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
          scheduleWithFixedDelay("tick", tick, tick);
        }

        @Override
        public void onTimer(Object key) {
          if (heardSinceTick) {
            heardSinceTick = false;
            idleTicks = 0;
          } else if (++idleTicks >= idleTicksBeforePing && !isClosed(toNetwork)) {
            idleTicks = 0; // pongs do not reach this stage: a silent client is pinged every interval
            emit(toNetwork, PING);
          }
          if (isAvailable(toNetwork)) {
            push(toNetwork, WebSocket.Tick$.MODULE$);
          }
        }

        private void onNetwork(Object event) {
          heardSinceTick = true;
          // Text messages: TextAsBytes below made them binary for the frame handler.
          if (event instanceof FrameHandler.BinaryMessagePart part) {
            appendText(part.data(), part.last());
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
            pullNetwork(); // message ends
          }
        }

        /**
         * UTF-8 is decoded per message (a character may straddle two frames). Invalid sequences
         * become U+FFFD, as the reference's JSON decoder makes them.
         */
        private void appendText(ByteString data, boolean last) {
          if ((long) partial.length() + data.length() > maxBytes) {
            failStage(new MessageTooLarge(maxBytes));
            return;
          }
          if (last && partial.isEmpty()) {
            emitToApp(data.decodeString(StandardCharsets.UTF_8)); // the common case: one frame
            return;
          }
          partial = partial.concat(data);
          if (last) {
            String text = partial.decodeString(StandardCharsets.UTF_8);
            partial = ByteString.emptyByteString();
            emitToApp(text);
          } else {
            pullNetwork();
          }
        }

        private void emitToApp(String text) {
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
