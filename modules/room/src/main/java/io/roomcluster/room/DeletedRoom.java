package io.roomcluster.room;

/** Deleted by the backend. Final: every command except {@code GetState} is rejected. */
public enum DeletedRoom implements RoomState {
  INSTANCE;

  @Override
  public Phase phase() {
    return Phase.DELETED;
  }
}
