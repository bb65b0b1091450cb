package io.roomcluster.gateway.session;

import io.roomcluster.room.RoomId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The sessions that live on this node, by Sid, by public id and by user. Read from many
 * actors (lock-free maps); written only by the session actors themselves on start and stop.
 */
public final class SessionRegistry {

  private final Map<Long, SessionLine> bySid = new ConcurrentHashMap<>();
  private final Map<String, SessionLine> byPublicId = new ConcurrentHashMap<>();
  private final Map<String, Set<ActorRef<ClientSession.Command>>> byUser = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> perBackend = new ConcurrentHashMap<>();
  private final Map<RoomId, Integer> localRoomMembers = new ConcurrentHashMap<>();

  void register(SessionIdentity identity, SessionLine line) {
    ActorRef<ClientSession.Command> session = line.session();
    bySid.put(identity.sid(), line);
    byPublicId.put(identity.publicId(), line);
    if (!identity.userId().isEmpty()) {
      byUser.computeIfAbsent(userKey(identity.backendId(), identity.userId()), k -> ConcurrentHashMap.newKeySet()).add(session);
    }
    perBackend.computeIfAbsent(identity.backendId(), k -> new AtomicInteger()).incrementAndGet();
  }

  void unregister(SessionIdentity identity, SessionLine line) {
    ActorRef<ClientSession.Command> session = line.session();
    if (bySid.remove(identity.sid(), line)) {
      perBackend.get(identity.backendId()).decrementAndGet();
    }
    byPublicId.remove(identity.publicId(), line);
    if (!identity.userId().isEmpty()) {
      byUser.computeIfPresent(
          userKey(identity.backendId(), identity.userId()),
          (k, sessions) -> {
            sessions.remove(session);
            return sessions.isEmpty() ? null : sessions;
          });
    }
  }

  /** Every session on this node (a snapshot). */
  public java.util.Collection<ActorRef<ClientSession.Command>> all() {
    return bySid.values().stream().map(SessionLine::session).toList();
  }

  public Optional<ActorRef<ClientSession.Command>> bySid(long sid) {
    SessionLine line = bySid.get(sid);
    return line == null ? Optional.empty() : Optional.of(line.session());
  }

  /** Exact lookup for ids this node issued (room members are always addressed by those). */
  public ActorRef<ClientSession.Command> byPublicId(String publicId) {
    SessionLine line = byPublicId.get(publicId);
    return line == null ? null : line.session();
  }

  /** Where frames for that session go, or null if it is not on this node. */
  public SessionLine lineBySid(long sid) {
    return bySid.get(sid);
  }

  /** As {@link #lineBySid} by public id. */
  public SessionLine lineByPublicId(String publicId) {
    return byPublicId.get(publicId);
  }

  public Set<ActorRef<ClientSession.Command>> byUser(String backendId, String userId) {
    return byUser.getOrDefault(userKey(backendId, userId), Set.of());
  }

  void roomJoined(RoomId room) {
    localRoomMembers.merge(room, 1, Integer::sum);
  }

  void roomLeft(RoomId room) {
    localRoomMembers.computeIfPresent(room, (r, count) -> count <= 1 ? null : count - 1);
  }

  /** Rooms with at least one session on this node (the reference's "rooms" in /api/v1/stats). */
  public int roomCount() {
    return localRoomMembers.size();
  }

  public int sessionCount() {
    return bySid.size();
  }

  public int sessionCount(String backendId) {
    AtomicInteger count = perBackend.get(backendId);
    return count == null ? 0 : count.get();
  }

  private static String userKey(String backendId, String userId) {
    return backendId + '\u0000' + userId;
  }
}
