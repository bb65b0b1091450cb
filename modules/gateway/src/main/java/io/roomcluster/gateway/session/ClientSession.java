package io.roomcluster.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roomcluster.gateway.BuildInfo;
import io.roomcluster.gateway.Features;
import io.roomcluster.gateway.backend.BackendException;
import io.roomcluster.gateway.cluster.NodeDelivery;
import io.roomcluster.gateway.cluster.SessionDirectory;
import io.roomcluster.gateway.cluster.SessionHandover;
import io.roomcluster.gateway.cluster.SessionRecord;
import io.roomcluster.gateway.room.NodeRoomEvents;
import io.roomcluster.gateway.ws.Backlog;
import io.roomcluster.gateway.ws.Connection;
import io.roomcluster.gateway.ws.InboundGate;
import io.roomcluster.protocol.backend.BackendClientRequest;
import io.roomcluster.protocol.backend.BackendClientResponse;
import io.roomcluster.protocol.message.ClientMessage;
import io.roomcluster.protocol.message.ErrorMessage;
import io.roomcluster.protocol.message.EventMessage;
import io.roomcluster.protocol.message.EventSessionEntry;
import io.roomcluster.protocol.message.HelloResponse;
import io.roomcluster.protocol.message.Json;
import io.roomcluster.protocol.message.MessageRequest;
import io.roomcluster.protocol.message.Recipient;
import io.roomcluster.protocol.message.RelayedMessage;
import io.roomcluster.protocol.message.RoomRequest;
import io.roomcluster.protocol.message.RoomResponse;
import io.roomcluster.protocol.message.Sender;
import io.roomcluster.protocol.message.ServerInfo;
import io.roomcluster.protocol.message.ServerMessage;
import io.roomcluster.protocol.message.TransientMessage;
import io.roomcluster.protocol.message.TransientRequest;
import io.roomcluster.room.MuteState;
import io.roomcluster.room.Participant;
import io.roomcluster.room.RoomEntity;
import io.roomcluster.room.RoomId;
import io.roomcluster.room.RoomSnapshot;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One signaling session, from hello until bye or the end of its resume window. It outlives its
 * WebSocket: while detached it queues what it is sent and waits for a {@link Resume}. All room
 * state changes go through the {@link RoomEntity}; this actor only remembers which room it is in.
 */
public final class ClientSession {

  public sealed interface Command {}

  /**
   * A validated client message from the connection with that id. {@code gate}, when set, is
   * released once the message is handled (the socket then reads on), or once the recipient's
   * socket it was written to drained, when that one was backed up.
   */
  public record FromClient(ClientMessage message, long connectionId, InboundGate gate) implements Command {
    /** Frees the socket's credit for this message; returns the message without it. */
    FromClient taken() {
      if (gate == null) {
        return this;
      }
      gate.release();
      return new FromClient(message, connectionId, null);
    }

    /** Frees the credit now, or when {@code backlog} (if any) drained. */
    void handled(Backlog backlog) {
      if (gate == null) {
        return;
      }
      if (backlog == null) {
        gate.release();
      } else {
        backlog.whenDrained(gate::release);
      }
    }
  }

  /**
   * A frame for this client (queued while the session waits for a resume). {@code line} is set
   * when it came through {@link SessionLine#deliver}, which counts it.
   */
  public record Deliver(String json, SessionLine line) implements Command {
    public Deliver(String json) {
      this(json, null);
    }
  }

  /** The room went away (deleted): forget it, then deliver the frame. */
  public record RoomGone(RoomId roomId, String json) implements Command {}

  /**
   * Nextcloud disinvited this session's user or session from a room: the frame is delivered; a
   * session inside that room then leaves it and is closed for good (Nextcloud already knows).
   */
  public record Disinvited(RoomId roomId, String json) implements Command {}

  /** Another node's client resumed this session: reply with its state and stop here. */
  public record HandOver(ActorRef<NodeDelivery.TakeOverReply> replyTo, ActorRef<NodeDelivery.Command> newNode)
      implements Command {}

  /** The room changed this session's permissions (a backend participants update). */
  public record PermissionsChanged(RoomId roomId, Set<String> permissions) implements Command {}

  /** A hello with this session's resume id arrived on {@code connection}. */
  public record Resume(Connection connection, String requestId, String helloVersion, ActorRef<Boolean> replyTo)
      implements Command {}

  public record ConnectionClosed(long connectionId) implements Command {}

  /**
   * This node is shutting down: close the socket (no bye, which would make Talk clients drop
   * their resume id) so the client reconnects, lands on another node and resumes there.
   */
  public enum Drain implements Command {
    INSTANCE
  }

  private enum ResumeWindowExpired implements Command {
    INSTANCE
  }

  private enum RoomJoinTimedOut implements Command {
    INSTANCE
  }

  /** Handed over: frames still in this actor's mailbox have been forwarded, it may stop. */
  private enum ForwardingDone implements Command {
    INSTANCE
  }

