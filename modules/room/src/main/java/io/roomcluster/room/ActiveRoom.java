package io.roomcluster.room;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A room in use. The maps are unmodifiable copies; every {@code with...} returns a new room.
 *
 * @param properties the room properties last sent by the backend (opaque JSON; {@code null} until
 *     known)
 * @param participants by public session id, in join order
 * @param transientData by key, sorted; may contain expired entries until the next transient change
 *     (reads go through {@link #transientDataAt(long)})
 */
public record ActiveRoom(
    JsonNode properties,
    Map<String, Participant> participants,
    Map<String, TransientEntry> transientData,
    Map<String, MuteState> moderatorMutes)
    implements RoomState {

  /** Prefix of the per-session transient keys that vanish when that session leaves. */
  public static final String SESSION_DATA_PREFIX = "sd:";

  public ActiveRoom {
    properties = JsonValues.orNull(properties);
    participants = participants == null || participants.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(participants));
    transientData = transientData == null || transientData.isEmpty()
        ? Collections.emptySortedMap()
        : Collections.unmodifiableSortedMap(new TreeMap<>(transientData));
    // Absent in snapshots written before moderator mutes outlived a leave: none.
    moderatorMutes = moderatorMutes == null || moderatorMutes.isEmpty()
        ? Collections.emptySortedMap()
        : Collections.unmodifiableSortedMap(new TreeMap<>(moderatorMutes));
  }

  /** The state before this field existed; keeps older call sites and tests readable. */
  public ActiveRoom(JsonNode properties, Map<String, Participant> participants, Map<String, TransientEntry> transientData) {
    this(properties, participants, transientData, Map.of());
  }

  static ActiveRoom initial() {
    return new ActiveRoom(null, Map.of(), Map.of(), Map.of());
  }

  /**
   * Who a moderator mute applies to beyond one session: the Nextcloud user, or for guests the
   * Nextcloud room session. A muted participant who leaves and joins again stays muted.
   */
  static String muteKey(Participant participant) {
    return participant.userId() != null && !participant.userId().isEmpty()
        ? "user:" + participant.userId()
        : "session:" + participant.roomSessionId();
  }

  /** The mute a moderator imposed on whoever {@code participant} is, if any. */
  public MuteState moderatorMuteFor(Participant participant) {
    return moderatorMutes.getOrDefault(muteKey(participant), MuteState.NONE);
  }

  ActiveRoom withModeratorMute(String sessionId, MuteState mute) {
    Participant target = participants.get(sessionId);
    if (target == null) {
      return this;
    }
    Map<String, MuteState> mutes = new TreeMap<>(moderatorMutes);
    if (mute.equals(MuteState.NONE)) {
      mutes.remove(muteKey(target));
    } else {
      mutes.put(muteKey(target), mute);
    }
    Map<String, Participant> next = new LinkedHashMap<>(participants);
    next.put(sessionId, target.withMute(mute));
    return new ActiveRoom(properties, next, transientData, mutes);
  }

  @Override
  public Phase phase() {
    return Phase.ACTIVE;
  }

  @Override
  public Collection<Participant> participantsInOrder() {
    return participants.values();
  }

  /** The participant with that public session id, or {@code null}. */
  public Participant participant(String sessionId) {
    return sessionId == null ? null : participants.get(sessionId);
  }

  /** The transient data as clients should see it at {@code nowEpochMillis}. */
  public Map<String, TransientEntry> transientDataAt(long nowEpochMillis) {
    Map<String, TransientEntry> live = new TreeMap<>();
    transientData.forEach((key, entry) -> {
      if (!entry.expiredAt(nowEpochMillis)) {
        live.put(key, entry);
      }
    });
    return Collections.unmodifiableMap(live);
  }

  /** The unexpired entry for {@code key}, or {@code null}. */
  public TransientEntry transientEntry(String key, long nowEpochMillis) {
    TransientEntry entry = transientData.get(key);
    return entry == null || entry.expiredAt(nowEpochMillis) ? null : entry;
  }

  // ---- changes, called by the event handler only ------------------------------------------

  ActiveRoom withProperties(JsonNode newProperties) {
    return new ActiveRoom(newProperties, participants, transientData, moderatorMutes);
  }

  /** Adds the participant, or replaces the one with the same session id (keeping its position). */
  ActiveRoom withParticipant(Participant participant) {
    Map<String, Participant> next = new LinkedHashMap<>(participants);
    next.put(participant.sessionId(), participant);
    return new ActiveRoom(properties, next, transientData, moderatorMutes);
  }

  ActiveRoom withoutParticipant(String sessionId) {
    Map<String, Participant> next = new LinkedHashMap<>(participants);
    next.remove(sessionId);
    Map<String, TransientEntry> data;
    if (next.isEmpty()) {
      data = Map.of();
    } else {
      data = new TreeMap<>(transientData);
      data.remove(SESSION_DATA_PREFIX + sessionId);
    }
    return new ActiveRoom(properties, next, data, moderatorMutes);
  }

  ActiveRoom updateParticipant(String sessionId, UnaryOperator<Participant> change) {
    Participant current = participants.get(sessionId);
    return current == null ? this : withParticipant(change.apply(current));
  }

  ActiveRoom withAllInCall(int inCall) {
    Map<String, Participant> next = new LinkedHashMap<>(participants);
    next.replaceAll((id, p) -> p.withInCall(inCall));
    return new ActiveRoom(properties, next, transientData, moderatorMutes);
  }

  ActiveRoom withUpdates(List<ParticipantUpdate> updates) {
    Map<String, Participant> next = new LinkedHashMap<>(participants);
    for (ParticipantUpdate update : updates) {
      next.computeIfPresent(update.sessionId(), (id, p) -> update.applyTo(p));
    }
    return new ActiveRoom(properties, next, transientData, moderatorMutes);
  }

  /** Sets ({@code entry != null}) or removes {@code key}, dropping what had expired by {@code at}. */
  ActiveRoom withTransient(String key, TransientEntry entry, long atEpochMillis) {
    Map<String, TransientEntry> next = new TreeMap<>(transientDataAt(atEpochMillis));
    if (entry == null) {
      next.remove(key);
    } else {
      next.put(key, entry);
    }
    return new ActiveRoom(properties, participants, next, moderatorMutes);
  }
}
