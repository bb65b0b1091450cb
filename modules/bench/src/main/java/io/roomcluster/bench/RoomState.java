package io.roomcluster.bench;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roomcluster.protocol.backend.BackendServerRoomRequest;
import io.roomcluster.protocol.backend.InCallRequest;
import io.roomcluster.protocol.backend.ParticipantsRequest;
import io.roomcluster.protocol.message.Json;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rooms of a run and the Nextcloud side of them: which clients joined which room, and the
 * backend API requests ({@code incall}, {@code participants}) Nextcloud would send about them.
 * Every request carries a sequence number in the participants' {@code lastPing} (a field both
 * servers pass through to the clients), so the {@code participants}/{@code update} events can be
 * matched to the time their request was sent.
 */
final class RoomState {

  private static final long LAST_PING_BASE = 1_700_000_000L;
  private static final int RING = 1 << 18;

  final List<String> tokens = new ArrayList<>();
  final List<List<Conn>> members = new ArrayList<>();
  private final long[] sentAt = new long[RING];
  private final AtomicLong seq = new AtomicLong();
  private final Fleet fleet;
  private final Stats stats;

  RoomState(Fleet fleet, Stats stats) {
    this.fleet = fleet;
    this.stats = stats;
  }

  static String token(String prefix, int index, int roomSize) {
    return prefix + (index / roomSize);
  }

  /** Groups the joined clients by their room. */
  void collect(List<Conn> joined) {
    java.util.Map<String, List<Conn>> byRoom = new java.util.TreeMap<>();
    for (Conn c : joined) {
      byRoom.computeIfAbsent(c.roomId, k -> new ArrayList<>()).add(c);
    }
    byRoom.forEach((token, list) -> {
      tokens.add(token);
      members.add(list);
    });
  }

  int memberCount() {
    return members.stream().mapToInt(List::size).sum();
  }

  /**
   * Posts an {@code incall} (even sequence numbers) or {@code participants} (odd) request for
   * room {@code r}: one member (rotating) changes, {@code users} lists all members.
   *
   * @param latency HTTP latency name
   * @return the request, completing with the response
   */
  CompletableFuture<HttpResponse<String>> post(int r, boolean alternate, String latency) {
    long s = seq.getAndIncrement();
    List<Conn> list = members.get(r);
    Conn changedMember = list.get((int) (s / Math.max(1, tokens.size()) % list.size()));
    int flags = (s / 2) % 2 == 0 ? 7 : 3;
    List<ObjectNode> users = new ArrayList<>(list.size());
    ObjectNode changed = null;
    for (Conn c : list) {
      ObjectNode entry = entry(c, c == changedMember ? flags : 7, s);
      users.add(entry);
      if (c == changedMember) {
        changed = entry.deepCopy();
      }
    }
    boolean participants = alternate && s % 2 == 1;
    BackendServerRoomRequest request;
    if (participants) {
      changed.putArray("permissions").add("publish-audio").add("publish-video");
      request = new BackendServerRoomRequest("participants", null, null, null, null, null,
          new ParticipantsRequest(List.of(changed), users), null, null, null);
    } else {
      request = new BackendServerRoomRequest("incall", null, null, null, null,
          new InCallRequest(IntNode.valueOf(flags), null, List.of(changed), users), null, null, null, null);
    }
    byte[] body = Json.writeBytes(request);
    long start = System.nanoTime();
    sentAt[(int) (s & (RING - 1))] = start;
    stats.counter("events.expected").add(list.size());
    stats.inc(participants ? "api.participants" : "api.incall");
    return fleet.backendRequest(tokens.get(r), body).whenComplete((resp, error) -> {
      if (error != null) {
        stats.inc("errors.api_failed");
        if (stats.total("errors.api_failed") <= 3) {
          System.err.println("backend request failed: " + error);
        }
      } else if (resp.statusCode() != 200) {
        stats.inc("errors.api_status_" + resp.statusCode());
        if (stats.total("errors.api_status_" + resp.statusCode()) <= 3) {
          System.err.println("backend request answered " + resp.statusCode() + ": " + Scenario.abbreviate(resp.body()));
        }
      } else {
        stats.inc("api.ok");
        stats.latency(latency).recordNanos(System.nanoTime() - start);
      }
    });
  }

  private static ObjectNode entry(Conn c, int inCall, long s) {
    return JsonNodeFactory.instance.objectNode()
        .put("inCall", inCall)
        .put("lastPing", LAST_PING_BASE + s)
        .put("sessionId", c.ncSessionId)
        .put("nextcloudSessionId", c.ncSessionId)
        .put("participantType", 3)
        .put("participantPermissions", 254)
        .put("actorType", "users")
        .put("actorId", c.userId)
        .put("userId", c.userId);
  }

  /**
   * Handles a {@code participants} event: records the latency since its request was sent.
   *
   * @return true if it was one of ours
   */
  boolean onParticipantsEvent(String text, long now, String latency) {
    if (!text.contains("\"target\":\"participants\"")) {
      return false;
    }
    long lastPing = Frames.longAfter(text, "\"lastPing\":", 0);
    stats.inc("events.participants");
    if (lastPing >= LAST_PING_BASE) {
      long s = lastPing - LAST_PING_BASE;
      if (s < seq.get() && seq.get() - s < RING) {
        stats.latency(latency).recordNanos(now - sentAt[(int) (s & (RING - 1))]);
      }
    }
    return true;
  }
}
