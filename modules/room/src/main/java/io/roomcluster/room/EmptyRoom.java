package io.roomcluster.room;

/** A room nothing was ever persisted for: accepts a first join or properties update. */
public enum EmptyRoom implements RoomState {
  INSTANCE;

  @Override
  public Phase phase() {
    return Phase.EMPTY;
  }
}
