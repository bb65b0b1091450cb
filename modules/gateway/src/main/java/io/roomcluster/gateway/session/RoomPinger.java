package io.roomcluster.gateway.session;

import io.roomcluster.gateway.backend.NextcloudClient;
import io.roomcluster.gateway.config.BackendSettings.Backend;
import io.roomcluster.protocol.backend.BackendClientRequest;
import io.roomcluster.protocol.backend.PingEntry;
import io.roomcluster.room.RoomId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Keeps the Nextcloud sessions of this node's room members alive: every interval (10 s, as the
 * reference) one {@code ping} request per room and Nextcloud, listing the members connected here,
 * in chunks of at most 200 entries (Talk's default {@code session-ping-limit}).
 */
public final class RoomPinger {

  static final int MAX_ENTRIES = 200;

  /** One member as Nextcloud knows it, and where its room's requests go. */
  public record Member(Backend backend, String authUrl, RoomId room, String userId, String roomSessionId) {}

  private final NextcloudClient nextcloud;
  private final Map<Long, Member> members = new ConcurrentHashMap<>();

  public RoomPinger(ActorSystem<?> system, NextcloudClient nextcloud, Duration interval) {
    this.nextcloud = nextcloud;
    system.scheduler().scheduleAtFixedRate(interval, interval, this::pingAll, system.executionContext());
  }

  public void joined(long sid, Member member) {
    members.put(sid, member);
  }

  public void left(long sid) {
    members.remove(sid);
  }

  private void pingAll() {
    Map<String, List<Member>> byRoomAndUrl = new LinkedHashMap<>();
    for (Member member : members.values()) {
      byRoomAndUrl.computeIfAbsent(member.room().entityId() + "\u0000" + member.authUrl(), k -> new ArrayList<>()).add(member);
    }
    for (List<Member> room : byRoomAndUrl.values()) {
      Member first = room.get(0);
      for (int from = 0; from < room.size(); from += MAX_ENTRIES) {
        List<PingEntry> entries =
            room.subList(from, Math.min(room.size(), from + MAX_ENTRIES)).stream()
                .map(m -> new PingEntry(m.userId(), m.roomSessionId()))
                .toList();
        nextcloud
            .backendRequest(first.authUrl(), first.backend(), BackendClientRequest.ping(first.room().token(), entries))
            .whenComplete((response, failure) -> { /* counted in the backend request metrics */ });
      }
    }
  }
}
