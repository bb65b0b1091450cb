package io.roomcluster.room;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The {@code roomcluster.room} config section (defaults in this module's {@code reference.conf}).
 *
 * @param snapshotEvery snapshot after this many events (two snapshots are kept)
 * @param askTimeout how long edge code waits for a room's reply
 * @param passivateEmptyAfter an entity whose room has no participants stops after being idle this
 *     long (rooms with participants are never passivated automatically)
 */
public record RoomSettings(int snapshotEvery, Duration askTimeout, Duration passivateEmptyAfter) {

  public RoomSettings {
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("roomcluster.room.snapshot-every must be >= 1");
    }
  }

  public static RoomSettings fromConfig(Config config) {
    Config room = config.getConfig("roomcluster.room");
    return new RoomSettings(
        room.getInt("snapshot-every"),
        room.getDuration("ask-timeout"),
        room.getDuration("passivate-empty-after"));
  }
}
