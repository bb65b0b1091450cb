package io.roomcluster.gateway.ws;

import io.roomcluster.gateway.session.ClientSession;
import io.roomcluster.gateway.session.HelloHandler;
import io.roomcluster.gateway.session.HelloRejected;
import io.roomcluster.protocol.message.ClientMessage;
import io.roomcluster.protocol.message.ErrorMessage;
import io.roomcluster.protocol.message.ServerMessage;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One WebSocket. Parses and validates frames, answers protocol errors itself, runs the hello
 * (with its 2 s timeout) and then forwards every message to the session it attached to. The
 * session outlives this actor when the socket drops (resume window).
 *
 * <p>Phases: {@link #awaitingHello}, {@link #authenticating} (frames are stashed until the
 * backend answered, like the browser queues them), {@link #established}.
 */
public final class ClientConnection {

  public sealed interface Command {}

  /** A valid client message, parsed by the socket's stream ({@link InboundGate}). */
  public record Frame(ClientMessage message) implements Command {}

  public enum StreamCompleted implements Command {
    INSTANCE
  }

  public record StreamFailed(Throwable cause) implements Command {}

  private enum HelloTimeout implements Command {
    INSTANCE
  }

  private record HelloAccepted(ActorRef<ClientSession.Command> session) implements Command {}

  private record HelloFailed(String requestId, ErrorMessage error) implements Command {}

  private static final int STASH_CAPACITY = 256;

  private final ActorContext<Command> context;
  private final Connection connection;
  private final InboundGate gate;
  private final HelloHandler helloHandler;
  private final StashBuffer<Command> stash;
  private final TimerScheduler<Command> timers;
  private final Duration helloTimeout;

  private ClientConnection(
      ActorContext<Command> context,
      Connection connection,
      InboundGate gate,
      HelloHandler helloHandler,
      StashBuffer<Command> stash,
      TimerScheduler<Command> timers,
      Duration helloTimeout) {
    this.context = context;
    this.connection = connection;
    this.gate = gate;
    this.helloHandler = helloHandler;
    this.stash = stash;
    this.timers = timers;
    this.helloTimeout = helloTimeout;
  }

  public static Behavior<Command> create(
      Connection connection, InboundGate gate, HelloHandler helloHandler, Duration helloTimeout) {
    return Behaviors.withStash(
        STASH_CAPACITY,
        stash ->
            Behaviors.setup(
                context ->
                    Behaviors.withTimers(
                        (TimerScheduler<Command> timers) -> {
                          timers.startSingleTimer(HelloTimeout.INSTANCE, helloTimeout);
                          return new ClientConnection(context, connection, gate, helloHandler, stash, timers, helloTimeout)
                              .awaitingHello();
                        })));
  }

  private Behavior<Command> awaitingHello() {
    return Behaviors.receive(Command.class)
        .onMessage(Frame.class, this::onFrameBeforeHello)
        .onMessageEquals(HelloTimeout.INSTANCE, this::helloTimedOut)
        .onMessage(StreamCompleted.class, c -> inboundEnded(Behaviors.stopped()))
        .onMessage(StreamFailed.class, c -> inboundEnded(Behaviors.stopped()))
        .build();
  }

  private Behavior<Command> onFrameBeforeHello(Frame frame) {
    gate.releaseFromConnectionActor();
    ClientMessage message = frame.message();
    if (!"hello".equals(message.type())) {
      connection.send(ServerMessage.error(message.id(), ErrorMessage.HELLO_EXPECTED).toJson());
      return Behaviors.same();
    }
    context.pipeToSelf(
        helloHandler.hello(message.id(), message.hello(), connection),
        (session, failure) -> {
          if (failure == null) {
            return new HelloAccepted(session);
          }
          Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
          if (cause instanceof HelloRejected rejected) {
            return new HelloFailed(message.id(), rejected.error());
          }
          context.getLog().warn("hello failed unexpectedly", cause);
          return new HelloFailed(message.id(), new ErrorMessage("internal_error", "Internal error."));
        });
    return authenticating();
  }

  private Behavior<Command> authenticating() {
    return Behaviors.receive(Command.class)
        .onMessage(
            HelloAccepted.class,
            accepted -> {
              // Stashed frames are still counted as handed to this actor: the gate switches to
              // the session only after they were forwarded.
              gate.directTo(accepted.session());
              return stash.unstashAll(established(accepted.session()));
            })
        .onMessage(
            HelloFailed.class,
            failed -> {
              connection.send(ServerMessage.error(failed.requestId(), failed.error()).toJson());
              // As the reference: a failed hello starts a new deadline for the next one (the first
              // may have passed while the backend was asked, and its timeout was ignored then).
              timers.startSingleTimer(HelloTimeout.INSTANCE, helloTimeout);
              return stash.unstashAll(awaitingHello());
            })
        .onMessage(
            Frame.class,
            frame -> {
              if (stash.isFull()) {
                // Cannot happen while the gate's window is below the stash capacity.
                gate.releaseFromConnectionActor();
                connection.close();
                return Behaviors.stopped();
              }
              stash.stash(frame);
              return Behaviors.same();
            })
        // The hello timer measures until the hello arrives, not until the backend answers.
        .onMessageEquals(HelloTimeout.INSTANCE, Behaviors::same)
        .onMessage(StreamCompleted.class, c -> inboundEnded(afterHelloThenStop()))
        .onMessage(StreamFailed.class, c -> inboundEnded(afterHelloThenStop()))
        .build();
  }

  /**
   * The client's side of the socket ended (its close frame, or the connection broke): our side
   * completes too. The two are not coupled in the stream because a close started by the server
   * must still read what the client sent before it saw our close frame.
   */
  private Behavior<Command> inboundEnded(Behavior<Command> next) {
    connection.closed(); // frames from now on are queued for a resume, not written into a closing socket
    connection.close();
    return next;
  }

  /** The socket closed while the backend was still asked: the session, if any, must learn it. */
  private Behavior<Command> afterHelloThenStop() {
    return Behaviors.receive(Command.class)
        .onMessage(HelloAccepted.class, accepted -> {
          accepted.session().tell(new ClientSession.ConnectionClosed(connection.id()));
          return Behaviors.stopped();
        })
        .onMessage(HelloFailed.class, f -> Behaviors.stopped())
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> established(ActorRef<ClientSession.Command> session) {
    return Behaviors.receive(Command.class)
        .onMessage(
            Frame.class,
            frame -> {
              gate.releaseFromConnectionActor();
              session.tell(new ClientSession.FromClient(frame.message(), connection.id(), null));
              return Behaviors.same();
            })
        .onMessageEquals(HelloTimeout.INSTANCE, Behaviors::same)
        .onMessage(StreamCompleted.class, c -> inboundEnded(closed(session)))
        .onMessage(StreamFailed.class, c -> inboundEnded(closed(session)))
        .build();
  }

  private Behavior<Command> closed(ActorRef<ClientSession.Command> session) {
    session.tell(new ClientSession.ConnectionClosed(connection.id()));
    return Behaviors.stopped();
  }

  private Behavior<Command> helloTimedOut() {
    connection.send(ServerMessage.bye(null, "hello_timeout").toJson());
    connection.close();
    return closing();
  }

  /** After a server-side bye: nothing the client still sends counts (no late hello). */
  private Behavior<Command> closing() {
    return Behaviors.receive(Command.class)
        .onMessage(Frame.class, frame -> {
          gate.releaseFromConnectionActor();
          return Behaviors.same();
        })
        .onMessage(StreamCompleted.class, c -> inboundEnded(Behaviors.stopped()))
        .onMessage(StreamFailed.class, c -> inboundEnded(Behaviors.stopped()))
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }
}
