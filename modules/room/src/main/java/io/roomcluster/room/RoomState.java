package io.roomcluster.room;

import io.roomcluster.serialization.JsonSerializable;
import java.util.Collection;
import java.util.List;

/**
 * The state of a {@link RoomEntity}, one type per phase (the command handler has one table per
 * type): {@link EmptyRoom} (nothing persisted yet) → {@link ActiveRoom} (first join or properties
 * update) → {@link DeletedRoom} (final). Immutable: every change returns a new object, which keeps
 * snapshots (serialized asynchronously) safe.
 */
public sealed interface RoomState extends JsonSerializable permits EmptyRoom, ActiveRoom, DeletedRoom {

  enum Phase { EMPTY, ACTIVE, DELETED }

  Phase phase();

  /** Participants in join order; empty outside {@link ActiveRoom}. */
  default Collection<Participant> participantsInOrder() {
    return List.of();
  }

  default boolean hasParticipants() {
    return !participantsInOrder().isEmpty();
  }
}
