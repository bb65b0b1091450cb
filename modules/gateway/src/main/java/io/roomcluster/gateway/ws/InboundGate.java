package io.roomcluster.gateway.ws;

import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.gateway.session.ClientSession;
import io.roomcluster.protocol.message.ClientMessage;
import io.roomcluster.protocol.message.ProtocolException;
import io.roomcluster.protocol.message.ServerMessage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.SinkShape;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Where a socket's client messages go, with back-pressure by a credit window instead of one
 * acknowledgement per frame.
 *
 * <p>The socket's stream parses and validates each frame (protocol errors are answered right
 * there) and hands the message to its {@link ClientConnection} until the hello succeeded, then
 * straight to the session. At most {@code window} messages are handed on and not yet taken by
 * their actor; beyond that the stream stops reading the socket (a flooding client is slowed by
 * TCP, not buffered). The switch to the session waits until the connection actor has taken every
 * message it was handed, so messages reach the session in the order the client sent them.
 */
public final class InboundGate {

  private final int window;
  /** Set once, before the socket's stream starts. */
  private volatile ActorRef<ClientConnection.Command> connectionActor;
  // all guarded by this
  private int inFlight;
  private int viaConnectionActor;
  private ActorRef<ClientSession.Command> session;
  private boolean waiting;
  private AsyncCallback<Object> resume;

  InboundGate(int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be positive");
    }
    this.window = window;
  }

  void connectionActor(ActorRef<ClientConnection.Command> actor) {
    this.connectionActor = actor;
  }

  /** From now on messages go straight to the session (after those handed to the connection actor). */
  synchronized void directTo(ActorRef<ClientSession.Command> session) {
    this.session = session;
  }

  /** An actor took a message handed to it: frees its credit. */
  public void release() {
    release(false);
  }

  void releaseFromConnectionActor() {
    release(true);
  }

  private void release(boolean fromConnectionActor) {
    AsyncCallback<Object> wake = null;
    synchronized (this) {
      inFlight--;
      if (fromConnectionActor) {
        viaConnectionActor--;
      }
      if (waiting && inFlight < window) {
        waiting = false;
        wake = resume;
      }
    }
    if (wake != null) {
      wake.invoke(Boolean.TRUE);
    }
  }

  /** Hands a message on; false if the window is full (the stream then waits for a release). */
  boolean dispatch(ClientMessage message, long connectionId) {
    ActorRef<ClientSession.Command> direct;
    boolean more;
    synchronized (this) {
      inFlight++;
      direct = session != null && viaConnectionActor == 0 ? session : null;
      if (direct == null) {
        viaConnectionActor++;
      }
      more = inFlight < window;
      waiting = !more;
    }
    if (direct != null) {
      direct.tell(new ClientSession.FromClient(message, connectionId, this));
    } else {
      connectionActor.tell(new ClientConnection.Frame(message));
    }
    return more;
  }

  synchronized void started(AsyncCallback<Object> callback) {
    this.resume = callback;
  }

  /** The socket's client side ended: its connection actor closes our side too. */
  void inboundEnded(Throwable failure) {
    connectionActor.tell(failure == null ? ClientConnection.StreamCompleted.INSTANCE : new ClientConnection.StreamFailed(failure));
  }

  /** The sink of one socket's text messages. */
  static GraphStage<SinkShape<String>> sink(InboundGate gate, Connection connection, Metrics metrics) {
    return new GraphStage<>() {
      private final Inlet<String> in = Inlet.create("InboundGate.in");
      private final SinkShape<String> shape = SinkShape.of(in);

      @Override
      public SinkShape<String> shape() {
        return shape;
      }

      @Override
      public Attributes initialAttributes() {
        return Attributes.name("roomcluster-inbound");
      }

      @Override
      public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
          {
            setHandler(
                in,
                new AbstractInHandler() {
                  @Override
                  public void onPush() {
                    String text = grab(in);
                    metrics.frameIn();
                    ClientMessage message = parse(text, connection);
                    if (message == null || gate.dispatch(message, connection.id())) {
                      pull(in);
                    }
                  }

                  @Override
                  public void onUpstreamFinish() {
                    gate.inboundEnded(null);
                    completeStage();
                  }

                  @Override
                  public void onUpstreamFailure(Throwable ex) {
                    gate.inboundEnded(ex);
                    failStage(ex);
                  }
                });
          }

          @Override
          public void preStart() {
            gate.started(createAsyncCallback(ignored -> {
              if (!hasBeenPulled(in) && !isClosed(in)) {
                pull(in);
              }
            }));
            pull(in);
          }
        };
      }
    };
  }

  /** A valid message, or null after the protocol error was sent (the connection stays open). */
  static ClientMessage parse(String text, Connection connection) {
    ClientMessage message = null;
    try {
      message = ClientMessage.parse(text);
      return message.validate();
    } catch (ProtocolException e) {
      connection.send(ServerMessage.error(message == null ? null : message.id(), e.error()).toJson());
      return null;
    }
  }
}
