package io.roomcluster.gateway.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roomcluster.gateway.config.SignalingSettings;
import io.roomcluster.gateway.metrics.MetricRegistry;
import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.protocol.message.Json;
import io.roomcluster.room.RoomEntity;
import io.roomcluster.room.RoomId;
import io.roomcluster.room.RoomSnapshot;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Endpoints for operators, answered only to the client addresses in {@code
 * roomcluster.stats.allowed-ips} (anyone else gets {@code 403}):
 *
 * <ul>
 *   <li>{@code GET /api/v1/stats}: {@code {"rooms":N,"sessions":N}} of this node, as the reference
 *   <li>{@code GET /metrics}: Prometheus text format
 *   <li>{@code GET /api/v1/admin/room/{backend}/{token}}: the room's {@link RoomSnapshot}
 *       (participants with permissions, in-call flags and moderator mute, transient data)
 * </ul>
 *
 * <p>The client address is the TCP peer (the {@code remote-address} request attribute, so {@code
 * pekko.http.server.remote-address-attribute = on} is required), never {@code X-Forwarded-For} or
 * {@code X-Real-IP}: those headers are set by the client and would let anyone claim {@code
 * 127.0.0.1}. Behind a reverse proxy, allow the proxy's address and restrict these paths there.
 */
public final class OperatorRoutes extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(OperatorRoutes.class);

  private static final ContentType PROMETHEUS = ContentTypes.parse(MetricRegistry.CONTENT_TYPE);

  /** Two-space indent, {@code "key": value} and one array element per line, like Go's MarshalIndent. */
  private static final ObjectWriter PRETTY =
      Json.MAPPER.writer(
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private final SignalingSettings settings;
  private final Metrics metrics;
  private final ClusterSharding sharding;
  private final IpAllowList allowed;

  /**
   * @throws IllegalArgumentException if {@code settings.statsAllowedIps()} has an entry that is
   *     neither an IP address nor a CIDR range
   */
  public OperatorRoutes(ActorSystem<?> system, SignalingSettings settings, Metrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.sharding = ClusterSharding.get(system);
    this.allowed = IpAllowList.parse(settings.statsAllowedIps());
  }

  public Route route() {
    return concat(
        path(segment("api").slash("v1").slash("stats"), () -> get(() -> restricted(this::stats))),
        path("metrics", () -> get(() -> restricted(this::metrics))),
        path(
            segment("api").slash("v1").slash("admin").slash("room").slash(segment()).slash(segment()),
            (backend, token) -> get(() -> restricted(() -> room(backend, token)))));
  }

  private Route restricted(Supplier<Route> inner) {
    return optionalAttribute(
        AttributeKeys.remoteAddress,
        remote -> {
          Optional<InetAddress> ip = remote.flatMap(RemoteAddress::getAddress);
          if (ip.isPresent() && allowed.allows(ip.get())) {
            return inner.get();
          }
          return extractUri(uri -> {
            if (remote.isEmpty()) {
              log.warn("{} refused: the client address is unknown; set "
                  + "pekko.http.server.remote-address-attribute = on", uri.path());
            } else {
              log.debug("{} refused for {}", uri.path(), ip.map(InetAddress::getHostAddress).orElse("?"));
            }
            return complete(error(StatusCodes.FORBIDDEN, "forbidden",
                "this endpoint is only available to the addresses in roomcluster.stats.allowed-ips"));
          });
        });
  }

  private Route stats() {
    String body = "{\n  \"rooms\": " + metrics.roomCount() + ",\n  \"sessions\": " + metrics.sessionCount() + "\n}\n";
    return complete(json(StatusCodes.OK, body.getBytes(StandardCharsets.UTF_8)));
  }

  private Route metrics() {
    return complete(HttpResponse.create()
        .withEntity(HttpEntities.create(PROMETHEUS, metrics.render().getBytes(StandardCharsets.UTF_8))));
  }

  private Route room(String backend, String token) {
    RoomId roomId;
    try {
      roomId = new RoomId(backend, token);
    } catch (IllegalArgumentException e) {
      return complete(error(StatusCodes.BAD_REQUEST, "invalid_room", e.getMessage()));
    }
    Duration timeout = settings.roomAskTimeout();
    CompletionStage<RoomSnapshot> answer;
    try {
      answer = RoomEntity.entityRef(sharding, roomId).ask(RoomEntity.GetState::new, timeout);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return completeWithFuture(answer.handle((snapshot, failure) -> {
      if (failure == null) {
        return roomResponse(snapshot);
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      if (cause instanceof TimeoutException) {
        return error(StatusCodes.GATEWAY_TIMEOUT, "timeout",
            "room " + roomId + " did not answer within " + timeout.toMillis() + " ms");
      }
      log.warn("admin view of room {} failed", roomId, cause);
      return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal_error",
          "room " + roomId + " could not be read: " + cause.getMessage());
    }));
  }

  private static HttpResponse roomResponse(RoomSnapshot snapshot) {
    try {
      byte[] body = PRETTY.writeValueAsBytes(snapshot);
      byte[] withNewline = new byte[body.length + 1];
      System.arraycopy(body, 0, withNewline, 0, body.length);
      withNewline[body.length] = '\n';
      return json(StatusCodes.OK, withNewline);
    } catch (JsonProcessingException e) {
      log.warn("room snapshot of {} is not serializable", snapshot.roomId(), e);
      return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal_error", "room state could not be serialized");
    }
  }

  private static HttpResponse error(StatusCode status, String code, String message) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("error", code).put("message", message);
    return json(status, (body + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse json(StatusCode status, byte[] body) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }
}
