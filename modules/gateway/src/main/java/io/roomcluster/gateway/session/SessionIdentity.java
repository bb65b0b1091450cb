package io.roomcluster.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.gateway.config.BackendSettings.Backend;
import java.util.List;

/**
 * Who a session is, fixed at hello: ids, the backend it authenticated against, its user and
 * client type. {@code authUrl} is where room and ping requests for this session go.
 */
public record SessionIdentity(
    long sid,
    String publicId,
    String privateId,
    Backend backend,
    String authUrl,
    String userId,
    JsonNode user,
    ClientType clientType,
    List<String> features) {

  public enum ClientType {
    CLIENT,
    INTERNAL
  }

  public String backendId() {
    return backend.id();
  }

  public boolean isInternal() {
    return clientType == ClientType.INTERNAL;
  }

  /** Guests have no user id; they must join a room soon after hello. */
  public boolean isGuest() {
    return userId.isEmpty() && !isInternal();
  }
}
