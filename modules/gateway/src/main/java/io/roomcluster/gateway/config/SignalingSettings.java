package io.roomcluster.gateway.config;

import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Typed view of {@code roomcluster.*}. Built once at start; every problem is collected and
 * reported together so an operator fixes the config in one go.
 */
public record SignalingSettings(
    byte[] hashKey,
    byte[] blockKey,
    Duration resumeWindow,
    int resumeQueueLimit,
    byte[] internalSecret,
    Duration helloTimeout,
    Duration roomJoinTimeout,
    Duration pingInterval,
    Duration pongWait,
    int maxFrameSize,
    int outboundBuffer,
    int outboundHighWater,
    Duration writeStallTimeout,
    BackendSettings backend,
    Set<String> statsAllowedIps,
    boolean devBackendEnabled,
    String devBackendPath,
    Duration roomAskTimeout,
    Duration roomRelayRetryWindow,
    Duration roomBackendRequestDeadline,
    Duration roomPingInterval) {

  /** Placeholder values shipped in the reference's server.conf.in: refuse them. */
  private static final Set<String> PLACEHOLDERS =
      Set.of("the-secret-for-session-checksums", "-encryption-key-", "some-random-secret", "the-shared-secret-for-internal-clients");

  public static SignalingSettings fromConfig(Config root) {
    Config c = root.getConfig("roomcluster");
    List<String> errors = new ArrayList<>();

    String hash = c.getString("sessions.hash-key");
    String block = c.getString("sessions.block-key");
    if (hash.isEmpty()) {
      errors.add("roomcluster.sessions.hash-key is not set ([sessions] hashkey)");
    }
    if (!block.isEmpty() && !Set.of(16, 24, 32).contains(block.getBytes(StandardCharsets.UTF_8).length)) {
      errors.add("roomcluster.sessions.block-key must be 16, 24 or 32 bytes, is " + block.length());
    }
    for (String secret : List.of(hash, block, c.getString("clients.internal-secret"))) {
      if (PLACEHOLDERS.contains(secret)) {
        errors.add("the placeholder '" + secret + "' from the sample config must be replaced by a random value");
      }
    }
    Duration pingInterval = c.getDuration("clients.ping-interval");
    Duration pongWait = c.getDuration("clients.pong-wait");
    if (!pongWait.isZero() && (pingInterval.isZero() || pongWait.compareTo(pingInterval) <= 0)) {
      errors.add("roomcluster.clients.pong-wait (" + pongWait + ") must be longer than clients.ping-interval ("
          + pingInterval + "): a quiet client would be cut off before it was pinged");
    }
    BackendSettings backend = BackendSettings.fromConfig(c.getConfig("backend"), errors);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid configuration:\n  - " + String.join("\n  - ", errors));
    }
    return new SignalingSettings(
        hash.getBytes(StandardCharsets.UTF_8),
        block.isEmpty() ? null : block.getBytes(StandardCharsets.UTF_8),
        c.getDuration("sessions.resume-window"),
        c.getInt("sessions.resume-queue-limit"),
        c.getString("clients.internal-secret").getBytes(StandardCharsets.UTF_8),
        c.getDuration("clients.hello-timeout"),
        c.getDuration("clients.room-join-timeout"),
        pingInterval,
        pongWait,
        Math.toIntExact(c.getBytes("clients.max-frame-size")),
        c.getInt("clients.outbound-buffer"),
        c.getInt("clients.outbound-high-water"),
        c.getDuration("clients.write-stall-timeout"),
        backend,
        Set.copyOf(c.getStringList("stats.allowed-ips")),
        c.getBoolean("dev-backend.enabled"),
        c.getString("dev-backend.path"),
        c.getDuration("room.ask-timeout"),
        c.getDuration("room.relay-retry-window"),
        c.getDuration("room.backend-request-deadline"),
        c.getDuration("backend.room-ping-interval"));
  }

  public boolean internalClientsEnabled() {
    return internalSecret.length > 0;
  }
}
