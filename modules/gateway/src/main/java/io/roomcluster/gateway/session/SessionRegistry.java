package io.roomcluster.gateway.session;

import io.roomcluster.gateway.cluster.NodeDelivery;
import io.roomcluster.room.RoomId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
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
  private final Map<Long, Forward> forwardsBySid = new ConcurrentHashMap<>();
  private final Map<String, Forward> forwardsByPublicId = new ConcurrentHashMap<>();
  private final Map<Long, Arrival> arrivals = new ConcurrentHashMap<>();

  /**
   * A session this node handed to another node: frames still addressed here (by peers whose
   * location cache or room record is not updated yet) follow it there until {@code untilNanos}.
   */
  public record Forward(long sid, String publicId, ActorRef<NodeDelivery.Command> node, long untilNanos) {}

  /**
   * A session being taken over from another node: frames that node forwards before the session
   * has started here wait in this buffer and are handed to the session when it starts.
   */
  public static final class Arrival {
    private record Buffered(String json, boolean located) {}

    private final List<Buffered> frames = new ArrayList<>();
    private SessionLine session;
    private Predicate<String> handedOverCopy = json -> false;
    private boolean cancelled;

    /** {@code located}: a copy of a "where is this session?" broadcast (see {@link #isHandedOverCopy}). */
    synchronized boolean offer(String json, boolean located) {
      if (cancelled) {
        return false;
      }
      if (session != null) {
        if (!(located && handedOverCopy.test(json))) {
          session.deliver(json);
        }
      } else if (frames.size() < MAX_ARRIVAL_FRAMES) {
        frames.add(new Buffered(json, located));
      }
      return true;
    }

    synchronized List<String> arrive(SessionLine session, Predicate<String> handedOverCopy) {
      this.session = session;
      this.handedOverCopy = handedOverCopy;
      List<String> buffered = new ArrayList<>(frames.size());
      for (Buffered frame : frames) {
        if (!(frame.located() && handedOverCopy.test(frame.json()))) {
          buffered.add(frame.json());
        }
      }
      frames.clear();
      return buffered;
    }

    synchronized void cancel() {
      cancelled = true;
      frames.clear();
    }
  }

  /**
   * The frames a session brought from its old node, remembered for a while after it started here.
   * A sender that does not know where a session is sends a copy to every node; the old node may
   * have queued its copy into the hand-over just as this node takes the session, and this node's
   * copy is then the same frame a second time.
   */
  private record HandedOver(List<String> frames, long untilNanos) {}

  private static final long HANDED_OVER_MEMORY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static final int MAX_ARRIVAL_FRAMES = 1000;

  private final Map<Long, HandedOver> handedOver = new ConcurrentHashMap<>();

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

  // ---------------------------------------------------------------- hand-over between nodes

  /** Called by a session that handed itself over to {@code node}: later frames follow it there. */
  void forward(SessionIdentity identity, ActorRef<NodeDelivery.Command> node, java.time.Duration window) {
    Forward forward = new Forward(identity.sid(), identity.publicId(), node, System.nanoTime() + window.toNanos());
    forwardsBySid.put(identity.sid(), forward);
    forwardsByPublicId.put(identity.publicId(), forward);
  }

  public Optional<Forward> forwardBySid(long sid) {
    return live(forwardsBySid.get(sid));
  }

  public Optional<Forward> forwardByPublicId(String publicId) {
    return live(forwardsByPublicId.get(publicId));
  }

  private static Optional<Forward> live(Forward forward) {
    return forward != null && System.nanoTime() - forward.untilNanos() < 0 ? Optional.of(forward) : Optional.empty();
  }

  /** Drops forwarding addresses past their window, and remembered hand-overs (called periodically). */
  public void purgeForwards() {
    long now = System.nanoTime();
    forwardsBySid.values().removeIf(f -> now - f.untilNanos() >= 0);
    forwardsByPublicId.values().removeIf(f -> now - f.untilNanos() >= 0);
    handedOver.values().removeIf(h -> now - h.untilNanos() >= 0);
  }

  /** A resume here is about to take this session over from another node. */
  public Arrival expectArrival(long sid) {
    Arrival arrival = new Arrival();
    arrivals.put(sid, arrival);
    // A session resumed here again is here, not forwarded from here.
    Forward stale = forwardsBySid.remove(sid);
    if (stale != null) {
      forwardsByPublicId.remove(stale.publicId(), stale);
    }
    return arrival;
  }

  /** The take-over failed: frames buffered for it are dropped. */
  public void cancelArrival(long sid, Arrival arrival) {
    arrival.cancel();
    arrivals.remove(sid, arrival);
  }

  /**
   * A frame for a session arriving here; false if none is expected. {@code located}: this node's
   * copy of a broadcast, dropped if the session brought the same frame along.
   */
  public boolean offerArrival(long sid, String json, boolean located) {
    Arrival arrival = arrivals.get(sid);
    return arrival != null && arrival.offer(json, located);
  }

  /** A session taken over from another node is about to start here with {@code frames} queued there. */
  void handedOver(long sid, List<String> frames) {
    if (!frames.isEmpty()) {
      handedOver.put(sid, new HandedOver(new ArrayList<>(frames), System.nanoTime() + HANDED_OVER_MEMORY_NANOS));
    }
  }

  /**
   * Whether {@code json}, this node's copy of a broadcast for session {@code sid}, is a frame the
   * session brought from its old node (each brought frame matches once). The rare cost: a sender
   * that broadcasts the very same frame again in that moment has it dropped here.
   */
  public boolean isHandedOverCopy(long sid, String json) {
    HandedOver brought = handedOver.get(sid);
    if (brought == null || System.nanoTime() - brought.untilNanos() >= 0) {
      return false;
    }
    synchronized (brought.frames()) {
      return brought.frames().remove(json);
    }
  }

  /** The taken-over session started: returns what was buffered for it, in order. */
  List<String> arrived(long sid, SessionLine session) {
    Arrival arrival = arrivals.remove(sid);
    return arrival == null ? List.of() : arrival.arrive(session, json -> isHandedOverCopy(sid, json));
  }

  /** Every session on this node with its Sid (a snapshot). */
  public java.util.List<java.util.Map.Entry<Long, SessionLine>> linesBySid() {
    return bySid.entrySet().stream().map(e -> java.util.Map.entry(e.getKey(), e.getValue())).toList();
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
