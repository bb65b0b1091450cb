package io.roomcluster.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SignalingSettingsTest {

  private static SignalingSettings settings(String overrides) {
    return SignalingSettings.fromConfig(
        ConfigFactory.parseString("roomcluster.sessions.hash-key = \"0123456789abcdef\"\n"
                + "roomcluster.backend { allow-all = on, secret = \"a-secret-for-the-test\" }\n" + overrides)
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  @Test
  void pingsAfter54sAndCutsOffAfter60sByDefaultLikeTheReference() {
    SignalingSettings settings = settings("");
    assertEquals(Duration.ofSeconds(54), settings.pingInterval());
    assertEquals(Duration.ofSeconds(60), settings.pongWait());
  }

  @Test
  void aPongWaitNotLongerThanThePingIntervalIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> settings("roomcluster.clients.pong-wait = 54s"));
    assertTrue(e.getMessage().contains("roomcluster.clients.pong-wait"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> settings("roomcluster.clients.ping-interval = 0s\nroomcluster.clients.pong-wait = 60s"));
    assertEquals(Duration.ZERO, settings("roomcluster.clients.pong-wait = 0s").pongWait(), "0s turns the deadline off");
  }
}
