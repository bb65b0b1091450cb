package io.roomcluster.gateway.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roomcluster.gateway.config.BackendSettings.Backend;
import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.gateway.cluster.ClusterDelivery;
import io.roomcluster.protocol.backend.BackendServerRoomRequest;
import io.roomcluster.protocol.backend.DisinviteRequest;
import io.roomcluster.protocol.backend.InCallRequest;
import io.roomcluster.protocol.backend.InviteRequest;
import io.roomcluster.protocol.backend.SwitchtoRequest;
import io.roomcluster.protocol.message.EventMessage;
import io.roomcluster.protocol.message.ServerMessage;
import io.roomcluster.room.Participant;
import io.roomcluster.room.ParticipantUpdate;
import io.roomcluster.room.RoomEntity;
import io.roomcluster.room.RoomId;
import io.roomcluster.room.RoomSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Nextcloud request to {@code /api/v1/room/{token}} does. Room state changes are commands
 * to the {@link RoomEntity}, answered only after the entity persisted them; the frames the
 * reference sends for each type then reach the clients (room members through the entity's fan-out,
 * users' other sessions directly).
 */
public final class RoomRequestHandler {

  /** The outcome the HTTP layer renders: status and JSON body. */
  public record Outcome(int status, String body) {
    static final Outcome OK = new Outcome(200, "{}");
  }

  private static final Logger log = LoggerFactory.getLogger(RoomRequestHandler.class);

  private final Function<RoomId, EntityRef<RoomEntity.Command>> rooms;
  private final ClusterDelivery delivery;
  private final Duration askTimeout;
  private final Duration deadline;

  private final Metrics metrics;

  /**
   * @param askTimeout how long one attempt waits for the room
   * @param deadline how long a request keeps asking a room that does not answer ({@code
   *     room.backend-request-deadline})
   */
  public RoomRequestHandler(
      ClusterSharding sharding, ClusterDelivery delivery, Duration askTimeout, Duration deadline, Metrics metrics) {
    this(roomId -> sharding.entityRefFor(RoomEntity.ENTITY_TYPE_KEY, roomId.entityId()), delivery, askTimeout, deadline, metrics);
  }

  RoomRequestHandler(
      Function<RoomId, EntityRef<RoomEntity.Command>> rooms,
      ClusterDelivery delivery,
      Duration askTimeout,
      Duration deadline,
      Metrics metrics) {
    this.rooms = rooms;
    this.delivery = delivery;
    this.askTimeout = askTimeout;
    this.deadline = deadline;
    this.metrics = metrics;
  }

  public CompletionStage<Outcome> handle(Backend backend, String token, BackendServerRoomRequest request) {
    RoomId roomId = new RoomId(backend.id(), token);
    // One deadline for the whole request, however many asks it takes.
    Room room = new Room(rooms.apply(roomId), System.nanoTime() + deadline.toNanos());
    return switch (request.type()) {
      case "invite" -> invite(backend, token, request.invite());
      case "disinvite" -> disinvite(backend, roomId, room, request.disinvite());
      case "update" -> update(backend, token, room, request.update().userids(), request.update().properties());
      case "delete" -> delete(backend, token, room, request.delete().userids());
      case "incall" -> inCall(roomId, room, request.incall());
      case "participants" ->
          participants(roomId, room, request.participants().changed(), request.participants().users(), null);
      case "message" -> room.broadcast(ServerMessage.event(EventMessage.roomMessage(token, request.message().data())).toJson(), null);
      case "switchto" -> switchto(room, token, request.switchto());
      case "dialout" -> CompletableFuture.completedFuture(dialoutUnavailable());
      default -> CompletableFuture.completedFuture(new Outcome(400, error("invalid_request", "Unsupported request type")));
    };
  }

  // ---------------------------------------------------------------- roomlist (per user)

  private CompletionStage<Outcome> invite(Backend backend, String token, InviteRequest invite) {
    Set<String> invited = new HashSet<>(nullToEmpty(invite.userids()));
    toUsers(backend, invited, ServerMessage.event(EventMessage.invite(token, invite.properties())).toJson());
    toUsers(backend, others(invite.alluserids(), invited), roomlistUpdate(token, invite.properties()));
    return CompletableFuture.completedFuture(Outcome.OK);
  }

  private CompletionStage<Outcome> disinvite(
      Backend backend, RoomId roomId, Room room, DisinviteRequest disinvite) {
    String frame = ServerMessage.event(EventMessage.disinvite(roomId.token(), "disinvited")).toJson();
    Set<String> users = new HashSet<>(nullToEmpty(disinvite.userids()));
    List<String> ncSessions = nullToEmpty(disinvite.sessionids()).stream().filter(id -> !id.equals("0")).toList();
    return room.state()
        .thenApply(
            snapshot -> {
              // Sessions inside the room are disconnected after the frame; others only learn it.
              List<Participant> members = List.copyOf(byRoomSession(snapshot, ncSessions).values());
              delivery.disinvite(roomId, members, backend.id(), List.copyOf(users), frame);
              toUsers(backend, others(disinvite.alluserids(), users), roomlistUpdate(roomId.token(), disinvite.properties()));
              return Outcome.OK;
            });
  }

  private CompletionStage<Outcome> update(
      Backend backend, String token, Room room, List<String> userids, JsonNode properties) {
    // The entity tells its members (a room message) only when the properties changed.
    return room.<Done>ask(replyTo -> new RoomEntity.UpdateProperties(properties, replyTo))
        .thenApply(
            done -> {
              toUsers(backend, new HashSet<>(nullToEmpty(userids)), roomlistUpdate(token, properties));
              return Outcome.OK;
            });
  }

  private CompletionStage<Outcome> delete(
      Backend backend, String token, Room room, List<String> userids) {
    return room.<Done>ask(RoomEntity.DeleteRoom::new)
        .thenApply(
            done -> {
              toUsers(backend, new HashSet<>(nullToEmpty(userids)), ServerMessage.event(EventMessage.disinvite(token, "deleted")).toJson());
              return Outcome.OK;
            });
  }

  // ---------------------------------------------------------------- call state

  private CompletionStage<Outcome> inCall(RoomId roomId, Room room, InCallRequest incall) {
    if (Boolean.TRUE.equals(incall.all())) {
      // The entity fans out {"roomid":..,"incall":N,"all":true} once persisted.
      int flags = incall.flags();
      if (!Participant.validInCall(flags)) {
        return CompletableFuture.completedFuture(new Outcome(400, error("invalid_request", "Invalid in-call flags " + flags)));
      }
      return room.<Done>ask(replyTo -> new RoomEntity.SetInCallAll(flags, replyTo)).thenApply(done -> Outcome.OK);
    }
    return participants(roomId, room, incall.changed(), incall.users(), incall.flags());
  }

  /**
   * {@code incall} and {@code participants}: Nextcloud's entries carry Nextcloud session ids; they
   * are mapped to signaling ids through the room's participants, unknown ones dropped, the changes
   * persisted, then every member gets the participants update with the mapped list.
   */
  private CompletionStage<Outcome> participants(
      RoomId roomId, Room room, List<ObjectNode> changed, List<ObjectNode> users, Integer defaultInCall) {
    return room.state()
        .thenCompose(
            snapshot -> {
              Map<String, Participant> byNcSession = byRoomSession(snapshot, null);
              List<ParticipantUpdate> updates = new ArrayList<>();
              for (ObjectNode entry : nullToEmpty(changed)) {
                Participant p = byNcSession.get(entry.path("sessionId").asText(""));
                if (p != null) {
                  updates.add(updateOf(p.sessionId(), entry, defaultInCall));
                }
              }
              CompletionStage<Done> persisted =
                  updates.isEmpty()
                      ? CompletableFuture.completedFuture(Done.getInstance())
                      : room.<RoomEntity.ParticipantsUpdateResult>ask(replyTo -> new RoomEntity.UpdateParticipants(updates, replyTo))
                          .thenApply(result -> Done.getInstance());
              return persisted.thenCompose(
                  done -> {
                    List<ObjectNode> mapped = mappedUsers(byNcSession, changed, users);
                    String frame = ServerMessage.event(EventMessage.participantsUpdate(roomId.token(), mapped)).toJson();
                    return room.broadcast(frame, null);
                  });
            });
  }

  private static ParticipantUpdate updateOf(String sessionId, ObjectNode entry, Integer defaultInCall) {
    Integer inCall = entry.has("inCall") ? inCallFlags(entry.get("inCall")) : defaultInCall;
    Integer type = entry.path("participantType").isInt() ? entry.get("participantType").asInt() : null;
    Set<String> permissions = null;
    if (entry.path("permissions").isArray()) {
      permissions = new LinkedHashSet<>();
      for (JsonNode permission : entry.get("permissions")) {
        permissions.add(permission.asText());
      }
    }
    return new ParticipantUpdate(sessionId, type, permissions, inCall);
  }

  /** Nextcloud sends flags as a number; very old versions sent a boolean. */
  private static Integer inCallFlags(JsonNode value) {
    if (value.isBoolean()) {
      return value.asBoolean() ? Participant.IN_CALL : 0;
    }
    return value.canConvertToInt() ? value.asInt() : null;
  }

  /** users with changed merged in (by session), ids rewritten, unmapped and "0" dropped, permissions stripped. */
  private static List<ObjectNode> mappedUsers(Map<String, Participant> byNcSession, List<ObjectNode> changed, List<ObjectNode> users) {
    Map<String, ObjectNode> merged = new LinkedHashMap<>();
    for (ObjectNode entry : nullToEmpty(users)) {
      merged.put(entry.path("sessionId").asText(""), entry);
    }
    for (ObjectNode entry : nullToEmpty(changed)) {
      merged.put(entry.path("sessionId").asText(""), entry);
    }
    List<ObjectNode> result = new ArrayList<>();
    merged.forEach(
        (ncSession, entry) -> {
          Participant p = byNcSession.get(ncSession);
          if (p == null) {
            return;
          }
          ObjectNode copy = entry.deepCopy();
          copy.put("sessionId", p.sessionId());
          copy.put("nextcloudSessionId", ncSession);
          copy.remove("permissions");
          result.add(copy);
        });
    return result;
  }

  // ---------------------------------------------------------------- relays

  private CompletionStage<Outcome> switchto(Room room, String token, SwitchtoRequest switchto) {
    Map<String, JsonNode> details = switchto.sessionDetails();
    return room.state()
        .thenApply(
            snapshot -> {
              // The room just answered; the frames follow its reply unacknowledged.
              byRoomSession(snapshot, details.keySet())
                  .forEach(
                      (ncSession, p) ->
                          room.ref.tell(
                              RoomEntity.Broadcast.unacknowledged(
                                  ServerMessage.event(EventMessage.switchto(switchto.roomid(), details.get(ncSession))).toJson(),
                                  Set.of(p.sessionId()))));
              return Outcome.OK;
            });
  }

  private static Outcome dialoutUnavailable() {
    return new Outcome(
        404,
        "{\"type\":\"dialout\",\"dialout\":{\"error\":{\"code\":\"no_client_available\","
            + "\"message\":\"No available client found to trigger dialout.\"}}}");
  }

  // ---------------------------------------------------------------- helpers

  /**
   * The room one request talks to, and that request's deadline. A room that does not answer within
   * {@code askTimeout} is asked again until the deadline has passed; then the request fails with
   * the last {@link TimeoutException}. Every command sent here may arrive twice without harm: the
   * backend's changes set values (flags, permissions, properties), deletion and reads are
   * idempotent, and a relayed backend frame tells clients to refresh or carries a state they
   * already have. Other failures (the room refused the change) are not retried.
   */
  private final class Room {
    final EntityRef<RoomEntity.Command> ref;
    private final long deadlineNanos;

    Room(EntityRef<RoomEntity.Command> ref, long deadlineNanos) {
      this.ref = ref;
      this.deadlineNanos = deadlineNanos;
    }

    <T> CompletionStage<T> ask(Function<ActorRef<StatusReply<T>>, RoomEntity.Command> command) {
      long start = System.nanoTime();
      CompletionStage<T> reply = patiently(timeout -> ref.askWithStatus(command::apply, timeout), 1);
      return reply.whenComplete((result, failure) -> metrics.roomCommand(System.nanoTime() - start));
    }

    CompletionStage<RoomSnapshot> state() {
      return patiently(timeout -> ref.ask(RoomEntity.GetState::new, timeout), 1);
    }

    /** Answered once the room relayed the frame: a room that is moving or restarting gets it again. */
    CompletionStage<Outcome> broadcast(String frame, Set<String> only) {
      return patiently(timeout -> ref.<Done>ask(ackTo -> new RoomEntity.Broadcast(frame, only, ackTo), timeout), 1)
          .thenApply(done -> Outcome.OK);
    }

    private <T> CompletionStage<T> patiently(Function<Duration, CompletionStage<T>> attempt, int n) {
      long left = deadlineNanos - System.nanoTime();
      Duration timeout = Duration.ofNanos(Math.max(1, Math.min(askTimeout.toNanos(), left)));
      return attempt.apply(timeout)
          .handle((result, failure) -> {
            if (failure == null) {
              return CompletableFuture.completedFuture(result);
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (!(cause instanceof TimeoutException) || deadlineNanos - System.nanoTime() <= 0) {
              return CompletableFuture.<T>failedFuture(cause);
            }
            log.info("room {} did not answer within {} (attempt {}), asking again", ref.getEntityId(), timeout, n);
            return patiently(attempt, n + 1);
          })
          .thenCompose(Function.identity());
    }
  }

  /** The room's participants by Nextcloud room session id, limited to {@code wanted} when given. */
  private static Map<String, Participant> byRoomSession(RoomSnapshot snapshot, java.util.Collection<String> wanted) {
    Map<String, Participant> result = new HashMap<>();
    for (Participant p : snapshot.participants()) {
      if (p.roomSessionId() != null && (wanted == null || wanted.contains(p.roomSessionId()))) {
        result.put(p.roomSessionId(), p);
      }
    }
    return result;
  }

  private void toUsers(Backend backend, Set<String> userIds, String frame) {
    for (String user : userIds) {
      delivery.toUser(backend.id(), user, frame);
    }
  }

  private static String roomlistUpdate(String token, JsonNode properties) {
    return ServerMessage.event(EventMessage.roomlistUpdate(token, properties)).toJson();
  }

  private static Set<String> others(List<String> all, Set<String> except) {
    Set<String> result = new LinkedHashSet<>(nullToEmpty(all));
    result.removeAll(except);
    return result;
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  public static String error(String code, String message) {
    ObjectNode root = io.roomcluster.protocol.message.Json.MAPPER.createObjectNode();
    root.putObject("error").put("code", code).put("message", message);
    return root.toString();
  }
}
