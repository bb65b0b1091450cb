package io.roomcluster.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The module's reference.conf: defaults and the serialization bindings it includes. */
class RoomSettingsTest {

  private static final Config REFERENCE = ConfigFactory.defaultReference();

  @Test
  void defaults() {
    assertEquals(new RoomSettings(100, Duration.ofSeconds(5), Duration.ofMinutes(2),
            Duration.ofSeconds(40)),
        RoomSettings.fromConfig(REFERENCE));
  }

  @Test
  void referenceConfIncludesTheSerializationBindings() {
    Config bindings = REFERENCE.getConfig("pekko.actor.serialization-bindings");
    assertEquals("jackson-cbor",
        bindings.getString("\"io.roomcluster.serialization.CborSerializable\""));
    assertEquals("jackson-json",
        bindings.getString("\"io.roomcluster.serialization.JsonSerializable\""));
    assertEquals(false, REFERENCE.getBoolean("pekko.actor.allow-java-serialization"));
  }

  @Test
  void roomsAreRememberedInDistributedDataWithoutDurableStorage() {
    assertEquals(List.of(), REFERENCE.getStringList("pekko.cluster.sharding.distributed-data.durable.keys"));
    assertEquals("ddata",
        REFERENCE.getString("pekko.cluster.sharding.remember-entities-store"));
  }

  @Test
  void reapDisconnectedAfterMustBePositive() {
    Config zero = ConfigFactory.parseString("roomcluster.room.reap-disconnected-after = 0s")
        .withFallback(REFERENCE);
    assertThrows(IllegalArgumentException.class, () -> RoomSettings.fromConfig(zero));
  }

  @Test
  void snapshotEveryMustBePositive() {
    Config zero = ConfigFactory.parseString("roomcluster.room.snapshot-every = 0")
        .withFallback(REFERENCE);
    assertThrows(IllegalArgumentException.class, () -> RoomSettings.fromConfig(zero));
  }
}
