package io.roomcluster.gateway.backend;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/** The part of Nextcloud's capabilities the signaling server cares about ({@code capabilities.spreed}). */
public record Capabilities(Set<String> features, JsonNode signalingConfig) {

  public static final Capabilities NONE = new Capabilities(Set.of(), null);

  static Capabilities fromOcs(JsonNode root) {
    JsonNode spreed = root.path("ocs").path("data").path("capabilities").path("spreed");
    if (spreed.isMissingNode()) {
      return NONE;
    }
    Set<String> features = new HashSet<>();
    spreed.path("features").forEach(f -> features.add(f.asText()));
    JsonNode signaling = spreed.path("config").path("signaling");
    return new Capabilities(Set.copyOf(features), signaling.isMissingNode() ? null : signaling);
  }

  public boolean has(String feature) {
    return features.contains(feature);
  }

  /** PEM (or raw base64 Ed25519) key that signs hello v2 tokens, if Nextcloud publishes one. */
  public String helloV2TokenKey() {
    return signalingConfig == null ? null : signalingConfig.path("hello-v2-token-key").asText(null);
  }
}
