package io.roomcluster.gateway.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * One accepted TCP connection as a stage: what it pulls from its inlet is written to the
 * socket, what the socket reads is pushed to its outlet. Joined with the connection's handler
 * flow ({@code SpreedSocket}), both run fused on one actor.
 *
 * <p>Why not pekko's {@code Tcp}: its connection is an actor of its own beside the stream. A read
 * passed the selector, the connection actor ({@code ChannelReadable}), the stream ({@code
 * Received}) and back ({@code ResumeReading}: an interest change and a selector wake-up); a write
 * went to the connection actor and its acknowledgement came back. Here the stage writes to the
 * socket itself, on its own actor, and a read is one hand-over from the {@link SelectorLoop} to
 * the stage. Measured with {@code bench/run.sh} against pekko's {@code Tcp} with its connection
 * actors already moved onto the default dispatcher (which alone cut the context switches by
 * three quarters): server CPU per 1:1 message -40 % at 100 clients and -34 % at 1000, per room
 * delivery -45 %, per WebSocket open and close -35 %.
 *
 * <p>A frame is written when it is pushed. Once the socket's send buffer is full, the frames
 * pushed meanwhile (up to {@link #GATHER_BYTES}) wait and go in one gathering write when it has
 * room again: a client that reads slowly then costs one system call per send-buffer's worth, not
 * one per frame. (Gathering every burst, through a flush the stage sent itself after each turn,
 * was measured too: 7-25 % more CPU per message where nothing backs up, and nothing backs up in
 * most turns.)
 *
 * <p>Semantics kept from pekko's {@code Tcp} as the handler saw them: the outlet completes when
 * the peer closes its side (the handler may still write: a half-closed connection is served),
 * and fails on a read error; the handler completing its output closes
 * the connection once everything was written (its output side at once, the whole socket when
 * the peer closes or {@link #LINGER} later, so that unread input never turns the close into a
 * reset); the handler failing closes it at once.
 */
final class ChannelStage extends GraphStage<FlowShape<ByteString, ByteString>> {

  /** How long a connection whose output is done waits for the peer to close before closing. */
  static final Duration LINGER = Duration.ofSeconds(3);

  /** While the socket's send buffer is full, at most this much waits here for the next write. */
  static final int GATHER_BYTES = 16 * 1024;

  private final Inlet<ByteString> in = Inlet.create("ChannelStage.in");
  private final Outlet<ByteString> out = Outlet.create("ChannelStage.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  private final Wire wire;

  ChannelStage(Wire wire) {
    this.wire = wire;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public Attributes initialAttributes() {
    return Attributes.name("roomcluster-socket");
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  /** What the loop hands the stage besides bytes read. */
  private enum Signal {
    WRITABLE,
    PEER_CLOSED
  }

  /**
   * The connection's side on the selector loop: registered (to read) before the stage
   * starts, it reads on the loop's thread when the stage has asked for bytes and hands them over.
   *
   * <p>Reading: the stage's pull sets {@link #WANT}; a readiness then reads once and hands the
   * bytes over ({@link #IDLE} until the next pull). A readiness without a pull (the peer sent
   * more before the stage was ready for it) takes the read interest away ({@link #PAUSED}); the
   * next pull gives it back. Usually the stage pulls again long before the next bytes arrive, so
   * an interest change is rare. Interest changes happen on the loop's thread only.
   */
  static final class Wire implements SelectorLoop.Ready {
    private static final int IDLE = 0;
    private static final int WANT = 1;
    private static final int PAUSED = 2;
    private static final int DONE = 3;

    final SocketChannel channel;
    final SelectorLoop loop;
    private final AtomicInteger reading = new AtomicInteger(IDLE);
    private final SelectionKey key;
    private volatile AsyncCallback<Object> stage;

    /** Call on the loop's thread. */
    Wire(SocketChannel channel, SelectorLoop loop) throws IOException {
      this.channel = channel;
      this.loop = loop;
      this.key = channel.register(loop.selector(), SelectionKey.OP_READ, this);
    }

    @Override
    public void ready(SelectionKey readyKey) {
      int ops = readyKey.readyOps();
      if ((ops & SelectionKey.OP_WRITE) != 0) {
        readyKey.interestOps(readyKey.interestOps() & ~SelectionKey.OP_WRITE);
        stage.invoke(Signal.WRITABLE);
      }
      if ((ops & SelectionKey.OP_READ) != 0 && readyKey.isValid()) {
        readable(readyKey);
      }
    }

    private void readable(SelectionKey readyKey) {
      if (!reading.compareAndSet(WANT, IDLE)) {
        if (reading.compareAndSet(IDLE, PAUSED) || reading.get() == DONE) {
          readyKey.interestOps(readyKey.interestOps() & ~SelectionKey.OP_READ);
        }
        return;
      }
      Object read;
      ByteBuffer readBuffer = loop.readBuffer();
      try {
        readBuffer.clear();
        int n = channel.read(readBuffer);
        if (n == 0) {
          reading.compareAndSet(IDLE, WANT); // a spurious wake-up: still wanted
          return;
        }
        if (n < 0) {
          reading.set(DONE);
          readyKey.interestOps(readyKey.interestOps() & ~SelectionKey.OP_READ);
          read = Signal.PEER_CLOSED;
        } else {
          byte[] bytes = new byte[n];
          readBuffer.flip();
          readBuffer.get(bytes);
          read = ByteString.fromArrayUnsafe(bytes);
        }
      } catch (IOException e) {
        reading.set(DONE);
        readyKey.interestOps(0);
        read = e;
      }
      stage.invoke(read);
    }

    /** The stage wants the next bytes (called on the stage's actor). */
    void demand() {
      while (true) {
        int state = reading.get();
        if (state == IDLE && reading.compareAndSet(IDLE, WANT)) {
          return;
        }
        if (state == PAUSED && reading.compareAndSet(PAUSED, WANT)) {
          loop.execute(() -> addInterest(SelectionKey.OP_READ));
          return;
        }
        if (state == WANT || state == DONE) {
          return;
        }
      }
    }

    /** Reads nothing more. */
    void stopReading() {
      if (reading.getAndSet(DONE) != DONE) {
        loop.execute(() -> removeInterest(SelectionKey.OP_READ));
      }
    }

    void wantWritable() {
      loop.execute(() -> addInterest(SelectionKey.OP_WRITE));
    }

    void close() {
      reading.set(DONE);
      loop.execute(
          () -> {
            key.cancel();
            try {
              channel.close();
            } catch (IOException ignored) {
              // closed anyway
            }
          });
    }

    private void addInterest(int op) {
      if (key.isValid()) {
        key.interestOps(key.interestOps() | op);
      }
    }

    private void removeInterest(int op) {
      if (key.isValid()) {
        key.interestOps(key.interestOps() & ~op);
      }
    }
  }

  private final class Logic extends TimerGraphStageLogic {
    /** Bytes the handler pushed that the socket has not taken yet, oldest first. */
    private final ArrayDeque<ByteBuffer> outgoing = new ArrayDeque<>();
    private int outgoingBytes;
    /** The socket's send buffer was full: the next write waits for the loop's WRITABLE. */
    private boolean waitingForRoom;
    private ByteBuffer[] gather = new ByteBuffer[8];

    Logic() {
      super(shape);
      setHandler(
          in,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              ByteBuffer bytes = grab(in).asByteBuffer(); // one buffer: our frames are one array already
              outgoing.add(bytes);
              outgoingBytes += bytes.remaining();
              if (waitingForRoom) {
                pullIfRoom();
              } else {
                write();
              }
            }

            @Override
            public void onUpstreamFinish() {
              if (outgoing.isEmpty()) {
                outputFinished();
              } // else after the last write
            }

            @Override
            public void onUpstreamFailure(Throwable ex) {
              failStage(ex); // postStop closes the socket
            }
          });
      setHandler(
          out,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              wire.demand();
            }

            @Override
            public void onDownstreamFinish(Throwable cause) {
              wire.stopReading();
              if (outputDone()) {
                completeStage();
              } // else the handler still writes; it completes its output when done
            }
          });
    }

    /** The handler ended its output and the socket took all of it. */
    private boolean outputDone() {
      return isClosed(in) && outgoing.isEmpty();
    }

    @Override
    public void preStart() {
      // Both ports closed is not the end while bytes still wait for room in the socket: every
      // path that ends the stage says so itself.
      setKeepGoing(true);
      wire.stage = createAsyncCallback(this::fromLoop);
      pull(in);
    }

    private void fromLoop(Object event) {
      if (event instanceof ByteString bytes) {
        if (!isClosed(out)) {
          push(out, bytes);
        }
      } else if (event == Signal.WRITABLE) {
        waitingForRoom = false;
        write();
      } else if (event == Signal.PEER_CLOSED) {
        if (outputDone()) {
          completeStage();
        } else {
          complete(out);
        }
      } else if (event instanceof IOException e) {
        failStage(e);
      }
    }

    /** Writes what is outgoing, all of it in one gathering write while the socket takes it. */
    private void write() {
      try {
        while (!outgoing.isEmpty()) {
          long written = outgoing.size() == 1 ? wire.channel.write(outgoing.peekFirst()) : writeGathering();
          outgoingBytes -= (int) written;
          while (!outgoing.isEmpty() && !outgoing.peekFirst().hasRemaining()) {
            outgoing.pollFirst();
          }
          if (written == 0 && !outgoing.isEmpty()) {
            // The socket's send buffer is full: continue when it drains. Meanwhile take frames up
            // to the limit, as they were taken when the socket had room: the outbound queue sees a
            // slow client by the frames it no longer takes, not by what waits here.
            waitingForRoom = true;
            pullIfRoom();
            wire.wantWritable();
            return;
          }
        }
      } catch (IOException e) {
        failStage(e);
        return;
      }
      if (isClosed(in)) {
        outputFinished();
      } else {
        pullIfRoom();
      }
    }

    private long writeGathering() throws IOException {
      int count = outgoing.size();
      if (gather.length < count) {
        gather = new ByteBuffer[Math.max(count, gather.length * 2)];
      }
      outgoing.toArray(gather);
      try {
        return wire.channel.write(gather, 0, count);
      } finally {
        Arrays.fill(gather, 0, count, null);
      }
    }

    private void pullIfRoom() {
      if (outgoingBytes < GATHER_BYTES && !isClosed(in) && !hasBeenPulled(in)) {
        pull(in);
      }
    }

    private void outputFinished() {
      if (isClosed(out)) {
        completeStage(); // the peer is done too
        return;
      }
      try {
        wire.channel.shutdownOutput();
      } catch (IOException e) {
        completeStage();
        return;
      }
      scheduleOnce("linger", LINGER);
    }

    @Override
    public void onTimer(Object key) {
      completeStage();
    }

    /** However the stage ends (completed, failed, or its actor system gone), the socket closes. */
    @Override
    public void postStop() {
      wire.close();
    }
  }
}