  /** Long enough for the mailbox of a handed-over session to empty; later frames use the registry's forward. */
  private static final java.time.Duration FORWARD_MAILBOX_FOR = java.time.Duration.ofSeconds(5);

  private record BackendJoinAnswered(String requestId, RoomRequest request, String roomSessionId, BackendClientResponse response)
      implements Command {}

  private record JoinFailed(String requestId, ErrorMessage error) implements Command {}

  private record RoomJoined(String requestId, Membership membership, RoomEntity.Joined joined) implements Command {}

  /** Outcome of telling the room this session's new node; retried until the room confirms. */
  private record ConnectionRecorded(RoomId roomId, boolean ok) implements Command {}

  private enum RetryRecordConnection implements Command {
    INSTANCE
  }

  /** The room's view of this session after a resume: used to repeat a moderator mute. */
  private record StateAfterResume(RoomSnapshot snapshot) implements Command {}

  /** The room acknowledged the room or call message with this number ({@link RoomEntity.RelayAck}). */
  private record RelayAcked(long seq) implements Command {}

  /** Time to send again the room messages their room has not acknowledged. */
  private enum RetryRelays implements Command {
    INSTANCE
  }

  /** A room or call message sent to its room and not acknowledged yet. */
  private record UnackedRelay(RoomId roomId, boolean callOnly, String json, long firstSentNanos, long sentAtNanos) {
    UnackedRelay sentAgain(long nowNanos) {
      return new UnackedRelay(roomId, callOnly, json, firstSentNanos, nowNanos);
    }
  }

  /**
   * Room messages are acknowledged by their room and sent again after this long without: the
   * region that hands a shard off drops what it buffered for it meanwhile. Longer than a room's
   * usual answer under load, so that a retry is rare when nothing moved (the room relays a repeat
   * only once anyway).
   */
  private static final java.time.Duration RELAY_ACK_TIMEOUT = java.time.Duration.ofSeconds(2);
  private static final java.time.Duration RELAY_RETRY_CHECK = java.time.Duration.ofMillis(500);
  /** Unacknowledged room messages kept at most; the oldest is given up beyond. */
  private static final int MAX_UNACKED_RELAYS = 256;

  /** The room this session is in, and what the backend granted there. */
  private record Membership(RoomId roomId, String roomSessionId, Set<String> permissions, JsonNode properties) {
    boolean may(String permission) {
      return permissions.contains(permission);
    }
  }

  /** Granted when Nextcloud's room answer has no permission list (very old Talk), as by the reference. */
  private static final Set<String> DEFAULT_PERMISSIONS =
      Set.of("publish-media", "publish-audio", "publish-video", "publish-screen", "control", "transient-data");

  private static final int STASH_CAPACITY = 1000;

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final StashBuffer<Command> stash;
  private final SessionIdentity identity;
  private final SessionContext shared;
  private final ArrayDeque<String> pending = new ArrayDeque<>();
  private final SessionLine line;
  /** Set while a client message is handled: the backed-up socket it was written to, if any. */
  private Backlog recipientBacklog;
  private String senderJsonType;
  private String senderJson;
  private Connection connection;
  /** The socket this node closed to drain: what its client had already sent still counts. */
  private long drainedConnectionId = -1;
  private Membership room;
  /** Room and call messages by number, until their room acknowledges them. */
  private final TreeMap<Long, UnackedRelay> unackedRelays = new TreeMap<>();
  private long relaySeq;
  private final ActorRef<RoomEntity.RelayAck> relayAcks;
  /**
   * Set when this session ends for good (bye, expiry, disinvite, join timeout): only then is its
   * replicated record removed. A session stopped because its node shuts down stays resumable
   * from the directory on another node.
   */
  private boolean ended;

  private ClientSession(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      StashBuffer<Command> stash,
      SessionIdentity identity,
      SessionContext shared,
      Connection connection) {
    this.context = context;
    this.timers = timers;
    this.stash = stash;
    this.identity = identity;
    this.shared = shared;
    this.connection = connection;
    this.line = new SessionLine(context.getSelf());
    this.relayAcks = context.messageAdapter(RoomEntity.RelayAck.class, ack -> new RelayAcked(ack.seq()));
  }

  /** A new session, right after a successful hello. */
  public static Behavior<Command> create(
      SessionIdentity identity, Connection connection, String helloId, String helloVersion, SessionContext shared) {
    return start(identity, connection, helloId, helloVersion, shared, null);
  }

  /**
   * A session whose client resumed here while another node held it: continues in the same room
   * (peers see nothing), replays what was queued, and moves the room's fan-out to this node.
   */
  public static Behavior<Command> takenOver(
      SessionHandover handover, SessionIdentity identity, Connection connection, String helloId, String helloVersion,
      SessionContext shared) {
    return start(identity, connection, helloId, helloVersion, shared, handover);
  }

