package io.roomcluster.gateway.ws;

import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.protocol.message.ClientMessage;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * One {@code /spreed} WebSocket as a single stage between its TCP connection and its session: the
 * 101 answer, RFC 6455 framing both ways, the client's text messages handed to its {@link
 * InboundGate}, the frames of its {@link OutboundQueue} written, pings, the read deadline and the
 * close handshake.
 *
 * <p>Why one stage: on pekko-http's stack a message passed about eight stages each way (HTTP
 * layer switch, frame parser, unmasking, frame handler, message assembly, our gate; queue source,
 * frame renderer, ...), and per-element stage work was most of the server's CPU per message; a
 * new socket materialized all of them, plus the HTTP server pipeline, which was most of what a
 * socket open cost. Here a TCP read is parsed in one loop, however many frames it holds, and the
 * frames queued for a client go out as one write.
 *
 * <p>Behaviour kept from the pekko-http stack it replaces (the gateway's WebSocket tests run
 * against this stage): text messages in any number of fragments, decoded per message (invalid
 * UTF-8 becomes U+FFFD); binary messages ignored, as the reference ignores them; a message above
 * {@code maxMessageBytes} closes the socket (here with 1009, as the reference's read limit
 * does); a client that sent nothing for {@code pingInterval} is pinged; one that sent no frame
 * at all (pongs included) for {@code pongWait} is cut off; protocol violations close with 1002; a
 * close started by either side waits at most {@link #CLOSE_TIMEOUT} for the other
 * side's close frame, and frames the client sent before its close are still read.
 */
final class SpreedSocket extends GraphStage<FlowShape<ByteString, ByteString>> {

  private static final int CONTINUATION = 0x0;
  private static final int TEXT = 0x1;
  private static final int BINARY = 0x2;
  private static final int CLOSE = 0x8;
  private static final int PING = 0x9;
  private static final int PONG = 0xA;

  private static final byte[] NO_BYTES = new byte[0];
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private static final int NORMAL_CLOSURE = 1000;
  private static final int PROTOCOL_ERROR = 1002;
  private static final int MESSAGE_TOO_BIG = 1009;

  /** Frames written in one go, at most (one TCP write; more wait for the next pull). */
  private static final int MAX_BATCH_BYTES = 64 * 1024;
  /** How long either side's close waits for the other's (pekko-http's stack uses the same). */
  private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(TextFrameStack.CLOSE_TIMEOUT.toMillis());

  record Limits(int maxMessageBytes, Duration pingInterval, Duration pongWait) {}

  private final Inlet<ByteString> in = Inlet.create("SpreedSocket.in");
  private final Outlet<ByteString> out = Outlet.create("SpreedSocket.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  /** What a new connection becomes, decided on its first read. */
  interface Opener {
    /** The socket, if {@code first} opens a {@code /spreed} WebSocket; else empty. */
    Optional<Opened> open(ByteString first);

    /** The flow that serves any other connection, from its first bytes on. */
    Flow<ByteString, ByteString, NotUsed> otherwise();
  }

  /**
   * @param handshake written first: the 101 answer
   * @param rest what the client sent after its request head (normally nothing)
   */
  record Opened(ByteString handshake, ByteString rest, Connection connection, InboundGate gate, OutboundQueue.StreamEvents events) {}

  private final Opener opener;
  private final Limits limits;
  private final Metrics metrics;

  SpreedSocket(Opener opener, Limits limits, Metrics metrics) {
    this.opener = opener;
    this.limits = limits;
    this.metrics = metrics;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public Attributes initialAttributes() {
    return Attributes.name("roomcluster-spreed-socket");
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  private final class Logic extends TimerGraphStageLogic {
    // Set once the first read opened a WebSocket (null while undecided, and for other connections).
    private Connection connection;
    private InboundGate gate;
    private OutboundQueue.StreamEvents events;
    private OutboundQueue queue;
    private OutboundQueue.StallWatch stall;

    /**
     * Bytes read and not yet parsed: {@code buffer[0..buffered)}. Released whenever it is all
     * parsed (the usual case after each read): an idle socket holds no buffer.
     */
    private byte[] buffer = NO_BYTES;
    private int buffered;
    /** Client messages parsed in this read, counted once at its end. */
    private int messagesRead;
    /** The gate's window is full: parse nothing more until it releases. */
    private boolean readPaused;

    /** TEXT or BINARY while a message in fragments is open, else -1. */
    private int messageOpcode = -1;
    private byte[] partial = NO_BYTES;
    private int partialLength;

    /** Control frames (and the 101 answer) to write before the next queued frames. */
    private final List<byte[]> control = new ArrayList<>(2);
    /** Our close frame, written after every frame taken from the queue before it. */
    private byte[] closeFrame;
    private final List<byte[]> batch = new ArrayList<>();

    private boolean closeSent;
    private boolean closeReceived;
    /** Stop once everything pending is written: the close handshake is over (or abandoned). */
    private boolean completeWhenFlushed;
    private boolean inboundEnded;
    private boolean outboundEnded;
    private boolean tooSlow;

    private boolean heardSinceDeadlineTick;
    private int silentTicks;
    private boolean heardSincePingTick;
    private int idleTicks;

    private final Duration deadlineTick;
    private final int silentTicksAllowed;
    private final Duration pingTick;
    private final int idleTicksBeforePing;

    Logic() {
      super(shape);
      Duration pongWait = limits.pongWait();
      deadlineTick = pongWait.isZero() ? null : TextFrameStack.tickWithin(pongWait, 4);
      silentTicksAllowed = pongWait.isZero() ? Integer.MAX_VALUE : TextFrameStack.ticksIn(pongWait, deadlineTick);
      Duration pingInterval = limits.pingInterval();
      pingTick = pingInterval.isZero() ? null : TextFrameStack.tickWithin(pingInterval, 3);
      idleTicksBeforePing = pingInterval.isZero() ? Integer.MAX_VALUE : TextFrameStack.ticksIn(pingInterval, pingTick);
      setHandler(
          in,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              decide(grab(in));
            }
          });
      setHandler(
          out,
          new AbstractOutHandler() {
            @Override
            public void onPull() {} // undecided: nothing to write yet
          });
    }

    @Override
    public void preStart() {
      pull(in);
    }

    private void decide(ByteString first) {
      Optional<Opened> opened = opener.open(first);
      if (opened.isPresent()) {
        startWebSocket(opened.get());
      } else {
        startOther(first);
      }
    }

    /**
     * Any other connection: {@code otherwise} runs inside this stage (fused, on this stage's
     * actor), so that a WebSocket pays nothing for the choice.
     */
    private void startOther(ByteString first) {
      SubSourceOutlet<ByteString> toOther = new SubSourceOutlet<>("SpreedSocket.toOther");
      SubSinkInlet<ByteString> fromOther = new SubSinkInlet<>("SpreedSocket.fromOther");
      ByteString[] firstBytes = {first};
      toOther.setHandler(
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              if (firstBytes[0] != null) {
                toOther.push(firstBytes[0]);
                firstBytes[0] = null;
              } else if (isClosed(in)) {
                toOther.complete();
              } else if (!hasBeenPulled(in)) {
                pull(in);
              }
            }

            @Override
            public void onDownstreamFinish(Throwable cause) {
              cancel(in, cause);
            }
          });
      fromOther.setHandler(
          new AbstractInHandler() {
            @Override
            public void onPush() {
              push(out, fromOther.grab());
            }

            @Override
            public void onUpstreamFinish() {
              completeStage();
            }

            @Override
            public void onUpstreamFailure(Throwable ex) {
              failStage(ex);
            }
          });
      setHandler(
          in,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              toOther.push(grab(in));
            }

            @Override
            public void onUpstreamFinish() {
              if (firstBytes[0] == null) {
                toOther.complete();
              } // else the outlet's next pull sends the first bytes, then completes
            }

            @Override
            public void onUpstreamFailure(Throwable ex) {
              toOther.fail(ex);
            }
          });
      setHandler(
          out,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              if (!fromOther.hasBeenPulled() && !fromOther.isClosed()) {
                fromOther.pull();
              }
            }

            @Override
            public void onDownstreamFinish(Throwable cause) {
              fromOther.cancel(cause);
              completeStage();
            }
          });
      Source.fromGraph(toOther.source()).via(opener.otherwise()).runWith(fromOther.sink(), subFusingMaterializer());
      if (isAvailable(out)) {
        fromOther.pull();
      }
    }

    private void startWebSocket(Opened opened) {
      connection = opened.connection();
      gate = opened.gate();
      events = opened.events();
      queue = connection.out();
      stall = new OutboundQueue.StallWatch(queue);
      setHandler(
          in,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              if (isClosed(out)) {
                grab(in); // lingering: see finish()
                pull(in);
                return;
              }
              append(grab(in));
              readFrames();
              pullIfReading();
            }

            @Override
            public void onUpstreamFinish() {
              // The client's TCP side ended without the close handshake (or after it).
              endOutbound(false);
              endInbound(closeReceived ? null : new IOException("connection closed without a close frame"));
              completeStage();
            }

            @Override
            public void onUpstreamFailure(Throwable ex) {
              endOutbound(false);
              endInbound(ex);
              failStage(ex);
            }
          });
      setHandler(
          out,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              writeOut();
            }
          });
      queue.attach(createAsyncCallback(ignored -> writeOut()));
      gate.started(createAsyncCallback(ignored -> resumeReading()));
      control.add(opened.handshake().toArray());
      if (deadlineTick != null) {
        scheduleWithFixedDelay("deadline", deadlineTick, deadlineTick);
      }
      if (pingTick != null) {
        scheduleWithFixedDelay("ping", pingTick, pingTick);
      }
      if (!opened.rest().isEmpty()) {
        append(opened.rest());
        readFrames();
      }
      pullIfReading();
      writeOut(); // the 101 answer and the welcome, if the socket was pulled already
    }

    // ---------------------------------------------------------------- reading

    private void append(ByteString bytes) {
      int length = bytes.length();
      if (buffered == 0) {
        buffer = new byte[length];
      } else if (buffered + length > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, buffered + length));
      }
      bytes.asByteBuffer().get(buffer, buffered, length);
      buffered += length;
    }

    private void pullIfReading() {
      if (!readPaused && !closeReceived && !completeWhenFlushed && !isClosed(in) && !hasBeenPulled(in)) {
        pull(in);
      }
    }

    private void resumeReading() {
      readPaused = false;
      readFrames();
      pullIfReading();
    }

    /** Parses and handles every complete frame in the buffer, unless the gate's window fills. */
    private void readFrames() {
      int position = 0;
      while (!readPaused && !closeReceived && !completeWhenFlushed && buffered - position >= 2) {
        int b0 = buffer[position] & 0xFF;
        int b1 = buffer[position + 1] & 0xFF;
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        int length7 = b1 & 0x7F;
        int headerLength = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + 4;
        if ((b0 & 0x70) != 0) {
          failConnection(PROTOCOL_ERROR, "reserved bits set");
          break;
        }
        if ((b1 & 0x80) == 0) {
          failConnection(PROTOCOL_ERROR, "unmasked client frame");
          break;
        }
        if (!isKnown(opcode)) {
          failConnection(PROTOCOL_ERROR, "unknown opcode " + opcode);
          break;
        }
        boolean isControl = (opcode & 0x8) != 0;
        if (isControl && (!fin || length7 > 125)) {
          failConnection(PROTOCOL_ERROR, "fragmented or long control frame");
          break;
        }
        if (!isControl && (opcode == CONTINUATION) == (messageOpcode < 0)) {
          failConnection(PROTOCOL_ERROR, opcode == CONTINUATION ? "continuation outside a message" : "new message inside a fragmented one");
          break;
        }
        if (buffered - position < headerLength) {
          break;
        }
        long length = payloadLength(position, length7);
        if (!isControl && partialLength + length > limits.maxMessageBytes()) {
          failConnection(MESSAGE_TOO_BIG, "message larger than " + limits.maxMessageBytes() + " bytes");
          break;
        }
        if (buffered - position - headerLength < length) {
          break; // the rest of the frame is still to come
        }
        int payload = position + headerLength;
        unmask(payload - 4, payload, (int) length);
        position = payload + (int) length;
        heardSinceDeadlineTick = true;
        if (opcode != PONG) {
          heardSincePingTick = true;
        }
        onFrame(opcode, fin, payload, (int) length);
      }
      if (messagesRead > 0) {
        metrics.framesIn(messagesRead); // one count per read, not per message
        messagesRead = 0;
      }
      if (position == buffered) {
        buffer = NO_BYTES;
        buffered = 0;
      } else if (position > 0) {
        System.arraycopy(buffer, position, buffer, 0, buffered - position);
        buffered -= position;
      }
    }

    private boolean isKnown(int opcode) {
      return opcode == CONTINUATION || opcode == TEXT || opcode == BINARY || opcode == CLOSE || opcode == PING || opcode == PONG;
    }

    private long payloadLength(int position, int length7) {
      if (length7 < 126) {
        return length7;
      }
      if (length7 == 126) {
        return ((buffer[position + 2] & 0xFF) << 8) | (buffer[position + 3] & 0xFF);
      }
      long length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | (buffer[position + 2 + i] & 0xFF);
      }
      return length < 0 ? Long.MAX_VALUE : length;
    }

    /** XORs the payload with its 4-byte mask, eight bytes at a time. */
    private void unmask(int maskAt, int from, int length) {
      long mask4 = Integer.toUnsignedLong((int) INT_LE.get(buffer, maskAt));
      long mask8 = mask4 | (mask4 << 32);
      int i = 0;
      for (; i + 8 <= length; i += 8) {
        LONG_LE.set(buffer, from + i, (long) LONG_LE.get(buffer, from + i) ^ mask8);
      }
      for (; i < length; i++) {
        buffer[from + i] ^= buffer[maskAt + (i & 3)];
      }
    }

    private void onFrame(int opcode, boolean fin, int from, int length) {
      switch (opcode) {
        case TEXT, BINARY, CONTINUATION -> onData(opcode, fin, from, length);
        case PING -> {
          control.add(controlFrame(PONG, Arrays.copyOfRange(buffer, from, from + length)));
          writeOut();
        }
        case CLOSE -> onClose(from, length);
        default -> {} // PONG: it only counts as heard
      }
    }

    private void onData(int opcode, boolean fin, int from, int length) {
      if (opcode != CONTINUATION) {
        messageOpcode = opcode;
      }
      if (messageOpcode == TEXT) {
        if (fin && partialLength == 0) {
          deliver(new String(buffer, from, length, StandardCharsets.UTF_8)); // the common case: one frame
        } else {
          if (partialLength + length > partial.length) {
            partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + length));
          }
          System.arraycopy(buffer, from, partial, partialLength, length);
          partialLength += length;
          if (fin) {
            // UTF-8 decoded per message: a character may straddle two frames.
            String text = new String(partial, 0, partialLength, StandardCharsets.UTF_8);
            partial = NO_BYTES;
            partialLength = 0;
            deliver(text);
          }
        }
      } else if (!fin) {
        partialLength += length; // a binary message's size counts against the limit; its bytes are dropped
      }
      if (fin) {
        messageOpcode = -1;
        partialLength = 0;
      }
    }

    private void deliver(String text) {
      if (inboundEnded) {
        return;
      }
      messagesRead++;
      ClientMessage message = InboundGate.parse(text, connection);
      if (message != null && !gate.dispatch(message, connection.id())) {
        readPaused = true;
      }
    }

    private void onClose(int from, int length) {
      if (length == 1) {
        failConnection(PROTOCOL_ERROR, "close frame with a one-byte payload");
        return;
      }
      int code = length >= 2 ? ((buffer[from] & 0xFF) << 8) | (buffer[from + 1] & 0xFF) : -1;
      closeReceived = true;
      endOutbound(false);
      endInbound(code == -1 || code == NORMAL_CLOSURE || code == 1001 ? null : new IOException("peer closed with " + code));
      if (!closeSent) {
        closeSent = true;
        closeFrame = controlFrame(CLOSE, code == -1 ? new byte[0] : new byte[] {(byte) (code >> 8), (byte) code});
      }
      completeWhenFlushed = true;
      writeOut();
    }

    /**
     * Closes with {@code code} at once and reads nothing more; frames still queued are not
     * written (the session keeps them for the client's resume).
     */
    private void failConnection(int code, String why) {
      endOutbound(false);
      endInbound(new IOException(why));
      startClose(code);
      completeWhenFlushed = true;
      writeOut();
    }

    // ---------------------------------------------------------------- writing

    private void startClose(int code) {
      if (!closeSent) {
        closeSent = true;
        closeFrame = controlFrame(CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
        scheduleOnce("close", CLOSE_TIMEOUT);
      }
    }

    /** Writes what is pending, as one write, when the socket can take it. */
    private void writeOut() {
      if (!outboundEnded && queue.hasOverflowed()) {
        failTooSlow(stall.overflowReason());
        return;
      }
      Duration arm = outboundEnded ? null : stall.armAfter();
      if (arm != null) {
        scheduleOnce("stall", arm);
      }
      if (!isAvailable(out)) {
        return; // the next pull writes; offers meanwhile need not wake us
      }
      int total = 0;
      while (!outboundEnded && total < MAX_BATCH_BYTES) {
        Object next = queue.take();
        if (next == null) {
          break;
        }
        if (next == OutboundQueue.END) {
          endOutbound(false); // the connection actor closed the socket: bye sent, drain, timeout
          startClose(NORMAL_CLOSURE);
          break;
        }
        byte[] payload = ((String) next).getBytes(StandardCharsets.UTF_8);
        batch.add(payload);
        total += headerLength(payload.length) + payload.length;
      }
      if (!batch.isEmpty()) {
        stall.taken();
        events.pushed(batch.size());
      }
      for (byte[] frame : control) {
        total += frame.length;
      }
      if (closeFrame != null) {
        total += closeFrame.length;
      }
      if (total > 0) {
        push(out, ByteString.fromArrayUnsafe(render(total)));
      }
      if (completeWhenFlushed) {
        finish(); // after the push: the close frame is written before the connection closes
      }
    }

    private byte[] render(int total) {
      byte[] bytes = new byte[total];
      int at = 0;
      for (byte[] frame : control) {
        System.arraycopy(frame, 0, bytes, at, frame.length);
        at += frame.length;
      }
      control.clear();
      for (byte[] payload : batch) {
        at = writeTextHeader(bytes, at, payload.length);
        System.arraycopy(payload, 0, bytes, at, payload.length);
        at += payload.length;
      }
      batch.clear();
      if (closeFrame != null) {
        System.arraycopy(closeFrame, 0, bytes, at, closeFrame.length);
        closeFrame = null;
      }
      return bytes;
    }

    /**
     * Ends our side: the TCP stage writes what was pushed, then closes. Cancelling the read side
     * at the same time would make it abort the connection (reset, unwritten bytes dropped), so
     * we keep reading (and dropping) until the client closes too, or for one more close time-out.
     */
    private void finish() {
      if (isClosed(out)) {
        return;
      }
      endOutbound(false);
      complete(out);
      if (!isClosed(in) && !hasBeenPulled(in)) {
        pull(in);
      }
      scheduleOnce("linger", CLOSE_TIMEOUT);
    }

    private void failTooSlow(String why) {
      tooSlow = true;
      failStage(new BufferOverflowException(why));
    }

    // ---------------------------------------------------------------- ends

    /** No frame of the queue is written any more: the session queues for a resume instead. */
    private void endOutbound(boolean slow) {
      if (!outboundEnded) {
        outboundEnded = true;
        queue.detach();
        events.ended(slow);
      }
    }

    private void endInbound(Throwable failure) {
      if (!inboundEnded) {
        inboundEnded = true;
        gate.inboundEnded(failure);
      }
    }

    @Override
    public void onTimer(Object key) {
      switch ((String) key) {
        case "deadline" -> {
          if (heardSinceDeadlineTick) {
            heardSinceDeadlineTick = false;
            silentTicks = 0;
          } else if (++silentTicks >= silentTicksAllowed) {
            failStage(new TextFrameStack.ReadDeadlineExceeded(deadlineTick.multipliedBy(silentTicks)));
          }
        }
        case "ping" -> {
          if (heardSincePingTick) {
            heardSincePingTick = false;
            idleTicks = 0;
          } else if (++idleTicks >= idleTicksBeforePing && !closeSent) {
            idleTicks = 0; // pongs do not count: a silent client is pinged every interval
            control.add(controlFrame(PING, new byte[0]));
            writeOut();
          }
        }
        case "close" -> finish(); // the client did not answer our close frame in time
        case "linger" -> completeStage();
        case "stall" -> {
          if (outboundEnded) {
            return;
          }
          Duration checkAgainIn = stall.onTimer();
          if (checkAgainIn != null) {
            scheduleOnce("stall", checkAgainIn);
          }
        }
        default -> {}
      }
    }

    @Override
    public void postStop() {
      if (connection == null) {
        return; // not a WebSocket
      }
      // The outbound side first: frames a session sends from now on are kept for its resume.
      endOutbound(tooSlow);
      endInbound(new IOException("socket closed"));
    }
  }

  /** A final, unmasked control frame (a payload of at most 125 bytes). */
  private static byte[] controlFrame(int opcode, byte[] payload) {
    byte[] frame = new byte[2 + payload.length];
    frame[0] = (byte) (0x80 | opcode);
    frame[1] = (byte) payload.length;
    System.arraycopy(payload, 0, frame, 2, payload.length);
    return frame;
  }

  private static int headerLength(int payloadLength) {
    return payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
  }

  /** A final, unmasked text frame's header (server frames are not masked). */
  private static int writeTextHeader(byte[] bytes, int at, int length) {
    bytes[at++] = (byte) (0x80 | TEXT);
    if (length < 126) {
      bytes[at++] = (byte) length;
    } else if (length <= 0xFFFF) {
      bytes[at++] = 126;
      bytes[at++] = (byte) (length >> 8);
      bytes[at++] = (byte) length;
    } else {
      bytes[at++] = 127;
      for (int shift = 56; shift >= 0; shift -= 8) {
        bytes[at++] = (byte) ((long) length >> shift);
      }
    }
    return at;
  }
}
