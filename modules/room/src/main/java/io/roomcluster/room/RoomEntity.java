package io.roomcluster.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.room.RoomEvent.AllInCallChanged;
import io.roomcluster.room.RoomEvent.ConnectionChanged;
import io.roomcluster.room.RoomEvent.InCallChanged;
import io.roomcluster.room.RoomEvent.ModeratorMuteChanged;
import io.roomcluster.room.RoomEvent.ParticipantJoined;
import io.roomcluster.room.RoomEvent.ParticipantLeft;
import io.roomcluster.room.RoomEvent.ParticipantsUpdated;
import io.roomcluster.room.RoomEvent.PermissionsChanged;
import io.roomcluster.room.RoomEvent.PropertiesUpdated;
import io.roomcluster.room.RoomEvent.RoomDeleted;
import io.roomcluster.room.RoomEvent.TransientRemoved;
import io.roomcluster.room.RoomEvent.TransientSet;
import io.roomcluster.serialization.CborSerializable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One conversation: the single writer of its state, event-sourced and cluster-sharded by {@link
 * RoomId#entityId()}.
 *
 * <p>Every command that changes something persists its events, then hands them to the {@link
 * RoomEventPublisher} and replies; a command that would change nothing replies without persisting
 * (idempotent: Nextcloud and reconnecting clients repeat themselves). Invalid input gets a {@link
 * StatusReply#error(String)} and persists nothing.
 *
 * <p>Passivation: automatic idle passivation is off for this entity type, because a room with
 * connected but quiet sessions must stay. The entity passivates itself when its room becomes
 * empty (last participant left, or deleted), and an empty room that was only woken up (e.g. by
 * {@link GetState}) stops after {@code roomcluster.room.passivate-empty-after} of inactivity. All
 * state is in the journal, so a stopped room loses nothing. Sharding remembers the running rooms
 * (Distributed Data), so a room whose node crashed restarts on another node by itself.
 *
 * <p>Reaping: a participant's {@code node} that is not a current cluster member (crashed, downed,
 * left) gets a timer of {@code roomcluster.room.reap-disconnected-after}; then every participant
 * still recorded at that node leaves, as with {@link Leave}. Sessions that resumed elsewhere
 * meanwhile moved with {@link SetConnection} and stay. The nodes are checked after recovery, when
 * a participant joins or moves, and when the cluster removes a member ({@link ClusterMembership}).
 */
public final class RoomEntity
    extends EventSourcedBehaviorWithEnforcedReplies<RoomEntity.Command, RoomEvent, RoomState> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Room");

  // ---- commands -------------------------------------------------------------------------------

  /** Everything a room understands. */
  public sealed interface Command extends CborSerializable {}

  /** A command answered with a {@link StatusReply}: success, or an error with the reason. */
  public sealed interface StatusReplyCommand<R> extends Command {
    ActorRef<StatusReply<R>> replyTo();
  }

  /**
   * A session joins (the backend accepted it). Re-joining with the same session id replaces the
   * entry but keeps a moderator-imposed mute. {@code properties}, if given and different, update
   * the room's properties first.
   */
  public record Join(Participant participant, JsonNode properties,
      ActorRef<StatusReply<Joined>> replyTo) implements StatusReplyCommand<Joined> {
    public Join {
      properties = JsonValues.orNull(properties);
    }
  }

  public record Leave(String sessionId, ActorRef<StatusReply<Done>> replyTo)
      implements StatusReplyCommand<Done> {}

  /**
   * {@link Leave}, but only while the session is recorded at {@code node} ({@link NodeIds}): a
   * session expiring on its node must not remove a participant that resumed elsewhere meanwhile.
   * An unknown session, or one at another node, is acknowledged without an event (for an expiring
   * session, "already gone" is fine).
   */
  public record LeaveIfAt(String sessionId, String node, ActorRef<StatusReply<Done>> replyTo)
      implements StatusReplyCommand<Done> {}

  /** @param inCall in-call flags, 0..15 (bits 1 in call, 2 audio, 4 video, 8 phone) */
  public record SetInCall(String sessionId, int inCall, ActorRef<StatusReply<Done>> replyTo)
      implements StatusReplyCommand<Done> {}

  /** The backend's {@code incall} with {@code all: true}: sets every participant's flags. */
  public record SetInCallAll(int inCall, ActorRef<StatusReply<Done>> replyTo)
      implements StatusReplyCommand<Done> {}

  public record ChangePermissions(String sessionId, Set<String> permissions,
      ActorRef<StatusReply<Done>> replyTo) implements StatusReplyCommand<Done> {}

  /**
   * Mutes ({@code muted}) or unmutes the selected media ({@code audio}, {@code video}) of {@code
   * targetSessionId}. The actor needs permission {@code control} or participant type 1, 2 or 6.
   *
   * @param actorSessionId the moderator's session, or {@code null} for the backend / internal
   *     clients (always allowed)
   */
  public record SetModeratorMute(String actorSessionId, String targetSessionId, boolean audio,
      boolean video, boolean muted, ActorRef<StatusReply<Done>> replyTo)
      implements StatusReplyCommand<Done> {}

  public record UpdateProperties(JsonNode properties, ActorRef<StatusReply<Done>> replyTo)
      implements StatusReplyCommand<Done> {
    public UpdateProperties {
      properties = JsonValues.orNull(properties);
    }
  }

  /**
   * A backend participants update. All entries are validated first (one bad entry rejects the
   * whole request); entries for sessions not in this room are ignored.
   */
  public record UpdateParticipants(List<ParticipantUpdate> updates,
      ActorRef<StatusReply<ParticipantsUpdateResult>> replyTo)
      implements StatusReplyCommand<ParticipantsUpdateResult> {}

  /**
   * Sets a transient value. An identical (unexpired) value is a no-op, as in the reference, and
   * does not refresh the TTL; a {@code null} value removes the key. Needs a room with
   * participants (transient data lives only while the room has sessions). Who may set which key
   * ({@code transient-data} permission, {@code sd:} keys) is checked by the gateway.
   *
   * @param ttlMillis time to live, {@code null} for none
   */
  public record SetTransient(String key, JsonNode value, Long ttlMillis,
      ActorRef<StatusReply<Done>> replyTo) implements StatusReplyCommand<Done> {
    public SetTransient {
      value = JsonValues.orNull(value);
    }
  }

  /** Removes a transient value. A missing (or expired) key is acknowledged without an event. */
  public record RemoveTransient(String key, ActorRef<StatusReply<Done>> replyTo)
      implements StatusReplyCommand<Done> {}

  /** The session lost its connection, or resumed it (possibly on another {@code node}). */
  public record SetConnection(String sessionId, boolean connected, String node,
      ActorRef<StatusReply<Done>> replyTo) implements StatusReplyCommand<Done> {}

  /** The backend deleted the room. A room nothing was persisted for just acknowledges. */
  public record DeleteRoom(ActorRef<StatusReply<Done>> replyTo)
      implements StatusReplyCommand<Done> {}

  /** Answered in every phase, never persisted. */
  public record GetState(ActorRef<RoomSnapshot> replyTo) implements Command {}

  /**
   * A client message to the room ({@code callOnly == false}) or the call: hands the recipients to
   * the publisher. Nothing persisted; silently dropped if the sender is not in the room.
   *
   * <p>With {@code ackTo}, the room answers {@link RelayAck} with {@code seq} (also when it drops
   * the message) and relays a repeated {@code seq} of the same sender only once: the sender
   * retries what was not acknowledged, because the region that hands a shard off drops what it
   * buffered for the shard meanwhile ("Dropping [n] buffered messages to shard [s] during hand off
   * to avoid re-ordering": every node stop of a rolling restart). {@code settledBelow} is the
   * sender's lowest number not yet acknowledged or given up ({@link RecentRelays}). Without
   * {@code ackTo}, no reply.
   */
  public record RelayToRoom(String senderSessionId, boolean callOnly, String payload, long seq,
      long settledBelow, ActorRef<RelayAck> ackTo) implements Command {

    /** Unacknowledged: lost if the room is moving right now. */
    public static RelayToRoom unacknowledged(String senderSessionId, boolean callOnly, String payload) {
      return new RelayToRoom(senderSessionId, callOnly, payload, 0, 0, null);
    }
  }

  /**
   * A frame from the backend (chat message, participants update, switchto) for the room's connected
   * participants, or only those in {@code onlySessions} when it is not null. Not persisted; ordered
   * after every command the room received before it. With {@code ackTo}, the room answers {@link
   * Done} once it handed the frame to the publisher (or had no one to give it to), so that the
   * backend API can send it again to a room that did not answer (a crashed node's room answers
   * only once it started elsewhere). Without {@code ackTo}, no reply.
   */
  public record Broadcast(String payload, Set<String> onlySessions, ActorRef<Done> ackTo)
      implements Command {

    public static Broadcast unacknowledged(String payload, Set<String> onlySessions) {
      return new Broadcast(payload, onlySessions, null);
    }
  }

  /** Sent by the shard to stop a passivating entity ({@link Entity#withStopMessage}). */
  public enum Stop implements Command { INSTANCE }

  /** Internal: the receive timeout, passivates an idle empty room. */
  enum IdleCheck implements Command { INSTANCE }

  /** Internal: the cluster removed this node incarnation ({@link NodeIds}), from MemberRemoved. */
  record NodeRemoved(String node) implements Command {}

  /** Internal: the reap timer of a departed node fired. */
  record ReapNode(String node) implements Command {}

  // ---- replies --------------------------------------------------------------------------------

  /** The room has relayed (or dropped) the {@link RelayToRoom} with this {@code seq}. */
  public record RelayAck(long seq) implements CborSerializable {}

  /**
   * @param room the room after the join
   * @param others the participants other than the joiner, for the joiner's initial join event
   */
  public record Joined(RoomSnapshot room, List<Participant> others) implements CborSerializable {
    public Joined {
      others = List.copyOf(others);
    }
  }

  /**
   * @param applied the updates for sessions of this room
   * @param ignoredSessionIds session ids of the request that are not in this room
   */
  public record ParticipantsUpdateResult(List<ParticipantUpdate> applied,
      List<String> ignoredSessionIds) implements CborSerializable {
    public ParticipantsUpdateResult {
      applied = List.copyOf(applied);
      ignoredSessionIds = List.copyOf(ignoredSessionIds);
    }
  }

  // ---- wiring ---------------------------------------------------------------------------------

  /**
   * Registers the room entity type with Cluster Sharding on this node (see {@link
   * #shardingSettings}); the shard stops a passivating room with {@link Stop}.
   */
  public static void init(ActorSystem<?> system, RoomEventPublisher publisher) {
    RoomSettings settings = RoomSettings.fromConfig(system.settings().config());
    ClusterMembership membership = ClusterMembership.of(system);
    ClusterSharding.get(system).init(
        Entity.of(ENTITY_TYPE_KEY, ctx -> create(RoomId.fromEntityId(ctx.getEntityId()),
                publisher, settings, Clock.systemUTC(), membership, Optional.of(ctx.getShard())))
            .withStopMessage(Stop.INSTANCE)
            .withSettings(shardingSettings(system)));
  }

  /**
   * No automatic passivation: a quiet room with connected sessions must stay (see the class
   * comment). Remember entities: a room hosted on a crashed node restarts on another node by
   * itself and reaps the crashed node's participants, even if nobody talks to it. The ids are
   * kept in Distributed Data (see reference.conf for why not the journal); set here rather than
   * only in reference.conf, whose merge order is the classpath's. A passivated room is dropped
   * from the remembered set.
   */
  static ClusterShardingSettings shardingSettings(ActorSystem<?> system) {
    return ClusterShardingSettings.create(system)
        .withNoPassivationStrategy()
        .withRememberEntities(true)
        .withRememberEntitiesStoreMode(ClusterShardingSettings.rememberEntitiesStoreModeDdata());
  }

  /** How edge code addresses a room (never cache the {@code ActorRef} behind it). */
  public static EntityRef<Command> entityRef(ClusterSharding sharding, RoomId roomId) {
    return sharding.entityRefFor(ENTITY_TYPE_KEY, roomId.entityId());
  }

  /**
   * @param clock the time source of transient TTLs (injectable for tests)
   * @param membership which nodes are alive, for reaping ({@link ClusterMembership#of} in a
   *     cluster; injectable for tests)
   * @param shard where to send {@link ClusterSharding.Passivate}; empty outside sharding
   */
  public static Behavior<Command> create(RoomId roomId, RoomEventPublisher publisher,
      RoomSettings settings, Clock clock, ClusterMembership membership,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      context.setReceiveTimeout(settings.passivateEmptyAfter(), IdleCheck.INSTANCE);
      membership.subscribeToRemovals(context.messageAdapter(ClusterEvent.MemberRemoved.class,
          removed -> new NodeRemoved(NodeIds.of(removed.member().uniqueAddress()))));
      return new RoomEntity(context, timers, roomId, publisher, settings, clock, membership,
          shard);
    }));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final RoomId roomId;
  private final RoomEventPublisher publisher;
  private final RoomSettings settings;
  private final Clock clock;
  private final ClusterMembership membership;
  private final Optional<ActorRef<ClusterSharding.ShardCommand>> shard;
  private final EventHandler<RoomState, RoomEvent> eventHandler = buildEventHandler();
  private final RecentRelays recentRelays = new RecentRelays();

  private RoomEntity(ActorContext<Command> context, TimerScheduler<Command> timers, RoomId roomId,
      RoomEventPublisher publisher, RoomSettings settings, Clock clock,
      ClusterMembership membership, Optional<ActorRef<ClusterSharding.ShardCommand>> shard) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), roomId.entityId()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.context = context;
    this.timers = timers;
    this.roomId = roomId;
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.settings = settings;
    this.clock = clock;
    this.membership = Objects.requireNonNull(membership, "membership");
    this.shard = shard;
  }

  @Override
  public RoomState emptyState() {
    return EmptyRoom.INSTANCE;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public SignalHandler<RoomState> signalHandler() {
    // Covers a room (re)started after its participants' node is gone, e.g. a remembered room
    // restarted elsewhere after a crash: no MemberRemoved will come for that node any more.
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> scheduleReaping(state, null))
        .build();
  }

  // ---- command handlers, one table per phase --------------------------------------------------

  /** What an {@link EmptyRoom} looks like to the handlers it shares with an active room. */
  private static final ActiveRoom NEW_ROOM = ActiveRoom.initial();

  @Override
  public CommandHandlerWithReply<Command, RoomEvent, RoomState> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, RoomEvent, RoomState> builder =
        newCommandHandlerWithReplyBuilder();

    builder.forAnyState()
        .onCommand(GetState.class, (state, cmd) -> Effect().reply(cmd.replyTo(), snapshot(state)))
        .onCommand(Stop.class, cmd -> Effect().stop().thenNoReply())
        .onCommand(IdleCheck.class, this::onIdleCheck)
        .onCommand(NodeRemoved.class, (state, cmd) -> Effect().none()
            .thenRun(() -> scheduleReaping(state, cmd.node()))
            .thenNoReply());

    // Join and UpdateProperties activate the room. Everything else sees a room without
    // participants: unknown sessions, nothing to update; and there is nothing to delete.
    builder.forStateType(EmptyRoom.class)
        .onCommand(Join.class, cmd -> join(NEW_ROOM, cmd))
        .onCommand(UpdateProperties.class, cmd -> updateProperties(NEW_ROOM, cmd))
        .onCommand(DeleteRoom.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.ack()))
        .onCommand(Leave.class, cmd -> leave(NEW_ROOM, cmd))
        .onCommand(LeaveIfAt.class, cmd -> leaveIfAt(NEW_ROOM, cmd))
        .onCommand(SetInCall.class, cmd -> setInCall(NEW_ROOM, cmd))
        .onCommand(SetInCallAll.class, cmd -> setInCallAll(NEW_ROOM, cmd))
        .onCommand(ChangePermissions.class, cmd -> changePermissions(NEW_ROOM, cmd))
        .onCommand(SetModeratorMute.class, cmd -> setModeratorMute(NEW_ROOM, cmd))
        .onCommand(UpdateParticipants.class, cmd -> updateParticipants(NEW_ROOM, cmd))
        .onCommand(SetTransient.class, cmd -> setTransient(NEW_ROOM, cmd))
        .onCommand(RemoveTransient.class, cmd -> removeTransient(NEW_ROOM, cmd))
        .onCommand(SetConnection.class, cmd -> setConnection(NEW_ROOM, cmd))
        .onCommand(RelayToRoom.class, cmd -> relayToRoom(NEW_ROOM, cmd))
        .onCommand(Broadcast.class, this::acknowledgeOnly)
        .onCommand(ReapNode.class, cmd -> Effect().noReply());

    builder.forStateType(ActiveRoom.class)
        .onCommand(Join.class, this::join)
        .onCommand(Leave.class, this::leave)
        .onCommand(LeaveIfAt.class, this::leaveIfAt)
        .onCommand(SetInCall.class, this::setInCall)
        .onCommand(SetInCallAll.class, this::setInCallAll)
        .onCommand(ChangePermissions.class, this::changePermissions)
        .onCommand(SetModeratorMute.class, this::setModeratorMute)
        .onCommand(UpdateProperties.class, this::updateProperties)
        .onCommand(UpdateParticipants.class, this::updateParticipants)
        .onCommand(SetTransient.class, this::setTransient)
        .onCommand(RemoveTransient.class, this::removeTransient)
        .onCommand(SetConnection.class, this::setConnection)
        .onCommand(DeleteRoom.class, this::deleteRoom)
        .onCommand(RelayToRoom.class, this::relayToRoom)
        .onCommand(Broadcast.class, this::broadcast)
        .onCommand(ReapNode.class, this::reapNode);

    // An explicit error (rather than unhandled) spares the asker a timeout.
    builder.forStateType(DeletedRoom.class)
        .onCommand(RelayToRoom.class, this::acknowledgeOnly)
        .onCommand(Broadcast.class, this::acknowledgeOnly)
        .onCommand(ReapNode.class, cmd -> Effect().noReply()) // never reap a deleted room
        .onCommand(cmd -> cmd instanceof StatusReplyCommand<?>,
            cmd -> reject((StatusReplyCommand<?>) cmd, "room " + roomId + " was deleted"));

    return builder.build();
  }

  private ReplyEffect<RoomEvent, RoomState> join(ActiveRoom room, Join cmd) {
    Participant joining = cmd.participant();
    String invalid = validateJoin(joining);
    if (invalid != null) {
      return reject(cmd, invalid);
    }
    Participant previous = room.participant(joining.sessionId());
    // A re-join keeps its mute; so does whoever a moderator muted and who comes back anew.
    Participant joined = joining.withMute(previous != null ? previous.mute() : room.moderatorMuteFor(joining));
    List<RoomEvent> events = new ArrayList<>(2);
    if (cmd.properties() != null && !cmd.properties().equals(room.properties())) {
      events.add(new PropertiesUpdated(cmd.properties()));
    }
    events.add(new ParticipantJoined(joined));
    return persist(room, events, cmd.replyTo(), after -> joinedReply(after, joined.sessionId()));
  }

  private static String validateJoin(Participant p) {
    if (p == null) {
      return "join without participant";
    }
    if (p.sessionId() == null || p.sessionId().isBlank()) {
      return "join without session id";
    }
    if (!Participant.validParticipantType(p.participantType())) {
      return "invalid participant type " + p.participantType();
    }
    if (!Participant.validInCall(p.inCall())) {
      return "invalid in-call flags " + p.inCall();
    }
    if (p.connected() && (p.node() == null || p.node().isBlank())) {
      return "a connected participant needs the node that holds its connection";
    }
    return null;
  }

  private Joined joinedReply(RoomState after, String joinerSessionId) {
    RoomSnapshot snapshot = snapshot(after);
    List<Participant> others = snapshot.participants().stream()
        .filter(p -> !p.sessionId().equals(joinerSessionId))
        .toList();
    return new Joined(snapshot, others);
  }

  private ReplyEffect<RoomEvent, RoomState> leave(ActiveRoom room, Leave cmd) {
    if (room.participant(cmd.sessionId()) == null) {
      return reject(cmd, unknownSession(cmd.sessionId()));
    }
    return persist(room, leaveEvents(room, cmd.sessionId(), clock.millis()), cmd.replyTo(),
        after -> Done.getInstance());
  }

  private ReplyEffect<RoomEvent, RoomState> leaveIfAt(ActiveRoom room, LeaveIfAt cmd) {
    Participant p = room.participant(cmd.sessionId());
    boolean stillThere = p != null && cmd.node() != null && cmd.node().equals(p.node());
    List<RoomEvent> events =
        stillThere ? leaveEvents(room, cmd.sessionId(), clock.millis()) : List.of();
    return persist(room, events, cmd.replyTo(), after -> Done.getInstance());
  }

  /** The events of a session's leave; shared by {@link Leave}, {@link LeaveIfAt} and reaping. */
  private static List<RoomEvent> leaveEvents(ActiveRoom room, String sessionId, long now) {
    List<RoomEvent> events = new ArrayList<>(2);
    String sessionKey = ActiveRoom.SESSION_DATA_PREFIX + sessionId;
    TransientEntry sessionData = room.transientEntry(sessionKey, now);
    if (sessionData != null && room.participants().size() > 1) {
      // tell the others; when the last one leaves, all transient data goes silently
      events.add(new TransientRemoved(sessionKey, sessionData.value(), now));
    }
    events.add(new ParticipantLeft(sessionId));
    return events;
  }

  private ReplyEffect<RoomEvent, RoomState> setInCall(ActiveRoom room, SetInCall cmd) {
    if (!Participant.validInCall(cmd.inCall())) {
      return reject(cmd, "invalid in-call flags " + cmd.inCall());
    }
    Participant p = room.participant(cmd.sessionId());
    if (p == null) {
      return reject(cmd, unknownSession(cmd.sessionId()));
    }
    return persistIf(p.inCall() != cmd.inCall(), room,
        new InCallChanged(cmd.sessionId(), cmd.inCall()), cmd.replyTo());
  }

  private ReplyEffect<RoomEvent, RoomState> setInCallAll(ActiveRoom room, SetInCallAll cmd) {
    if (!Participant.validInCall(cmd.inCall())) {
      return reject(cmd, "invalid in-call flags " + cmd.inCall());
    }
    boolean changes = room.participants().values().stream()
        .anyMatch(p -> p.inCall() != cmd.inCall());
    return persistIf(changes, room, new AllInCallChanged(cmd.inCall()), cmd.replyTo());
  }

  private ReplyEffect<RoomEvent, RoomState> changePermissions(ActiveRoom room,
      ChangePermissions cmd) {
    if (cmd.permissions() == null) {
      return reject(cmd, "permissions missing");
    }
    Participant p = room.participant(cmd.sessionId());
    if (p == null) {
      return reject(cmd, unknownSession(cmd.sessionId()));
    }
    PermissionsChanged event = new PermissionsChanged(cmd.sessionId(), cmd.permissions());
    return persistIf(!p.permissions().equals(event.permissions()), room, event, cmd.replyTo());
  }

  private ReplyEffect<RoomEvent, RoomState> setModeratorMute(ActiveRoom room,
      SetModeratorMute cmd) {
    if (cmd.actorSessionId() != null) {
      Participant actor = room.participant(cmd.actorSessionId());
      if (actor == null) {
        return reject(cmd, unknownSession(cmd.actorSessionId()));
      }
      if (!actor.canModerate()) {
        return reject(cmd, "session " + cmd.actorSessionId()
            + " may not mute others (needs permission control or a moderator role)");
      }
    }
    Participant target = room.participant(cmd.targetSessionId());
    if (target == null) {
      return reject(cmd, unknownSession(cmd.targetSessionId()));
    }
    if (!cmd.audio() && !cmd.video()) {
      return reject(cmd, "nothing selected: mute needs audio and/or video");
    }
    MuteState mute = target.mute().with(cmd.audio(), cmd.video(), cmd.muted());
    return persistIf(!mute.equals(target.mute()), room,
        new ModeratorMuteChanged(cmd.actorSessionId(), cmd.targetSessionId(), mute),
        cmd.replyTo());
  }

  private ReplyEffect<RoomEvent, RoomState> updateProperties(ActiveRoom room,
      UpdateProperties cmd) {
    if (cmd.properties() == null) {
      return reject(cmd, "properties missing");
    }
    return persistIf(!cmd.properties().equals(room.properties()), room,
        new PropertiesUpdated(cmd.properties()), cmd.replyTo());
  }

  private ReplyEffect<RoomEvent, RoomState> updateParticipants(ActiveRoom room,
      UpdateParticipants cmd) {
    if (cmd.updates() == null) {
      return reject(cmd, "participant updates missing");
    }
    List<ParticipantUpdate> applied = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (ParticipantUpdate update : cmd.updates()) {
      String invalid = update == null ? "empty participant update" : update.validationError();
      if (invalid != null) {
        return reject(cmd, invalid);
      }
      if (room.participant(update.sessionId()) != null) {
        applied.add(update);
      } else {
        ignored.add(update.sessionId());
      }
    }
    var result = new ParticipantsUpdateResult(applied, ignored);
    boolean changes = !room.withUpdates(applied).equals(room);
    List<RoomEvent> events = changes ? List.of(new ParticipantsUpdated(applied)) : List.of();
    return persist(room, events, cmd.replyTo(), after -> result);
  }

  private ReplyEffect<RoomEvent, RoomState> setTransient(ActiveRoom room, SetTransient cmd) {
    if (cmd.key() == null || cmd.key().isBlank()) {
      return reject(cmd, "transient key must not be empty");
    }
    if (cmd.value() == null) { // JSON null included: as in the reference, setting null removes
      return removeTransient(room, new RemoveTransient(cmd.key(), cmd.replyTo()));
    }
    if (cmd.ttlMillis() != null && cmd.ttlMillis() <= 0) {
      return reject(cmd, "transient ttl must be positive, was " + cmd.ttlMillis());
    }
    if (!room.hasParticipants()) {
      return reject(cmd, "room " + roomId + " has no participants");
    }
    long now = clock.millis();
    TransientEntry old = room.transientEntry(cmd.key(), now);
    Long expiresAt = cmd.ttlMillis() == null ? null : now + cmd.ttlMillis();
    return persistIf(old == null || !old.value().equals(cmd.value()), room,
        new TransientSet(cmd.key(), cmd.value(), old == null ? null : old.value(), expiresAt, now),
        cmd.replyTo());
  }

  private ReplyEffect<RoomEvent, RoomState> removeTransient(ActiveRoom room, RemoveTransient cmd) {
    if (cmd.key() == null || cmd.key().isBlank()) {
      return reject(cmd, "transient key must not be empty");
    }
    long now = clock.millis();
    TransientEntry old = room.transientEntry(cmd.key(), now);
    // A missing key is not an error: a remove can race with the TTL, or be repeated.
    return persistIf(old != null, room,
        new TransientRemoved(cmd.key(), old == null ? null : old.value(), now), cmd.replyTo());
  }

  private ReplyEffect<RoomEvent, RoomState> setConnection(ActiveRoom room, SetConnection cmd) {
    Participant p = room.participant(cmd.sessionId());
    if (p == null) {
      return reject(cmd, unknownSession(cmd.sessionId()));
    }
    if (cmd.connected() && (cmd.node() == null || cmd.node().isBlank())) {
      return reject(cmd, "a connected session needs the node that holds its connection");
    }
    boolean changes = p.connected() != cmd.connected() || !Objects.equals(p.node(), cmd.node());
    return persistIf(changes, room,
        new ConnectionChanged(cmd.sessionId(), cmd.connected(), cmd.node()), cmd.replyTo());
  }

  private ReplyEffect<RoomEvent, RoomState> deleteRoom(ActiveRoom room, DeleteRoom cmd) {
    return persist(room, List.of(new RoomDeleted()), cmd.replyTo(), after -> Done.getInstance());
  }

  private ReplyEffect<RoomEvent, RoomState> broadcast(ActiveRoom room, Broadcast cmd) {
    List<Participant> recipients = room.participants().values().stream()
        .filter(Participant::connected)
        .filter(p -> cmd.onlySessions() == null || cmd.onlySessions().contains(p.sessionId()))
        .toList();
    return Effect().none()
        .thenRun(() -> relay(null, false, recipients, cmd.payload()))
        .thenRun(() -> acknowledge(cmd))
        .thenNoReply();
  }

  private ReplyEffect<RoomEvent, RoomState> relayToRoom(ActiveRoom room, RelayToRoom cmd) {
    Participant sender = room.participant(cmd.senderSessionId());
    if (sender == null || cmd.payload() == null) {
      context.getLog().debug("room {}: dropping relay from {} (not a participant, or no payload)",
          roomId, cmd.senderSessionId());
      return acknowledgeOnly(cmd);
    }
    if (cmd.ackTo() != null) {
      recentRelays.prune(room.participants().size(), room.participants()::containsKey);
      if (!recentRelays.firstSight(sender.sessionId(), cmd.ackTo(), cmd.seq(), cmd.settledBelow())) {
        return acknowledgeOnly(cmd); // a retry of a relay this room made: its ack was late
      }
    }
    List<Participant> recipients = room.participants().values().stream()
        .filter(p -> p.connected() && !p.sessionId().equals(sender.sessionId()))
        .filter(p -> !cmd.callOnly() || p.joinedCall())
        .toList();
    return Effect().none()
        .thenRun(() -> {
          relay(sender, cmd.callOnly(), recipients, cmd.payload());
          acknowledge(cmd);
        })
        .thenNoReply();
  }

  private ReplyEffect<RoomEvent, RoomState> acknowledgeOnly(RelayToRoom cmd) {
    return Effect().none().thenRun(() -> acknowledge(cmd)).thenNoReply();
  }

  private static void acknowledge(RelayToRoom cmd) {
    if (cmd.ackTo() != null) {
      cmd.ackTo().tell(new RelayAck(cmd.seq()));
    }
  }

  private ReplyEffect<RoomEvent, RoomState> acknowledgeOnly(Broadcast cmd) {
    return Effect().none().thenRun(() -> acknowledge(cmd)).thenNoReply();
  }

  private static void acknowledge(Broadcast cmd) {
    if (cmd.ackTo() != null) {
      cmd.ackTo().tell(Done.getInstance());
    }
  }

  /**
   * Every participant still recorded at the departed node leaves (one persist for all). The node
   * is checked once more: one whose membership had not reached this node yet when its session
   * joined has shown up by now.
   */
  private ReplyEffect<RoomEvent, RoomState> reapNode(ActiveRoom room, ReapNode cmd) {
    List<Participant> reaped = room.participants().values().stream()
        .filter(p -> cmd.node().equals(p.node()))
        .toList();
    List<String> ghosts = reaped.stream().map(Participant::sessionId).toList();
    if (ghosts.isEmpty()) {
      return Effect().noReply(); // resumed elsewhere or left meanwhile
    }
    if (NodeIds.isAmong(cmd.node(), membership.aliveNodes())) {
      context.getLog().info("room {}: node {} is a member after all, keeping sessions {}",
          roomId, cmd.node(), ghosts);
      return Effect().noReply();
    }
    context.getLog().info("room {}: node {} left the cluster, sessions {} did not resume "
        + "elsewhere within {}; they leave", roomId, cmd.node(), ghosts,
        settings.reapDisconnectedAfter());
    List<RoomEvent> events = new ArrayList<>();
    ActiveRoom rest = room;
    long now = clock.millis();
    for (String sessionId : ghosts) {
      for (RoomEvent event : leaveEvents(rest, sessionId, now)) {
        events.add(event);
        rest = (ActiveRoom) eventHandler.apply(rest, event); // a leave keeps the room active
      }
    }
    return persistAndPublish(room, events)
        .thenRun((RoomState after) -> notifyReaped(reaped))
        .thenNoReply();
  }

  private void notifyReaped(List<Participant> reaped) {
    try {
      publisher.reaped(roomId, reaped);
    } catch (RuntimeException e) {
      context.getLog().warn("room {}: telling the backend about reaped sessions failed", roomId, e);
    }
  }

  /**
   * Starts a reap timer (key: the node id) for each node that holds participants and is not a
   * current member, or is {@code removedNode} (the cluster state may lag behind the event).
   * Participants without a node are left alone. A running timer is kept, so repeated checks do not
   * postpone the reaping.
   */
  private void scheduleReaping(RoomState state, String removedNode) {
    if (!(state instanceof ActiveRoom room) || !room.hasParticipants()) {
      return;
    }
    Set<String> alive = membership.aliveNodes();
    room.participants().values().stream()
        .map(Participant::node)
        .filter(node -> node != null && !node.isBlank())
        .distinct()
        .filter(node -> node.equals(removedNode) || !NodeIds.isAmong(node, alive))
        .filter(node -> !timers.isTimerActive(node))
        .forEach(node -> {
          context.getLog().debug("room {}: node {} is not a member, reaping its sessions in {}",
              roomId, node, settings.reapDisconnectedAfter());
          timers.startSingleTimer(node, new ReapNode(node), settings.reapDisconnectedAfter());
        });
  }

  private ReplyEffect<RoomEvent, RoomState> onIdleCheck(RoomState state, IdleCheck cmd) {
    if (state.hasParticipants()) {
      return Effect().noReply();
    }
    return Effect().none().thenRun(this::passivate).thenNoReply();
  }

  // ---- persisting, publishing, passivating ----------------------------------------------------

  private ReplyEffect<RoomEvent, RoomState> persistIf(boolean changes, ActiveRoom room,
      RoomEvent event, ActorRef<StatusReply<Done>> replyTo) {
    return persist(room, changes ? List.of(event) : List.of(), replyTo, s -> Done.getInstance());
  }

  /**
   * Persists {@code events} (none: just replies) with {@link #persistAndPublish} and replies with
   * {@code reply} of the resulting state.
   */
  private <R> ReplyEffect<RoomEvent, RoomState> persist(ActiveRoom before, List<RoomEvent> events,
      ActorRef<StatusReply<R>> replyTo, Function<RoomState, R> reply) {
    if (events.isEmpty()) {
      return Effect().reply(replyTo, StatusReply.success(reply.apply(before)));
    }
    return persistAndPublish(before, events)
        .thenReply(replyTo, after -> StatusReply.success(reply.apply(after)));
  }

  /**
   * Persists {@code events} (at least one), then publishes each with its recipients (the
   * participants after that event, or before it for a deletion), and passivates if the room
   * became empty, or else checks the participants' nodes if one joined or moved.
   */
  private EffectBuilder<RoomEvent, RoomState> persistAndPublish(ActiveRoom before,
      List<RoomEvent> events) {
    List<Runnable> publications = new ArrayList<>(events.size());
    RoomState state = before;
    for (RoomEvent event : events) {
      RoomState next = eventHandler.apply(state, event);
      List<Participant> recipients =
          List.copyOf((event instanceof RoomDeleted ? state : next).participantsInOrder());
      publications.add(() -> publish(event, recipients));
      state = next;
    }
    boolean becameEmpty = state instanceof DeletedRoom
        || (before.hasParticipants() && !state.hasParticipants());
    boolean nodesChanged = events.stream()
        .anyMatch(e -> e instanceof ParticipantJoined || e instanceof ConnectionChanged);
    return Effect().persist(events)
        .thenRun((RoomState after) -> {
          publications.forEach(Runnable::run);
          if (becameEmpty) {
            passivate();
          } else if (nodesChanged) {
            scheduleReaping(after, null);
          }
        });
  }

  private void publish(RoomEvent event, List<Participant> recipients) {
    try {
      publisher.publish(roomId, event, recipients);
    } catch (RuntimeException e) {
      context.getLog().error("room {}: publishing {} failed", roomId, event, e);
    }
  }

  private void relay(Participant sender, boolean callOnly, List<Participant> recipients,
      String payload) {
    try {
      publisher.relay(roomId, sender, callOnly, recipients, payload);
    } catch (RuntimeException e) {
      context.getLog().error("room {}: relaying from {} failed", roomId,
          sender == null ? "the backend" : sender.sessionId(), e);
    }
  }

  private void passivate() {
    context.getLog().debug("room {} is empty, passivating", roomId);
    shard.ifPresent(s -> s.tell(new ClusterSharding.Passivate<>(context.getSelf())));
  }

  private <R> ReplyEffect<RoomEvent, RoomState> reject(StatusReplyCommand<R> cmd, String reason) {
    context.getLog().debug("room {}: rejected {}: {}", roomId, cmd.getClass().getSimpleName(),
        reason);
    return Effect().reply(cmd.replyTo(), StatusReply.error(reason));
  }

  private static String unknownSession(String sessionId) {
    return "unknown session " + sessionId;
  }

  private RoomSnapshot snapshot(RoomState state) {
    return RoomSnapshot.of(roomId, state, clock.millis());
  }

  // ---- event handlers, one table per phase ----------------------------------------------------

  @Override
  public EventHandler<RoomState, RoomEvent> eventHandler() {
    return eventHandler;
  }

  private EventHandler<RoomState, RoomEvent> buildEventHandler() {
    EventHandlerBuilder<RoomState, RoomEvent> builder = newEventHandlerBuilder();

    builder.forStateType(EmptyRoom.class)
        .onEvent(ParticipantJoined.class,
            (empty, e) -> NEW_ROOM.withParticipant(e.participant()))
        .onEvent(PropertiesUpdated.class, (empty, e) -> NEW_ROOM.withProperties(e.properties()));

    builder.forStateType(ActiveRoom.class)
        .onEvent(ParticipantJoined.class, (room, e) -> room.withParticipant(e.participant()))
        .onEvent(ParticipantLeft.class, (room, e) -> room.withoutParticipant(e.sessionId()))
        .onEvent(InCallChanged.class,
            (room, e) -> room.updateParticipant(e.sessionId(), p -> p.withInCall(e.inCall())))
        .onEvent(AllInCallChanged.class, (room, e) -> room.withAllInCall(e.inCall()))
        .onEvent(PermissionsChanged.class, (room, e) -> room.updateParticipant(e.sessionId(),
            p -> p.withPermissions(e.permissions())))
        .onEvent(ModeratorMuteChanged.class, (room, e) -> room.withModeratorMute(e.targetSessionId(), e.mute()))
        .onEvent(PropertiesUpdated.class, (room, e) -> room.withProperties(e.properties()))
        .onEvent(ParticipantsUpdated.class, (room, e) -> room.withUpdates(e.updates()))
        .onEvent(TransientSet.class, (room, e) -> room.withTransient(e.key(),
            new TransientEntry(e.value(), e.expiresAtEpochMillis()), e.atEpochMillis()))
        .onEvent(TransientRemoved.class,
            (room, e) -> room.withTransient(e.key(), null, e.atEpochMillis()))
        .onEvent(ConnectionChanged.class, (room, e) -> room.updateParticipant(e.sessionId(),
            p -> p.withConnection(e.connected(), e.node())))
        .onEvent(RoomDeleted.class, (room, e) -> DeletedRoom.INSTANCE);

    return builder.build();
  }
}