  private static Behavior<Command> start(
      SessionIdentity identity, Connection connection, String helloId, String helloVersion, SessionContext shared,
      SessionHandover handover) {
    return Behaviors.withStash(
        STASH_CAPACITY,
        stash ->
            Behaviors.setup(
                context ->
                    Behaviors.withTimers(
                        timers -> {
                          ClientSession session = new ClientSession(context, timers, stash, identity, shared, connection);
                          if (handover != null) {
                            // Before it can be found here: a broadcast's copy may reach this node any moment.
                            shared.registry().handedOver(identity.sid(), handover.pending());
                          }
                          shared.registry().register(identity, session.line);
                          session.sendHello(helloId, helloVersion);
                          if (handover != null) {
                            shared.metrics().sessionResumed(true);
                            session.continueFrom(handover);
                            // Frames the old node forwarded while this session was starting.
                            shared.registry().arrived(identity.sid(), session.line).forEach(session::send);
                          } else if (identity.isGuest()) {
                            timers.startSingleTimer(RoomJoinTimedOut.INSTANCE, shared.settings().roomJoinTimeout());
                          }
                          if (handover == null) {
                            shared.metrics().sessionCreated();
                          }
                          session.publishToDirectory();
                          session.line.direct(connection); // after the hello (and any replay)
                          return session.active();
                        })));
  }

  private void continueFrom(SessionHandover handover) {
    handover.pending().forEach(connection::send);
    if (handover.room() != null) {
      room = new Membership(handover.room(), handover.roomSessionId(), handover.permissions(), handover.properties());
      shared.registry().roomJoined(room.roomId());
      recordConnectionHere();
      pingHere();
      askForMuteState();
    }
  }

  /**
   * Tells the room that this session's socket is now on this node, so its events come here and
   * the reaper of the old node leaves it alone. Acknowledged and retried: the room may be handing
   * off or restarting after a crash right now, and a lost update would cost the session its events
   * and, 40 s later, its place in the room.
   */
  private void recordConnectionHere() {
    RoomId target = room.roomId();
    context.askWithStatus(
        Done.class,
        shared.room(target),
        shared.settings().roomAskTimeout(),
        replyTo -> new RoomEntity.SetConnection(identity.publicId(), true, shared.nodeId(), replyTo),
        (done, failure) -> new ConnectionRecorded(target, failure == null));
  }

