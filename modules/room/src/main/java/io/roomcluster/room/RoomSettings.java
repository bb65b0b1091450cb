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
 * @param reapDisconnectedAfter participants recorded at a node that is no longer a cluster member
 *     are removed after this long, unless they resumed on another node meanwhile; longer than the
 *     sessions' resume window
 */
public record RoomSettings(int snapshotEvery, Duration askTimeout, Duration passivateEmptyAfter,
    Duration reapDisconnectedAfter) {

  public RoomSettings {
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("roomcluster.room.snapshot-every must be >= 1");
    }
    if (reapDisconnectedAfter.isNegative() || reapDisconnectedAfter.isZero()) {
      throw new IllegalArgumentException("roomcluster.room.reap-disconnected-after must be > 0");
    }
  }

  public static RoomSettings fromConfig(Config config) {
    Config room = config.getConfig("roomcluster.room");
    return new RoomSettings(
        room.getInt("snapshot-every"),
        room.getDuration("ask-timeout"),
        room.getDuration("passivate-empty-after"),
        room.getDuration("reap-disconnected-after"));
  }
}