  private Behavior<Command> onConnectionRecorded(ConnectionRecorded recorded) {
    if (!recorded.ok() && room != null && room.roomId().equals(recorded.roomId())) {
      timers.startSingleTimer(RetryRecordConnection.INSTANCE, java.time.Duration.ofSeconds(1));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRetryRecordConnection() {
    if (room != null) {
      recordConnectionHere();
    }
    return Behaviors.same();
  }

  /**
   * Hands this session to the node its client resumed on, without leaving the room. Frames that
   * peers still address to this node (their caches and the room's record of the session's node
   * catch up a moment later) are forwarded there for the resume window, so none is lost.
   */
  private Behavior<Command> onHandOver(HandOver handOver) {
    if (connection != null) {
      connection.send(ServerMessage.bye(null, "session_resumed").toJson());
      connection.close();
      detach();
    }
    shared.registry().unregister(identity, line);
    shared.registry().forward(identity, handOver.newNode(), shared.settings().resumeWindow());
    handOver.replyTo().tell(new NodeDelivery.TakeOverReply(Optional.of(stateWith(List.copyOf(pending)))));
    pending.clear();
    if (room != null) {
      shared.registry().roomLeft(room.roomId());
    }
    timers.cancelAll();
    timers.startSingleTimer(ForwardingDone.INSTANCE, FORWARD_MAILBOX_FOR);
    return forwardingTo(handOver.newNode()); // the new node owns the directory record now
  }

  private Behavior<Command> forwardingTo(ActorRef<NodeDelivery.Command> node) {
    return Behaviors.receive(Command.class)
        .onMessage(Deliver.class, deliver -> {
          node.tell(new NodeDelivery.Forwarded(identity.sid(), deliver.json()));
          if (deliver.line() != null) {
            deliver.line().written();
          }
          return Behaviors.same();
        })
        .onMessage(RoomGone.class, gone -> {
          node.tell(new NodeDelivery.Forwarded(identity.sid(), gone.json()));
          return Behaviors.same();
        })
        .onMessage(HandOver.class, again -> {
          again.replyTo().tell(new NodeDelivery.TakeOverReply(Optional.empty()));
          return Behaviors.same();
        })
        .onMessageEquals(ForwardingDone.INSTANCE, Behaviors::stopped)
        .onSignal(PostStop.class, signal -> unregister())
        .onAnyMessage(message -> Behaviors.same())
        .build();
  }

  private SessionHandover stateWith(List<String> queued) {
    return new SessionHandover(
        identity.sid(), identity.publicId(), identity.privateId(), identity.backendId(), identity.authUrl(),
        identity.userId(), identity.user(), identity.isInternal(), identity.features(),
        room == null ? null : room.roomId(), room == null ? null : room.roomSessionId(),
        room == null ? null : room.permissions(), room == null ? null : room.properties(),
        queued);
  }

  /** Nextcloud keeps this member's session alive while it is pinged (not for internal clients). */
  private void pingHere() {
    if (room != null && !identity.isInternal()) {
      shared.pinger().joined(identity.sid(),
          new RoomPinger.Member(identity.backend(), identity.authUrl(), room.roomId(), identity.userId(), room.roomSessionId()));
    }
  }

  /** Replicates what a resume on another node needs, should this node die. */
  private void publishToDirectory() {
    shared.directory().tell(new SessionDirectory.Put(new SessionRecord(stateWith(List.of()), shared.nodeId())));
  }

  private Behavior<Command> active() {
    return Behaviors.receive(Command.class)
        .onMessage(FromClient.class, this::onClientMessage)
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(RoomGone.class, this::onRoomGone)
        .onMessage(Disinvited.class, this::onDisinvited)
        .onMessage(HandOver.class, this::onHandOver)
        .onMessageEquals(Drain.INSTANCE, this::onDrain)
        .onMessage(PermissionsChanged.class, this::onPermissionsChanged)
        .onMessage(ConnectionRecorded.class, this::onConnectionRecorded)
        .onMessageEquals(RetryRecordConnection.INSTANCE, this::onRetryRecordConnection)
        .onMessage(RelayAcked.class, this::onRelayAcked)
        .onMessageEquals(RetryRelays.INSTANCE, this::onRetryRelays)
        .onMessage(Resume.class, this::onResume)
        .onMessage(StateAfterResume.class, this::onStateAfterResume)
        .onMessage(ConnectionClosed.class, this::onConnectionClosed)
        .onMessageEquals(ResumeWindowExpired.INSTANCE, this::onExpired)
        .onMessageEquals(RoomJoinTimedOut.INSTANCE, this::onRoomJoinTimeout)
        .onSignal(PostStop.class, signal -> unregister())
        .build();
  }

  /** While a join is in flight, client messages wait: they must apply to the room being joined. */
  private Behavior<Command> joining() {
    return Behaviors.receive(Command.class)
        .onMessage(BackendJoinAnswered.class, this::onBackendJoinAnswered)
        .onMessage(RoomJoined.class, this::onRoomJoined)
        .onMessage(JoinFailed.class, this::onJoinFailed)
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(RoomGone.class, this::onRoomGone)
        .onMessage(Disinvited.class, this::stashOrDropCommand)
        .onMessage(HandOver.class, this::stashOrDropCommand)
        .onMessage(PermissionsChanged.class, this::stashOrDropCommand)
        .onMessage(ConnectionRecorded.class, this::onConnectionRecorded)
        .onMessageEquals(RetryRecordConnection.INSTANCE, this::onRetryRecordConnection)
        .onMessage(RelayAcked.class, this::onRelayAcked)
        .onMessageEquals(RetryRelays.INSTANCE, this::onRetryRelays)
        .onMessageEquals(Drain.INSTANCE, this::onDrain)
        .onMessage(Resume.class, this::onResume)
        .onMessage(StateAfterResume.class, this::onStateAfterResume)
        .onMessage(ConnectionClosed.class, this::onConnectionClosed)
        .onMessageEquals(ResumeWindowExpired.INSTANCE, this::onExpired)
        .onMessage(FromClient.class, fromClient -> stashOrDropCommand(fromClient.taken()))
        // decided once the join is: joined, it is moot; failed, the guest is said bye
        .onMessage(RoomJoinTimedOut.class, this::stashOrDropCommand)
        .onSignal(PostStop.class, signal -> unregister())
        .build();
  }

  private Behavior<Command> stashOrDropCommand(Command message) {
    if (!stash.isFull()) {
      stash.stash(message);
    }
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- connection lifecycle

  private void sendHello(String requestId, String version) {
    HelloResponse hello =
        new HelloResponse(
            version, identity.publicId(), identity.privateId(), identity.userId(), new ServerInfo(BuildInfo.VERSION, Features.CLIENT));
    connection.send(ServerMessage.hello(requestId, hello).toJson());
  }

  private Behavior<Command> onResume(Resume resume) {
    if (connection != null) {
      connection.send(ServerMessage.bye(null, "session_resumed").toJson());
      connection.close();
    }
    timers.cancel(ResumeWindowExpired.INSTANCE);
    detach(); // frames for the session wait behind the replay
    connection = resume.connection();
    sendHello(resume.requestId(), resume.helloVersion());
    while (!pending.isEmpty()) {
      connection.send(pending.poll());
    }
    line.direct(connection);
    resume.replyTo().tell(true);
    shared.metrics().sessionResumed(true);
    if (room != null) {
      askForMuteState();
    }
    return Behaviors.same();
  }

  private void askForMuteState() {
    context.pipeToSelf(
        shared.room(room.roomId()).ask(RoomEntity.GetState::new, shared.settings().roomAskTimeout()),
        (snapshot, failure) -> new StateAfterResume(failure == null ? snapshot : null));
  }

  private Behavior<Command> onStateAfterResume(StateAfterResume state) {
    if (state.snapshot() != null && room != null && state.snapshot().roomId().equals(room.roomId())) {
      repeatModeratorMute(state.snapshot().participant(identity.publicId()));
    }
    return Behaviors.same();
  }

  /** A moderator's mute outlives reconnects: the client is told again, as the moderator's client did. */
  private void repeatModeratorMute(Participant self) {
    if (self == null) {
      return;
    }
    MuteState mute = self.mute();
    if (mute.audio() || mute.video()) {
      ObjectNode data = Json.MAPPER.createObjectNode();
      // "forceMute" (audio) is what current Talk clients act on.
      data.put("action", mute.audio() ? "forceMute" : "forceMuteVideo");
      data.put("peerId", identity.publicId());
      Sender sender = new Sender(Recipient.SESSION, identity.publicId(), identity.userId());
      send(ServerMessage.control(new RelayedMessage(sender, null, data)).toJson());
    }
  }

  private Behavior<Command> onPermissionsChanged(PermissionsChanged changed) {
    if (room != null && room.roomId().equals(changed.roomId())) {
      room = new Membership(room.roomId(), room.roomSessionId(), Set.copyOf(changed.permissions()), room.properties());
      publishToDirectory();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onDrain() {
    if (connection != null) {
      drainedConnectionId = connection.id();
      connection.close();
      detach();
      timers.startSingleTimer(ResumeWindowExpired.INSTANCE, shared.settings().resumeWindow());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onConnectionClosed(ConnectionClosed closed) {
    if (connection != null && connection.id() == closed.connectionId()) {
      // Accepted by the socket before everything queued here since, and never written.
      List<String> unwritten = connection.out().takeUnwritten();
      for (int i = unwritten.size() - 1; i >= 0; i--) {
        pending.addFirst(unwritten.get(i));
      }
      while (pending.size() > shared.settings().resumeQueueLimit()) {
        pending.poll();
      }
      detach();
      timers.startSingleTimer(ResumeWindowExpired.INSTANCE, shared.settings().resumeWindow());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onExpired() {
    context.getLog().debug("session {} expired", identity.sid());
    shared.metrics().sessionExpired();
    return leaveAndStop();
  }

  private Behavior<Command> onRoomJoinTimeout() {
    if (room == null) {
      closeWithBye(null, "room_join_timeout");
      ended = true;
      return Behaviors.stopped();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onDeliver(Deliver deliver) {
    send(deliver.json());
    if (deliver.line() != null) {
      deliver.line().written(); // after the write: a later direct frame must not overtake it
    }
    return Behaviors.same();
  }

  /** The session has no socket now: frames for it go through this actor (and wait for a resume). */
  private void detach() {
    connection = null;
    line.direct(null);
  }

  private Behavior<Command> onRoomGone(RoomGone gone) {
    if (room != null && room.roomId().equals(gone.roomId())) {
      shared.registry().roomLeft(room.roomId());
      room = null;
      shared.pinger().left(identity.sid());
      publishToDirectory();
    }
    send(gone.json());
    return Behaviors.same();
  }

  private Behavior<Command> onDisinvited(Disinvited disinvited) {
    send(disinvited.json());
    if (room != null && room.roomId().equals(disinvited.roomId())) {
      Membership leaving = room;
      room = null;
      shared.pinger().left(identity.sid());
      shared.registry().roomLeft(leaving.roomId());
      shared.room(leaving.roomId()).tell(new RoomEntity.LeaveIfAt(identity.publicId(), shared.nodeId(), context.getSystem().ignoreRef()));
      if (connection != null) {
        connection.close();
        detach();
      }
      ended = true;
      return Behaviors.stopped();
    }
    return Behaviors.same();
  }

  private void send(String json) {
    // A socket that is closing refuses the frame: it is kept for the resume, like every frame
    // after the socket is gone.
    if (connection != null && connection.isOpen() && connection.send(json)) {
      return;
    }
    if (pending.size() >= shared.settings().resumeQueueLimit()) {
      pending.poll(); // bounded: a session that never comes back must not grow the heap
    }
    pending.add(json);
  }

  private void closeWithBye(String requestId, String reason) {
    if (connection != null) {
      connection.send(ServerMessage.bye(requestId, reason).toJson());
      connection.close();
      detach();
    }
  }

  private Behavior<Command> unregister() {
    shared.registry().unregister(identity, line);
    shared.pinger().left(identity.sid());
    if (ended) {
      shared.directory().tell(new SessionDirectory.Remove(identity.sid()));
    }
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- client messages

  /**
   * Back-pressure across sessions: a message written to a backed-up socket on this node keeps its
   * sender's read credit until that socket drained, so a sender outrunning its recipients is
   * slowed by TCP (as the reference's blocking write slows it) instead of growing the heap.
   */
  private Behavior<Command> onClientMessage(FromClient fromClient) {
    recipientBacklog = null;
    try {
      return handleClientMessage(fromClient);
    } finally {
      fromClient.handled(recipientBacklog);
      recipientBacklog = null;
    }
  }

  private Behavior<Command> handleClientMessage(FromClient fromClient) {
    ClientMessage message = fromClient.message();
    boolean current = connection != null && connection.id() == fromClient.connectionId();
    // Sent before the client saw the drain close its socket: messages to peers still go out.
    boolean drained = connection == null && fromClient.connectionId() == drainedConnectionId
        && ("message".equals(message.type()) || "control".equals(message.type()));
    if (!current && !drained) {
      return Behaviors.same(); // from a connection this session has left behind
    }
    return switch (message.type()) {
      case "room" -> onRoom(message.id(), message.room());
      case "message" -> relay(message.message(), false);
      case "control" -> relay(message.control(), true);
      case "transient" -> onTransient(message.id(), message.transientData());
      case "bye" -> {
        closeWithBye(message.id(), null);
        yield leaveAndStop();
      }
      default -> Behaviors.same(); // hello again, internal, unknown: ignored like the reference
    };
  }

  private Behavior<Command> relay(MessageRequest request, boolean control) {
    if (control && !(identity.isInternal() || (room != null && room.may(Participant.PERMISSION_CONTROL)))) {
      return Behaviors.same(); // silently ignored, as by the reference
    }
    Recipient recipient = request.recipient();
    shared.metrics().messageRouted(control ? "control" : recipient.type());
    if (control && room != null) {
      recordModeratorMute(request.data().tree());
    }
    String json = ServerMessage.relayedJson(control, senderJson(recipient.type()), request.data());
    switch (recipient.type()) {
      case "session" ->
          shared.sessionIds()
              .readPublic(recipient.sessionid())
              .filter(data -> data.backendId().equals(identity.backendId()) && data.sid() != identity.sid())
              .ifPresent(data -> recipientBacklog = shared.cluster().toSession(data.sid(), json));
      case "user" -> {
        if (!recipient.userid().equals(identity.userId())) {
          shared.cluster().toUser(identity.backendId(), recipient.userid(), json);
        }
      }
      case "room", "call" -> {
        if (room != null) {
          relayToRoom(room.roomId(), recipient.type().equals("call"), json);
        }
      }
      default -> {
        // validated before; nothing else reaches here
      }
    }
    return Behaviors.same();
  }

  /** Sends a room or call message to its room, which acknowledges it; see {@link #RELAY_ACK_TIMEOUT}. */
  private void relayToRoom(RoomId roomId, boolean callOnly, String json) {
    long seq = ++relaySeq;
    // Started once and left running while the session talks (cancelled by the check that finds
    // nothing left): not a scheduler task per room message.
    if (!timers.isTimerActive(RetryRelays.INSTANCE)) {
      timers.startTimerWithFixedDelay(RetryRelays.INSTANCE, RELAY_RETRY_CHECK);
    }
    long now = System.nanoTime();
    UnackedRelay relay = new UnackedRelay(roomId, callOnly, json, now, now);
    unackedRelays.put(seq, relay);
    if (unackedRelays.size() > MAX_UNACKED_RELAYS) {
      unackedRelays.pollFirstEntry(); // the room has not answered for a long time
      shared.metrics().roomRelayGivenUp();
    }
    send(seq, relay);
  }

  private void send(long seq, UnackedRelay relay) {
    shared.room(relay.roomId())
        .tell(new RoomEntity.RelayToRoom(identity.publicId(), relay.callOnly(), relay.json(), seq,
            unackedRelays.firstKey(), relayAcks));
  }

  private Behavior<Command> onRelayAcked(RelayAcked acked) {
    unackedRelays.remove(acked.seq());
    return Behaviors.same();
  }

  /**
   * Sends again, in order, what was not acknowledged in time; gives up once the first send is
   * {@code room.relay-retry-window} old, or at once if this session is no longer in that room
   * (the room would drop it).
   */
  private Behavior<Command> onRetryRelays() {
    long now = System.nanoTime();
    long window = shared.settings().roomRelayRetryWindow().toNanos();
    for (var it = unackedRelays.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, UnackedRelay> entry = it.next();
      UnackedRelay relay = entry.getValue();
      if (now - relay.sentAtNanos() < RELAY_ACK_TIMEOUT.toNanos()) {
        continue;
      }
      if (room == null || !room.roomId().equals(relay.roomId()) || now - relay.firstSentNanos() >= window) {
        it.remove();
        shared.metrics().roomRelayGivenUp();
        continue;
      }
      entry.setValue(relay.sentAgain(now));
      shared.metrics().roomRelayRetried();
      send(entry.getKey(), relay);
    }
    if (unackedRelays.isEmpty()) {
      timers.cancel(RetryRelays.INSTANCE);
    }
    return Behaviors.same();
  }

  /** {@code Json.write(new Sender(type, publicId, userId))}, kept for the last type used. */
  private String senderJson(String type) {
    if (!type.equals(senderJsonType)) {
      senderJson = Json.write(new Sender(type, identity.publicId(), identity.userId()));
      senderJsonType = type;
    }
    return senderJson;
  }

  /**
   * Talk's moderator mute is a control message to every peer ({@code forceMute} with the target's
   * {@code peerId}); the room records it so that it survives the target's reconnects. The entity
   * ignores repeats, so the copy sent to each peer persists once.
   */
  private void recordModeratorMute(JsonNode data) {
    String action = data.path("action").asText("");
    String target = data.path("peerId").asText("");
    if (target.isEmpty()) {
      return;
    }
    boolean muted = action.startsWith("forceMute");
    if (!muted && !action.startsWith("forceUnmute")) {
      return;
    }
    String kind = action.substring(muted ? "forceMute".length() : "forceUnmute".length());
    boolean audio = kind.isEmpty() || kind.equals("Audio");
    boolean video = kind.equals("Video") || (!muted && kind.isEmpty());
    if (audio || video) {
      shared.room(room.roomId())
          .tell(new RoomEntity.SetModeratorMute(identity.publicId(), target, audio, video, muted, context.getSystem().ignoreRef()));
    }
  }

  // ---------------------------------------------------------------- rooms

  private Behavior<Command> onRoom(String requestId, RoomRequest request) {
    if (request.roomid().isEmpty()) {
      return leaveRoom(requestId);
    }
    if (room != null && room.roomId().token().equals(request.roomid())) {
      ObjectNode details = Json.MAPPER.createObjectNode();
      details.putObject("room").put("roomid", request.roomid()).set("properties", room.properties());
      send(ServerMessage.error(requestId, new ErrorMessage("already_joined", "Already joined this room.", details)).toJson());
      return Behaviors.same();
    }
    if (request.federation() != null && !request.federation().isNull()) {
      send(ServerMessage.error(requestId, new ErrorMessage("federation_unsupported", "Federation is not supported.")).toJson());
      return Behaviors.same();
    }
    String roomSessionId = request.sessionid() == null || request.sessionid().isEmpty() ? identity.publicId() : request.sessionid();
    if (identity.isInternal()) {
      // Internal clients may join any room without asking Nextcloud.
      return joinEntity(requestId, new Membership(new RoomId(identity.backendId(), request.roomid()), roomSessionId, DEFAULT_PERMISSIONS, null));
    }
    context.pipeToSelf(
        shared.nextcloud()
            .backendRequest(identity.authUrl(), identity.backend(), BackendClientRequest.join(request.roomid(), identity.userId(), roomSessionId)),
        (response, failure) ->
            failure == null
                ? new BackendJoinAnswered(requestId, request, roomSessionId, response)
                : new JoinFailed(requestId, errorOf(failure)));
    return joining();
  }

  private Behavior<Command> onBackendJoinAnswered(BackendJoinAnswered answer) {
    BackendClientResponse response = answer.response();
    if (response.error() != null) {
      return onJoinFailed(new JoinFailed(answer.requestId(), response.error()));
    }
    if (!"room".equals(response.type()) || response.room() == null) {
      return onJoinFailed(new JoinFailed(answer.requestId(), new ErrorMessage("room_join_failed", "Could not join the room.")));
    }
    List<String> granted = response.room().permissions();
    Set<String> permissions = granted == null ? DEFAULT_PERMISSIONS : Set.copyOf(granted);
    RoomId roomId = new RoomId(identity.backendId(), answer.request().roomid());
    return joinEntity(answer.requestId(), new Membership(roomId, answer.roomSessionId(), permissions, response.room().properties()));
  }

  private Behavior<Command> joinEntity(String requestId, Membership membership) {
    if (room != null) {
      leaveCurrentRoom(); // a session is in at most one room
    }
    Participant participant =
        new Participant(
            identity.publicId(), identity.userId(), membership.roomSessionId(), Participant.TYPE_UNKNOWN,
            new LinkedHashSet<>(membership.permissions()), 0, MuteState.NONE, true, shared.nodeId(),
            identity.user(), identity.features(), identity.isInternal() ? null : identity.authUrl());
    context.askWithStatus(
        RoomEntity.Joined.class,
        shared.room(membership.roomId()),
        shared.settings().roomAskTimeout(),
        replyTo -> new RoomEntity.Join(participant, membership.properties(), replyTo),
        (joined, failure) ->
            failure == null
                ? new RoomJoined(requestId, membership, joined)
                : new JoinFailed(requestId, new ErrorMessage("room_join_failed", "Could not join the room.")));
    return joining();
  }

  private Behavior<Command> onRoomJoined(RoomJoined joined) {
    room = joined.membership();
    shared.registry().roomJoined(room.roomId());
    timers.cancel(RoomJoinTimedOut.INSTANCE);
    RoomSnapshot snapshot = joined.joined().room();
    JsonNode properties = snapshot.properties() != null ? snapshot.properties() : room.properties();
    room = new Membership(room.roomId(), room.roomSessionId(), room.permissions(), properties);
    pingHere();
    publishToDirectory();
    send(ServerMessage.room(joined.requestId(), new RoomResponse(room.roomId().token(), properties)).toJson());
    // As the reference: the joiner first learns who is there, then sees its own join.
    List<EventSessionEntry> others = joined.joined().others().stream().map(NodeRoomEvents::entryOf).toList();
    if (!others.isEmpty()) {
      send(ServerMessage.event(EventMessage.join(others)).toJson());
    }
    Participant self = snapshot.participant(identity.publicId());
    if (self != null) {
      send(ServerMessage.event(EventMessage.join(List.of(NodeRoomEvents.entryOf(self)))).toJson());
    }
    repeatModeratorMute(self);
    if (!snapshot.transientData().isEmpty()) {
      ObjectNode data = Json.MAPPER.createObjectNode();
      snapshot.transientData().forEach((key, entry) -> data.set(key, entry.value()));
      send(ServerMessage.transientMessage(TransientMessage.initial(data)).toJson());
    }
    return stash.unstashAll(active());
  }

  private Behavior<Command> onJoinFailed(JoinFailed failed) {
    send(ServerMessage.error(failed.requestId(), failed.error()).toJson());
    return stash.unstashAll(active());
  }

  private Behavior<Command> leaveRoom(String requestId) {
    if (room == null) {
      return Behaviors.same(); // the reference does not answer a leave outside a room
    }
    leaveCurrentRoom();
    publishToDirectory();
    send(ServerMessage.room(requestId, RoomResponse.left()).toJson());
    if (identity.isGuest()) {
      // As the reference: a guest out of its room must join another in time.
      timers.startSingleTimer(RoomJoinTimedOut.INSTANCE, shared.settings().roomJoinTimeout());
    }
    return Behaviors.same();
  }

  /**
   * Leaves the entity (peers see the leave) and tells Nextcloud; fire and forget. Conditional on
   * the participant still being recorded at this node: a session that resumed elsewhere meanwhile
   * is not removed by a stale copy expiring here.
   */
  private void leaveCurrentRoom() {
    Membership leaving = room;
    room = null;
    shared.pinger().left(identity.sid());
    shared.registry().roomLeft(leaving.roomId());
    shared.room(leaving.roomId()).tell(new RoomEntity.LeaveIfAt(identity.publicId(), shared.nodeId(), context.getSystem().ignoreRef()));
    if (!identity.isInternal()) {
      shared.nextcloud()
          .backendRequest(
              identity.authUrl(), identity.backend(),
              BackendClientRequest.leave(leaving.roomId().token(), identity.userId(), leaving.roomSessionId()))
          .whenComplete(
              (response, failure) -> {
                if (failure != null) {
                  context.getSystem().log().debug("leave request for {} failed: {}", leaving.roomId(), failure.toString());
                }
              });
    }
  }

  private Behavior<Command> leaveAndStop() {
    if (room != null) {
      leaveCurrentRoom();
    }
    ended = true;
    return Behaviors.stopped();
  }

  // ---------------------------------------------------------------- transient data

  private Behavior<Command> onTransient(String requestId, TransientRequest request) {
    shared.metrics().messageRouted("transient");
    if (room == null) {
      send(ServerMessage.error(requestId, new ErrorMessage("not_in_room", "The session is not in a room.")).toJson());
      return Behaviors.same();
    }
    if (!identity.isInternal() && !room.may("transient-data")) {
      send(ServerMessage.error(requestId, new ErrorMessage("not_allowed", "Not allowed to change transient data.")).toJson());
      return Behaviors.same();
    }
    ActorRef<org.apache.pekko.pattern.StatusReply<Done>> ignore = context.getSystem().ignoreRef();
    switch (request.type()) {
      case "set" -> {
        Long ttlMillis = request.ttl() == null || request.ttl() <= 0 ? null : Math.max(1, request.ttl() / 1_000_000);
        shared.room(room.roomId()).tell(new RoomEntity.SetTransient(request.key(), request.value(), ttlMillis, ignore));
      }
      case "remove" -> shared.room(room.roomId()).tell(new RoomEntity.RemoveTransient(request.key(), ignore));
      default -> send(ServerMessage.error(requestId, new ErrorMessage("ignored", "Unsupported transient type.")).toJson());
    }
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- helpers

  private static ErrorMessage errorOf(Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    return cause instanceof BackendException backend ? backend.error() : new ErrorMessage("internal_error", "Internal error.");
  }

}
